/**
 * `npm start`: the service on the system's clock (or, with DEMO=1, the demo day's), from the environment.
 * SIGTERM/SIGINT stop accepting connections, let in-flight requests finish, then close the database.
 */
import { ConfigError, loadConfig, type Config } from './config';
import { startLastmile } from './service';

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
