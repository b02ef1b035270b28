/**
 * Loaded into the service by benchmarks/soak.ts (`node --import`): answers its parent's IPC questions with the
 * process's memory, or writes a heap snapshot into a folder and answers the file's path. Nothing else.
 */
import { join } from 'node:path';
import { writeHeapSnapshot } from 'node:v8';

process.on('message', (message) => {
  if (message === 'memory') process.send?.(process.memoryUsage());
  else if (typeof message === 'string' && message.startsWith('snapshot ')) {
    process.send?.(writeHeapSnapshot(join(message.slice('snapshot '.length), `soak-${Date.now()}.heapsnapshot`)));
  }
});
// The IPC channel must not keep the service alive once it shuts down.
process.channel?.unref();
