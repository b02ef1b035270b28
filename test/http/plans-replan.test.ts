/**
 * "Plan again" on a day under way: the clock is pinned at 11:00 on the plan's day, after some stops were completed,
 * one failed and one is in progress. The proposal changes nothing until accepted; accepting keeps every stop done
 * or under way as it was, continues the tracked van from where it is, brings an idle van in, adds a new order, and
 * leaves a van whose shift is over alone. A proposal made before a concurrent edit is refused with 409.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LiveStart } from '../../src/planning/planning-input';
import type { VehiclePositions } from '../../src/planning/live-routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases } from '../helpers/database';
import { orderInput } from '../helpers/orders';
import { vehicleInput } from '../helpers/http';
import { planDate, seedDay, startPlanningApp, waitForPlan, type PlanningApp } from '../planning/fixtures';

interface Stop { id: number; orderId: number; location: [number, number]; sequence: number; status: string; plannedArrival: string; completedAt: string | null; actualArrival: string | null; dispatchedEta: string | null; times: { window: { start: string; end: string } | null } }
interface Route { id: number; vehicleId: number; driverId: number | null; status: string; stops: Stop[] }
interface Plan { id: number; version: number; status: string; vehicleIds: number[]; routes: Route[]; unassigned: { orderId: number }[] }

const epoch = (iso: string) => Date.parse(iso) / 1000;

describe.each(testDatabases())('planning a day under way again on $engine', (backend) => {
  let app: PlanningApp;
  let nowMs = Date.parse('2026-11-23T00:00:00Z');
  const tracked = new Map<number, LiveStart>();
  const positions: VehiclePositions = { latest: async (_repos, ids) => new Map(ids.flatMap((id) => (tracked.has(id) ? [[id, tracked.get(id)!] as const] : []))) };

  beforeAll(async () => {
    app = await startPlanningApp(backend, { clock: { nowMs: () => nowMs }, positions });
  });
  afterAll(async () => {
    await app?.close();
  });

  const getPlan = async (id: number) => (await app.request('GET', `/api/v1/plans/${id}`)).body as Plan;
  const addVehicle = async (name: string, overrides: Record<string, unknown>, depotId: number) => (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depotId, { name, ...overrides }) })).body.id as number;
  const addDriver = async (vehicleId: number) => {
    const created = await app.request('POST', '/api/v1/drivers', { body: { name: `Driver ${vehicleId}`, username: `driver-${vehicleId}-${Math.random().toString(36).slice(2, 8)}`, password: 'password-123', vehicleId } });
    expect(created.status).toBe(201);
  };

  /** A dispatched day at 11:00: on the longest route two stops completed and the next in progress; the other's first failed. */
  async function dayUnderWay() {
    nowMs = Date.parse('2026-11-23T00:00:00Z');
    const { depotId, vehicleIds, orderIds } = await seedDay(app, { vehicles: 2, orders: 12 });
    // Seven items a van: both vans are needed.
    for (const vehicleId of vehicleIds) expect((await app.request('PATCH', `/api/v1/vehicles/${vehicleId}`, { body: { capacity: { weightKg: 800, volumeL: 6000, items: 7 } } })).status).toBe(200);
    const idle = await addVehicle('Idle fridge van', { skills: ['fridge'] }, depotId);
    const early = await addVehicle('Early fridge van', { skills: ['fridge'], shift: { start: '06:00', end: '10:30' } }, depotId);
    for (const vehicleId of [...vehicleIds, idle, early]) await addDriver(vehicleId);
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, vehicleIds, orderIds, timeLimitSeconds: 0.3 } });
    const planned = await waitForPlan(app, created.body.id);
    expect((await app.request('POST', `/api/v1/plans/${planned.id}/dispatch`)).status).toBe(200);

    nowMs = Date.parse(`${planDate}T11:00:00+01:00`);
    const [busy, other] = [...(await getPlan(planned.id)).routes].sort((a, b) => b.stops.length - a.stops.length) as [Route, Route];
    expect(busy.stops.length).toBeGreaterThanOrEqual(4);
    const at = (time: string) => epoch(`${planDate}T${time}:00+01:00`);
    await app.database.knex('stops').whereIn('id', [busy.stops[0]!.id, busy.stops[1]!.id]).update({ status: 'completed', actual_arrival_epoch: at('09:20'), completed_at_epoch: at('09:25') });
    await app.database.knex('stops').where({ id: busy.stops[2]!.id }).update({ status: 'arrived', actual_arrival_epoch: at('10:58') });
    await app.database.knex('stops').where({ id: other.stops[0]!.id }).update({ status: 'failed', actual_arrival_epoch: at('09:40'), completed_at_epoch: at('09:45') });
    // The busy van was last seen a little east of its stop in progress.
    tracked.set(busy.vehicleId, { location: [8.705, 49.405], epochSeconds: at('10:59') });

    // A new order only a fridge van can take, in the afternoon.
    const fresh = await app.request('POST', '/api/v1/orders', {
      body: { ...orderInput(0, { externalRef: `fridge-${planned.id}`, location: [8.69, 49.4], timeWindows: [{ start: `${planDate}T13:00:00+01:00`, end: `${planDate}T16:00:00+01:00` }] }), requiredSkills: ['fridge'], depotId },
    });
    await app.request('POST', `/api/v1/orders/${fresh.body.id}/transitions`, { body: { status: 'ready' } });
    const plan = await getPlan(planned.id);
    return { plan, depotId, busy: plan.routes.find((route) => route.id === busy.id)!, other: plan.routes.find((route) => route.id === other.id)!, idle, early, newOrderId: fresh.body.id as number };
  }

  it('proposes without writing, then accepting keeps what is done, continues from the van, brings the idle van in and adds the new order', async () => {
    const { plan, busy, other, idle, early, newOrderId } = await dayUnderWay();
    const fixedBefore = [...busy.stops.slice(0, 3), other.stops[0]!].map((stop) => ({ ...stop, vehicleId: plan.routes.find((route) => route.stops.some((s) => s.id === stop.id))!.vehicleId }));

    const proposed = await app.request('POST', `/api/v1/plans/${plan.id}/replan`, { body: { timeLimitSeconds: 0.5 } });
    expect(proposed.status).toBe(200);
    const proposal = proposed.body;
    expect(proposal).toMatchObject({ planId: plan.id, planVersion: plan.version, status: 'open' });
    expect(Date.parse(proposal.expiresAt)).toBeGreaterThan(nowMs);
    expect(proposal.offShiftVehicleIds).toEqual([early]);
    const idleChange = proposal.changes.find((change: { vehicleId: number }) => change.vehicleId === idle);
    expect(idleChange).toMatchObject({ newRoute: true, added: [newOrderId] });
    expect(proposal.changes.some((change: { vehicleId: number }) => change.vehicleId === early)).toBe(false);
    const fixedIds = new Set(fixedBefore.map((stop) => stop.orderId));
    for (const change of proposal.changes) {
      const touched = [...change.movedIn.map((m: { orderId: number }) => m.orderId), ...change.movedOut.map((m: { orderId: number }) => m.orderId), ...change.added, ...change.removed.map((r: { orderId: number }) => r.orderId), ...change.reordered];
      expect(touched.filter((orderId: number) => fixedIds.has(orderId))).toEqual([]);
    }
    expect(proposal.totals.before.unassigned).toBeGreaterThanOrEqual(1);
    expect(proposal.totals.after.stops).toBe(proposal.totals.before.stops + 1);

    // Nothing written yet.
    const untouched = await getPlan(plan.id);
    expect(untouched.version).toBe(plan.version);
    expect(untouched.routes).toEqual(plan.routes);
    expect((await app.request('GET', `/api/v1/orders/${newOrderId}`)).body.status).toBe('ready');

    const accepted = await app.request('POST', `/api/v1/plans/${plan.id}/replan/${proposal.proposalId}/accept`);
    expect(accepted.status).toBe(200);
    expect(accepted.body.version).toBe(plan.version + 1);
    const after = await getPlan(plan.id);
    expect(after.version).toBe(plan.version + 1);

    for (const stop of fixedBefore) {
      const route = after.routes.find((r) => r.stops.some((s) => s.id === stop.id))!;
      const kept = route.stops.find((s) => s.id === stop.id)!;
      expect({ vehicleId: route.vehicleId, ...kept }).toEqual(stop);
    }
    const busyAfter = after.routes.find((route) => route.id === busy.id)!;
    expect(busyAfter.stops.slice(0, 3).map((stop) => stop.id)).toEqual(busy.stops.slice(0, 3).map((stop) => stop.id));
    // Continues from the van's last position at now (11:00), not from its stop in progress planned in the morning.
    const nextStop = busyAfter.stops[3]!;
    expect(nextStop.status).toBe('pending');
    const table = await createHaversineProvider().table({ coordinates: [[8.705, 49.405], nextStop.location] });
    // The van leaves its position at now, or later when it would only wait (then it arrives as the window opens).
    const earliestArrival = nowMs / 1000 + table.durations[0]![1]!;
    const arrival = epoch(nextStop.plannedArrival);
    expect(arrival).toBeGreaterThanOrEqual(earliestArrival - 2);
    if (arrival > earliestArrival + 2) expect(arrival).toBe(epoch(nextStop.times.window!.start));
    for (const route of after.routes) for (const stop of route.stops.filter((s) => s.status === 'pending')) expect(epoch(stop.plannedArrival)).toBeGreaterThanOrEqual(nowMs / 1000);

    const idleRoute = after.routes.find((route) => route.vehicleId === idle)!;
    expect(idleRoute).toMatchObject({ status: 'dispatched' });
    expect(idleRoute.driverId).not.toBeNull();
    expect(idleRoute.stops.map((stop) => stop.orderId)).toEqual([newOrderId]);
    expect(idleRoute.stops[0]!.dispatchedEta).toBe(idleRoute.stops[0]!.plannedArrival);
    expect(after.vehicleIds).toContain(idle);
    expect(after.routes.some((route) => route.vehicleId === early)).toBe(false);
    expect((await app.request('GET', `/api/v1/orders/${newOrderId}`)).body).toMatchObject({ status: 'dispatched', assignedVehicleId: idle });
    const events = (await app.request('GET', `/api/v1/orders/${newOrderId}/events`)).body.items.map((event: { toStatus: string }) => event.toStatus);
    expect(events).toEqual(expect.arrayContaining(['planned', 'dispatched']));
    expect(after.unassigned.map((entry) => entry.orderId)).not.toContain(newOrderId);
    // Every pending stop's order is assigned to the van that now drives it.
    for (const route of after.routes) {
      for (const stop of route.stops.filter((s) => s.status === 'pending')) expect((await app.request('GET', `/api/v1/orders/${stop.orderId}`)).body.assignedVehicleId).toBe(route.vehicleId);
    }

    const again = await app.request('POST', `/api/v1/plans/${plan.id}/replan/${proposal.proposalId}/accept`);
    expect(again.status).toBe(409);
  });

  it('refuses a proposal made before a concurrent edit (409), and a discarded one', async () => {
    const { plan, busy } = await dayUnderWay();
    const proposal = (await app.request('POST', `/api/v1/plans/${plan.id}/replan`, { body: { timeLimitSeconds: 0.2 } })).body;
    const pendingOrder = busy.stops.find((stop) => stop.status === 'pending')!.orderId;
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'lock', orderIds: [pendingOrder] } })).status).toBe(200);
    const edited = await getPlan(plan.id);
    const refused = await app.request('POST', `/api/v1/plans/${plan.id}/replan/${proposal.proposalId}/accept`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.details[0]).toMatchObject({ path: 'version' });
    expect(await getPlan(plan.id)).toEqual(edited);

    const second = (await app.request('POST', `/api/v1/plans/${plan.id}/replan`, { body: { timeLimitSeconds: 0.2 } })).body;
    expect(second.planVersion).toBe(edited.version);
    expect((await app.request('DELETE', `/api/v1/plans/${plan.id}/replan/${second.proposalId}`)).status).toBe(204);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/replan/${second.proposalId}/accept`)).status).toBe(409);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/replan/987654/accept`)).status).toBe(404);
    expect((await app.request('POST', `/api/v1/plans/${plan.id}/replan`, { body: { timeLimitSeconds: 'soon' } })).status).toBe(400);
    expect(await getPlan(plan.id)).toEqual(edited);
  });

  it('an edit gives a van with no route in the plan its first stop', async () => {
    nowMs = Date.parse('2026-11-23T00:00:00Z');
    const { depotId, orderIds } = await seedDay(app, { vehicles: 1, orders: 3 });
    const spare = await addVehicle('Spare', {}, depotId);
    const created = await app.request('POST', '/api/v1/plans', { body: { date: planDate, depotId, orderIds, vehicleIds: [(await getPlanVehicles(depotId))[0]], timeLimitSeconds: 0.1 } });
    const plan = (await waitForPlan(app, created.body.id)) as Plan;
    expect(plan.routes.map((route) => route.vehicleId)).not.toContain(spare);
    const moved = plan.routes[0]!.stops[0]!;

    const preview = await app.request('POST', `/api/v1/plans/${plan.id}/edits?preview=true`, { body: { type: 'move', orderId: moved.orderId, vehicleId: spare, position: 1 } });
    expect(preview.status).toBe(200);
    expect(preview.body.routes.find((route: Route) => route.vehicleId === spare)).toMatchObject({ id: null, stops: [{ orderId: moved.orderId, id: moved.id }] });
    expect((await getPlan(plan.id)).routes.some((route) => route.vehicleId === spare)).toBe(false);

    const applied = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'move', orderId: moved.orderId, vehicleId: spare, position: 1 } });
    expect(applied.status).toBe(200);
    const after = await getPlan(plan.id);
    const spareRoute = after.routes.find((route) => route.vehicleId === spare)!;
    expect(spareRoute.stops.map((stop) => [stop.id, stop.orderId])).toEqual([[moved.id, moved.orderId]]);
    expect(after.vehicleIds).toContain(spare);
    expect(after.routes.find((route) => route.id === plan.routes[0]!.id)!.stops.map((stop) => stop.orderId)).not.toContain(moved.orderId);
    const otherDepot = (await app.request('POST', '/api/v1/depots', { body: { name: 'Elsewhere', location: [8.6, 49.4], address: 'x', timeZone: 'Europe/Berlin', openingHours: {} } })).body.id;
    const foreign = await addVehicle('Foreign', {}, otherDepot);
    const refused = await app.request('POST', `/api/v1/plans/${plan.id}/edits`, { body: { type: 'move', orderId: moved.orderId, vehicleId: foreign, position: 1 } });
    expect(refused.status).toBe(400);
    expect(refused.body.error.details[0].path).toBe('vehicleId');
  });

  async function getPlanVehicles(depotId: number): Promise<number[]> {
    return (await app.request('GET', `/api/v1/vehicles?depotId=${depotId}`)).body.items.map((vehicle: { id: number }) => vehicle.id);
  }
});
