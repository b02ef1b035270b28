/**
 * The backends the database suites run on: PGlite in memory always, and the PostgreSQL server at
 * TEST_DATABASE_URL when set (CI sets it). On PostgreSQL each opened database gets its own fresh
 * schema, so test files run in parallel without seeing each other's rows.
 */
import { randomBytes } from 'node:crypto';
import knexModule from 'knex';
import { migrateToLatest, openDatabase, type Database, type DatabaseEngine } from '../../src/db/database';

export interface TestBackend {
  engine: DatabaseEngine;
  /** Opens a fresh, empty, migrated database. */
  open(options?: { migrate?: boolean }): Promise<TestDatabase>;
}

export interface TestDatabase extends Database {
  /** Closes the connection and drops the test schema. */
  dispose(): Promise<void>;
}

export function testDatabases(): TestBackend[] {
  const backends: TestBackend[] = [{ engine: 'pglite', open: openPgliteTestDatabase }];
  const url = process.env.TEST_DATABASE_URL;
  if (url) backends.push({ engine: 'postgres', open: (options) => openPostgresTestDatabase(url, options) });
  return backends;
}

async function openPgliteTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const database = openDatabase({ engine: 'pglite' });
  if (options.migrate !== false) await migrateToLatest(database.knex);
  return { ...database, dispose: () => database.close() };
}

async function openPostgresTestDatabase(url: string, options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  const schema = `test_${randomBytes(6).toString('hex')}`;
  const admin = knexModule.knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } });
  await admin.raw('create schema ??', [schema]);
  const database = openDatabase({ engine: 'postgres', url, schema });
  if (options.migrate !== false) await migrateToLatest(database.knex);
  return {
    ...database,
    dispose: async () => {
      await database.close();
      await admin.raw('drop schema ?? cascade', [schema]);
      await admin.destroy();
    },
  };
}
