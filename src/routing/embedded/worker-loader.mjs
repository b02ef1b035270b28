// Worker threads do not inherit tsx's loader: register it on this thread, then load the TypeScript entry.
import { register } from 'tsx/esm/api';

register();
const { default: routingTask } = await import('./worker.ts');

export default routingTask;
