/**
 * The database handle: knex over embedded PGlite (default, files under DATA_DIR) or over a
 * PostgreSQL server (DATABASE_URL). Both run the same migrations and the same repositories.
 */
import { join } from 'node:path';
import knexModule, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { claimDataDirectory, DatabaseStartError, fileError } from './faults';
import { migrationSource } from './migrations';

export type DatabaseEngine = 'pglite' | 'postgres';

export interface Database {
  knex: Knex;
  engine: DatabaseEngine;
  /** One round trip: proves the database answers. */
  ping(): Promise<void>;
  /** Resolves once the database has started; PGlite's start failures name DATA_DIR and the cause (DatabaseStartError). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | {
      engine: 'postgres';
      url: string;
      /** Schema to use instead of public (test isolation). */
      schema?: string;
      /** Where knex's own warnings go (a dropped connection, for one); they are not printed otherwise. */
      onWarning?: (message: string) => void;
    }
  | { engine: 'pglite'; /** Directory for the data files; in memory when absent. */ directory?: string };

// COUNT(*) and bigint columns arrive as strings from node-postgres; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openDatabase(options: DatabaseOptions): Database {
  if (options.engine === 'postgres') {
    const knex = openPostgres(options.url, options.schema, options.onWarning);
    const ping = async () => {
      await knex.raw('select 1');
    };
    return { knex, engine: 'postgres', ping, ready: ping, close: () => knex.destroy() };
  }
  const { knex, started, release } = openPglite(options.directory);
  return {
    knex,
    engine: 'pglite',
    ping: async () => {
      await knex.raw('select 1');
    },
    ready: () => started,
    close: async () => {
      await knex.destroy();
      release();
    },
  };
}

function openPostgres(url: string, schema?: string, onWarning: (message: string) => void = () => {}): Knex {
  return knexModule.knex({
    log: { warn: onWarning, error: onWarning, deprecate: onWarning, debug: () => {} },
    client: 'pg',
    // A server that is gone (network down) fails a connect in 5 s instead of the OS's minutes; knex's pg client
    // already listens for 'error' on each connection and drops a terminated one from the pool.
    connection: { connectionString: url, connectionTimeoutMillis: 5000, keepAlive: true },
    searchPath: schema ? [schema] : undefined,
    pool: { min: 0, max: 10 },
    // While the database is away, a request waits this long for a connection before answering 503.
    acquireConnectionTimeout: 10_000,
  });
}

function openPglite(directory?: string): { knex: Knex; started: Promise<void>; release: () => void } {
  const release = directory ? claimDataDirectory(directory) : () => {};
  const pglite = new PGlite(directory);
  const started = pglite.waitReady.catch((cause: unknown) => {
    release();
    if (!directory) throw cause;
    // PGlite says only "failed to initialize properly"; the file system's error, when there is one, says why.
    if ((cause as NodeJS.ErrnoException | null)?.code) throw fileError(directory, cause);
    throw new DatabaseStartError(directory, 'failed', `PGlite failed to start (${cause instanceof Error ? cause.message : String(cause)})`, { cause });
  });
  // Awaited by ready(); without a catch here an early failure would also surface as an unhandled rejection.
  started.catch(() => {});
  // A new 16 MB WAL segment is otherwise zero-filled a block at a time, and PGlite's in-memory files grow by
  // copying themselves: that held one commit in ~200 ms every 16 MB of WAL. Queued before any other statement.
  pglite.exec('set wal_init_zero = off').catch(() => {});
  const knex = knexModule.knex({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: { pglite } as never,
  });
  return { knex, started, release };
}

export function pgliteDirectory(dataDir: string): string {
  return join(dataDir, 'pglite');
}

export async function migrateToLatest(knex: Knex): Promise<void> {
  await knex.migrate.latest({ migrationSource });
}

export async function migrateDownAll(knex: Knex): Promise<void> {
  await knex.migrate.rollback({ migrationSource }, true);
}
