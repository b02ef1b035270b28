/**
 * The delivery promise at checkout over HTTP: quotes per date and window with the reason a window is not offered and
 * the marginal cost of the ones that are, reservations that hold capacity until they expire or an order uses them,
 * never more than a window's capacity under concurrent checkouts, and bad input as 4xx naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { reserveSlot } from '../../src/commands/reserve-slot';
import type { ServiceArea } from '../../src/domain/model/geometry';
import { loadEmbeddedGeocoder, type EmbeddedGeocoder } from '../../src/geocoding/embedded';
import { apiPrefix } from '../../src/http/mount';
import { importMount } from '../../src/http/routes/import.routes';
import { plansMount } from '../../src/http/routes/plans.routes';
import { slotsMount } from '../../src/http/routes/slots.routes';
import { PromiseDays } from '../../src/planning/promise-day';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

// Monday 2026-11-23 01:00 in Berlin: Tuesday closes Monday 20:00, Monday itself closed on Sunday.
const monday = '2026-11-23';
const tuesday = '2026-11-24';
const wednesday = '2026-11-25';
const startMs = Date.parse('2026-11-23T00:00:00Z');
const holdSeconds = 600;
const heidelberg: ServiceArea = { type: 'Polygon', coordinates: [[[8.62, 49.38], [8.74, 49.38], [8.74, 49.44], [8.62, 49.44], [8.62, 49.38]]] };
const near: [number, number] = [8.69, 49.41];
const calendar = {
  windows: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri'].map((day) => [day, [{ start: '08:00', end: '12:00', capacity: 3 }, { start: '12:00', end: '16:00', capacity: 20 }, { start: '16:00', end: '20:00', capacity: 1 }]])),
  cutoff: { daysBefore: 1, time: '20:00' },
};

interface QuotedWindow {
  start: string;
  end: string;
  available: boolean;
  reason: string | null;
  promised: number;
  held: number;
  priceClass: string | null;
  marginal: { extraDrivingMinutes: number; extraKm: number; extraDrivingSeconds: number; extraMeters: number; extraWaitingSeconds: number; extraWorkingSeconds: number; cost: number } | null;
}

let cacheDir: string;
let geocoder: EmbeddedGeocoder;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-slots-'));
  geocoder = loadEmbeddedGeocoder({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.each(testDatabases())('the delivery promise at checkout on $engine', (backend) => {
  let app: TestApp;
  let depotId: number;
  let nowMs = startMs;
  const clock = { nowMs: () => nowMs };
  const routing = createHaversineProvider();
  const solver = createPoolSolver({ threads: 1 });
  let ref = 0;

  const quote = async (body: Record<string, unknown>) => app.request('POST', '/api/v1/slots/quote', { body: { depotId, location: near, ...body } });
  const windowsOf = (reply: { status: number; body: { dates: { date: string; windows: QuotedWindow[] }[] } }, date: string) => {
    expect(reply.status, JSON.stringify(reply.body)).toBe(200);
    return reply.body.dates.find((entry) => entry.date === date)!.windows;
  };
  const reserve = (body: Record<string, unknown>) => app.request('POST', '/api/v1/slots/reserve', { body: { depotId, location: near, ...body } });
  const order = (fields: Record<string, unknown>) => {
    const { timeWindows: _windows, ...input } = orderInput(++ref, { externalRef: `slot-${ref}`, location: near });
    return app.request('POST', '/api/v1/orders', { body: { ...input, depotId, ...fields } });
  };

  beforeAll(async () => {
    let slots: RequestHandler = (_req, _res, next) => next();
    let imports: RequestHandler = (_req, _res, next) => next();
    let plans: RequestHandler = (_req, _res, next) => next();
    const routers = [(req, res, next) => slots(req, res, next), (req, res, next) => imports(req, res, next), (req, res, next) => plans(req, res, next)] as RequestHandler[];
    app = await startTestApp(backend, { clock, mounts: routers.map((router) => ({ path: apiPrefix, router })) });
    slots = slotsMount({ context: app.commands, days: new PromiseDays(routing), geocoding: { geocoder, defaultServiceArea: heidelberg }, holdSeconds }).router;
    imports = importMount(app.commands).router;
    // For the dispatcher's reschedule; no plan runs here.
    plans = plansMount({ context: app.commands, queue: new PlanQueue({ context: app.commands, solver, routing }), solver, routing }).router;
    depotId = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, slotCalendar: calendar } })).body.id;
    expect((await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depotId, { skills: ['lift'], costs: { fixed: 40, perHour: 30, perKm: 0.4 } }) })).status).toBe(201);
  });
  afterAll(async () => {
    await app.close();
    await solver.close();
  });

  it('quotes each window of each date: closed days past their cut-off, an empty day priced as a new van', async () => {
    const reply = await quote({ dates: [monday, tuesday] });
    expect(reply.status).toBe(200);
    expect(windowsOf(reply, monday).map((window) => window.reason)).toEqual(['cut_off_passed', 'cut_off_passed', 'cut_off_passed']);
    const tue = windowsOf(reply, tuesday);
    expect(tue.map((window) => [window.start, window.end, window.available])).toEqual([['08:00', '12:00', true], ['12:00', '16:00', true], ['16:00', '20:00', true]]);
    expect(tue[0]).toMatchObject({ priceClass: 'new_van', reason: null });
    expect(tue[0]!.marginal!.extraMeters).toBeGreaterThan(0);
    expect(tue[0]!.marginal!.cost).toBeGreaterThan(0);
  });

  it('prices the detour as extra driving minutes and km, with waiting and the longer working day apart', async () => {
    const tue = windowsOf(await quote({ dates: [tuesday], serviceSeconds: 600 }), tuesday);
    for (const window of tue.filter((candidate) => candidate.available)) {
      const marginal = window.marginal!;
      expect(marginal.extraDrivingMinutes).toBe(Math.round(marginal.extraDrivingSeconds / 6) / 10);
      expect(marginal.extraKm).toBe(Math.round(marginal.extraMeters / 10) / 100);
      expect(marginal.extraDrivingSeconds).toBeGreaterThan(0);
      // The working day grows by the stop's ten minutes besides the driving; waiting is counted apart, not as detour.
      expect(marginal.extraWorkingSeconds).toBeGreaterThanOrEqual(marginal.extraDrivingSeconds + 600 + Math.min(0, marginal.extraWaitingSeconds));
      expect(window.priceClass === 'green').toBe(marginal.extraDrivingSeconds <= 300 && window.priceClass !== 'new_van');
    }
  });

  it('prices a window green once a van already stops nearby, and says full when the window holds its capacity', async () => {
    expect((await order({ timeWindows: [{ start: `${tuesday}T16:00:00+01:00`, end: `${tuesday}T20:00:00+01:00` }] })).status).toBe(201);
    const tue = windowsOf(await quote({ dates: [tuesday], location: [8.6905, 49.4101] }), tuesday);
    expect(tue[2]).toMatchObject({ available: false, reason: 'full', promised: 1, marginal: null, priceClass: null });
    expect(tue[1]).toMatchObject({ available: true, priceClass: 'green' });
    expect(tue[1]!.marginal!.extraDrivingSeconds).toBeLessThan(300);
  });

  it('says no vehicle has the skill, none carries the amounts, or no route has room', async () => {
    const skill = windowsOf(await quote({ dates: [wednesday], skills: ['fridge'] }), wednesday);
    expect(skill.map((window) => window.reason)).toEqual(['no_vehicle_with_skill', 'no_vehicle_with_skill', 'no_vehicle_with_skill']);
    expect(windowsOf(await quote({ dates: [wednesday], skills: ['LIFT'] }), wednesday)[0]!.available).toBe(true);
    const heavy = windowsOf(await quote({ dates: [wednesday], amounts: { weightKg: 5000 } }), wednesday);
    expect(heavy[0]!.reason).toBe('no_vehicle_with_capacity');
    // Ten hours at the door fit no shift of 08:00–17:00.
    const long = windowsOf(await quote({ dates: [wednesday], serviceSeconds: 36_000 }), wednesday);
    expect(long.map((window) => window.reason)).toEqual(['no_room', 'no_room', 'no_room']);
  });

  it('answers a date range day by day and geocodes an address', async () => {
    const reply = await quote({ location: undefined, addressText: 'Tiergartenstraße 3, 69120 Heidelberg', dateRange: { from: tuesday, to: wednesday } });
    expect(reply.status).toBe(200);
    expect(reply.body.dates.map((entry: { date: string }) => entry.date)).toEqual([tuesday, wednesday]);
    expect(reply.body.location).toEqual(geocoder.resolve({ text: 'Tiergartenstraße 3, 69120 Heidelberg' }).location);
  });

  it('refuses bad input with a 400 naming the field and the reason', async () => {
    const cases: [Record<string, unknown>, string, RegExp][] = [
      [{ depotId: 999_999, dates: [tuesday] }, 'body.depotId', /does not exist/],
      [{ dates: ['2026-11-20'] }, 'body.dates[0]', /in the past/],
      [{ dateRange: { from: '2026-11-22', to: tuesday } }, 'body.dateRange.from', /in the past/],
      [{ dates: [tuesday], location: [8.9, 49.5] }, 'body.location', /outside the depot's service area/],
      [{ dates: [tuesday], location: undefined, addressText: 'Nirgendwostraße 999, 12345 Nirgendwo' }, 'body.addressText', /not found|ambiguous|could not/],
      [{ dates: [tuesday], dateRange: { from: tuesday, to: tuesday } }, 'body.dates', /either dates or dateRange/],
      [{ dates: ['2026-02-30'] }, 'body.dates[0]', /calendar date/],
    ];
    for (const [body, path, message] of cases) {
      const reply = await quote(body);
      expect(reply.status, JSON.stringify(body)).toBe(400);
      const detail = (reply.body.error.details as { path: string; message: string }[]).find((entry) => entry.path === path);
      expect(detail, `${path} in ${JSON.stringify(reply.body.error.details)}`).toBeDefined();
      expect(detail!.message).toMatch(message);
    }
    const past = await reserve({ date: '2026-11-20', start: '08:00', end: '12:00' });
    expect(past.status).toBe(400);
    expect(past.body.error.details[0]).toMatchObject({ path: 'body.date' });
    const offered = await reserve({ date: tuesday, start: '09:00', end: '12:00' });
    expect(offered.status).toBe(400);
    expect(offered.body.error.details[0]).toMatchObject({ path: 'body.start', message: `${tuesday} offers 08:00–12:00, 12:00–16:00, 16:00–20:00` });
  });

  it('holds a window until it expires: the order made with it gets the window, a second use is a 409', async () => {
    const held = await reserve({ date: wednesday, start: '16:00', end: '20:00' });
    expect(held.status, JSON.stringify(held.body)).toBe(201);
    expect(held.body).toMatchObject({ date: wednesday, start: '16:00', end: '20:00', expiresAt: '2026-11-23T01:10:00+01:00' });
    expect(windowsOf(await quote({ dates: [wednesday] }), wednesday)[2]).toMatchObject({ reason: 'full', held: 1 });
    expect((await reserve({ date: wednesday, start: '16:00', end: '20:00' })).body.error.details[0]).toMatchObject({ path: 'body.start', reason: 'full' });

    const created = await order({ reservationId: held.body.id });
    expect(created.status).toBe(201);
    expect(created.body.timeWindows).toEqual([{ start: `${wednesday}T16:00:00+01:00`, end: `${wednesday}T20:00:00+01:00` }]);
    expect(windowsOf(await quote({ dates: [wednesday] }), wednesday)[2]).toMatchObject({ reason: 'full', held: 0, promised: 1 });

    const again = await order({ reservationId: held.body.id });
    expect(again.status).toBe(409);
    expect(again.body.error.details[0]).toMatchObject({ path: 'reservationId', reason: 'used' });
    const unknown = await order({ reservationId: 'rsv_unknown' });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details[0]).toMatchObject({ path: 'reservationId' });
    const both = await order({ reservationId: held.body.id, timeWindows: [{ start: `${wednesday}T08:00:00+01:00`, end: `${wednesday}T12:00:00+01:00` }] });
    expect(both.status).toBe(400);
  });

  it('frees an expired reservation\'s capacity and refuses an order made with it', async () => {
    const thursday = '2026-11-26';
    const held = await reserve({ date: thursday, start: '16:00', end: '20:00' });
    expect(held.status).toBe(201);
    const elsewhere = await order({ reservationId: held.body.id, location: [8.72, 49.42] });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.body.error.details[0]).toMatchObject({ path: 'location' });
    expect(windowsOf(await quote({ dates: [thursday] }), thursday)[2]!.reason).toBe('full');
    nowMs += (holdSeconds + 1) * 1000;
    try {
      expect(windowsOf(await quote({ dates: [thursday] }), thursday)[2]).toMatchObject({ available: true, held: 0 });
      const late = await order({ reservationId: held.body.id });
      expect(late.status).toBe(409);
      expect(late.body.error.details[0]).toMatchObject({ path: 'reservationId', reason: 'expired' });
    } finally {
      nowMs = startMs;
    }
  });

  it('never holds more than a window takes under concurrent checkouts through two processes\' promise caches', async () => {
    const friday = '2026-11-27';
    const other = { context: app.commands, days: new PromiseDays(routing), holdSeconds };
    const probe = { location: near, serviceSeconds: 300, demand: { weightKg: 1, volumeL: 1, items: 1 }, requiredSkills: [] };
    const attempts = await Promise.all(
      Array.from({ length: 12 }, (_, k) =>
        k % 2 === 0
          ? reserve({ date: friday, start: '08:00', end: '12:00', location: [near[0] + k / 1000, near[1]] }).then((reply) => reply.status)
          : reserveSlot(other, { depotId, date: friday, start: '08:00', end: '12:00', probe: { ...probe, location: [near[0] + k / 1000, near[1]] } }, systemPrincipal).then(
              () => 201,
              (error: { status?: number }) => error.status ?? 500,
            ),
      ),
    );
    expect(attempts.filter((status) => status === 201)).toHaveLength(3);
    expect(attempts.filter((status) => status === 409)).toHaveLength(9);
    const [{ count }] = await app.database.knex('slot_reservations').where({ window_start_epoch: Date.parse(`${friday}T07:00:00Z`) / 1000 }).count({ count: '*' });
    expect(Number(count)).toBe(3);
  });

  it('books a calendar window for an order sent with timeWindows and no reservation, refusing it once the window is full', async () => {
    const monday30 = '2026-11-30';
    const morning = [{ start: `${monday30}T08:00:00+01:00`, end: `${monday30}T12:00:00+01:00` }];
    const held = await reserve({ date: monday30, start: '08:00', end: '12:00' });
    expect(held.status).toBe(201);
    for (let k = 0; k < 2; k++) expect((await order({ timeWindows: morning })).status).toBe(201);
    const before = (await app.request('GET', `/api/v1/orders?depotId=${depotId}&limit=500`)).body.items.length;
    // Two orders and one hold fill the three places.
    const refused = await order({ timeWindows: morning, externalRef: 'slot-full' });
    expect(refused.status).toBe(409);
    expect(refused.body.error.details).toEqual([{ path: 'timeWindows', message: `window 08:00–12:00 on ${monday30} is full (3 of 3 promised or held)`, reason: 'full' }]);
    expect((await app.request('GET', `/api/v1/orders?depotId=${depotId}&limit=500`)).body.items.length).toBe(before);
    expect(windowsOf(await quote({ dates: [monday30] }), monday30)[0]).toMatchObject({ reason: 'full', promised: 2, held: 1 });

    // A window the calendar does not sell takes no capacity; the dispatcher may book a full one on purpose.
    expect((await order({ timeWindows: [{ start: `${monday30}T09:00:00+01:00`, end: `${monday30}T12:00:00+01:00` }] })).status).toBe(201);
    const forced = await order({ timeWindows: morning, externalRef: 'slot-forced', overrideCapacity: true });
    expect(forced.status).toBe(201);
    const events = (await app.request('GET', `/api/v1/orders/${forced.body.id}/events`)).body.items as { type: string; data: Record<string, unknown> }[];
    expect(events.find((event) => event.type === 'created')!.data.overbooked).toBe(`window 08:00–12:00 on ${monday30} is full (3 of 3 promised or held)`);
    expect(windowsOf(await quote({ dates: [monday30] }), monday30)[0]).toMatchObject({ reason: 'full', promised: 3, held: 1 });
    // The reservation holds its place: the order made with it is not refused.
    expect((await order({ reservationId: held.body.id })).status).toBe(201);
    expect((await order({ timeWindows: morning, overrideCapacity: 'yes' })).status).toBe(400);
  });

  it('rejects imported rows in a full calendar window row by row, imports the rest, and imports them all when told to override', async () => {
    const tuesday1 = '2026-12-01';
    const at = (hour: string) => `${tuesday1}T${hour}:00+01:00`;
    const row = (ref: string, start = '16:00', end = '20:00') => ({ externalRef: ref, customerName: `Kunde ${ref}`, addressText: 'Hauptstraße 1', location: near, timeWindows: [{ start: at(start), end: at(end) }] });
    const importJson = (query: string, rows: unknown[]) => app.request('POST', `/api/v1/orders/import?${query}`, { rawBody: JSON.stringify(rows) });
    // Evening takes one order: the second evening row is refused, the other rows go in.
    const first = await importJson(`source=shop&depotId=${depotId}`, [row('E1'), row('E2'), row('M1', '08:00', '12:00'), row('N1', '09:00', '17:00')]);
    expect(first.status, JSON.stringify(first.body)).toBe(200);
    expect(first.body).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(first.body.rejected).toEqual([{ row: 2, field: 'timeWindows', message: `window 16:00–20:00 on ${tuesday1} is full (1 of 1 promised or held); the row was not imported (overrideCapacity=true imports it anyway)` }]);
    const refs = async () => ((await app.request('GET', `/api/v1/orders?depotId=${depotId}&limit=500`)).body.items as { externalRef: string }[]).map((order) => order.externalRef).filter((ref) => /^[EMN]\d$/.test(ref)).sort();
    expect(await refs()).toEqual(['E1', 'M1', 'N1']);
    // Sending the file again: E1 stays in its window and takes nothing more; E2 is still refused.
    const again = await importJson(`source=shop&depotId=${depotId}`, [row('E1'), row('E2')]);
    expect(again.body).toMatchObject({ created: 0, unchanged: 1, rejected: [{ row: 2, field: 'timeWindows' }] });
    const forced = await importJson(`source=shop&depotId=${depotId}&overrideCapacity=true`, [row('E1'), row('E2')]);
    expect(forced.body).toMatchObject({ created: 1, unchanged: 1, rejected: [] });
    expect(await refs()).toEqual(['E1', 'E2', 'M1', 'N1']);
    const bad = await importJson(`source=shop&depotId=${depotId}&overrideCapacity=maybe`, [row('E3')]);
    expect(bad.status).toBe(400);
    expect(bad.body.error.details[0].path).toMatch(/overrideCapacity/);
  });

  it('never takes more orders and holds than a window has room for when direct orders and checkouts race', async () => {
    const wednesday2 = '2026-12-02';
    const morning = [{ start: `${wednesday2}T08:00:00+01:00`, end: `${wednesday2}T12:00:00+01:00` }];
    const attempts = await Promise.all(
      Array.from({ length: 10 }, (_, k) =>
        (k % 2 === 0 ? order({ timeWindows: morning, location: [near[0] + k / 1000, near[1]] }) : reserve({ date: wednesday2, start: '08:00', end: '12:00', location: [near[0] + k / 1000, near[1]] })).then((reply) => reply.status),
      ),
    );
    expect(attempts.filter((status) => status === 201)).toHaveLength(3);
    expect(attempts.filter((status) => status === 409)).toHaveLength(7);
    const quoted = windowsOf(await quote({ dates: [wednesday2] }), wednesday2)[0]!;
    expect(quoted.promised + quoted.held).toBe(3);
  });

  it("moves an order into a full calendar window on the dispatcher's paths only with overrideCapacity, frees the window it leaves, and never overbooks under concurrent moves", async () => {
    const thursday3 = '2026-12-03';
    const noon = [{ start: `${thursday3}T12:00:00+01:00`, end: `${thursday3}T16:00:00+01:00` }];
    const evening = [{ start: `${thursday3}T16:00:00+01:00`, end: `${thursday3}T20:00:00+01:00` }];
    const full = [{ path: 'timeWindows', message: `window 16:00–20:00 on ${thursday3} is full (1 of 1 promised or held)`, reason: 'full' }];
    const [a, b, e] = [await order({ timeWindows: noon }), await order({ timeWindows: noon }), await order({ timeWindows: evening })].map((reply) => reply.body.id as number);
    const patch = (id: number, body: Record<string, unknown>) => app.request('PATCH', `/api/v1/orders/${id}`, { body });
    const reschedule = (id: number, body: Record<string, unknown>) => app.request('POST', `/api/v1/orders/${id}/reschedule`, { body });
    const evenings = async () => windowsOf(await quote({ dates: [thursday3] }), thursday3)[2]!.promised;

    // The evening takes one order and has it: neither path moves another in, and nothing is written.
    for (const refused of [await patch(a, { timeWindows: evening }), await reschedule(a, { timeWindows: evening })]) {
      expect(refused.status, JSON.stringify(refused.body)).toBe(409);
      expect(refused.body.error.details).toEqual(full);
    }
    expect((await app.request('GET', `/api/v1/orders/${a}`)).body.timeWindows).toEqual(noon);
    expect(await evenings()).toBe(1);
    // Staying in its own window takes nothing more; leaving it frees the place.
    expect((await patch(e, { timeWindows: evening, notes: 'ring twice' })).status).toBe(200);
    expect((await patch(e, { timeWindows: noon })).status).toBe(200);
    expect(await evenings()).toBe(0);

    // Two moves into the one free place at once: one gets it.
    const raced = await Promise.all([reschedule(a, { timeWindows: evening }), patch(b, { timeWindows: evening })]);
    expect(raced.map((reply) => reply.status).sort()).toEqual([200, 409]);
    expect(raced.find((reply) => reply.status === 409)!.body.error.details).toEqual(full);
    expect(await evenings()).toBe(1);

    // The dispatcher books it anyway when told to, and the timeline says so.
    const loser = raced[0]!.status === 409 ? a : b;
    const forced = raced[0]!.status === 409 ? await reschedule(a, { timeWindows: evening, overrideCapacity: true }) : await patch(b, { timeWindows: evening, overrideCapacity: true });
    expect(forced.status, JSON.stringify(forced.body)).toBe(200);
    const events = (await app.request('GET', `/api/v1/orders/${loser}/events`)).body.items as { type: string; data: Record<string, unknown> }[];
    expect(events.find((event) => event.data.overbooked !== undefined)!.data.overbooked).toBe(full[0]!.message);
    expect(await evenings()).toBe(2);
    expect((await patch(e, { timeWindows: evening, overrideCapacity: 'yes' })).status).toBe(400);
    expect((await reschedule(e, { timeWindows: evening, overrideCapacity: 1 })).status).toBe(400);
  });
});
