/**
 * One order no road reaches never fails a plan run: it is left unassigned as `unroutable` with its distance to
 * the nearest road, and every other order is planned.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHaversineProvider } from '../../src/routing/haversine';
import { RoutingError, type RoutingProvider } from '../../src/routing/provider';
import type { LonLat } from '../../src/domain/model/geometry';
import { testDatabases } from '../helpers/database';
import { planDate, readyOrder, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from './fixtures';

/** Roads only south of 49.45° N, as an extract ends at its border: a place farther than 1 km north cannot be snapped. */
const roadsEndLat = 49.45;
const metersPerDegreeLat = 111_195;
const offRoadMeters = ([, lat]: LonLat) => Math.max(0, (lat - roadsEndLat) * metersPerDegreeLat);

function boundedRoads(): RoutingProvider {
  const inner = createHaversineProvider();
  const snappable = (coordinates: LonLat[]) =>
    coordinates.forEach((coordinate, index) => {
      if (offRoadMeters(coordinate) > 1000) throw new RoutingError('NoSegment', `Could not find a matching segment for coordinate ${index} within 1000 m`, index);
    });
  return {
    ...inner,
    async table(request) {
      snappable(request.coordinates);
      return inner.table(request);
    },
    async route(request) {
      snappable(request.coordinates);
      return inner.route(request);
    },
    async nearest(coordinate, maxDistanceMeters = Infinity) {
      const distance = offRoadMeters(coordinate);
      if (distance > maxDistanceMeters) throw new RoutingError('NoSegment', 'no road within reach', 0);
      return { location: [coordinate[0], Math.min(coordinate[1], roadsEndLat)], name: '', distance };
    },
  };
}

describe.each(testDatabases())('an unroutable order on $engine', (backend) => {
  let app: PlanningApp;
  beforeAll(async () => {
    app = await startPlanningApp(backend, { routing: boundedRoads() });
  });
  afterAll(async () => {
    await app?.close();
  });

  it('plans the day around it and names it unroutable with its distance to the road', async () => {
    const day = await seedDay(app, { vehicles: 2, orders: 12 });
    // 5.5 km beyond the last road, in a field.
    const far = await readyOrder(app, day.depotId, 'far-off', [8.69, 49.5]);
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId: day.depotId, timeLimitSeconds: 0.3 } });
    const plan = await waitForPlan(app, created.body.id);
    expect(plan.status).toBe('succeeded');
    const planned = (plan.routes as { stops: { orderId: number }[] }[]).flatMap((route) => route.stops.map((stop) => stop.orderId));
    expect(planned.sort()).toEqual([...day.orderIds].sort());
    expect(plan.unassigned).toEqual([{ orderId: far, reason: 'unroutable', distanceToRoadMeters: Math.round(offRoadMeters([8.69, 49.5])) }]);
    expect(plan.totals.unassigned).toBe(1);
  });
});
