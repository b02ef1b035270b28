/**
 * The demo city on first run: a depot in Heidelberg-Bergheim, 10 vans with drivers, and 300 orders
 * for tomorrow (the depot's local date) at real street locations. Deterministic apart from passwords.
 * `DEMO=1` adds a demo day for today (`seedDemoDay`), driven on a clock that starts at the vans' shift start.
 */
import { moveOrders } from '../commands/move-orders';
import { enqueueNotifications } from '../commands/order-timeline';
import { nowEpochSeconds, scaledClock, type Clock } from '../domain/clock';
import { readFileSync } from 'node:fs';
import { hashPassword } from '../auth/passwords';
import { inTransaction, type CommandContext } from '../commands/context';
import { vehicleContent } from '../commands/vehicle-content';
import { localClockEpochSeconds, localDate, nextDate } from '../domain/time';
import { vehicleInputSchema } from '../protocol/vehicles';
import { newPassword, type DemoCredentials } from './credentials';
import { between, pick, seededRandom, shuffled } from './random';
import type { OrderDraft } from '../domain/model/order';
import { weekdays, type SlotCalendar } from '../domain/model/slot-calendar';
import { slotKey, windowsOn } from '../domain/slots';
import type { Repositories } from '../db/repositories';

export interface DemoLocation {
  location: [number, number];
  street: string;
}

export interface DemoOptions {
  locations: DemoLocation[];
  orderCount?: number;
  vehicleCount?: number;
}

export const demoTimeZone = 'Europe/Berlin';
const firstNames = ['Anna', 'Ben', 'Clara', 'David', 'Elif', 'Felix', 'Greta', 'Hannah', 'Jonas', 'Katharina', 'Lukas', 'Mia', 'Noah', 'Olga', 'Paul', 'Sophie', 'Tim', 'Yusuf'];
const lastNames = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Koch', 'Richter', 'Klein', 'Wolf', 'Yılmaz', 'Neumann'];
/** The vans' shift, local hours: the demo day begins at its start. */
export const shiftHours = { start: 8, end: 18 };
/** Local delivery windows [from, to] in hours; most customers take a half day. */
const windowHours: [number, number][] = [[8, 12], [8, 12], [10, 14], [12, 16], [14, 18], [14, 18], [8, 18]];

/**
 * The demo depot sells the demo's windows every day, each with room for its share of a 300-order day and more
 * (400 in all), so the demo's orders never overbook a window and checkouts still find room.
 */
export const demoSlotCalendar: SlotCalendar = {
  windows: Object.fromEntries(
    weekdays.map((day) => [
      day,
      [
        { startSeconds: 8 * 3600, endSeconds: 12 * 3600, capacity: 110 },
        { startSeconds: 10 * 3600, endSeconds: 14 * 3600, capacity: 60 },
        { startSeconds: 12 * 3600, endSeconds: 16 * 3600, capacity: 60 },
        { startSeconds: 14 * 3600, endSeconds: 18 * 3600, capacity: 110 },
        { startSeconds: 8 * 3600, endSeconds: 18 * 3600, capacity: 60 },
      ],
    ]),
  ),
  cutoff: { daysBefore: 1, atSeconds: 20 * 3600 },
};

export function loadDemoLocations(file: string): DemoLocation[] {
  return JSON.parse(readFileSync(file, 'utf8')) as DemoLocation[];
}

/** Seeds only into an empty database (no depot yet); returns the drivers' credentials, or null if skipped. */
export async function seedDemo(context: CommandContext, options: DemoOptions): Promise<DemoCredentials['drivers'] | null> {
  const random = seededRandom(20_261_124);
  const orderCount = options.orderCount ?? 300;
  const vehicleCount = options.vehicleCount ?? 10;
  const day = nextDate(localDate(demoTimeZone, nowEpochSeconds(context.clock)));
  const drivers = await Promise.all(
    Array.from({ length: vehicleCount }, async (_, index) => {
      const password = newPassword();
      return { username: `driver${index + 1}`, password, passwordHash: await hashPassword(password), vehicle: `Van ${index + 1}` };
    }),
  );

  return inTransaction(context, async (repos) => {
    if ((await repos.depots.list({ limit: 1 })).items.length > 0) return null;
    const depot = await repos.depots.insert({
      name: 'Heidelberg Bergheim',
      location: [8.6724, 49.4093],
      address: 'Bergheimer Straße 120, 69115 Heidelberg',
      timeZone: demoTimeZone,
      openingHours: Object.fromEntries(['mon', 'tue', 'wed', 'thu', 'fri', 'sat'].map((weekday) => [weekday, [['07:00', '20:00']]])),
      slotCalendar: demoSlotCalendar,
    });

    for (const [index, driver] of drivers.entries()) {
      const vehicle = await repos.vehicles.insert(vehicleContent(vehicleInputSchema.parse({ name: driver.vehicle, startDepotId: depot.id, ...demoVan(index) })));
      const user = await repos.users.insert({ username: driver.username, name: `${pick(random, firstNames)} ${pick(random, lastNames)}`, role: 'driver', passwordHash: driver.passwordHash });
      await repos.drivers.insert({ name: user.name, phone: `+49 30 23125 9${String(index).padStart(2, '0')}`, vehicleId: vehicle.id, userId: user.id });
    }

    const drafts = demoOrders(random, options.locations, orderCount, day, 'demo', depot.slotCalendar);
    await insertReady(repos, drafts, depot.id);
    return drivers.map(({ username, password, vehicle }) => ({ username, password, vehicle }));
  });
}

/** The demo's van `index` (0-based): the first two have cooling. */
export function demoVan(index: number) {
  return {
    capacity: { weightKg: 800, volumeL: 6000, items: 120 },
    skills: index < 2 ? ['cooling'] : [],
    shift: { start: `${String(shiftHours.start).padStart(2, '0')}:00`, end: `${shiftHours.end}:00` },
    costs: { fixed: 50, perHour: 30, perKm: 0.3 },
    breaks: [{ windows: [{ start: '11:30', end: '14:00' }], durationSeconds: 1800 }],
  };
}

/**
 * Contacts nobody owns, so a demo configured with real providers reaches no one: e-mail under example.org /
 * example.com (RFC 2606), phones from the ranges set aside for fiction — Berlin +49 30 23125 000–999 (Bundesnetzagentur)
 * and UK 07700 900000–900999 (Ofcom). One in five customers is British (English messages), the rest German.
 */
export function demoContact(name: string, index: number): { customerPhone: string; customerEmail: string } {
  const local = name.toLowerCase().normalize('NFD').replace(/[^a-z ]/g, '').replace(/ +/g, '.');
  const number = String(index % 1000).padStart(3, '0');
  return index % 5 === 4
    ? { customerPhone: `+44 7700 900${number}`, customerEmail: `${local}.${index + 1}@example.com` }
    : { customerPhone: `+49 30 23125 ${number}`, customerEmail: `${local}.${index + 1}@example.org` };
}

/** Where the demo's day starts on `date`: the vans' shift start, so they leave as soon as the day is planned. */
export function demoDayStartEpochSeconds(date: string): number {
  return localClockEpochSeconds(date, shiftHours.start * 3600, demoTimeZone);
}

/**
 * The demo day of `date` at the first depot: `orderCount` ready orders (refs `demo-{date}-NNNN`), the same ones for
 * the same date. Runs once per date and depot; returns how many orders it added (0 when the day is there already).
 */
export async function seedDemoDay(context: CommandContext, options: { locations: DemoLocation[]; date: string; orderCount?: number }): Promise<number> {
  const prefix = `demo-${options.date}`;
  return inTransaction(context, async (repos) => {
    const depot = (await repos.depots.list({ limit: 1 })).items[0];
    if (!depot) return 0;
    const drafts = demoOrders(seededRandom(Number(options.date.replaceAll('-', ''))), options.locations, options.orderCount ?? 300, options.date, prefix, depot.slotCalendar);
    if (await repos.orders.findBySourceRef('demo', drafts[0]!.externalRef!)) return 0;
    await insertReady(repos, drafts, depot.id);
    return drafts.length;
  });
}

/** Demo orders are confirmed like imported ones, with their links (the only place a demo order's link is kept: its messages), and ready to plan right away. */
async function insertReady(repos: Repositories, drafts: OrderDraft[], depotId: number): Promise<void> {
  const results = await repos.orders.upsertMany(drafts, { actor: 'system', depotId });
  const links = new Map(results.flatMap((result) => (result.trackingLink ? [[result.id, result.trackingLink] as const] : [])));
  await enqueueNotifications(repos, await repos.orderEvents.createdOf([...links.keys()]), links);
  const orders = await repos.orders.findByIds(results.map((result) => result.id));
  await moveOrders(repos, orders.map((order) => ({ order, path: ['ready'], reason: 'demo seed' })), 'system');
}

/** `orderCount` orders on `date`; a window of the depot's `calendar` takes no more than its capacity. */
export function demoOrders(random: () => number, locations: DemoLocation[], orderCount: number, date: string, refPrefix: string, calendar: SlotCalendar): OrderDraft[] {
  // Wall-clock hours, also on the days the offset changes.
  const at = (hour: number) => localClockEpochSeconds(date, hour * 3600, demoTimeZone);
  const room = new Map(windowsOn(calendar, date, demoTimeZone).map((window) => [slotKey(window.startEpochSeconds, window.endEpochSeconds), window.capacity]));
  const keyOf = ([fromHour, toHour]: [number, number]) => slotKey(at(fromHour), at(toHour));
  const hasRoom = (hours: [number, number]) => (room.get(keyOf(hours)) ?? Infinity) > 0;
  return shuffled(random, locations).slice(0, orderCount).map((location, index) => {
    const picked = pick(random, windowHours);
    // A full window sends the customer to the next one with room; with every window full, one the calendar does not sell.
    const [fromHour, toHour] = hasRoom(picked) ? picked : (windowHours.find(hasRoom) ?? [9, 17]);
    const left = room.get(keyOf([fromHour, toHour]));
    if (left !== undefined) room.set(keyOf([fromHour, toHour]), left - 1);
    const name = `${pick(random, firstNames)} ${pick(random, lastNames)}`;
    return {
      source: 'demo',
      externalRef: `${refPrefix}-${String(index + 1).padStart(4, '0')}`,
      customerName: name,
      ...demoContact(name, index),
      addressText: `${location.street} ${between(random, 1, 120)}, Heidelberg`,
      location: location.location,
      timeWindows: [{ startEpochSeconds: at(fromHour), endEpochSeconds: at(toHour) }],
      serviceSeconds: between(random, 3, 7) * 60,
      demand: { weightKg: between(random, 1, 25), volumeL: between(random, 5, 80), items: between(random, 1, 3) },
      priority: random() < 0.1 ? 50 : 0,
      requiredSkills: random() < 0.05 ? ['cooling'] : [],
      notes: random() < 0.15 ? 'Please ring the bell twice' : null,
    };
  });
}

/**
 * The clock `DEMO=1` runs on: today's demo day (the depot's date by `base`) from the vans' shift start, `speed` times
 * as fast as `base`, so vans are on the road whatever the hour it is started. Started again the same day, it goes on
 * from the last position a van reported, so the day's times never run backwards.
 */
export async function demoClock(repos: Pick<Repositories, 'positions'>, base: Clock, speed: number): Promise<Clock> {
  const today = localDate(demoTimeZone, nowEpochSeconds(base));
  const latest = Math.max(0, ...(await repos.positions.listLatest()).map((position) => position.recordedAt));
  const resumeAt = localDate(demoTimeZone, latest) === today ? Math.ceil(latest) : 0;
  return scaledClock(base, Math.max(demoDayStartEpochSeconds(today), resumeAt) * 1000, speed);
}
