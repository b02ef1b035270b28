import { afterEach, describe, expect, it } from 'vitest';
import { migrateDownAll, migrateToLatest } from '../../src/db/database';
import { testDatabases, type TestDatabase } from '../helpers/database';

const expectedTables = ['api_keys', 'depots', 'drivers', 'order_events', 'orders', 'users', 'vehicles'];

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
    expect(await tables(database)).toEqual(expectedTables);
    await migrateDownAll(database.knex);
    expect(await tables(database)).toEqual([]);
    await migrateToLatest(database.knex);
    expect(await tables(database)).toEqual(expectedTables);
  });

  it('is idempotent: running latest twice applies nothing the second time', async () => {
    database = await backend.open();
    await migrateToLatest(database.knex);
    const rows = await database.knex('knex_migrations').select('name').orderBy('id');
    expect(rows.map((row) => row.name)).toEqual(['001_fleet', '002_orders']);
  });
});
