import { afterEach, describe, expect, it } from 'vitest';
import { migrateDownAll, migrateToLatest } from '../../src/db/database';
import { migrationSource } from '../../src/db/migrations';
import { testDatabases, type TestDatabase } from '../helpers/database';

/** The foundation's tables; later migrations add more. */
const coreTables = ['api_keys', 'depots', 'drivers', 'order_events', 'orders', 'users', 'vehicles'];

async function tables(database: TestDatabase): Promise<string[]> {
  const result = await database.knex.raw<{ rows: { table_name: string }[] }>(
    "select table_name from information_schema.tables where table_schema = current_schema() and table_name not like 'knex_%' order by 1",
  );
  return result.rows.map((row) => row.table_name);
}

describe.each(testDatabases())('migrations on $engine', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  it('creates every table, drops them all on the way down, and comes back up', async () => {
    database = await backend.open({ migrate: false });
    expect(await tables(database)).toEqual([]);
    await migrateToLatest(database.knex);
    const all = await tables(database);
    expect(all).toEqual(expect.arrayContaining(coreTables));
    await migrateDownAll(database.knex);
    expect(await tables(database)).toEqual([]);
    await migrateToLatest(database.knex);
    expect(await tables(database)).toEqual(all);
  });

  it('is idempotent: running latest twice applies nothing the second time', async () => {
    database = await backend.open();
    await migrateToLatest(database.knex);
    const rows = await database.knex('knex_migrations').select('name').orderBy('id');
    expect(rows.map((row) => row.name)).toEqual(await migrationSource.getMigrations([]));
    expect(rows[0]!.name).toBe('001_fleet');
  });
});
