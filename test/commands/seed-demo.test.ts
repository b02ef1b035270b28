import { toE164 } from '../../src/domain/phone';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context';
import { login } from '../../src/commands/login';
import { EventBus } from '../../src/domain/events';
import { localDate } from '../../src/domain/time';
import { ensureAdmin } from '../../src/seed/credentials';
import { demoOrders, demoSlotCalendar, loadDemoLocations, seedDemo, seedDemoDay, type DemoLocation } from '../../src/seed/demo';
import { calendarWindowOf, slotKey, windowsOn } from '../../src/domain/slots';
import { seededRandom } from '../../src/seed/random';
import { principalForToken } from '../../src/auth/principal';
import { repositories } from '../../src/db/repositories';
import { testDatabases, type TestDatabase } from '../helpers/database';

const locations: DemoLocation[] = Array.from({ length: 40 }, (_, index) => ({
  location: [8.65 + index / 1000, 49.40 + index / 2000],
  street: `Teststraße ${index}`,
}));

describe.each(testDatabases())('demo seed and admin on $engine', (backend) => {
  let database: TestDatabase | undefined;
  afterEach(async () => {
    await database?.dispose();
  });

  /** A fresh database, its clock standing at `iso`. */
  const open = async (iso = '2026-11-23T12:00:00Z'): Promise<CommandContext> => {
    database = await backend.open();
    return { db: database.knex, events: new EventBus(), clock: { nowMs: () => Date.parse(iso) } };
  };

  it('seeds a depot, vehicles with drivers who can log in, and ready orders for the depot\'s next local day', async () => {
    const context = await open('2026-11-23T23:30:00Z'); // already 24 November in Berlin
    const drivers = await seedDemo(context, { locations, orderCount: 30, vehicleCount: 3 });
    expect(drivers?.map((driver) => driver.username)).toEqual(['driver1', 'driver2', 'driver3']);

    const repos = repositories(context.db);
    const depots = await repos.depots.list({ limit: 10 });
    expect(depots.items).toHaveLength(1);
    expect(depots.items[0]!.timeZone).toBe('Europe/Berlin');
    const orders = await repos.orders.list({}, { limit: 100 });
    expect(orders.items).toHaveLength(30);
    for (const order of orders.items) {
      expect(order.status).toBe('ready');
      expect(order.depotId).toBe(depots.items[0]!.id);
      expect(localDate('Europe/Berlin', order.timeWindows[0]!.startEpochSeconds)).toBe('2026-11-25');
      expect(locations.map((location) => location.location)).toContainEqual(order.location);
      // Reserved for examples and fiction, and valid, so messages are composed for every demo customer.
      expect(order.customerEmail).toMatch(/^[a-z.]+\.\d+@example\.(org|com)$/);
      expect(toE164(order.customerPhone!)).toMatch(/^(\+493023125\d{3}|\+447700900\d{3})$/);
    }
    expect(new Set(orders.items.map((order) => order.customerPhone)).size).toBe(30);
    const session = await login(context, { username: 'driver2', password: drivers![1]!.password });
    const principal = await principalForToken(repos, session.token, new Date(context.clock.nowMs()));
    expect(principal?.vehicleId).not.toBeNull();
    expect((await repos.vehicles.findById(principal!.vehicleId!))?.name).toBe('Van 2');
  });

  it('is deterministic and runs only into an empty database', async () => {
    const context = await open();
    await seedDemo(context, { locations, orderCount: 10, vehicleCount: 1 });
    const first = (await repositories(context.db).orders.list({}, { limit: 50 })).items.map((order) => [order.customerName, order.addressText, order.location]);
    expect(await seedDemo(context, { locations, orderCount: 10, vehicleCount: 1 })).toBeNull();
    expect((await repositories(context.db).orders.list({}, { limit: 50 })).items).toHaveLength(10);

    await database!.dispose();
    const again = await open();
    await seedDemo(again, { locations, orderCount: 10, vehicleCount: 1 });
    const second = (await repositories(again.db).orders.list({}, { limit: 50 })).items.map((order) => [order.customerName, order.addressText, order.location]);
    expect(second).toEqual(first);
   }, 90_000);

  it('adds the demo day of a date once: ready orders with windows in its wall-clock hours, also when clocks go back', async () => {
    const context = await open();
    await seedDemo(context, { locations, orderCount: 5, vehicleCount: 1 });
    expect(await seedDemoDay(context, { locations, date: '2026-10-25', orderCount: 12 })).toBe(12);
    expect(await seedDemoDay(context, { locations, date: '2026-10-25', orderCount: 12 })).toBe(0);
    const orders = (await repositories(context.db).orders.list({}, { limit: 100 })).items.filter((order) => order.externalRef?.startsWith('demo-2026-10-25-'));
    expect(orders).toHaveLength(12);
    for (const order of orders) {
      expect(order.status).toBe('ready');
      const [window] = order.timeWindows;
      expect(localDate('Europe/Berlin', window!.startEpochSeconds)).toBe('2026-10-25');
      // Local hours are whole on the day of 25 hours (UTC+1 from 03:00): a window starts on the hour, 08:00 at the earliest.
      const startHourLocal = (window!.startEpochSeconds + 3600) / 3600 % 24;
      expect(Number.isInteger(startHourLocal) && startHourLocal >= 8).toBe(true);
    }
  });

  it('creates the admin once, and makes ADMIN_TOKEN their token, replacing the previous one', async () => {
    const context = await open();
    const repos = repositories(context.db);
    const created = await ensureAdmin(context, undefined);
    expect(created?.apiToken).toMatch(/^lmk_/);
    expect((await principalForToken(repos, created!.apiToken, new Date(context.clock.nowMs())))?.role).toBe('admin');
    expect((await login(context, { username: 'admin', password: created!.password })).user.role).toBe('admin');

    const envToken = 'an-admin-token-from-the-environment';
    expect(await ensureAdmin(context, envToken)).toBeNull();
    expect((await principalForToken(repos, envToken, new Date(context.clock.nowMs())))?.role).toBe('admin');
    expect(await principalForToken(repos, created!.apiToken, new Date(context.clock.nowMs()))).toBeNull();
  });
});

describe('the demo day and its slot calendar', () => {
  const perWindow = (drafts: ReturnType<typeof demoOrders>, calendar: typeof demoSlotCalendar) => {
    const counts = new Map<string, number>();
    for (const draft of drafts) {
      const window = calendarWindowOf(calendar, draft.timeWindows, 'Europe/Berlin');
      if (window) counts.set(slotKey(window.startEpochSeconds, window.endEpochSeconds), (counts.get(slotKey(window.startEpochSeconds, window.endEpochSeconds)) ?? 0) + 1);
    }
    return counts;
  };

  it('sells every window the demo orders take, and 300 of them fill none beyond its capacity', () => {
    const drafts = demoOrders(seededRandom(7), loadDemoLocations('data/demo/heidelberg-locations.json'), 300, '2026-11-24', 'demo', demoSlotCalendar);
    expect(drafts).toHaveLength(300);
    for (const draft of drafts) expect(calendarWindowOf(demoSlotCalendar, draft.timeWindows, 'Europe/Berlin')).not.toBeNull();
    const counts = perWindow(drafts, demoSlotCalendar);
    for (const window of windowsOn(demoSlotCalendar, '2026-11-24', 'Europe/Berlin')) expect(counts.get(slotKey(window.startEpochSeconds, window.endEpochSeconds)) ?? 0).toBeLessThanOrEqual(window.capacity);
  });

  it('sends orders past a full window to one with room, whatever the calendar', () => {
    const tight = { ...demoSlotCalendar, windows: { tue: [{ startSeconds: 8 * 3600, endSeconds: 12 * 3600, capacity: 2 }, { startSeconds: 14 * 3600, endSeconds: 18 * 3600, capacity: 3 }] } };
    const drafts = demoOrders(seededRandom(7), locations, 40, '2026-11-24', 'demo', tight);
    expect(drafts).toHaveLength(40);
    expect([...perWindow(drafts, tight).values()].sort()).toEqual([2, 3]);
  });
});
