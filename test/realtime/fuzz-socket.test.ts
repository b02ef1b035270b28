/**
 * A bounded fuzzer over the socket events (src/protocol/socket.ts) with a real socket.io client: junk handshakes,
 * and junk requests from a driver, a dispatcher and a customer (wrong types, huge strings, deep nesting, binary,
 * unknown events, extra arguments). Every ack is a result or the one error shape, a refusal writes no row, the
 * connections stay up and the server keeps answering. It prints what it sent.
 */
import fc from 'fast-check';
import { io as connect, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { adminToken } from '../helpers/http';
import { rowCounter, startFullService, type FullService } from '../helpers/service';

/** 600 events per run, shared by the backends it runs on. */
const SOCKET_RUNS = Number(process.env.FUZZ_SOCKET_RUNS ?? Math.ceil(600 / testDatabases().length));
const HANDSHAKE_RUNS = 60;

const junkText = fc.oneof(
  fc.constantFrom('', ' ', '\u0000', '-1', 'NaN', 'null', '9'.repeat(40), '💥🚚', '\ud800', 'a'.repeat(70_000), "' OR 1=1 --"),
  fc.string({ maxLength: 30 }),
  fc.string({ unit: 'binary', maxLength: 20 }),
);
const jsonJunk = fc.oneof(
  fc.constantFrom<unknown>(null, true, '', 0, -1, 1.5, 2 ** 31, 2 ** 53, Number.MAX_VALUE, [], {}, [null], 'x'.repeat(100_000)),
  junkText,
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 4 }),
);
const deepArray = (depth: number): unknown => {
  let value: unknown = 1;
  for (let level = 0; level < depth; level++) value = [value];
  return value;
};
const fields = ['location', 'accuracyMeters', 'speedMetersPerSecond', 'headingDegrees', 'recordedAt', 'stopId', 'idempotencyKey', 'recipientName', 'signature', 'photo', 'reason', 'note'];
const payload = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(fc.oneof(fc.constantFrom(...fields), junkText), jsonJunk, { maxKeys: 6 }) },
  { weight: 2, arbitrary: jsonJunk },
  { weight: 1, arbitrary: fc.array(fc.dictionary(fc.constantFrom(...fields), jsonJunk, { maxKeys: 5 }), { maxLength: 5 }) },
  { weight: 1, arbitrary: fc.integer({ min: 10, max: 400 }).map(deepArray) },
  { weight: 1, arbitrary: fc.uint8Array({ maxLength: 100 }).map((bytes) => Buffer.from(bytes)) },
  {
    weight: 1,
    arbitrary: fc.record({ stopId: fc.oneof(fc.integer(), jsonJunk), idempotencyKey: fc.oneof(junkText, jsonJunk), photo: fc.record({ contentType: fc.constantFrom('image/png', 'text/html'), base64: fc.oneof(junkText, fc.constant('A'.repeat(3_000_000))) }) }),
  },
);
const requestEvents = ['position:report', 'stop:arrive', 'stop:complete', 'stop:fail'] as const;

type AnySocket = Socket;

/** Connects; `error` when the server refused the handshake, `closed` when it dropped a packet it could not read. */
function open(url: string, auth: unknown): Promise<{ socket: AnySocket; error?: { data?: unknown; message: string }; closed?: boolean }> {
  return new Promise((resolve, reject) => {
    const socket = connect(url, { auth: auth as Record<string, unknown>, transports: ['websocket'], reconnection: false, forceNew: true, timeout: 10_000 });
    const timer = setTimeout(() => reject(new Error(`no answer to the handshake with ${JSON.stringify(auth).slice(0, 200)}`)), 15_000);
    const done = (result: { error?: { data?: unknown; message: string }; closed?: boolean }) => {
      clearTimeout(timer);
      resolve({ socket, ...result });
    };
    socket.once('connect', () => done({}));
    socket.once('connect_error', (error: Error & { data?: unknown }) => done({ error }));
    socket.io.once('close', () => done({ closed: true }));
  });
}

function errorShapeProblem(reply: unknown): string | null {
  const error = (reply as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (!error) return null;
  if (typeof error.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(error.code)) return `no error.code: ${JSON.stringify(reply).slice(0, 300)}`;
  if (typeof error.message !== 'string' || !Array.isArray(error.details)) return `not the error shape: ${JSON.stringify(reply).slice(0, 300)}`;
  return null;
}

describe.each(testDatabases())('the socket fuzzer on $engine', (backend) => {
  let service: FullService;
  const sockets: AnySocket[] = [];
  beforeAll(async () => {
    // The per-connection limit would answer most of the run with rate_limited; it is not what is tried here.
    service = await startFullService(backend, { rateLimit: { perSecond: 100_000, burst: 100_000 } });
  }, 120_000);
  afterAll(async () => {
    for (const socket of sockets) socket.disconnect();
    await service?.close();
  });

  it(`refuses ${HANDSHAKE_RUNS} junk handshakes in the error shape`, async () => {
    let refused = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(jsonJunk, fc.record({ token: jsonJunk, depotId: jsonJunk }), fc.record({ token: fc.constant(adminToken), depotId: jsonJunk })), async (auth) => {
        const { socket, error, closed } = await open(service.url, auth);
        socket.disconnect();
        // An auth that is no object is a packet socket.io cannot read: it closes the connection, as it should.
        if (closed) refused++;
        if (!error) return;
        refused++;
        expect(errorShapeProblem(error.data), JSON.stringify(auth).slice(0, 200)).toBeNull();
        expect((error.data as { error?: unknown })?.error, `${error.message}: ${JSON.stringify(auth).slice(0, 200)}`).toBeDefined();
      }),
      { numRuns: HANDSHAKE_RUNS },
    );
    expect(refused).toBeGreaterThan(HANDSHAKE_RUNS / 2);
  }, 120_000);

  it(`answers ${SOCKET_RUNS} malformed socket requests with a result or the error shape, writes nothing when it refuses, and stays connected`, async () => {
    const driver = await open(service.url, { token: service.driverToken });
    const dispatcher = await open(service.url, { token: adminToken, depotId: service.depotId });
    const customer = await open(service.url, { token: service.trackingTokens[0] });
    for (const { socket, error } of [driver, dispatcher, customer]) {
      expect(error).toBeUndefined();
      sockets.push(socket);
    }
    const clients = { driver: driver.socket, dispatcher: dispatcher.socket, customer: customer.socket };
    const rowCounts = await rowCounter(service.database);
    let counts = await rowCounts();
    const codes = new Map<string, number>();
    let sent = 0;

    const request = fc.record({
      who: fc.constantFrom('driver', 'dispatcher', 'customer' as const),
      event: fc.oneof({ weight: 6, arbitrary: fc.constantFrom(...requestEvents) }, { weight: 1, arbitrary: fc.constantFrom('room:joined', 'vehicle:moved', 'nope', '__proto__', 'constructor') }),
      args: fc.array(payload, { minLength: 1, maxLength: 3 }),
      withAck: fc.boolean(),
    });
    await fc.assert(
      fc.asyncProperty(request, async ({ who, event, args: drawn, withAck }) => {
        sent++;
        // Above maxHttpBufferSize (4 MB) socket.io closes the connection by design; stay under it.
        const args = JSON.stringify(drawn).length > 3_500_000 ? drawn.slice(0, 1) : drawn;
        const socket = clients[who];
        const label = `${who} ${event} ${JSON.stringify(args).slice(0, 300)}`;
        const known = (requestEvents as readonly string[]).includes(event);
        if (!known || !withAck) {
          // Nobody answers these; the request after shows the connection survived.
          socket.emit(event, ...args);
          codes.set('no ack', (codes.get('no ack') ?? 0) + 1);
          return;
        }
        const reply = (await socket.timeout(10_000).emitWithAck(event, ...args.slice(0, 1))) as unknown;
        const code = (reply as { error?: { code?: string } } | null)?.error?.code ?? 'ok';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect(errorShapeProblem(reply), label).toBeNull();
        expect(code, label).not.toBe('internal_error');
        const after = await rowCounts();
        if (code !== 'ok') expect(after, `rows changed after a refusal: ${label}`).toEqual(counts);
        counts = after;
      }),
      { numRuns: SOCKET_RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31) },
    );

    for (const socket of Object.values(clients)) expect(socket.connected).toBe(true);
    const alive = (await driver.socket.timeout(5000).emitWithAck('position:report', { location: [8.69, 49.41], accuracyMeters: 5, recordedAt: Date.now() / 1000 })) as { accepted?: number };
    expect(alive.accepted).toBe(1);
    expect((await fetch(`${service.url}/api/v1/health`)).status).toBe(200);
    const answers = [...codes.entries()].sort(([, a], [, b]) => b - a).map(([code, count]) => `${code}×${count}`).join(' ');
    console.log(`socket fuzz on ${backend.engine}: ${sent} events (+${HANDSHAKE_RUNS} handshakes); answers ${answers}`);
    expect(sent).toBeGreaterThanOrEqual(SOCKET_RUNS);
  }, 180_000);
});
