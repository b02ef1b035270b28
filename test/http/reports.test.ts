/**
 * The reports against a generated history with known outcomes (test/helpers/report-history.ts): 30 days × 300
 * orders written straight into the tables, the report facts caught up by the reaction, and every KPI compared
 * with the same KPI computed here from the history's plain records, by this file's own arithmetic.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import { reportsMount } from '../../src/http/routes/reports.routes';
import { createLogger } from '../../src/logger';
import { keepReportFacts } from '../../src/reactions/report-facts';
import { ensureAdmin } from '../../src/seed/credentials';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { adminToken } from '../helpers/http';
import { buildReportHistory, fixSpacingSeconds, fixStepDegrees, type History, type HistoryOrder, type HistoryRoute } from '../helpers/report-history';

const earthRadiusMeters = 6_371_008.8;

function nearestRank(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.ceil(p * sorted.length) - 1]!;
}
const average = (values: number[]) => (values.length ? values.reduce((a, b) => a + b, 0) / values.length : null);

/** What the history says, computed without the service's code. */
function expectedSummary(orders: HistoryOrder[], routes: HistoryRoute[]) {
  const deliveredStop = (order: HistoryOrder) => order.stops.find((stop) => stop.outcome === 'delivered');
  const delivered = orders.filter(deliveredStop);
  const early = delivered.filter((order) => deliveredStop(order)!.completedAt < order.windowStart);
  const late = delivered.filter((order) => deliveredStop(order)!.completedAt > order.windowEnd);
  const attempted = orders.filter((order) => order.stops.length > 0);
  const firstTime = attempted.filter((order) => order.stops.length === 1 && order.stops[0]!.outcome === 'delivered');
  const minutes = (seconds: number) => seconds / 60;
  const receivedToDelivered = delivered.map((order) => minutes(deliveredStop(order)!.completedAt - order.received));
  const receivedToDispatched = attempted.map((order) => minutes(order.dispatched! - order.received));
  const dispatchedToDelivered = delivered.map((order) => minutes(deliveredStop(order)!.completedAt - order.dispatched!));
  // Service starts when the window opens at the earliest (one window per order here).
  const errors = (pick: 'dispatchedEta' | 'liveEta') =>
    attempted.map((order) => {
      const stop = order.stops[order.stops.length - 1]!;
      return Math.abs(minutes(Math.max(stop[pick], stop.windowStart) - Math.max(stop.arrival, stop.windowStart)));
    });
  const ratings = orders.flatMap((order) => (order.rating === null ? [] : [order.rating]));
  const perRoute = routes.map(routeExpectation);
  const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);
  return {
    orders: orders.length,
    onTime: {
      delivered: delivered.length,
      onTime: delivered.length - early.length - late.length,
      early: early.length,
      late: late.length,
      onTimeRate: delivered.length ? (delivered.length - early.length - late.length) / delivered.length : null,
      earlyMinutesMean: average(early.map((order) => minutes(order.windowStart - deliveredStop(order)!.completedAt))),
      lateMinutesMean: average(late.map((order) => minutes(deliveredStop(order)!.completedAt - order.windowEnd))),
    },
    firstAttempt: { attempted: attempted.length, succeeded: firstTime.length, rate: attempted.length ? firstTime.length / attempted.length : null },
    cycleTimes: {
      receivedToDelivered: { count: receivedToDelivered.length, p50Minutes: nearestRank(receivedToDelivered, 0.5), p90Minutes: nearestRank(receivedToDelivered, 0.9) },
      receivedToDispatched: { count: receivedToDispatched.length, p50Minutes: nearestRank(receivedToDispatched, 0.5), p90Minutes: nearestRank(receivedToDispatched, 0.9) },
      dispatchedToDelivered: { count: dispatchedToDelivered.length, p50Minutes: nearestRank(dispatchedToDelivered, 0.5), p90Minutes: nearestRank(dispatchedToDelivered, 0.9) },
    },
    etaErrors: {
      dispatched: { count: errors('dispatchedEta').length, meanAbsoluteMinutes: average(errors('dispatchedEta')), p90AbsoluteMinutes: nearestRank(errors('dispatchedEta'), 0.9) },
      live: { count: errors('liveEta').length, meanAbsoluteMinutes: average(errors('liveEta')), p90AbsoluteMinutes: nearestRank(errors('liveEta'), 0.9) },
    },
    ratings: {
      count: ratings.length,
      average: average(ratings),
      distribution: [1, 2, 3, 4, 5].map((stars) => ({ stars, orders: ratings.filter((rating) => rating === stars).length })),
    },
    costs: {
      routes: routes.length,
      plannedCost: sum(perRoute.map((route) => route.plannedCost)),
      actualCost: sum(perRoute.map((route) => route.actualCost)),
      plannedCostPerOrder: sum(perRoute.map((route) => route.plannedCost)) / sum(perRoute.map((route) => route.plannedStops)),
      actualCostPerOrder: sum(perRoute.map((route) => route.actualCost)) / sum(perRoute.map((route) => route.deliveredStops)),
    },
  };
}

function routeExpectation(route: HistoryRoute) {
  const actualMeters = (route.fixCount - 1) * earthRadiusMeters * ((fixStepDegrees * Math.PI) / 180);
  const actualSeconds = (route.fixCount - 1) * fixSpacingSeconds;
  const plannedSeconds = route.arrival - route.departure;
  const cost = (seconds: number, meters: number) => route.costs.fixed + (route.costs.perHour * seconds) / 3600 + (route.costs.perKm * meters) / 1000;
  const served = [...route.stops].sort((a, b) => a.completedAt - b.completedAt || a.sequence - b.sequence);
  const sequence = served.map((stop) => stop.sequence);
  return {
    routeId: route.id,
    day: route.day,
    vehicleId: route.vehicleId,
    driverId: route.driverId,
    plannedKm: route.plannedMeters / 1000,
    actualKm: actualMeters / 1000,
    plannedHours: plannedSeconds / 3600,
    actualHours: actualSeconds / 3600,
    plannedStops: route.stops.length,
    servedStops: served.length,
    deliveredStops: served.filter((stop) => stop.outcome === 'delivered').length,
    plannedCost: cost(plannedSeconds, route.plannedMeters),
    actualCost: served.length ? cost(actualSeconds, actualMeters) : 0,
    servedInOrder: sequence.every((value, index) => index === 0 || value > sequence[index - 1]!),
    servedSequence: sequence.join(' '),
  };
}

/** Deep equality with numbers compared to 9 significant digits (sums in another order differ in the last bits). */
function expectClose(actual: unknown, expected: unknown, path = '$'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    expect(Math.abs(actual - expected), `${path}: ${actual} vs ${expected}`).toBeLessThanOrEqual(Math.max(1e-9, Math.abs(expected) * 1e-9));
  } else if (expected !== null && typeof expected === 'object') {
    expect(actual, path).toBeTypeOf('object');
    expect(Object.keys(actual as object).sort(), path).toEqual(Object.keys(expected).sort());
    for (const [key, value] of Object.entries(expected)) expectClose((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else expect(actual, path).toEqual(expected);
}

function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index]!;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += char;
  }
  return rows;
}

describe.each(testDatabases())('reports over a generated history on $engine', (backend) => {
  let database: TestDatabase;
  let server: Server;
  let url: string;
  let history: History;

  const get = async <T = any>(path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: T; text: string; type: string | null }> => { // eslint-disable-line @typescript-eslint/no-explicit-any
    const response = await fetch(url + path, { headers: { authorization: `Bearer ${adminToken}`, ...headers } });
    const text = await response.text();
    const type = response.headers.get('content-type');
    return { status: response.status, text, type, body: type?.includes('json') ? JSON.parse(text) : (undefined as T) };
  };
  const range = () => `from=${history.days[0]}&to=${history.days[history.days.length - 1]}&depotId=${history.depotId}`;

  beforeAll(async () => {
    database = await backend.open();
    const commands: CommandContext = { db: database.knex, events: new EventBus(), clock: systemClock };
    await ensureAdmin(commands, adminToken);
    history = await buildReportHistory(database.knex);
    const facts = keepReportFacts(commands);
    await facts.start();
    facts.stop();
    server = createServer(createApp({ database, commands, logger: createLogger('silent'), mounts: [reportsMount(commands)] }));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 300_000);

  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await database?.dispose();
  });

  it('generates the history the bars ask for', () => {
    expect(history.orders).toHaveLength(9000);
    expect(history.events).toBeGreaterThan(35_000);
  });

  it('gives the summary computed independently from the history', async () => {
    const reply = await get(`/api/v1/reports/summary?${range()}`);
    expect(reply.status).toBe(200);
    expectClose(reply.body, expectedSummary(history.orders, history.routes));
    // The history has every kind of outcome, so the numbers above are not trivially equal.
    expect(reply.body.onTime.early).toBeGreaterThan(0);
    expect(reply.body.onTime.late).toBeGreaterThan(0);
    expect(reply.body.firstAttempt.rate).toBeLessThan(1);
  });

  it('slices by date range, vehicle, driver, window and area', async () => {
    const vehicle = history.vehicles[3]!;
    const days = history.days.slice(10, 14);
    const slices: [string, (order: HistoryOrder) => boolean, (route: HistoryRoute) => boolean][] = [
      [`from=${days[0]}&to=${days[3]}`, (order) => days.includes(order.day), (route) => days.includes(route.day)],
      [`${range()}&vehicleId=${vehicle.id}`, (order) => order.vehicleId === vehicle.id, (route) => route.vehicleId === vehicle.id],
      [`${range()}&driverId=${vehicle.driverId}`, (order) => order.driverId === vehicle.driverId, (route) => route.driverId === vehicle.driverId],
      [`${range()}&window=12:00-14:00`, (order) => order.windowLabel === '12:00-14:00', () => true],
      [`${range()}&area=69120`, (order) => order.area === '69120', () => true],
    ];
    for (const [query, orderFilter, routeFilter] of slices) {
      const reply = await get(`/api/v1/reports/summary?${query}`);
      expect(reply.status, query).toBe(200);
      expectClose(reply.body, expectedSummary(history.orders.filter(orderFilter), history.routes.filter(routeFilter)), query);
    }
  });

  it('gives the on-time trend per day, and the same table as CSV', async () => {
    const reply = await get(`/api/v1/reports/daily?${range()}`);
    expect(reply.body.rows.map((row: { day: string }) => row.day)).toEqual(history.days);
    for (const row of reply.body.rows) {
      const expected = expectedSummary(
        history.orders.filter((order) => order.day === row.day),
        [],
      );
      expectClose(
        { orders: row.orders, delivered: row.delivered, onTime: row.onTime, early: row.early, late: row.late, onTimeRate: row.onTimeRate, firstAttemptRate: row.firstAttemptRate, liveEtaMeanAbsoluteMinutes: row.liveEtaMeanAbsoluteMinutes },
        { orders: expected.orders, delivered: expected.onTime.delivered, onTime: expected.onTime.onTime, early: expected.onTime.early, late: expected.onTime.late, onTimeRate: expected.onTime.onTimeRate, firstAttemptRate: expected.firstAttempt.rate, liveEtaMeanAbsoluteMinutes: expected.etaErrors.live.meanAbsoluteMinutes },
        row.day,
      );
    }
    const csv = await get(`/api/v1/reports/daily?${range()}`, { accept: 'text/csv' });
    expect(csv.type).toMatch(/^text\/csv/);
    const [header, ...lines] = parseCsv(csv.text);
    expect(header).toEqual(Object.keys(reply.body.rows[0]));
    expect(lines.map((line) => Object.fromEntries(header!.map((key, index) => [key, line[index]])))).toEqual(
      reply.body.rows.map((row: Record<string, unknown>) => Object.fromEntries(Object.entries(row).map(([key, value]) => [key, value === null ? '' : String(value)]))),
    );
  });

  it('ranks failure reasons and lists planned vs actual per route and cost per order by van', async () => {
    const reasons = history.orders.flatMap((order) => order.stops.filter((stop) => stop.outcome === 'failed').map((stop) => stop.reason!));
    const counts = [...new Set(reasons)].map((reason) => ({ reason, attempts: reasons.filter((r) => r === reason).length, share: reasons.filter((r) => r === reason).length / reasons.length }));
    counts.sort((a, b) => b.attempts - a.attempts || a.reason.localeCompare(b.reason));
    expectClose((await get(`/api/v1/reports/failure-reasons?${range()}`)).body.rows, counts);

    const routes = history.routes.map(routeExpectation).sort((a, b) => a.day.localeCompare(b.day) || a.vehicleId - b.vehicleId);
    const routeRows = (await get(`/api/v1/reports/routes?${range()}`)).body.rows;
    expectClose(
      routeRows,
      routes.map((route) => ({ ...route, actualCostPerOrder: route.deliveredStops ? route.actualCost / route.deliveredStops : null })),
    );
    expect(routeRows.some((row: { servedInOrder: boolean }) => !row.servedInOrder)).toBe(true);

    const vans = (await get(`/api/v1/reports/vehicles?${range()}`)).body.rows;
    expect(vans).toHaveLength(history.vehicles.length);
    for (const vehicle of history.vehicles) {
      const mine = routes.filter((route) => route.vehicleId === vehicle.id);
      const actual = mine.reduce((sum, route) => sum + route.actualCost, 0);
      const delivered = mine.reduce((sum, route) => sum + route.deliveredStops, 0);
      const row = vans.find((van: { vehicleId: number }) => van.vehicleId === vehicle.id);
      expect(row.vehicleName).toBe(vehicle.name);
      expectClose(row.actualCostPerOrder, actual / delivered, vehicle.name);
      expectClose(row.actualKm, mine.reduce((sum, route) => sum + route.actualKm, 0), vehicle.name);
    }
  });

  it('gives the cycle-time histogram, ratings and comments', async () => {
    const cycles = (await get(`/api/v1/reports/cycle-times?${range()}`)).body.rows;
    const delivered = history.orders.filter((order) => order.stops.some((stop) => stop.outcome === 'delivered'));
    expect(cycles.reduce((sum: number, row: { receivedToDelivered: number }) => sum + row.receivedToDelivered, 0)).toBe(delivered.length);
    const hours = (order: HistoryOrder) => (order.stops.find((stop) => stop.outcome === 'delivered')!.completedAt - order.received) / 3600;
    for (const row of cycles) {
      expect(row.receivedToDelivered, `${row.fromHours} h`).toBe(delivered.filter((order) => hours(order) >= row.fromHours && (row.toHours === null || hours(order) < row.toHours)).length);
    }
    const comments = (await get(`/api/v1/reports/rating-comments?${range()}`)).body.rows;
    const expected = history.orders.filter((order) => order.comment).sort((a, b) => a.day.localeCompare(b.day) || a.id - b.id);
    expect(comments).toEqual(expected.map((order) => ({ orderId: order.id, day: order.day, stars: order.rating, comment: order.comment })));
    const csv = parseCsv((await get(`/api/v1/reports/rating-comments?${range()}&format=csv`)).text);
    expect(csv.slice(1).map((line) => line[3])).toEqual(expected.map((order) => order.comment));
  });

  it('refuses bad slices with the field and the reason', async () => {
    for (const [query, path] of [
      ['from=2026-10-20&to=2026-10-01', 'to'],
      ['from=2026-13-01&to=2026-10-01', 'from'],
      ['from=2024-01-01&to=2026-10-01', 'to'],
      [`${range()}&window=8-10`, 'window'],
      [`${range()}&area=abc`, 'area'],
      [`${range()}&vehicleId=-1`, 'vehicleId'],
      [`${range()}&format=xml`, 'format'],
    ]) {
      const reply = await get(`/api/v1/reports/summary?${query}`);
      expect(reply.status, query).toBe(400);
      expect(reply.body.error.code).toBe('invalid_input');
      expect(reply.body.error.details.map((detail: { path: string }) => detail.path).join(' '), query).toContain(path);
    }
  });
});
