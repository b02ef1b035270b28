/**
 * `npm start`: the service on the system's clock (or, with DEMO=1, the demo day's), from the environment.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 */
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig, type Config } from './config';
import { startLastmile } from './service';

/**
 * V8 lets its old generation grow to up to 4× what survived the last full collection before collecting again (on a
 * machine with memory to spare). Under steady traffic, request garbage that outlived the young generation then swung
 * the service's RSS by 150–200 MB in cycles of minutes: the soak's "growth" with a flat live heap. Collecting at 1.3×
 * keeps RSS with what is live. (Node refuses it in NODE_OPTIONS; set here, it holds for every way the service starts,
 * unless node was started with its own `--heap-growing-percent`: 0 is V8's default.)
 */
if (!process.execArgv.some((flag) => flag.startsWith('--heap-growing-percent'))) setFlagsFromString('--heap-growing-percent=30');

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(1);
  }
  const service = await startLastmile(config);
  const shutdown = () => void service.stop().then(() => process.exit(0));
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
