/**
 * Loaded into the service by benchmarks/soak.ts (`node --import`): answers its parent's IPC questions with the
 * process's memory, writes a heap snapshot into a folder and answers the file's path, or samples allocations.
 * Nothing else.
 *
 * Heap snapshots hold only what is alive, so they cannot show garbage that survives the young generation and fills
 * the old one until the next full collection (the heap's sawtooth). The allocation sampler can: started with
 * `includeObjectsCollectedByMajorGC`, it keeps the samples a full collection freed, and so names the code whose
 * objects are promoted and then die.
 */
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { writeHeapSnapshot } from 'node:v8';

const inspector = new Session();
/** Time the main thread spent in garbage collection pauses, and how many full collections there were. */
const gc = { pauseMs: 0, full: 0 };
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) {
    gc.pauseMs += entry.duration;
    if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) gc.full++;
  }
}).observe({ entryTypes: ['gc'] });

process.on('message', (message) => {
  if (message === 'memory') process.send?.({ ...process.memoryUsage(), gcPauseMs: gc.pauseMs, fullGcs: gc.full });
  else if (typeof message === 'string' && message.startsWith('snapshot ')) {
    process.send?.(writeHeapSnapshot(join(message.slice('snapshot '.length), `soak-${Date.now()}.heapsnapshot`)));
  } else if (message === 'allocations start') {
    inspector.connect();
    void inspector
      .post('HeapProfiler.startSampling', { samplingInterval: 32 * 1024, includeObjectsCollectedByMajorGC: true })
      .then(() => process.send?.('started'));
  } else if (message === 'allocations stop') {
    void inspector.post('HeapProfiler.stopSampling').then(({ profile }) => {
      inspector.disconnect();
      process.send?.(profile);
    });
  }
});
// The IPC channel must not keep the service alive once it shuts down.
process.channel?.unref();
