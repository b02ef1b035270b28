// Worker threads do not inherit tsx's loader: register it on this thread, then load the TypeScript entry.
import { setPriority } from 'node:os';
import { register } from 'tsx/esm/api';

// Solving is background work: on Linux a nice value is per thread (pid 0 = this thread), so a busy pool
// yields the CPU to the HTTP event loop. Elsewhere this lowers the process' priority, so it is Linux only.
if (process.platform === 'linux') setPriority(0, 10);

register();
const { default: solveTask, solveVerified } = await import('./worker.ts');

export default solveTask;
export { solveVerified };
