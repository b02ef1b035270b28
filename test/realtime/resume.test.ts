/**
 * Order per room and resuming: a returning client gets exactly what it missed (from the log every process shares),
 * and facts that two server processes send into one room reach a client once each and in their numbered order —
 * through Redis Streams and through PostgreSQL's LISTEN/NOTIFY.
 */
import pg from 'pg';
import { createClient } from 'redis';
import { io as connectClient } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/database';
import type { RoomSnapshot, Sequenced, VehiclesMovedView } from '../../src/protocol/socket';
import type { RedisClient } from '../../src/realtime/server';
import { RoomStream } from '../../web/common/socket';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { fix, nextEvent, nowEpoch, request, seedFleet, startNode, type ClientSocket, type Fleet, type Node } from './harness';

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

function open(node: Node, auth: Record<string, unknown>): ClientSocket {
  return connectClient(node.url, { auth, transports: ['websocket'], reconnection: false, forceNew: true }) as ClientSocket;
}

/** Every numbered fact the socket receives, raw, in arrival order. */
function recordFacts(socket: ClientSocket): Sequenced[] {
  const seen: Sequenced[] = [];
  socket.onAny((name: string, payload: unknown) => {
    if (name !== 'room:joined' && name !== 'room:resumed') seen.push(payload as Sequenced);
  });
  return seen;
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe('a room stream in the browser', () => {
  it('applies facts once each and in order, waits for an early one, and asks for a gap that stays open', async () => {
    const applied: number[] = [];
    const asked: number[] = [];
    const stream = new RoomStream((event) => applied.push(event.seq), (last) => asked.push(last), 50);
    const fact = (seq: number) => ({ room: 'depot:1', seq, event: 'plan:progress', data: { planId: 1, bestCost: seq, unassigned: 0, elapsedMs: 0 } }) as Sequenced;
    stream.reset(10);
    for (const seq of [9, 12, 11, 11, 13, 10]) stream.receive(fact(seq));
    expect(applied).toEqual([11, 12, 13]);
    stream.receive(fact(15));
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(asked).toEqual([13]);
    stream.receive(fact(14));
    expect(applied).toEqual([11, 12, 13, 14, 15]);
    stream.reset(20);
    stream.receive(fact(21));
    expect(stream.last).toBe(21);
    stream.close();
  });
});

describe.each(testDatabases())('resuming a room on $engine', (backend) => {
  let database: TestDatabase;
  let node: Node;
  let fleet: Fleet;
  let fixTime = nowEpoch() - 3600;

  beforeAll(async () => {
    database = await backend.open();
    node = await startNode(database, { feed: { flushIntervalMs: 10, maxReplay: 5 }, rateLimit: { perSecond: 100, burst: 100 } });
    fleet = await seedFleet(node);
  });
  afterAll(async () => {
    await node.close();
    await database.dispose();
  });

  it('replays exactly what a returning client missed, then says it resumed, with no snapshot', async () => {
    const driver = node.connect({ token: fleet.driverTokens[1] });
    await nextEvent(driver, 'room:joined');
    const first = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const { seq: left } = await nextEvent<RoomSnapshot>(first, 'room:joined');
    first.disconnect();
    // A flush after each: three frames (positions reported within one flush would share one).
    for (let index = 0; index < 3; index++) {
      await request(driver, 'position:report', fix(++fixTime));
      await node.realtime.feed.flush();
    }

    const back = open(node, { token: fleet.dispatcherToken, depotId: fleet.depotId, afterSeq: left });
    const facts = recordFacts(back);
    let snapshots = 0;
    back.on('room:joined', () => snapshots++);
    const resumed = await nextEvent<{ seq: number; replayed: number }>(back, 'room:resumed');
    expect(resumed).toMatchObject({ seq: left + 3, replayed: 3 });
    expect(facts.map((fact) => fact.seq)).toEqual([left + 1, left + 2, left + 3]);
    expect(facts.map((fact) => (fact.data as VehiclesMovedView).positions.map((position) => position.recordedAt))).toEqual([[fixTime - 2], [fixTime - 1], [fixTime]]);
    expect(snapshots).toBe(0);
    back.disconnect();

    // Up to date: nothing to replay.
    const current = open(node, { token: fleet.dispatcherToken, depotId: fleet.depotId, afterSeq: left + 3 });
    expect(await nextEvent(current, 'room:resumed')).toMatchObject({ seq: left + 3, replayed: 0 });
    current.disconnect();
    driver.disconnect();
  });

  it('gives the state now when it missed more than the server replays, or names a number it never gave', async () => {
    const driver = node.connect({ token: fleet.driverTokens[1] });
    await nextEvent(driver, 'room:joined');
    const first = node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId });
    const { seq: left } = await nextEvent<RoomSnapshot>(first, 'room:joined');
    first.disconnect();
    for (let index = 0; index < 6; index++) await request(driver, 'position:report', fix(++fixTime));
    await node.realtime.feed.flush();

    const tooFar = open(node, { token: fleet.dispatcherToken, depotId: fleet.depotId, afterSeq: left });
    expect(await nextEvent<RoomSnapshot>(tooFar, 'room:joined')).toMatchObject({ seq: left + 6 });
    tooFar.disconnect();
    const future = open(node, { token: fleet.dispatcherToken, depotId: fleet.depotId, afterSeq: left + 1000 });
    expect(await nextEvent<RoomSnapshot>(future, 'room:joined')).toMatchObject({ seq: left + 6 });
    future.disconnect();
    driver.disconnect();
  });

  it('refuses an afterSeq that is not a whole number, naming the field', async () => {
    const socket = open(node, { token: fleet.dispatcherToken, depotId: fleet.depotId, afterSeq: -1.5 });
    const error = await new Promise<{ data?: { error: { code: string; details: { path?: string }[] } } }>((resolve) => socket.on('connect_error', (failure) => resolve(failure as never)));
    expect(error.data?.error.code).toBe('invalid_input');
    expect(error.data?.error.details[0]?.path).toBe('auth.afterSeq');
  });
});

// Two server processes' worth of service on one PostgreSQL database, rooms shared through each adapter.
describe.each(testDatabases().filter((backend) => backend.engine === 'postgres'))('one room, two servers, on $engine', (backend) => {
  /** A fresh schema, opened twice as two processes would. */
  const twoProcesses = async () => {
    const database = await backend.open();
    const schema = ((await database.knex.raw('select current_schema() as schema')) as { rows: { schema: string }[] }).rows[0]!.schema;
    const opened = openDatabase({ engine: 'postgres', url: process.env.TEST_DATABASE_URL!, schema });
    return { databases: [database, { ...opened, dispose: () => opened.close() }] as TestDatabase[], schema };
  };

  const adapters = {
    'Redis Streams': async (_schema: string) => {
      const clients: RedisClient[] = [];
      for (let index = 0; index < 2; index++) {
        const client: RedisClient = createClient({ url: redisUrl });
        await client.connect();
        clients.push(client);
      }
      return { options: clients.map((redisClient) => ({ redisClient })), close: async () => clients.forEach((client) => client.destroy()) };
    },
    'PostgreSQL LISTEN/NOTIFY': async (schema: string) => {
      const pools = [0, 1].map(() => new pg.Pool({ connectionString: process.env.TEST_DATABASE_URL!, options: `-c search_path=${schema}`, max: 2 }));
      return { options: pools.map((adapterPool) => ({ adapterPool })), close: async () => void (await Promise.all(pools.map((pool) => pool.end()))) };
    },
  };

  it.each(Object.keys(adapters) as (keyof typeof adapters)[])('through %s: every fact once, in order, on a client of either server', async (adapter) => {
    const { databases, schema } = await twoProcesses();
    const shared = await adapters[adapter](schema);
    const common = { adapterChannel: `lastmile_test_${schema}`, feed: { flushIntervalMs: 5 }, rateLimit: { perSecond: 1000, burst: 1000 } };
    const nodes = [await startNode(databases[0]!, { ...common, ...shared.options[0] }), await startNode(databases[1]!, { ...common, ...shared.options[1] })];
    try {
      const fleet = await seedFleet(nodes[0]!);
      const watchers = nodes.map((node) => node.connect({ token: fleet.dispatcherToken, depotId: fleet.depotId }));
      const starts = await Promise.all(watchers.map((watcher) => nextEvent<RoomSnapshot>(watcher, 'room:joined')));
      const applied = watchers.map(() => [] as number[]);
      const positions = watchers.map(() => [] as string[]);
      const raw = watchers.map(() => [] as number[]);
      const streams = starts.map((start, index) => {
        const stream = new RoomStream((event) => {
          applied[index]!.push(event.seq);
          for (const position of (event.data as VehiclesMovedView).positions) positions[index]!.push(`${position.vehicleId}@${position.recordedAt}`);
        }, () => {}, 5000);
        stream.reset(start.seq);
        return stream;
      });
      watchers.forEach((watcher, index) =>
        watcher.on('vehicles:moved', (event) => {
          raw[index]!.push(event.seq);
          streams[index]!.receive(event);
        }),
      );
      const drivers = [nodes[0]!.connect({ token: fleet.driverTokens[0] }), nodes[1]!.connect({ token: fleet.driverTokens[1] })];
      await Promise.all(drivers.map((driver) => nextEvent(driver, 'room:joined')));

      const perDriver = 40;
      const base = nowEpoch() - 600;
      await Promise.all(drivers.map(async (driver) => {
        for (let index = 0; index < perDriver; index++) await request(driver, 'position:report', fix(base + index));
      }));
      await Promise.all(nodes.map((node) => node.realtime.feed.flush()));
      const last = await nodes[0]!.realtime.feed.snapshotOf(`depot:${fleet.depotId}`).then((snapshot) => snapshot.seq);
      await until(() => applied.every((seqs, index) => seqs.at(-1) === last && seqs.length === last - starts[index]!.seq));
      // Frames from both servers, applied in number order, carry every fix of both vans once.
      const sent = fleet.vehicleIds.slice(0, 2).flatMap((vehicleId) => Array.from({ length: perDriver }, (_, index) => `${vehicleId}@${base + index}`));
      for (const seen of positions) expect([...seen].sort()).toEqual(sent.sort());
      for (const [index, seqs] of applied.entries()) {
        const from = starts[index]!.seq;
        expect(seqs).toEqual(Array.from({ length: last - from }, (_, offset) => from + offset + 1));
        // Each fact reached the client once, whatever order it came in.
        expect(new Set(raw[index]).size).toBe(raw[index]!.length);
      }
      streams.forEach((stream) => stream.close());
      [...watchers, ...drivers].forEach((socket) => socket.disconnect());
    } finally {
      for (const node of nodes) await node.close();
      await shared.close();
      for (const database of databases.reverse()) await database.dispose();
    }
  });
});
