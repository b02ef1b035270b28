import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { repositories } from '../../src/db/repositories';
import type { Sequenced } from '../../src/protocol/socket';
import { maxPhotoBytes } from '../../src/protocol/stop-actions';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, nextEvent, request, seedFleet, startNode, type DispatchedRoute, type Fleet, type Node } from './harness';

const png = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex').toString('base64');

describe.each(testDatabases())('stop outcomes on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  let orderIdOf: (stopId: number) => number;

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10 } });
    fleet = await seedFleet(node);
    route = await dispatchRoute(node, fleet);
    orderIdOf = (stopId) => fleet.orders[route.stopIds.indexOf(stopId)]!.id;
  });
  afterAll(async () => {
    await node.close();
    await database.dispose();
  });

  it('records an arrival once, however often the driver app replays it, and tells the depot', async () => {
    const [stopId] = route.stopIds as [number];
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await nextEvent(dispatcher, 'room:joined');
    const status = nextEvent<Sequenced<'stop:status'>>(dispatcher, 'stop:status');

    const first = await node.request('POST', `/api/v1/stops/${stopId}/arrive`, { idempotencyKey: 'arrive-key-1' }, fleet.driverTokens[0]);
    expect(first).toEqual({ status: 200, body: { stopId, orderId: orderIdOf(stopId), stopStatus: 'arrived', orderStatus: 'arrived', replayed: false } });
    expect((await status).data).toMatchObject({ stopId, status: 'arrived', vehicleId: fleet.vehicleIds[0], actualArrivalEpoch: expect.any(Number) });

    const replay = await node.request('POST', `/api/v1/stops/${stopId}/arrive`, { idempotencyKey: 'arrive-key-1' }, fleet.driverTokens[0]);
    expect(replay.body).toMatchObject({ stopStatus: 'arrived', replayed: true });
    const timeline = await node.request('GET', `/api/v1/orders/${orderIdOf(stopId)}/events`);
    const transitions = timeline.body.items.filter((event: { type: string }) => event.type === 'status_changed').map((event: { toStatus: string }) => event.toStatus);
    expect(transitions).toEqual(['out_for_delivery', 'arrived']);

    const again = await node.request('POST', `/api/v1/stops/${stopId}/arrive`, { idempotencyKey: 'arrive-key-2' }, fleet.driverTokens[0]);
    expect(again.status).toBe(409);
    const reused = await node.request('POST', `/api/v1/stops/${route.stopIds[1]}/arrive`, { idempotencyKey: 'arrive-key-1' }, fleet.driverTokens[0]);
    expect(reused.body.error).toMatchObject({ code: 'conflict', details: [{ path: 'idempotencyKey' }] });
  });

  it('delivers over the socket with recipient, signature and photo stored, and refuses an oversized photo', async () => {
    const [stopId] = route.stopIds as [number];
    const driver = node.connect({ token: fleet.driverTokens[0] });
    await nextEvent(driver, 'room:joined');
    const tooBig = 'A'.repeat(Math.ceil((maxPhotoBytes * 4) / 3) + 8);
    const refused = await request(driver, 'stop:complete', { stopId, idempotencyKey: 'complete-key-1', recipientName: 'Ada', photo: { contentType: 'image/jpeg', base64: tooBig } });
    expect(refused.error).toMatchObject({ code: 'invalid_input', details: [expect.objectContaining({ path: 'photo.base64' })] });

    const delivered = await request(driver, 'stop:complete', {
      stopId,
      idempotencyKey: 'complete-key-1',
      recipientName: 'Ada',
      signature: { contentType: 'image/png', base64: png },
      photo: { contentType: 'image/png', base64: png },
    });
    expect(delivered).toMatchObject({ stopStatus: 'completed', orderStatus: 'delivered', replayed: false });
    const outcome = await repositories(node.commands.db).proofs.findOutcome(stopId);
    expect(outcome).toMatchObject({ outcome: 'delivered', recipientName: 'Ada', signatureBytes: 16, photoBytes: 16 });
  });

  it('fails a delivery with a reason, and the depot policy re-attempts the order', async () => {
    const stopId = route.stopIds[1]!;
    const noNote = await node.request('POST', `/api/v1/stops/${stopId}/fail`, { idempotencyKey: 'fail-key-1', reason: 'other' }, fleet.driverTokens[0]);
    expect(noNote.body.error).toMatchObject({ code: 'invalid_input', details: [expect.objectContaining({ path: 'body.note' })] });
    const failed = await node.request('POST', `/api/v1/stops/${stopId}/fail`, { idempotencyKey: 'fail-key-1', reason: 'not_home', note: 'left a card' }, fleet.driverTokens[0]);
    expect(failed.body).toMatchObject({ stopStatus: 'failed', orderStatus: 'rescheduled' });
    expect(await repositories(node.commands.db).proofs.findOutcome(stopId)).toMatchObject({ outcome: 'failed', failureReason: 'not_home', note: 'left a card' });
    const timeline = await repositories(node.commands.db).orderEvents.listForOrder(orderIdOf(stopId));
    expect(timeline.map((event) => event.toStatus).slice(-2)).toEqual(['failed', 'rescheduled']);
    const routeRow = await database.knex('routes').where({ id: route.routeId }).first('status');
    expect(routeRow.status).toBe('completed');
  });

  it('refuses actions on stops that are not on the driver’s route, over HTTP and the socket', async () => {
    const stopId = route.stopIds[0]!;
    const http = await node.request('POST', `/api/v1/stops/${stopId}/arrive`, { idempotencyKey: 'other-driver-1' }, fleet.driverTokens[1]);
    expect(http.status).toBe(403);
    expect(http.body.error.message).toContain('not on your route');
    const otherDriver = node.connect({ token: fleet.driverTokens[1] });
    await nextEvent(otherDriver, 'room:joined');
    const ack = await request(otherDriver, 'stop:fail', { stopId, idempotencyKey: 'other-driver-2', reason: 'refused' });
    expect(ack.error.code).toBe('forbidden');
    const customer = node.connect({ token: fleet.orders[0]!.trackingToken });
    await nextEvent(customer, 'room:joined');
    expect((await request(customer, 'stop:arrive', { stopId, idempotencyKey: 'customer-1' })).error.code).toBe('forbidden');
    const missing = await node.request('POST', '/api/v1/stops/999999/arrive', { idempotencyKey: 'missing-1' }, fleet.driverTokens[0]);
    expect(missing.status).toBe(404);
  });
});
