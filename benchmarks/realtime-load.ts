/**
 * Live tracking under load through the real server: drivers report a position every second over the socket,
 * dispatcher consoles watch their depot, tracking clients watch their order. Measures the latency from a driver's
 * report (its fix time) to each console that receives it, checks that every console saw every room number once and
 * in order and every accepted fix, and reports the CPU of the server processes and of the clients.
 * Servers (the service's app, realtime and ETA engine, as `npm start` runs them), drivers and watching clients are
 * all child processes: the clients are spread over several (--client-processes, about 2,500 sockets each) so they are
 * not what limits the run, and each reports its own CPU. With --processes 2 or 3 (PostgreSQL only) every client
 * connects to server i mod n and every fact crosses between them through the room adapter: Redis Streams
 * (--adapter redis, the default with several processes) or PostgreSQL's LISTEN/NOTIFY (--adapter postgres).
 * With --kill-at S the last server process gets SIGKILL S seconds after the drivers start: its consoles, trackers
 * and drivers reconnect to the others, the watchers resume after the last number they applied (`auth.afterSeq`),
 * the drivers send again what was not acknowledged. Lost counts numbers a client never got, across the kill.
 * Bar: 2,000 drivers, 100 consoles, 10,000 trackers on 2 processes: p99 ≤ 250 ms, 0 lost, 0 out of order.
 * With --rates 1,2,4 the drivers report at each rate (fixes per driver per second) for --seconds in turn, and a second
 * table gives per rate the fixes sent and acknowledged, p50/p99/max, server CPU per process and the clients' CPU (on
 * the same cores): run it with --processes 1 and 2 to read the sustained rate of each at the same p99.
 *
 * Latency is measured after a warm-up (first route and depot look-ups, JIT); counts cover the whole run.
 * With --database-url the server uses PostgreSQL (a fresh schema, dropped afterwards) instead of PGlite.
 *
 *   npx tsx benchmarks/realtime-load.ts [--drivers 2000] [--dispatchers 100] [--trackers 10000] [--depots 10] [--seconds 30] [--warmup 5] [--rates 1]
 *     [--database-url postgres://postgres@127.0.0.1:5432/postgres] [--processes 1|2|3] [--adapter redis|postgres]
 *     [--redis-url redis://127.0.0.1:6379] [--client-processes N] [--kill-at S]
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
import type { ClientToServerEvents, PositionReport, RoomSnapshot, Sequenced, ServerToClientEvents, SocketAuth } from '../src/protocol/socket';
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
    drivers: { type: 'string', default: '2000' },
    dispatchers: { type: 'string', default: '100' },
    trackers: { type: 'string', default: '10000' },
    depots: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '30' },
    /** Fixes per driver per second, one step of --seconds each (a sweep: 1,2,4). */
    rates: { type: 'string', default: '1' },
    'database-url': { type: 'string' },
    warmup: { type: 'string', default: '5' },
    serve: { type: 'boolean', default: false },
    drive: { type: 'boolean', default: false },
    watch: { type: 'boolean', default: false },
    processes: { type: 'string', default: '1' },
    adapter: { type: 'string' },
    'redis-url': { type: 'string', default: 'redis://127.0.0.1:6379' },
    'client-processes': { type: 'string' },
    'kill-at': { type: 'string' },
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
  clientProcesses: Number(args['client-processes'] ?? Math.max(1, Math.ceil((Number(args.dispatchers) + Number(args.trackers)) / 2500))),
  driverProcesses: Math.max(1, Math.ceil(Number(args.drivers) / 1000)),
  killAtSeconds: args['kill-at'] === undefined ? null : Number(args['kill-at']),
  rates: args.rates!.split(',').map(Number),
};
if (!counts.rates.every((rate) => rate > 0 && rate <= 50)) throw new Error('--rates: fixes per driver per second, each in (0, 50]');
const stepMs = counts.seconds * 1000;
/** The sweep's step a time falls in (the warm-up runs at the first rate). */
const stepAt = (ms: number, warmAtMs: number) => Math.min(counts.rates.length - 1, Math.max(0, Math.floor((ms - warmAtMs) / stepMs)));
/** Runs `mark` at each step's start and once at the end of the last. */
function atStepBounds(warmAtMs: number, mark: (step: number) => void): void {
  for (let step = 0; step <= counts.rates.length; step++) setTimeout(() => mark(step), Math.max(0, warmAtMs + step * stepMs - Date.now()));
}
const adapterKind = args.adapter ?? (counts.processes > 1 ? 'redis' : 'none');
if (counts.processes > 1 && !args['database-url']) throw new Error('--processes > 1 needs --database-url (processes share PostgreSQL)');
if (!['redis', 'postgres', 'none'].includes(adapterKind)) throw new Error('--adapter must be redis or postgres');
if (counts.killAtSeconds !== null && counts.processes < 2) throw new Error('--kill-at needs --processes 2 or 3 (the clients move to the others)');
const center: [number, number] = [8.6724, 49.4093];

/** The server child: seeds the fleet with API keys (no password hashing), serves, reports its CPU on request. */
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
  // Seeded on the pool, a few drivers at a time, and the orders' vans in one statement per 500: thousands of one-row
  // statements in one transaction took minutes on a loaded machine.
  const setup = attached ? null : await (async () => {
    const repos = repositories(database.knex);
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
    const seedDriver = async (index: number) => {
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
      vehicleIds[index] = vehicle.id;
      const user = await repos.users.insert({ username: `driver${index}`, name: `Driver ${index}`, role: 'driver', passwordHash: null });
      await repos.drivers.insert({ name: `Driver ${index}`, phone: null, vehicleId: vehicle.id, userId: user.id });
      drivers[index] = { token: await key(user.id), depotId };
    };
    for (let start = 0; start < counts.drivers; start += 8) {
      await Promise.all(Array.from({ length: Math.min(8, counts.drivers - start) }, (_, offset) => seedDriver(start + offset)));
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
      const vans = results.map((result, offset) => ({ id: result.id, vehicle_id: vehicleIds[(start + offset) % vehicleIds.length]! }));
      await database.knex.raw('update orders set assigned_vehicle_id = v.vehicle_id from jsonb_to_recordset(?::jsonb) as v(id integer, vehicle_id integer) where orders.id = v.id', [JSON.stringify(vans)]);
      // The link exists only now (its secret is stored hashed): `/t/{code}.{secret}` → the token a socket joins with.
      for (const result of results) trackingTokens.push(result.trackingLink!.slice('/t/'.length));
    }
    await repos.orders.setStatusMany(await allOrderIds(repos), 'out_for_delivery');
    return { depotIds, drivers, dispatcherToken: await key(dispatcher.id), trackingTokens };
  })();

  // 5,000 trackers from one address: the limits are not what this measures.
  const rateLimiters = new RateLimiters(unlimitedRateLimits);
  const server = createServer(createApp({ database, commands, logger, rateLimiters }));
  const redisClient = adapterKind === 'redis' ? await connectRedis(args['redis-url']!, logger) : undefined;
  const adapterPool = adapterKind === 'postgres' ? new pg.Pool({ connectionString: url, options: `-c search_path=${schema}`, max: 2 }) : undefined;
  const realtime = await startRealtime(server, { commands, logger, rateLimit: { perSecond: Math.max(5, 2 * Math.max(...counts.rates)), burst: 20 }, rateLimiters, redisClient, adapterPool, adapterChannel: schema });
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
      // Each step's figures from its own start.
      cpu = process.cpuUsage();
      since = performance.now();
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


/** Latencies in whole milliseconds → count: every delivery is measured, in little memory. */
type Histogram = Map<number, number>;

/** The refusals by error code, as " (code × n, …)", or nothing. */
function refusals(driven: DriveReport[]): string {
  const byCode = new Map<string, number>();
  for (const one of driven) for (const [code, count] of one.refusedBy) byCode.set(code, (byCode.get(code) ?? 0) + count);
  return byCode.size === 0 ? '' : ` (${[...byCode].map(([code, count]) => `${code} × ${count}`).join(', ')})`;
}

const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

function percentile(histogram: Histogram, p: number): number {
  const total = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  if (total === 0) return NaN;
  let seen = 0;
  for (const [ms, count] of [...histogram].sort((a, b) => a[0] - b[0])) {
    seen += count;
    if (seen > (p / 100) * total) return ms;
  }
  return Math.max(...histogram.keys());
}

/** CPU of this process since `from`, as a percentage of one core. */
function cpuPercentSince(from: { cpu: NodeJS.CpuUsage; atMs: number }): number {
  const used = process.cpuUsage(from.cpu);
  return ((used.user + used.system) / 1000 / (performance.now() - from.atMs)) * 100;
}
const cpuMark = () => ({ cpu: process.cpuUsage(), atMs: performance.now() });

interface Child {
  child: ReturnType<typeof spawn>;
  send(line: string): void;
  nextLine(prefix: string): Promise<unknown>;
}

function spawnRole(role: string[]): Child {
  const child = spawn(process.execPath, [...process.execArgv, process.argv[1]!, ...process.argv.slice(2), ...role], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return {
    child,
    send: (line) => child.stdin!.write(`${line}\n`),
    async nextLine(prefix) {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error(`${role.join(' ')} exited`);
        if (value.startsWith(prefix)) return JSON.parse(value.slice(prefix.length + 1));
      }
    },
  };
}

/** Reads the orchestrator's lines on stdin, one at a time. */
function orders() {
  const lines = createInterface({ input: process.stdin })[Symbol.asyncIterator]();
  return async () => (await lines.next()).value as string;
}

/**
 * One socket that stays connected: when its server goes away it connects to the next one, resuming after `afterSeq()`.
 * A refused connection (the server is dying) tries the next server after a short pause.
 */
function stayConnected(urls: string[], first: number, auth: () => SocketAuth, wire: (socket: Client, resumed: boolean) => void, onOpen: () => void): void {
  let index = first;
  let resumed = false;
  const open = () => {
    const socket: Client = connect(urls[index % urls.length]!, { auth: auth() as unknown as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true });
    wire(socket, resumed);
    socket.once('room:joined', onOpen);
    socket.once('room:resumed', onOpen);
    const again = () => {
      socket.removeAllListeners();
      socket.close();
      resumed = true;
      index += 1;
      setTimeout(open, 100);
    };
    socket.once('connect_error', again);
    socket.once('disconnect', (reason) => {
      if (reason !== 'io client disconnect') again();
    });
  };
  open();
}

/** The numbers a client saw in its room: lost, repeated and out of order are counted from them. */
class RoomCheck {
  from = 0;
  max = 0;
  readonly seen = new Set<number>();
  repeated = 0;
  outOfOrder = 0;
  /** Highest number up to which nothing is missing: where a reconnect resumes. */
  contiguous = 0;

  start(seq: number): void {
    this.from = this.max = this.contiguous = seq;
  }

  receive(seq: number, replaying: boolean): boolean {
    if (this.seen.has(seq) || seq <= this.from) {
      // A replay may repeat what came live just before the disconnect; the client drops it by its number.
      if (!replaying) this.repeated++;
      return false;
    }
    if (seq < this.max && !replaying) this.outOfOrder++;
    this.seen.add(seq);
    this.max = Math.max(this.max, seq);
    while (this.seen.has(this.contiguous + 1)) this.contiguous++;
    return true;
  }

  get lost(): number {
    return this.max - this.from - this.seen.size;
  }
}

interface WatchSetup {
  urls: string[];
  dispatcherToken: string;
  /** Global client index (for the server it goes to) and depot. */
  dispatchers: { index: number; depotId: number }[];
  trackers: { index: number; token: string }[];
}

export interface WatchReport {
  histogram: [number, number][];
  /** Per step of the sweep: latencies, and this process's CPU. */
  steps: { histogram: [number, number][]; cpuPercent: number }[];
  /** Fixes received per depot, summed over this process's consoles of that depot. */
  positionsPerDepot: [number, number][];
  lost: number;
  repeated: number;
  outOfOrder: number;
  trackerFrames: number;
  trackerLost: number;
  reconnects: number;
  /** Reconnects answered with a snapshot instead of the missed events. */
  snapshotsInstead: number;
  cpuPercent: number;
}

/** A watching child: consoles and tracking clients, each checked by its room's numbers. */
async function watch(): Promise<void> {
  const next = orders();
  const setup = JSON.parse(await next()) as WatchSetup;
  const histogram: Histogram = new Map();
  const stepHistograms: Histogram[] = counts.rates.map(() => new Map());
  const stepCpu: number[] = [];
  const positionsPerDepot = new Map<number, number>();
  let goAtMs = Infinity;
  let warmAtMs = Infinity;
  let reconnects = 0;
  let snapshotsInstead = 0;
  let trackerFrames = 0;
  const consoleChecks: RoomCheck[] = [];
  const trackerChecks: RoomCheck[] = [];

  const watchRoom = (index: number, auth: SocketAuth, check: RoomCheck, onFrame: (event: Sequenced<'vehicles:moved'>) => void) =>
    new Promise<void>((resolve) => {
      let joined = false;
      stayConnected(
        setup.urls,
        index,
        () => (joined ? { ...auth, afterSeq: check.contiguous } : auth),
        (socket, resumed) => {
          let replaying = resumed;
          if (resumed) reconnects++;
          socket.on('room:joined', (snapshot: RoomSnapshot) => {
            // Joined again instead of resumed: the numbers in between stay unseen and count as lost.
            if (joined) snapshotsInstead++;
            else check.start(snapshot.seq);
            joined = true;
            replaying = false;
          });
          socket.on('room:resumed', () => {
            replaying = false;
          });
          socket.onAny((name: string, payload: Sequenced) => {
            if (name === 'room:joined' || name === 'room:resumed' || !joined) return;
            if (!check.receive(payload.seq, replaying)) return;
            if (name === 'vehicles:moved') onFrame(payload as Sequenced<'vehicles:moved'>);
          });
        },
        resolve,
      );
    });

  const opening: Promise<void>[] = [];
  for (const { index, depotId } of setup.dispatchers) {
    const check = new RoomCheck();
    consoleChecks.push(check);
    opening.push(
      watchRoom(index, { token: setup.dispatcherToken, depotId }, check, (event) => {
        const nowMs = Date.now();
        for (const position of event.data.positions) {
          const fixMs = position.recordedAt * 1000;
          if (fixMs < goAtMs) continue;
          positionsPerDepot.set(depotId, (positionsPerDepot.get(depotId) ?? 0) + 1);
          if (fixMs >= warmAtMs) {
            const ms = Math.max(0, Math.round(nowMs - fixMs));
            histogram.set(ms, (histogram.get(ms) ?? 0) + 1);
            const perStep = stepHistograms[stepAt(fixMs, warmAtMs)]!;
            perStep.set(ms, (perStep.get(ms) ?? 0) + 1);
          }
        }
      }),
    );
    if (opening.length >= 250) await Promise.all(opening.splice(0));
  }
  for (const { index, token } of setup.trackers) {
    const check = new RoomCheck();
    trackerChecks.push(check);
    opening.push(watchRoom(index, { token }, check, () => trackerFrames++));
    if (opening.length >= 250) await Promise.all(opening.splice(0));
  }
  await Promise.all(opening);
  console.log('CONNECTED {}');
  goAtMs = Number((await next()).split(' ')[1]);
  warmAtMs = goAtMs + counts.warmup * 1000;
  let cpu = cpuMark();
  let stepMark = cpuMark();
  atStepBounds(warmAtMs, (step) => {
    if (step === 0) cpu = cpuMark();
    else stepCpu.push(cpuPercentSince(stepMark));
    stepMark = cpuMark();
  });
  await next();
  const sum = (checks: RoomCheck[], of: (check: RoomCheck) => number) => checks.reduce((total, check) => total + of(check), 0);
  const report: WatchReport = {
    histogram: [...histogram],
    steps: stepHistograms.map((one, step) => ({ histogram: [...one], cpuPercent: stepCpu[step] ?? NaN })),
    positionsPerDepot: [...positionsPerDepot],
    lost: sum(consoleChecks, (check) => check.lost),
    repeated: sum(consoleChecks, (check) => check.repeated) + sum(trackerChecks, (check) => check.repeated),
    outOfOrder: sum(consoleChecks, (check) => check.outOfOrder) + sum(trackerChecks, (check) => check.outOfOrder),
    trackerFrames,
    trackerLost: sum(trackerChecks, (check) => check.lost),
    reconnects,
    snapshotsInstead,
    cpuPercent: cpuPercentSince(cpu),
  };
  console.log(`REPORT ${JSON.stringify(report)}`);
  process.exit(0);
}

interface DriveSetup {
  urls: string[];
  total: number;
  drivers: { index: number; token: string; depotId: number }[];
}

export interface DriveReport {
  /** Distinct fixes the servers stored, per depot. */
  acceptedPerDepot: [number, number][];
  sent: number;
  refused: number;
  /** Refused fixes by the error code answered. */
  refusedBy: [string, number][];
  /** Fixes never acknowledged by the end (sent again after a reconnect until one is). */
  unacknowledged: number;
  reconnects: number;
  cpuPercent: number;
  /** Per step of the sweep: fixes sent, fixes acknowledged (of those sent in it), this process's CPU. */
  steps: { sent: number; acked: number; cpuPercent: number }[];
}

/**
 * A driving child: each driver reports at the step's rate (once a second by default), spread evenly, moving slowly
 * east. A fix not acknowledged when its server goes away is sent again, in one batch, to the next (the server stores a
 * fix once), and the driver resumes its room after the last number it had, as the driver app does.
 */
async function drive(): Promise<void> {
  const next = orders();
  const setup = JSON.parse(await next()) as DriveSetup;
  const acceptedPerDepot = new Map<number, number>();
  let sent = 0;
  let refused = 0;
  const refusedBy = new Map<string, number>();
  let reconnects = 0;
  const unacked: Map<number, PositionReport>[] = setup.drivers.map(() => new Map());
  const sockets: (Client | null)[] = setup.drivers.map(() => null);
  const roomSeq: (number | undefined)[] = setup.drivers.map(() => undefined);
  const steps = counts.rates.map(() => ({ sent: 0, acked: 0, cpuPercent: NaN }));
  let warmAtMs = Infinity;
  const stepOfFix = (report: PositionReport) => (report.recordedAt * 1000 >= warmAtMs ? steps[stepAt(report.recordedAt * 1000, warmAtMs)] : undefined);

  const send = (slot: number, reports: PositionReport[]) => {
    const socket = sockets[slot];
    if (!socket?.connected) return;
    const { depotId } = setup.drivers[slot]!;
    socket.emit('position:report', reports, (reply) => {
      if ('error' in reply) {
        refused += reports.length;
        refusedBy.set(reply.error.code, (refusedBy.get(reply.error.code) ?? 0) + reports.length);
        return;
      }
      for (const report of reports) {
        if (unacked[slot]!.delete(report.recordedAt)) {
          const step = stepOfFix(report);
          if (step) step.acked++;
        }
      }
      acceptedPerDepot.set(depotId, (acceptedPerDepot.get(depotId) ?? 0) + reply.accepted);
    });
  };
  const opening: Promise<void>[] = [];
  for (const [slot, { index, token }] of setup.drivers.entries()) {
    opening.push(
      new Promise((resolve) => {
        let opened = false;
        stayConnected(
          setup.urls,
          index,
          () => (roomSeq[slot] === undefined ? { token } : { token, afterSeq: roomSeq[slot] }),
          (socket, resumed) => {
            sockets[slot] = socket;
            if (resumed) reconnects++;
            const caughtUp = (seq: number) => {
              roomSeq[slot] = seq;
              if (resumed && unacked[slot]!.size > 0) send(slot, [...unacked[slot]!.values()]);
            };
            socket.once('room:joined', (snapshot: RoomSnapshot) => caughtUp(snapshot.seq));
            socket.once('room:resumed', ({ seq }: { seq: number }) => caughtUp(seq));
            socket.onAny((name: string, payload: Sequenced) => {
              if (name !== 'room:joined' && name !== 'room:resumed' && roomSeq[slot] !== undefined && payload.seq === roomSeq[slot] + 1) roomSeq[slot] = payload.seq;
            });
          },
          () => {
            if (!opened) resolve();
            opened = true;
          },
        );
      }),
    );
    if (opening.length >= 250) await Promise.all(opening.splice(0));
  }
  await Promise.all(opening);
  console.log('CONNECTED {}');
  const goAtMs = Number((await next()).split(' ')[1]);
  warmAtMs = goAtMs + counts.warmup * 1000;
  const endAtMs = warmAtMs + counts.rates.length * stepMs;
  let cpu = cpuMark();
  let stepMark = cpuMark();
  atStepBounds(warmAtMs, (step) => {
    if (step === 0) cpu = cpuMark();
    else steps[step - 1]!.cpuPercent = cpuPercentSince(stepMark);
    stepMark = cpuMark();
  });
  const timers: (NodeJS.Timeout | undefined)[] = setup.drivers.map(({ index }, slot) => {
    let moves = 0;
    const report = () => {
      const nowMs = Date.now();
      if (nowMs >= endAtMs) return;
      moves += 1;
      const location: [number, number] = [center[0] + (index % 100) * 0.001 + moves * 0.0001, center[1] + Math.floor(index / 100) * 0.001];
      const fix: PositionReport = { location, accuracyMeters: 8, speedMetersPerSecond: 8, headingDegrees: 90, recordedAt: nowMs / 1000 };
      sent++;
      const step = stepOfFix(fix);
      if (step) step.sent++;
      unacked[slot]!.set(fix.recordedAt, fix);
      send(slot, [fix]);
      timers[slot] = setTimeout(report, 1000 / counts.rates[stepAt(nowMs, warmAtMs)]!);
    };
    return setTimeout(report, Math.max(0, goAtMs + (index / setup.total) * 1000 - Date.now()));
  });
  await new Promise((resolve) => setTimeout(resolve, endAtMs - Date.now()));
  for (const timer of timers) clearTimeout(timer);
  const cpuPercent = cpuPercentSince(cpu);
  // The last acks.
  await new Promise((resolve) => setTimeout(resolve, 2000));
  const report: DriveReport = {
    acceptedPerDepot: [...acceptedPerDepot],
    sent,
    refused,
    refusedBy: [...refusedBy],
    unacknowledged: unacked.reduce((sum, waiting) => sum + waiting.size, 0),
    reconnects,
    cpuPercent,
    steps,
  };
  console.log(`SENT ${JSON.stringify(report)}`);
  await next();
  process.exit(0);
}

/** Client i goes to server i mod n, as a balancer would spread them; slices go to the child processes. */
function slices<T>(items: T[], parts: number): T[][] {
  return Array.from({ length: parts }, (_, part) => items.filter((_, index) => index % parts === part));
}

async function run(): Promise<void> {
  const seedStarted = performance.now();
  const servers = [spawnRole(['--serve'])];
  const setup = (await servers[0]!.nextLine('READY')) as Setup;
  console.log(`seeded ${counts.drivers} drivers, ${counts.trackers} orders in ${counts.depots} depots in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s`);
  for (let index = 1; index < counts.processes; index++) servers.push(spawnRole(['--serve', '--attach', setup.schema]));
  const ports = [setup.port];
  for (const server of servers.slice(1)) ports.push(((await server.nextLine('READY')) as { port: number }).port);
  const urls = ports.map((port) => `http://127.0.0.1:${port}`);
  const alive = new Set(servers);
  const toServers = (line: string) => alive.forEach((server) => server.send(line));

  const dispatcherDepots = Array.from({ length: counts.dispatchers }, (_, index) => setup.depotIds[index % setup.depotIds.length]!);
  const consoles = dispatcherDepots.map((depotId, index) => ({ index, depotId }));
  const trackers = setup.trackingTokens.map((token, index) => ({ index: counts.dispatchers + index, token }));
  const consoleSlices = slices(consoles, counts.clientProcesses);
  const trackerSlices = slices(trackers, counts.clientProcesses);
  const watchers = consoleSlices.map(() => spawnRole(['--watch']));
  watchers.forEach((watcher, part) => watcher.send(JSON.stringify({ urls, dispatcherToken: setup.dispatcherToken, dispatchers: consoleSlices[part], trackers: trackerSlices[part] } satisfies WatchSetup)));
  await Promise.all(watchers.map((watcher) => watcher.nextLine('CONNECTED')));
  const driverSlices = slices(setup.drivers.map((driver, index) => ({ ...driver, index })), counts.driverProcesses);
  const drivers = driverSlices.map(() => spawnRole(['--drive']));
  drivers.forEach((driver, part) => driver.send(JSON.stringify({ urls, total: counts.drivers, drivers: driverSlices[part]! } satisfies DriveSetup)));
  await Promise.all(drivers.map((driver) => driver.nextLine('CONNECTED')));
  console.log(
    `connected ${counts.dispatchers} consoles, ${counts.trackers} tracking clients (${counts.clientProcesses} processes), ${counts.drivers} drivers (${counts.driverProcesses}) to ${counts.processes} server processes`,
  );

  const started = Date.now();
  const goAtMs = started + 500;
  [...drivers, ...watchers].forEach((child) => child.send(`GO ${goAtMs}`));
  type ServerStats = { cpuPercent: number; rssMb: number; heapMb: number };
  const stepStats: Promise<ServerStats[]>[] = [];
  // A server killed after being asked answers nothing: counted out after a few seconds.
  const statsOf = (server: Child) => Promise.race([server.nextLine('STATS') as Promise<ServerStats>, new Promise<null>((resolve) => setTimeout(() => resolve(null), 5000))]);
  atStepBounds(goAtMs + counts.warmup * 1000, (step) => {
    const asked = [...alive];
    asked.forEach((server) => server.send(step === 0 ? 'MARK' : 'STATS'));
    if (step > 0) stepStats.push(Promise.all(asked.map(statsOf)).then((all) => all.filter((one): one is ServerStats => one !== null)));
  });
  let killedAtMs: number | null = null;
  if (counts.killAtSeconds !== null) {
    setTimeout(() => {
      const victim = servers.at(-1)!;
      alive.delete(victim);
      victim.child.kill('SIGKILL');
      killedAtMs = Date.now();
      console.log(`killed server process ${servers.length} (pid ${victim.child.pid}) with SIGKILL at ${((killedAtMs - goAtMs) / 1000).toFixed(1)} s`);
    }, goAtMs + counts.killAtSeconds * 1000 - Date.now());
  }
  const driven = (await Promise.all(drivers.map((driver) => driver.nextLine('SENT')))) as DriveReport[];
  const perStep = await Promise.all(stepStats);
  // Over the whole run: the steps are equally long.
  const perServer = [...alive].map((_, index) => ({
    cpuPercent: perStep.reduce((sum, step) => sum + (step[index]?.cpuPercent ?? 0), 0) / perStep.length,
    rssMb: perStep.at(-1)![index]?.rssMb ?? 0,
    heapMb: perStep.at(-1)![index]?.heapMb ?? 0,
  }));
  // Let the last frames arrive before counting.
  await new Promise((resolve) => setTimeout(resolve, 3000));
  watchers.forEach((watcher) => watcher.send('REPORT'));
  const watched = (await Promise.all(watchers.map((watcher) => watcher.nextLine('REPORT')))) as WatchReport[];
  const load = loadavg()[0]!;
  const elapsedSeconds = (Date.now() - started) / 1000;

  const accepted = new Map<number, number>();
  for (const one of driven) for (const [depotId, count] of one.acceptedPerDepot) accepted.set(depotId, (accepted.get(depotId) ?? 0) + count);
  const expected = dispatcherDepots.reduce((sum, depotId) => sum + (accepted.get(depotId) ?? 0), 0);
  const delivered = watched.reduce((sum, one) => sum + one.positionsPerDepot.reduce((total, [, count]) => total + count, 0), 0);
  const histogram: Histogram = new Map();
  for (const one of watched) for (const [ms, count] of one.histogram) histogram.set(ms, (histogram.get(ms) ?? 0) + count);
  const measured = [...histogram.values()].reduce((sum, count) => sum + count, 0);
  const total = <T>(items: T[], of: (item: T) => number) => items.reduce((sum, item) => sum + of(item), 0);
  const sent = total(driven, (one) => one.sent);
  const acceptedTotal = [...accepted.values()].reduce((sum, count) => sum + count, 0);
  const serverCpu = total(perServer, (one) => one.cpuPercent);
  const rows: [string, string, string][] = [
    ['fixes sent (stored / refused / never acknowledged)', `${sent} (${acceptedTotal} / ${total(driven, (one) => one.refused)}${refusals(driven)} / ${total(driven, (one) => one.unacknowledged)})`, `${counts.rates.map((rate) => rate * counts.drivers).join(', ')}/s for ${counts.warmup} + ${counts.rates.length} × ${counts.seconds} s`],
    // A van's fix overtaken by its next one in the same write moves nothing: the console gets the newer one only.
    ['fixes at consoles (stored fixes × consoles of the depot)', `${delivered} (${expected})`, 'fewer by the fixes overtaken within one write'],
    ['lost (numbers a console never got)', String(total(watched, (one) => one.lost)), '0'],
    ['repeated / out of order (consoles and trackers)', `${total(watched, (one) => one.repeated)} / ${total(watched, (one) => one.outOfOrder)}`, '0 / 0'],
    ['tracker frames (numbers a tracker never got)', `${total(watched, (one) => one.trackerFrames)} (${total(watched, (one) => one.trackerLost)})`, 'one per order every ≥ 10 s (0)'],
    ['fixes measured for latency', String(measured), `after ${counts.warmup} s warm-up`],
    ['latency fix → console p50 ms', String(percentile(histogram, 50)), ''],
    ['latency fix → console p99 ms', String(percentile(histogram, 99)), '≤ 250'],
    ['latency max ms', String(Math.max(...histogram.keys())), ''],
    ['server CPU (% of one core, live processes)', `${serverCpu.toFixed(0)} (${perServer.map((one) => one.cpuPercent.toFixed(0)).join(' + ')})`, ''],
    ['server RSS / heap MB (live processes)', `${total(perServer, (one) => one.rssMb).toFixed(0)} / ${total(perServer, (one) => one.heapMb).toFixed(0)}`, ''],
    ['server CPU ms per fix', ((serverCpu / 100) * 1000 / (counts.drivers * mean(counts.rates))).toFixed(2), ''],
    ['client CPU: watchers / drivers (% of one core each)', `${watched.map((one) => one.cpuPercent.toFixed(0)).join(' + ')} / ${driven.map((one) => one.cpuPercent.toFixed(0)).join(' + ')}`, ''],
    ...(killedAtMs === null
      ? []
      : ([
          ['kill -9: client reconnects (watchers / drivers)', `${total(watched, (one) => one.reconnects)} / ${total(driven, (one) => one.reconnects)}`, ''],
          ['kill -9: reconnects answered with a snapshot instead of the missed events', String(total(watched, (one) => one.snapshotsInstead)), '0'],
        ] as [string, string, string][])),
    ['database', args['database-url'] ? 'PostgreSQL' : 'PGlite (in the server process)', ''],
    ['server processes / room adapter', `${counts.processes} / ${adapterKind === 'none' ? 'none (one process)' : adapterKind === 'redis' ? 'Redis Streams' : 'PostgreSQL LISTEN/NOTIFY'}`, ''],
    ['wall time s', elapsedSeconds.toFixed(1), ''],
    // The latency bar assumes the server gets its core: on a shared machine, read it beside the load.
    ['machine load average (1 min) / cores', `${load.toFixed(1)} / ${availableParallelism()}`, ''],
  ];
  console.log(`\n| measure | value | reference |\n|---|---|---|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}`);
  // The sweep: per rate, what the servers did with it and what the clients (on the same cores) cost.
  const sweep = counts.rates.map((rate, step) => {
    const stepHistogram: Histogram = new Map();
    for (const one of watched) for (const [ms, count] of one.steps[step]!.histogram) stepHistogram.set(ms, (stepHistogram.get(ms) ?? 0) + count);
    const stepSent = total(driven, (one) => one.steps[step]!.sent);
    const stepAcked = total(driven, (one) => one.steps[step]!.acked);
    const servers = perStep[step] ?? [];
    const stepServerCpu = total(servers, (one) => one.cpuPercent);
    return [
      `${rate}`,
      `${Math.round(stepSent / counts.seconds)}`,
      `${stepSent === 0 ? '–' : ((100 * stepAcked) / stepSent).toFixed(1)}`,
      `${percentile(stepHistogram, 50)} / ${percentile(stepHistogram, 99)} / ${stepHistogram.size === 0 ? NaN : Math.max(...stepHistogram.keys())}`,
      `${stepServerCpu.toFixed(0)} (${servers.map((one) => one.cpuPercent.toFixed(0)).join(' + ')})`,
      stepSent === 0 ? '–' : ((stepServerCpu / 100) * 1000 * counts.seconds / stepSent).toFixed(2),
      `${total(watched, (one) => one.steps[step]!.cpuPercent).toFixed(0)} / ${total(driven, (one) => one.steps[step]!.cpuPercent).toFixed(0)}`,
    ];
  });
  console.log(
    `\n| fixes per driver per s | fixes sent per s | acknowledged % | fix → console p50 / p99 / max ms | server CPU % (per process) | server CPU ms per fix | client CPU %: watchers / drivers |\n|---|---|---|---|---|---|---|\n${sweep.map((row) => `| ${row.join(' | ')} |`).join('\n')}`,
  );
  console.log(`machine load average (1 min) ${loadavg()[0]!.toFixed(1)} on ${availableParallelism()} cores, ${counts.processes} server process(es), ${adapterKind} adapter`);
  toServers('STOP');
  drivers.forEach((driver) => driver.send('EXIT'));
  await Promise.all([...alive].map((server) => new Promise((resolve) => server.child.once('exit', resolve))));
  process.exit(0);
}

if (args.serve) void serve();
else if (args.drive) void drive();
else if (args.watch) void watch();
else void run();
