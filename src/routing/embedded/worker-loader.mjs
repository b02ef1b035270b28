// Worker threads do not inherit tsx's loader: register it on this thread, then load the TypeScript entry.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// Routing for plans is background work, as solving is: on Linux this thread's nice value (pid 0 = this thread)
// lets the HTTP event loop have a core first.
if (process.platform === 'linux') setPriority(0, 10);

register();
const { default: routingTask } = await import('./worker.ts');

export default routingTask;
