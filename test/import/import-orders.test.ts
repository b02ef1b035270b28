import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { importOrders } from '../../src/commands/import-orders';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { OrdersRepository } from '../../src/db/repos/orders.repo';
import { OrderEventsRepository } from '../../src/db/repos/order-events.repo';
import { repositories } from '../../src/db/repositories';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { chunked } from './fixtures';

const HEADER = 'external_ref,customer_name,address,lon,lat,window_start,window_end,weight_kg';
const line = (ref: string, name = `Customer ${ref}`, weightKg = '1.5') =>
  `${ref},${name},Hauptstraße 1,8.69,49.41,2026-11-24T09:00:00+01:00,2026-11-24T12:00:00+01:00,${weightKg}`;
const csv = (...lines: string[]) => [HEADER, ...lines].join('\n') + '\n';

describe.each(testDatabases())('importOrders on $engine', (backend) => {
  let database: TestDatabase;
  const events = new EventBus();
  beforeAll(async () => {
    database = await backend.open();
  });
  afterAll(async () => {
    await database.dispose();
  });

  const run = (source: string, text: string, batchRows?: number) =>
    importOrders({ db: database.knex, events, clock: systemClock }, { source, format: 'csv', body: chunked(text, [97]) }, { ...systemPrincipal, actor: 'user:1' }, batchRows);

  it('creates orders with a "created" event each, across several batches', async () => {
    const refs = Array.from({ length: 23 }, (_, index) => `A${index}`);
    const result = await run('shop', csv(...refs.map((ref) => line(ref))), 5);
    expect(result).toEqual({ created: 23, updated: 0, unchanged: 0, rejected: [] });

    const order = await new OrdersRepository(database.knex).findBySourceRef('shop', 'A7');
    expect(order).toMatchObject({ status: 'received', customerName: 'Customer A7', demand: { weightKg: 1.5, volumeL: 0, items: 1 } });
    const orderEvents = await new OrderEventsRepository(database.knex).listForOrder(order!.id);
    expect(orderEvents).toMatchObject([{ type: 'created', actor: 'user:1', toStatus: 'received' }]);
  });

  it('is idempotent: the same file again creates nothing, a changed row is updated', async () => {
    const text = csv(line('B1'), line('B2'), line('B3'));
    const eventCount = async () => {
      const [{ count }] = (await database.knex('order_events').join('orders', 'orders.id', 'order_events.order_id').where('orders.source', 'idem').count({ count: '*' })) as [{ count: number }];
      return Number(count);
    };
    expect(await run('idem', text)).toMatchObject({ created: 3 });
    expect(await run('idem', text)).toEqual({ created: 0, updated: 0, unchanged: 3, rejected: [] });
    expect(await eventCount()).toBe(3);
    expect(await run('idem', csv(line('B1'), line('B2', 'Renamed'), line('B3')))).toEqual({ created: 0, updated: 1, unchanged: 2, rejected: [] });
    expect(await eventCount()).toBe(4);
    // The same references under another source are other orders.
    expect(await run('other-shop', text)).toMatchObject({ created: 3 });
    const [{ count }] = (await database.knex('orders').whereIn('source', ['idem', 'other-shop']).count({ count: '*' })) as [{ count: number }];
    expect(Number(count)).toBe(6);
  });

  it('lands valid rows around rejected ones and rejects a repeated reference, in file order', async () => {
    const result = await run('mixed', csv(line('C1'), line('C2', 'x', 'heavy'), line('C3'), line('C1', 'Again'), line('C4')), 2);
    expect(result).toEqual({
      created: 3,
      updated: 0,
      unchanged: 0,
      rejected: [
        { row: 2, field: 'weight_kg', message: 'must be a number, got "heavy"' },
        { row: 4, field: 'external_ref', message: 'repeats "C1" of row 1; only the first is imported' },
      ],
    });
    expect((await new OrdersRepository(database.knex).findBySourceRef('mixed', 'C1'))!.customerName).toBe('Customer C1');
  });

  it('leaves orders that are already planned alone and says so', async () => {
    await run('locked', csv(line('D1'), line('D2')));
    const orders = new OrdersRepository(database.knex);
    const planned = (await orders.findBySourceRef('locked', 'D1'))!;
    await orders.setStatusMany([planned.id], 'planned');

    const result = await run('locked', csv(line('D1', 'Changed'), line('D2', 'Changed too')));
    expect(result).toEqual({
      created: 0,
      updated: 1,
      unchanged: 0,
      rejected: [{ row: 1, field: 'external_ref', message: 'order is already planned or further along; the import did not change it' }],
    });
    expect((await orders.findById(planned.id))!.customerName).toBe('Customer D1');
  });

  it('on a file broken halfway, reports what already landed', async () => {
    const text = csv(...Array.from({ length: 2000 }, (_, index) => line(`E${index}`))) + 'E9,"unclosed,a,8,49,x,y,1\n';
    const error = await run('broken', text, 100).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_input' });
    // How many rows land before the parser meets the broken end depends on stream buffering; the report must match the table.
    const landed = (error as { details: { path?: string; created?: number }[] }).details.find((detail) => detail.path === 'import');
    const [{ count }] = (await database.knex('orders').where({ source: 'broken' }).count({ count: '*' })) as [{ count: number }];
    expect(Number(count)).toBeGreaterThan(0);
    expect(landed).toMatchObject({ created: Number(count) });
  });

  it("puts new orders in the only depot (reading local times in its zone), or the one asked for, and refuses an unknown depot", async () => {
    const depots = repositories(database.knex).depots;
    const depot = await depots.insert({ name: 'Heidelberg', location: [8.67, 49.4], address: 'Depotstraße 1', timeZone: 'Europe/Berlin', openingHours: {} });
    // Times without an offset are the depot's local time: 09:00 in Heidelberg in November is 08:00 UTC.
    await run('depot', csv(line('F1').replace('2026-11-24T09:00:00+01:00', '2026-11-24 09:00')));
    const f1 = (await new OrdersRepository(database.knex).findBySourceRef('depot', 'F1'))!;
    expect(f1.depotId).toBe(depot.id);
    expect(f1.timeWindows[0]!.startEpochSeconds).toBe(Date.parse('2026-11-24T08:00:00Z') / 1000);

    const second = await depots.insert({ name: 'Mannheim', location: [8.47, 49.48], address: 'Hafenstraße 2', timeZone: 'Europe/Berlin', openingHours: {} });
    const into = (depotId: number) => importOrders({ db: database.knex, events, clock: systemClock }, { source: 'depot', format: 'csv', body: chunked(csv(line('F2'))), depotId }, systemPrincipal);
    await into(second.id);
    expect((await new OrdersRepository(database.knex).findBySourceRef('depot', 'F2'))!.depotId).toBe(second.id);
    await expect(into(second.id + 100)).rejects.toMatchObject({ status: 400, details: [{ path: 'query.depotId', message: `depot ${second.id + 100} does not exist` }] });
  });
});
