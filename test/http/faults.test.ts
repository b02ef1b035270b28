/**
 * The database going away never ends the process. On a PostgreSQL database of its own (so terminating every
 * backend touches no other test file), a plan runs while drivers report positions and record stop outcomes and the
 * office reads the API; every backend connection is terminated three times. The process stays up, 503s (with
 * Retry-After) come only around a termination, the plan succeeds with one run, and no position, outcome or room
 * event is lost or duplicated.
 */
import { mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexModule from 'knex';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { createPlan } from '../../src/commands/create-plan';
import { migrateToLatest, openDatabase } from '../../src/db/database';
import { claimDataDirectory, DatabaseStartError, processErrorHandler } from '../../src/db/faults';
import { isDatabaseUnavailable } from '../../src/errors';
import { toAppError } from '../../src/error-mapper';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { adminToken } from '../helpers/http';
import { orderInput } from '../helpers/orders';
import { dispatchRoute, fix, nextEvent, request, seedFleet, startNode, type ClientSocket } from '../realtime/harness';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('classifying database faults', () => {
  it('tells a lost or refused connection from a bad request', () => {
    expect(isDatabaseUnavailable(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([Object.assign(new Error('x'), { code: 'ECONNREFUSED' })]))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('Knex: Timeout acquiring a connection. The pool is probably full.'), { name: 'KnexTimeoutError' }))).toBe(true);
    expect(isDatabaseUnavailable(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(false);
    expect(isDatabaseUnavailable(new TypeError('x is undefined'))).toBe(false);
  });

  it('answers 503 database_unavailable with a retry delay, not 500', () => {
    const { error, known } = toAppError(Object.assign(new Error('terminating connection due to administrator command'), { code: '57P01' }));
    expect(known).toBe(true);
    expect(error.status).toBe(503);
    expect(error.code).toBe('database_unavailable');
    expect(error.retryAfterSeconds).toBeGreaterThan(0);
  });

  it('survives an uncaught lost-connection error, and still exits on any other', () => {
    const logged: string[] = [];
    const exits: number[] = [];
    const log = { warn: (_fields: object, message: string) => logged.push(`warn ${message}`), fatal: (_fields: object, message: string) => logged.push(`fatal ${message}`) };
    const handle = processErrorHandler(log, (code) => exits.push(code));
    handle(Object.assign(new Error('Connection terminated unexpectedly'), { code: 'ECONNRESET' }), 'uncaughtException');
    expect(exits).toEqual([]);
    handle(new TypeError('a bug'), 'unhandledRejection');
    expect(exits).toEqual([1]);
    expect(logged).toEqual(['warn database unavailable; the process keeps running', 'fatal uncaught error; exiting']);
  });
});

describe('the embedded database refuses to start with a reason and the path', () => {
  const root = mkdtempSync(join(tmpdir(), 'lastmile-faults-'));
  afterAll(() => {
    chmodSync(join(root, 'readonly'), 0o755);
    rmSync(root, { recursive: true, force: true });
  });

  it('names a read-only DATA_DIR', () => {
    const directory = join(root, 'readonly');
    claimDataDirectory(directory)();
    chmodSync(directory, 0o555);
    // root may write anywhere; the check is only meaningful for other users.
    if (process.getuid?.() === 0) return expect(() => claimDataDirectory(directory)()).not.toThrow();
    expect(() => claimDataDirectory(directory)).toThrow(DatabaseStartError);
    expect(() => claimDataDirectory(directory)).toThrow(new RegExp(`${directory}: the directory is read-only`));
  });

  it('names a DATA_DIR another live process holds, and takes over a stale lock', () => {
    const directory = join(root, 'locked');
    claimDataDirectory(directory)();
    // The parent of this process is alive and is not this process.
    writeFileSync(join(directory, 'lastmile.lock'), String(process.ppid));
    expect(() => claimDataDirectory(directory)).toThrow(`${directory}: it is locked by another process (pid ${process.ppid}`);
    writeFileSync(join(directory, 'lastmile.lock'), '999999999');
    const release = claimDataDirectory(directory);
    release();
  });

  it('opens and closes PGlite in a directory, releasing the lock for the next start', async () => {
    const directory = join(root, 'pglite');
    const first = openDatabase({ engine: 'pglite', directory });
    await first.ready();
    await first.close();
    const second = openDatabase({ engine: 'pglite', directory });
    await second.ready();
    await second.ping();
    await second.close();
  }, 60_000);
});

const url = process.env.TEST_DATABASE_URL;

describe.runIf(url)('a lost PostgreSQL connection during a plan run and live traffic', () => {
  it('keeps the process up, answers 503 only around each outage, and loses or doubles nothing', async () => {
    // A database of its own: terminating "every backend of the current database" then touches nobody else.
    const name = `lm_faults_${process.pid}_${Date.now()}`;
    const admin = knexModule.knex({ client: 'pg', connection: url!, pool: { min: 0, max: 1 } });
    await admin.raw('create database ??', [name]);
    const faultUrl = new URL(url!);
    faultUrl.pathname = `/${name}`;
    const database = openDatabase({ engine: 'postgres', url: faultUrl.href });
    await migrateToLatest(database.knex);
    const adapterPool = new pg.Pool({ connectionString: faultUrl.href, max: 2 });
    // The socket's own per-connection limit is not what this measures: a fix every 50 ms stays under it.
    const node = await startNode({ ...database, dispose: () => database.close() }, { pool: adapterPool, adapterChannel: name, rateLimit: { perSecond: 100, burst: 100 } });
    // Worker threads: the solve must leave the event loop to the traffic, as in the service.
    const solver = createPoolSolver({ threads: 2 });
    const queue = new PlanQueue({ context: node.commands, solver, routing: createHaversineProvider(), pollMs: 50 });
    const killer = new pg.Client({ connectionString: faultUrl.href });
    await killer.connect();
    try {
      const fleet = await seedFleet(node);
      const route = await dispatchRoute(node, fleet);

      // A day after tomorrow's orders for the plan, 40 of them around the depot.
      const planDate = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      const orderIds: number[] = [];
      for (let k = 0; k < 40; k++) {
        const location: [number, number] = [8.6724 + 0.02 * Math.cos(k), 49.4093 + 0.012 * Math.sin(k)];
        const window = { start: `${planDate}T09:00:00+01:00`, end: `${planDate}T17:00:00+01:00` };
        const created = await node.request('POST', '/api/v1/orders', { ...orderInput(k, { externalRef: `fault-${k}`, location, timeWindows: [window] }), depotId: fleet.depotId });
        await node.request('POST', `/api/v1/orders/${created.body.id}/transitions`, { status: 'ready' });
        orderIds.push(created.body.id);
      }
      const plan = await createPlan(node.commands, { date: planDate, depotId: fleet.depotId, orderIds, vehicleIds: [fleet.vehicleIds[1]], timeLimitSeconds: 6, options: {} }, systemPrincipal);

      const driver: ClientSocket = node.connect({ token: fleet.driverTokens[0] });
      const office: ClientSocket = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
      await Promise.all([nextEvent(driver, 'room:joined'), nextEvent(office, 'room:joined')]);
      const officeSeqs: number[] = [];
      office.onAny((_event, payload: { seq?: number }) => {
        if (typeof payload?.seq === 'number' && _event !== 'room:joined') officeSeqs.push(payload.seq);
      });

      const started = performance.now();
      const kills: number[] = [];
      const answers: { startMs: number; endMs: number; status: number; retryAfter: string | null; code?: string }[] = [];
      let running = true;
      await queue.start();

      /** One HTTP call, recorded; retried until it is not a 503. */
      const call = async (method: string, path: string, body: unknown, token: string) => {
        for (;;) {
          const startMs = performance.now() - started;
          const response = await fetch(node.url + path, {
            method,
            headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
            body: body === undefined ? undefined : JSON.stringify(body),
          });
          const json = (await response.json()) as { error?: { code: string } };
          answers.push({ startMs, endMs: performance.now() - started, status: response.status, retryAfter: response.headers.get('retry-after'), code: json.error?.code });
          if (response.status !== 503) return { status: response.status, body: json };
          await sleep(50);
        }
      };
      /** One socket request, recorded; retried while the database is away. */
      const ask = async (socket: ClientSocket, event: 'position:report' | 'stop:arrive' | 'stop:complete', payload: unknown) => {
        for (;;) {
          const startMs = performance.now() - started;
          const ack = await request(socket, event, payload);
          const code = ack?.error?.code as string | undefined;
          answers.push({ startMs, endMs: performance.now() - started, status: code === 'database_unavailable' ? 503 : code ? 400 : 200, retryAfter: code === 'database_unavailable' ? 'ack' : null, code });
          if (code !== 'database_unavailable') return ack;
          await sleep(50);
        }
      };

      const base = Math.floor(Date.now() / 1000) - 600;
      const socketFixes: number[] = [];
      const httpFixes: number[] = [];
      const traffic = [
        // Van 1's driver over the socket, one fix every 50 ms.
        (async () => {
          for (let k = 0; running; k++) {
            socketFixes.push(base + k);
            const ack = await ask(driver, 'position:report', [fix(base + k)]);
            expect(ack.error).toBeUndefined();
            await sleep(50);
          }
        })(),
        // Van 2's driver catching up over HTTP, batches of 5.
        (async () => {
          for (let k = 0; running; k += 5) {
            const batch = [0, 1, 2, 3, 4].map((offset) => fix(base + k + offset));
            httpFixes.push(...batch.map((position) => position.recordedAt));
            expect((await call('POST', '/api/v1/positions', { positions: batch }, fleet.driverTokens[1])).status).toBe(200);
            await sleep(50);
          }
        })(),
        // The office reading.
        (async () => {
          while (running) {
            expect((await call('GET', '/api/v1/orders?limit=20', undefined, adminToken)).status).toBe(200);
            expect((await call('GET', '/api/v1/vehicles/positions', undefined, fleet.dispatcherToken)).status).toBe(200);
            expect((await call('GET', '/api/v1/vehicles', undefined, fleet.dispatcherToken)).status).toBe(200);
          }
        })(),
        // Van 1's stops, one action every 700 ms across the outages.
        (async () => {
          for (const [index, stopId] of route.stopIds.entries()) {
            await sleep(700);
            expect((await ask(driver, 'stop:arrive', { stopId, idempotencyKey: `arrive-${index}-key` })).stopStatus).toBe('arrived');
            await sleep(700);
            expect((await ask(driver, 'stop:complete', { stopId, idempotencyKey: `complete-${index}-key`, recipientName: 'Neighbour' })).stopStatus).toBe('completed');
          }
        })(),
      ];

      // Three times, every backend of the database is terminated.
      for (const atMs of [1200, 2800, 4400]) {
        await sleep(Math.max(0, atMs - (performance.now() - started)));
        kills.push(performance.now() - started);
        const terminated = await killer.query('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
        expect(terminated.rowCount).toBeGreaterThan(0);
      }

      // The plan succeeds, once.
      const deadline = Date.now() + 60_000;
      let status = '';
      while (Date.now() < deadline) {
        // The test's own reads may meet a connection the last termination broke, as any request may.
        status = await database
          .knex('plans')
          .where({ id: plan.id })
          .first('status')
          .then((row) => row.status as string, (error: unknown) => (isDatabaseUnavailable(error) ? status : Promise.reject(error)));
        if (['succeeded', 'failed', 'cancelled'].includes(status)) break;
        await sleep(100);
      }
      await sleep(500);
      running = false;
      await Promise.all(traffic);
      await node.realtime.feed.flush();
      await sleep(300);

      expect(status).toBe('succeeded');
      const runs = await database.knex('plan_runs').where({ plan_id: plan.id });
      expect(runs.map((run) => run.status)).toEqual(['succeeded']);
      const stops = await database.knex('stops').join('routes', 'routes.id', 'stops.route_id').where('routes.plan_id', plan.id).select('stops.order_id');
      const unassigned = await database.knex('plan_unassigned').where({ plan_id: plan.id }).select('order_id');
      const planned = [...stops, ...unassigned].map((row) => row.order_id).sort((a, b) => a - b);
      expect(planned).toEqual([...orderIds].sort((a, b) => a - b));

      // Every fix stored once.
      const storedFixes = async (vehicleId: number) =>
        (await database.knex('positions').where({ vehicle_id: vehicleId }).orderBy('recorded_at').select('recorded_at')).map((row) => Number(row.recorded_at));
      expect(await storedFixes(fleet.vehicleIds[0])).toEqual(socketFixes);
      expect(await storedFixes(fleet.vehicleIds[1])).toEqual(httpFixes);

      // Each stop has one outcome, each order one delivery in its timeline.
      const outcomes = await database.knex('stop_outcomes').whereIn('stop_id', route.stopIds).select('stop_id', 'outcome');
      expect(outcomes.map((row) => row.outcome)).toEqual(route.stopIds.map(() => 'delivered'));
      const deliveries = await database.knex('order_events').whereIn('order_id', fleet.orders.map((order) => order.id)).where({ to_status: 'delivered' });
      expect(deliveries).toHaveLength(fleet.orders.length);

      // Every room's log numbered 1..n without a gap or a repeat, and the console heard its room's events in order.
      const rooms = await database.knex('room_sequences').select('room', 'last_seq');
      let roomEvents = 0;
      for (const { room, last_seq: last } of rooms) {
        const seqs = (await database.knex('room_events').where({ room }).orderBy('seq').select('seq')).map((row) => Number(row.seq));
        expect(seqs, room).toEqual(Array.from({ length: Number(last) }, (_, index) => index + 1));
        roomEvents += seqs.length;
      }
      expect(officeSeqs.length).toBeGreaterThan(0);
      expect(officeSeqs).toEqual(Array.from({ length: officeSeqs.length }, (_, index) => officeSeqs[0]! + index));

      // 503s only around a termination, each with Retry-After; nothing else failed.
      const unavailable = answers.filter((answer) => answer.status === 503);
      expect(answers.filter((answer) => answer.status !== 200 && answer.status !== 503)).toEqual([]);
      for (const answer of unavailable) {
        expect(answer.code).toBe('database_unavailable');
        expect(answer.retryAfter).not.toBeNull();
        expect(kills.some((killMs) => answer.endMs >= killMs && answer.startMs <= killMs + 2000), JSON.stringify(answer)).toBe(true);
      }
      expect((await fetch(`${node.url}/api/v1/health/live`)).status).toBe(200);
      expect((await fetch(`${node.url}/api/v1/health/ready`)).status).toBe(200);
      console.log(
        `faults: ${kills.length} terminations; ${answers.length} requests, ${unavailable.length} answered 503 (all within 2 s of a termination); ` +
          `${socketFixes.length + httpFixes.length} positions stored once; ${outcomes.length * 2} stop actions, ${outcomes.length} outcomes; ` +
          `${roomEvents} room events in ${rooms.length} rooms, 0 gaps; plan ${status} in ${runs.length} run`,
      );
    } finally {
      await killer.end();
      await queue.stop();
      await node.close();
      await solver.close();
      // As the service does: the adapter never releases a LISTEN client whose connection was terminated.
      await Promise.race([adapterPool.end(), sleep(2000)]);
      await database.close();
      await admin.raw('drop database if exists ?? with (force)', [name]);
      await admin.destroy();
    }
  }, 180_000);
});
