/**
 * The demo city on first run: a depot in Heidelberg-Bergheim, 10 vans with drivers, and 300 orders
 * for tomorrow (the depot's local date) at real street locations. Deterministic apart from passwords.
 */
import { moveOrders } from '../commands/move-orders';
import { enqueueNotifications } from '../commands/order-timeline';
import { nowEpochSeconds } from '../domain/clock';
import { readFileSync } from 'node:fs';
import { hashPassword } from '../auth/passwords';
import { inTransaction, type CommandContext } from '../commands/context';
import { vehicleContent } from '../commands/vehicle-content';
import { localDate, localMidnightEpochSeconds, nextDate } from '../domain/time';
import { vehicleInputSchema } from '../protocol/vehicles';
import { newPassword, type DemoCredentials } from './credentials';
import { between, pick, seededRandom, shuffled } from './random';
import type { OrderDraft } from '../domain/model/order';

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
/** Local delivery windows [from, to] in hours; most customers take a half day. */
const windowHours: [number, number][] = [[8, 12], [8, 12], [10, 14], [12, 16], [14, 18], [14, 18], [8, 18]];

export function loadDemoLocations(file: string): DemoLocation[] {
  return JSON.parse(readFileSync(file, 'utf8')) as DemoLocation[];
}

/** Seeds only into an empty database (no depot yet); returns the drivers' credentials, or null if skipped. */
export async function seedDemo(context: CommandContext, options: DemoOptions): Promise<DemoCredentials['drivers'] | null> {
  const random = seededRandom(20_261_124);
  const orderCount = options.orderCount ?? 300;
  const vehicleCount = options.vehicleCount ?? 10;
  const day = nextDate(localDate(demoTimeZone, nowEpochSeconds(context.clock)));
  const midnight = localMidnightEpochSeconds(day, demoTimeZone);
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
    });

    for (const [index, driver] of drivers.entries()) {
      const vehicle = await repos.vehicles.insert(
        vehicleContent(
          vehicleInputSchema.parse({
            name: driver.vehicle,
            startDepotId: depot.id,
            capacity: { weightKg: 800, volumeL: 6000, items: 120 },
            skills: index < 2 ? ['cooling'] : [],
            shift: { start: '08:00', end: '18:00' },
            costs: { fixed: 50, perHour: 30, perKm: 0.3 },
            breaks: [{ windows: [{ start: '11:30', end: '14:00' }], durationSeconds: 1800 }],
          }),
        ),
      );
      const user = await repos.users.insert({ username: driver.username, name: `${pick(random, firstNames)} ${pick(random, lastNames)}`, role: 'driver', passwordHash: driver.passwordHash });
      await repos.drivers.insert({ name: user.name, phone: `+49 6221 55${String(index).padStart(3, '0')}`, vehicleId: vehicle.id, userId: user.id });
    }

    const locations = shuffled(random, options.locations).slice(0, orderCount);
    const drafts: OrderDraft[] = locations.map((location, index) => {
      const [fromHour, toHour] = pick(random, windowHours);
      const name = `${pick(random, firstNames)} ${pick(random, lastNames)}`;
      return {
        source: 'demo',
        externalRef: `demo-${String(index + 1).padStart(4, '0')}`,
        customerName: name,
        customerPhone: `+49 6221 ${between(random, 100_000, 999_999)}`,
        customerEmail: null,
        addressText: `${location.street} ${between(random, 1, 120)}, Heidelberg`,
        location: location.location,
        timeWindows: [{ startEpochSeconds: midnight + fromHour * 3600, endEpochSeconds: midnight + toHour * 3600 }],
        serviceSeconds: between(random, 3, 7) * 60,
        demand: { weightKg: between(random, 1, 25), volumeL: between(random, 5, 80), items: between(random, 1, 3) },
        priority: random() < 0.1 ? 50 : 0,
        requiredSkills: random() < 0.05 ? ['cooling'] : [],
        notes: random() < 0.15 ? 'Please ring the bell twice' : null,
      };
    });
    const results = await repos.orders.upsertMany(drafts, { actor: 'system', depotId: depot.id });
    // Confirmed like imported orders, with their links: the only place a demo order's link is kept (its messages).
    const links = new Map(results.flatMap((result) => (result.trackingLink ? [[result.id, result.trackingLink] as const] : [])));
    await enqueueNotifications(repos, await repos.orderEvents.createdOf([...links.keys()]), links);
    // Demo orders are ready to plan right away.
    const orders = await repos.orders.findByIds(results.map((result) => result.id));
    await moveOrders(repos, orders.map((order) => ({ order, path: ['ready'], reason: 'demo seed' })), 'system');
    return drivers.map(({ username, password, vehicle }) => ({ username, password, vehicle }));
  });
}
