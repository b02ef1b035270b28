/**
 * Live tracking under load on loopback: N drivers report a position every second over the socket,
 * dispatcher consoles watch their depot, tracking clients watch their order. Measures the latency
 * from a driver's report (its fix time) to each dispatcher that receives it, checks that every
 * dispatcher saw every position once and in the room's order, and reports the server processes' CPU and memory.
 * The servers (the service's app, realtime and ETA engine, as `npm start` runs them) are child processes so the
 * clients do not share their event loop. With --processes 2 or 3 (PostgreSQL only) the clients are spread over the
 * processes and every fact crosses between them through the room adapter: Redis Streams (--adapter redis, the
 * default with several processes) or PostgreSQL's LISTEN/NOTIFY (--adapter postgres).
 * Bar: p99 ≤ 250 ms with 1,000 drivers, 50 dispatchers and 5,000 tracking clients.
 *
 * Latency is measured after a warm-up (first route and depot look-ups, JIT); counts cover the whole run.
 *
 * With --database-url the server uses PostgreSQL (a fresh schema, dropped afterwards) instead of PGlite.
 *
 *   npx tsx benchmarks/realtime-load.ts [--drivers 1000] [--dispatchers 50] [--trackers 5000] [--depots 10] [--seconds 30] [--warmup 5]
 *     [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--processes 1|2|3] [--adapter redis|postgres] [--redis-url redis://127.0.0.1:6379]
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, loadavg } from 'node:os';
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { io as connect, type Socket } from 'socket.io-client';
import { hashToken, newToken } from '../src/auth/tokens';
import type { CommandContext } from '../src/commands/context';
import { randomBytes } from 'node:crypto';
import knexModule from 'knex';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { repositories } from '../src/db/repositories';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { RateLimiters, unlimitedRateLimits } from '../src/auth/rate-limits';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import type { ClientToServerEvents, RoomSnapshot, Sequenced, ServerToClientEvents } from '../src/protocol/socket';
import { startRealtime } from '../src/realtime/server';
import { createHaversineProvider } from '../src/routing/haversine';
import { EtaEngine } from '../src/reactions/live-etas';
import { connectRedis } from '../src/realtime/redis';
import pg from 'pg';

type Client = Socket<ServerToClientEvents, ClientToServerEvents>;

interface Setup {
  port: number;
  schema: string;
  depotIds: number[];
  /** Per driver: token and depot. */
  drivers: { token: string; depotId: number }[];
  dispatcherToken: string;
  trackingTokens: string[];
}

const { values: args } = parseArgs({
  options: {
    drivers: { type: 'string', default: '1000' },
    dispatchers: { type: 'string', default: '50' },
    trackers: { type: 'string', default: '5000' },
    depots: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    'database-url': { type: 'string' },
    warmup: { type: 'string', default: '5' },
    serve: { type: 'boolean', default: false },
    drive: { type: 'boolean', default: false },
    processes: { type: 'string', default: '1' },
    adapter: { type: 'string' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    /** A further server process on the schema the first one seeded. */
    attach: { type: 'string' },
  },
});
const counts = {
  drivers: Number(args.drivers),
  dispatchers: Number(args.dispatchers),
  trackers: Number(args.trackers),
  depots: Number(args.depots),
  seconds: Number(args.seconds),
  warmup: Number(args.warmup),
  processes: Number(args.processes),
};
const adapterKind = args.adapter ?? (counts.processes > 1 ? 'redis' : 'none');
if (counts.processes > 1 && !args['database-url']) throw new Error('--processes > 1 needs --database-url (processes share PostgreSQL)');
if (!['redis', 'postgres', 'none'].includes(adapterKind)) throw new Error('--adapter must be redis or postgres');
const center: [number, number] = [8.6724, 49.4093];

/** The server child: seeds the fleet with API keys (no password hashing), serves, reports its CPU on request. */
async function serve(): Promise<void> {
  const url = args['database-url'];
  const attached = args.attach !== undefined;
  const schema = args.attach ?? `bench_${randomBytes(4).toString('hex')}`;
  const admin = url && !attached ? knexModule.knex({ client: 'pg', connection: url, pool: { min: 0, max: 1 } }) : null;
  await admin?.raw('create schema ??', [schema]);
  const database = url ? openDatabase({ engine: 'postgres', url, schema }) : openDatabase({ engine: 'pglite' });
  if (!attached) await migrateToLatest(database.knex);
  const events = new EventBus();
  const commands: CommandContext = { db: database.knex, events, clock: systemClock };
  const logger = createLogger('silent');
  const setup = attached ? null : await database.knex.transaction(async (trx) => {
    const repos = repositories(trx);
    const key = async (userId: number) => {
      const token = newToken('lmk_');
      await repos.users.insertApiKey({ userId, kind: 'integration', name: 'bench', tokenHash: hashToken(token), expiresAt: null });
      return token;
    };
    const depotIds: number[] = [];
    for (let index = 0; index < counts.depots; index++) {
      const depot = await repos.depots.insert({ name: `Depot ${index}`, location: center, address: 'Heidelberg', timeZone: 'Europe/Berlin', openingHours: {} });
      depotIds.push(depot.id);
    }
    const drivers: Setup['drivers'] = [];
    const vehicleIds: number[] = [];
    for (let index = 0; index < counts.drivers; index++) {
      const depotId = depotIds[index % depotIds.length]!;
      const vehicle = await repos.vehicles.insert({
        name: `Van ${index}`,
        startDepotId: depotId,
        endDepotId: depotId,
        capacity: { weightKg: 800, volumeL: 6000, items: 120 },
        skills: [],
        shiftStartSeconds: 0,
        shiftEndSeconds: 86_400,
        costs: { fixed: 0, perHour: 0, perKm: 0 },
        maxStops: null,
        maxShiftSeconds: null,
        breaks: [],
        reload: null,
      });
      vehicleIds.push(vehicle.id);
      const user = await repos.users.insert({ username: `driver${index}`, name: `Driver ${index}`, role: 'driver', passwordHash: null });
      await repos.drivers.insert({ name: `Driver ${index}`, phone: null, vehicleId: vehicle.id, userId: user.id });
      drivers.push({ token: await key(user.id), depotId });
    }
    const dispatcher = await repos.users.insert({ username: 'dispatch', name: 'Dispatch', role: 'dispatcher', passwordHash: null });
    const trackingTokens: string[] = [];
    const day = Math.floor(Date.now() / 1000);
    for (let start = 0; start < counts.trackers; start += 500) {
      const drafts = Array.from({ length: Math.min(500, counts.trackers - start) }, (_, offset) => ({
        source: 'bench',
        externalRef: `order-${start + offset}`,
        customerName: 'Customer',
        customerPhone: null,
        customerEmail: null,
        addressText: 'Heidelberg',
        location: center,
        timeWindows: [{ startEpochSeconds: day, endEpochSeconds: day + 86_400 }],
        serviceSeconds: 120,
        demand: { weightKg: 1, volumeL: 1, items: 1 },
        priority: 0,
        requiredSkills: [],
        notes: null,
      }));
      const results = await repos.orders.upsertMany(drafts, { actor: 'bench' });
      for (const [offset, result] of results.entries()) {
        const order = (await repos.orders.findById(result.id))!;
        await repos.orders.setAssignedVehicle(order.id, vehicleIds[(start + offset) % vehicleIds.length]!);
        // The link exists only now (its secret is stored hashed): `/t/{code}.{secret}` → the token a socket joins with.
        trackingTokens.push(result.trackingLink!.slice('/t/'.length));
      }
    }
    await repos.orders.setStatusMany(await allOrderIds(repos), 'out_for_delivery');
    return { depotIds, drivers, dispatcherToken: await key(dispatcher.id), trackingTokens };
  });

  // 5,000 trackers from one address: the limits are not what this measures.
  const rateLimiters = new RateLimiters(unlimitedRateLimits);
  const server = createServer(createApp({ database, commands, logger, rateLimiters }));
  const redisClient = adapterKind === 'redis' ? await connectRedis(args['redis-url']!, logger) : undefined;
  const adapterPool = adapterKind === 'postgres' ? new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 }) : undefined;
  const realtime = await startRealtime(server, { commands, logger, rateLimit: { perSecond: 5, burst: 20 }, rateLimiters, redisClient, adapterPool, adapterChannel: schema });
  const eta = new EtaEngine(commands, createHaversineProvider(), logger);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  console.log(`READY ${JSON.stringify({ ...setup, schema, port: (server.address() as AddressInfo).port })}`);

  let cpu = process.cpuUsage();
  let since = performance.now();
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'MARK') {
      cpu = process.cpuUsage();
      since = performance.now();
    } else if (line === 'STATS') {
      const used = process.cpuUsage(cpu);
      const memory = process.memoryUsage();
      const cpuPercent = ((used.user + used.system) / 1000 / (performance.now() - since)) * 100;
      console.log(`STATS ${JSON.stringify({ cpuPercent, rssMb: memory.rss / 2 ** 20, heapMb: memory.heapUsed / 2 ** 20 })}`);
    } else if (line === 'STOP') {
      eta.close();
      await realtime.close();
      redisClient?.destroy();
      await adapterPool?.end();
      await database.close();
      await admin?.raw('drop schema ?? cascade', [schema]);
      await admin?.destroy();
      process.exit(0);
    }
  }
}

async function allOrderIds(repos: ReturnType<typeof repositories>): Promise<number[]> {
  const ids: number[] = [];
  let cursor: string | undefined;
  do {
    const page = await repos.orders.list({}, { cursor, limit: 500 });
    ids.push(...page.items.map((order) => order.id));
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return ids;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Opens sockets a few hundred at a time and resolves when each has its snapshot. */
/** Client i connects to server i mod n, as a balancer would spread them. */
async function openSpread(urls: string[], auths: object[], onOpen: (socket: Client, index: number, snapshot: RoomSnapshot) => void): Promise<Client[]> {
  return openAll((index) => urls[index % urls.length]!, auths, onOpen);
}

async function openAll(urlOf: (index: number) => string, auths: object[], onOpen: (socket: Client, index: number, snapshot: RoomSnapshot) => void): Promise<Client[]> {
  const sockets: Client[] = [];
  for (let start = 0; start < auths.length; start += 250) {
    await Promise.all(
      auths.slice(start, start + 250).map(
        (auth, offset) =>
          new Promise<void>((resolve, reject) => {
            const socket: Client = connect(urlOf(start + offset), { auth: { ...auth }, transports: ['websocket'], reconnection: false, forceNew: true });
            sockets[start + offset] = socket;
            socket.once('room:joined', (snapshot) => {
              onOpen(socket, start + offset, snapshot);
              resolve();
            });
            socket.once('connect_error', reject);
          }),
      ),
    );
  }
  return sockets;
}

interface ServerChild {
  child: ReturnType<typeof spawn>;
  nextLine(prefix: string): Promise<unknown>;
}

function spawnServer(extra: string[]): ServerChild {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--serve', ...extra], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    async nextLine(prefix) {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error('server exited');
        if (value.startsWith(prefix)) return JSON.parse(value.slice(prefix.length + 1));
      }
    },
  };
}

async function run(): Promise<void> {
  const seedStarted = performance.now();
  const servers = [spawnServer([])];
  const setup = (await servers[0]!.nextLine('READY')) as Setup;
  console.log(`seeded ${counts.drivers} drivers, ${counts.trackers} orders in ${counts.depots} depots in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  for (let index = 1; index < counts.processes; index++) servers.push(spawnServer(['--attach', setup.schema]));
  const ports = [setup.port];
  for (const server of servers.slice(1)) ports.push(((await server.nextLine('READY')) as { port: number }).port);
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const broadcast = (line: string) => servers.forEach((server) => server.child.stdin!.write(`${line}\n`));

  // Dispatchers: latency per received position, and the room's sequence checked for gaps.
  const latencies: number[] = [];
  const received = new Array<number>(counts.dispatchers).fill(0);
  // Per dispatcher: the numbers seen, to count what was lost, repeated, or came after a later one.
  let outOfOrder = 0;
  let repeated = 0;
  const rooms: { from: number; max: number; seen: Set<number> }[] = [];
  const dispatcherDepots = Array.from({ length: counts.dispatchers }, (_, index) => setup.depotIds[index % setup.depotIds.length]!);
  let measuring = false;
  let warm = false;
  await openSpread(
    urls,
    dispatcherDepots.map((depotId) => ({ token: setup.dispatcherToken, depotId })),
    (socket, index, snapshot) => {
      const room = { from: snapshot.seq, max: snapshot.seq, seen: new Set<number>() };
      rooms[index] = room;
      socket.on('vehicle:moved', (event: Sequenced<'vehicle:moved'>) => {
        if (room.seen.has(event.seq)) repeated++;
        else if (event.seq < room.max) outOfOrder++;
        room.seen.add(event.seq);
        room.max = Math.max(room.max, event.seq);
        if (!measuring) return;
        received[index]! += 1;
        if (warm) latencies.push(Date.now() - event.data.recordedAt * 1000);
      });
    },
  );
  let trackerEvents = 0;
  await openSpread(
    urls,
    setup.trackingTokens.map((token) => ({ token })),
    (socket) => socket.on('vehicle:moved', () => trackerEvents++),
  );
  // Drivers run in their own process: 1,000 reports a second is load on the sender too.
  const driving = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), '--drive'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const driverLines = createInterface({ input: driving.stdout! })[Symbol.asyncIterator]();
  const fromDrivers = async (prefix: string) => {
    for (;;) {
      const { value, done } = await driverLines.next();
      if (done) throw new Error('driver process exited');
      if (value.startsWith(prefix)) return value.slice(prefix.length + 1);
    }
  };
  driving.stdin!.write(`${JSON.stringify({ ...setup, ports })}\n`);
  await fromDrivers('CONNECTED');
  console.log(`connected ${counts.dispatchers} dispatchers, ${counts.trackers} tracking clients, ${counts.drivers} drivers`);

  measuring = true;
  const started = Date.now();
  driving.stdin!.write('GO\n');
  setTimeout(() => {
    warm = true;
    broadcast('MARK');
  }, counts.warmup * 1000);
  const { sentPerDepot: sentEntries, acked, rejected } = JSON.parse(await fromDrivers('SENT')) as { sentPerDepot: [number, number][]; acked: number; rejected: number };
  const sentPerDepot = new Map(sentEntries);
  broadcast('STATS');
  const perServer = (await Promise.all(servers.map((server) => server.nextLine('STATS')))) as { cpuPercent: number; rssMb: number; heapMb: number }[];
  const stats = perServer.reduce((sum, one) => ({ cpuPercent: sum.cpuPercent + one.cpuPercent, rssMb: sum.rssMb + one.rssMb, heapMb: sum.heapMb + one.heapMb }));
  // Let the last reports arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const elapsedSeconds = (Date.now() - started) / 1000;

  const expected = dispatcherDepots.reduce((sum, depotId) => sum + (sentPerDepot.get(depotId) ?? 0), 0);
  const delivered = received.reduce((sum, count) => sum + count, 0);
  latencies.sort((a, b) => a - b);
  const sent = [...sentPerDepot.values()].reduce((sum, count) => sum + count, 0);
  const rows: [string, string, string][] = [
    ['positions sent (acked / refused)', `${sent} (${acked} / ${rejected})`, `${counts.drivers}/s for ${counts.warmup} + ${counts.seconds} s`],
    ['dispatcher deliveries (expected)', `${delivered} (${expected})`, 'equal: nothing lost'],
    ['lost (numbers a dispatcher never got)', String(rooms.reduce((sum, room) => sum + (room.max - room.from - room.seen.size), 0)), '0'],
    ['repeated / out of order', `${repeated} / ${outOfOrder}`, '0 / 0 (clients reorder by number)'],
    ['tracking-client events', String(trackerEvents), 'one per order every ≥ 10 s'],
    ['deliveries measured for latency', String(latencies.length), `after ${counts.warmup} s warm-up`],
    ['latency report → dispatcher p50 ms', String(percentile(latencies, 50)), ''],
    ['latency report → dispatcher p99 ms', String(percentile(latencies, 99)), '≤ 250'],
    ['latency max ms', String(latencies.at(-1)), ''],
    ['server CPU (% of one core, all processes)', `${stats.cpuPercent.toFixed(0)} (${perServer.map((one) => one.cpuPercent.toFixed(0)).join(' + ')})`, ''],
    ['server RSS / heap MB (all processes)', `${stats.rssMb.toFixed(0)} / ${stats.heapMb.toFixed(0)}`, ''],
    ['database', args['database-url'] ? 'PostgreSQL' : 'PGlite (in the server process)', ''],
    ['server processes / room adapter', `${counts.processes} / ${adapterKind === 'none' ? 'none (one process)' : adapterKind === 'redis' ? 'Redis Streams' : 'PostgreSQL LISTEN/NOTIFY'}`, ''],
    ['wall time s', elapsedSeconds.toFixed(1), ''],
    // The latency bar assumes the server gets its core: on a shared machine, read it beside the load.
    ['machine load average (1 min) / cores', `${loadavg()[0]!.toFixed(1)} / ${availableParallelism()}`, ''],
  ];
  console.log(`\n| measure | value | reference |\n|---|---|---|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}`);
  broadcast('STOP');
  await Promise.all(servers.map((server) => new Promise((resolve) => server.child.once('exit', resolve))));
  process.exit(0);
}

/** The driver process: each driver reports once a second, spread evenly over the second, moving slowly east. */
async function drive(): Promise<void> {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  const setup = JSON.parse((await lines.next()).value as string) as Setup & { ports: number[] };
  const drivers = await openSpread(setup.ports.map((port) => `http://127.0.0.1:${port}`), setup.drivers.map(({ token }) => ({ token })), () => {});
  console.log('CONNECTED {}');
  await lines.next();
  const sentPerDepot = new Map<number, number>();
  let acked = 0;
  let rejected = 0;
  const timers: NodeJS.Timeout[] = drivers.map((socket, index) => {
    let step = 0;
    const report = () => {
      step += 1;
      const location: [number, number] = [center[0] + (index % 100) * 0.001 + step * 0.0001, center[1] + Math.floor(index / 100) * 0.001];
      const depotId = setup.drivers[index]!.depotId;
      sentPerDepot.set(depotId, (sentPerDepot.get(depotId) ?? 0) + 1);
      socket.emit('position:report', { location, accuracyMeters: 8, speedMetersPerSecond: 8, headingDegrees: 90, recordedAt: Date.now() / 1000 }, (reply) => {
        if ('error' in reply) rejected++;
        else acked++;
      });
    };
    return setTimeout(() => {
      report();
      timers[index] = setInterval(report, 1000);
    }, (index / drivers.length) * 1000);
  });
  await new Promise((resolve) => setTimeout(resolve, (counts.warmup + counts.seconds) * 1000));
  for (const timer of timers) clearInterval(timer);
  // The last acks.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  console.log(`SENT ${JSON.stringify({ sentPerDepot: [...sentPerDepot], acked, rejected })}`);
  process.exit(0);
}

if (args.serve) void serve();
else if (args.drive) void drive();
else void run();
