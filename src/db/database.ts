/**
 * The database handle: knex over embedded PGlite (default, files under DATA_DIR) or over a
 * PostgreSQL server (DATABASE_URL). Both run the same migrations and the same repositories.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import knexModule, { type Knex } from 'knex';
import ClientPgLite from 'knex-pglite';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { migrationSource } from './migrations';

export type DatabaseEngine = 'pglite' | 'postgres';

export interface Database {
  knex: Knex;
  engine: DatabaseEngine;
  /** One round trip: proves the database answers. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export type DatabaseOptions =
  | { engine: 'postgres'; url: string; /** Schema to use instead of public (test isolation). */ schema?: string }
  | { engine: 'pglite'; /** Directory for the data files; in memory when absent. */ directory?: string };

// COUNT(*) and bigint columns arrive as strings from node-postgres; our values fit in a double.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

export function openDatabase(options: DatabaseOptions): Database {
  const knex = options.engine === 'postgres' ? openPostgres(options.url, options.schema) : openPglite(options.directory);
  return {
    knex,
    engine: options.engine,
    ping: async () => {
      await knex.raw('select 1');
    },
    close: () => knex.destroy(),
  };
}

function openPostgres(url: string, schema?: string): Knex {
  return knexModule.knex({
    client: 'pg',
    connection: url,
    searchPath: schema ? [schema] : undefined,
    pool: { min: 0, max: 10 },
  });
}

function openPglite(directory?: string): Knex {
  if (directory) mkdirSync(directory, { recursive: true });
  const pglite = new PGlite(directory);
  // A new 16 MB WAL segment is otherwise zero-filled a block at a time, and PGlite's in-memory files grow by
  // copying themselves: that held one commit in ~200 ms every 16 MB of WAL. Queued before any other statement.
  void pglite.exec('set wal_init_zero = off');
  return knexModule.knex({
    client: ClientPgLite,
    dialect: 'postgres',
    connection: { pglite } as never,
  });
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
