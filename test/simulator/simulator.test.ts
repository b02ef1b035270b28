import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { driverRouteMount } from '../../src/http/routes/driver-route.routes';
import { repositories } from '../../src/db/repositories';
import { createLogger } from '../../src/logger';
import type { Sequenced } from '../../src/protocol/socket';
import { createHaversineProvider } from '../../src/routing/haversine';
import { seededRandom } from '../../src/seed/random';
import { runDriver } from '../../src/simulator/virtual-driver';
import { EtaEngine } from '../../src/reactions/live-etas';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { dispatchRoute, nextEvent, seedFleet, startNode, type DispatchedRoute, type Fleet, type Node } from '../realtime/harness';

describe.each(testDatabases())('simulated driver on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let route: DispatchedRoute;
  let engine: EtaEngine;

  beforeAll(async () => {
    database = await backend.open();
    const routing = createHaversineProvider();
    node = await startNode(database, { feed: { flushIntervalMs: 10 } }, (commands) => [driverRouteMount(commands, routing)]);
    fleet = await seedFleet(node);
    route = await dispatchRoute(node, fleet);
    engine = new EtaEngine(node.commands, routing, createLogger('silent'), { throttleSeconds: 0 });
  });
  afterAll(async () => {
    engine.close();
    await node.close();
    await database.dispose();
  });

  it('drives the dispatched route through the API: moves on the map, serves every stop as delivered or failed', async () => {
    const dispatcher = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    await nextEvent(dispatcher, 'room:joined');
    const moves: Sequenced<'vehicles:moved'>[] = [];
    dispatcher.on('vehicles:moved', (event) => moves.push(event));

    // The route's two legs are a few minutes of driving each: ×600 runs them in about a second.
    const summary = await runDriver(fleet.driverTokens[0], {
      url: node.url,
      clock: node.commands.clock,
      speedup: 600,
      noiseMeters: 5,
      failureRate: 0.5,
      dwellSeconds: 60,
      reportEverySeconds: 5,
      random: seededRandom(3),
      signal: new AbortController().signal,
    });
    expect(summary.delivered + summary.failed).toBe(2);
    expect(summary.positions).toBeGreaterThanOrEqual(2);
    expect(moves.flatMap((event) => event.data.positions).length).toBe(summary.positions);

    const stops = (await repositories(node.commands.db).routes.listForPlan((await database.knex('routes').where({ id: route.routeId }).first('plan_id')).plan_id))[0]!.stops;
    expect(stops.map((stop) => stop.status).sort()).toEqual(
      [...Array(summary.delivered).fill('completed'), ...Array(summary.failed).fill('failed')].sort(),
    );
    expect(stops.every((stop) => stop.actualArrivalEpoch !== null && stop.completedAtEpoch !== null)).toBe(true);
  }, 30_000);

  it('gives a van left out of the dispatched plan the day off instead of waiting for a route', async () => {
    // Waiting would poll every 5 s until aborted: the test's timeout would end it.
    const summary = await runDriver(fleet.driverTokens[1], {
      url: node.url,
      clock: node.commands.clock,
      speedup: 600,
      noiseMeters: 5,
      failureRate: 0,
      dwellSeconds: 60,
      reportEverySeconds: 5,
      random: seededRandom(4),
      signal: new AbortController().signal,
      waitForRoute: false,
    });
    expect(summary).toEqual({ delivered: 0, failed: 0, positions: 0 });
  }, 8_000);
});
