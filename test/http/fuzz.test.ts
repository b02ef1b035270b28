/**
 * A bounded property-based fuzzer over every operation of the OpenAPI document, the OSRM-compatible endpoints,
 * the import endpoint and the pages: malformed path parameters, queries, headers and bodies (wrong types, huge
 * strings, broken percent-encoding and UTF-8, deep nesting, compressed junk, CSV/JSON/GeoJSON junk). Every answer
 * is below 500 and, when an error, in the one error shape (OSRM's shape on OSRM's routes); a rejected request
 * leaves every table's row count as it was; the server keeps answering. It prints what it sent.
 */
import { request as httpRequest, Agent } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { adminToken } from '../helpers/http';
import { rowCounter, startFullService, type FullService } from '../helpers/service';

/**
 * At least 5,000 refused (malformed) requests per run, shared by the backends it runs on (CI: PGlite and PostgreSQL,
 * 2,500 each); about 15 % of what is drawn is well-formed enough to be answered 2xx, so 6,200 are sent (3,100 each).
 */
const REFUSED_PER_RUN = 5000;
const HTTP_RUNS = Number(process.env.FUZZ_HTTP_RUNS ?? Math.ceil(6200 / testDatabases().length));
const REFUSED_RUNS = process.env.FUZZ_HTTP_RUNS ? 0 : Math.ceil(REFUSED_PER_RUN / testDatabases().length);

interface Operation {
  method: string;
  /** OpenAPI path with {params}. */
  path: string;
  params: string[];
  query: string[];
  bodyFields: string[];
  kind: 'api' | 'osrm' | 'vroom' | 'import' | 'page';
}

interface Sent {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  kind: Operation['kind'];
}

interface Answer {
  status: number;
  text: string;
}

// ---- junk ----

const junkConstants = [
  '', ' ', '\u0000', 'x\u0000y', '-1', '0', '1.5', '1e309', 'NaN', 'Infinity', 'null', 'true', '[]', '{}', '9'.repeat(40), `${2 ** 31}`, `${2 ** 53 + 1}`,
  "' OR 1=1 --", '<script>alert(1)</script>', '../../etc/passwd', '💥🚚', '\u202e\u0301\ufeff', 'a'.repeat(5000), 'ü'.repeat(300), '\ud800',
];
const junkText = fc.oneof(fc.constantFrom(...junkConstants), fc.string({ maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 20 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
/** Path and query bytes that no decoder accepts, sent as they are. */
const rawPercentJunk = ['%', '%E0%A4%A', '%ZZ', '%ff%fe', '%C0%AF', '%ED%A0%80', '..%2f..%2fpackage.json', '%2e%2e%2f%2e%2e', '%00', '%u0041', 'a%2Fb'];

/** Percent-encodes text; a lone surrogate cannot be encoded, so it goes as CESU bytes, which are not UTF-8 either. */
const encode = (text: string) => {
  try {
    return encodeURIComponent(text);
  } catch {
    return '%ED%A0%80';
  }
};
const pathValue = fc.oneof({ weight: 3, arbitrary: junkText.map(encode) }, { weight: 2, arbitrary: fc.constantFrom(...rawPercentJunk) }, { weight: 1, arbitrary: fc.integer().map(String) });

const jsonJunk = fc.oneof(
  fc.constantFrom<unknown>(null, true, false, '', 0, -1, 1.5, 2 ** 31, 2 ** 53, -(2 ** 63), Number.MAX_VALUE, [], {}, [null], { start: 1 }, 'x'.repeat(20_000)),
  junkText,
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 4 }),
  fc.array(fc.oneof(fc.integer(), fc.double(), junkText), { maxLength: 5 }),
);

/** Field names from the operation's body schema, each given junk, plus a stray one now and then. */
const objectBody = (fields: string[]) =>
  fc
    .tuple(fc.subarray(fields.length > 0 ? fields : ['x']), fc.array(jsonJunk, { minLength: 12, maxLength: 12 }), fc.option(fc.tuple(junkText, jsonJunk), { freq: 4 }))
    .map(([names, values, stray]) => {
      const body: Record<string, unknown> = Object.fromEntries(names.map((name, index) => [name, values[index % values.length]]));
      if (stray) body[stray[0]] = stray[1];
      return body;
    });

const deep = (depth: number, open: string, close: string) => `${open.repeat(depth)}${close.repeat(depth)}`;
const rawBodies = fc.oneof(
  fc.constantFrom(
    Buffer.from('{"name": "trunc'),
    Buffer.from('{"a":1,}'),
    Buffer.from("{'single': 'quotes'}"),
    Buffer.from('\ufeff{}'),
    Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d]),
    Buffer.from([0xc3, 0x28, 0xa0, 0xa1]),
    Buffer.from(deep(5000, '[', ']')),
    Buffer.from(`{"a":${deep(300, '{"b":', '}').replace(/\{"b":\}/, '{"b":1}')}}`),
    Buffer.from(`{"name":"${'x'.repeat(200_000)}"}`),
    Buffer.from('1e999999'),
    Buffer.from('"\\ud800"'),
    Buffer.from('{"__proto__":{"polluted":true},"constructor":{"prototype":{"x":1}}}'),
    Buffer.alloc(2000, 0),
  ),
  fc.uint8Array({ maxLength: 200 }).map((bytes) => Buffer.from(bytes)),
  fc.integer({ min: 65, max: 3000 }).map((depth) => Buffer.from(deep(depth, '{"a":[', ']}'))),
);

const csvJunk = fc.oneof(
  fc.array(fc.array(fc.oneof(junkText, fc.constantFrom('"', '""', ';', ',', '\r', '\n', '"unterminated')), { maxLength: 8 }), { maxLength: 20 }).map((rows) => Buffer.from(rows.map((row) => row.join(',')).join('\n'))),
  fc.constantFrom(
    Buffer.from('external_ref,lon,lat\n1,abc,def\n2,999,999\n3,,\n'),
    Buffer.from(`${'x,'.repeat(20_000)}\n1\n`),
    Buffer.from('external_ref;customer_name\n"a;b\n'),
    Buffer.from([0xff, 0xfe, 0x00, 0x41, 0x0a, 0xc3]),
  ),
);
const geoJsonJunk = fc.oneof(
  jsonJunk.map((value) => ({ type: 'FeatureCollection', features: [{ type: 'Feature', geometry: { type: 'Point', coordinates: value }, properties: value }] })),
  jsonJunk.map((value) => ({ type: 'FeatureCollection', features: value })),
  jsonJunk.map((value) => ({ type: value, features: [] })),
).map((value) => Buffer.from(JSON.stringify(value)));

const contentTypes = fc.constantFrom(
  'application/json', 'application/json', 'application/json', 'application/json; charset=utf-8', 'application/json; charset=latin1', 'application/json; charset=utf-16',
  'application/json; charset=nope', 'text/plain', 'text/csv', 'text/csv; charset=windows-1252', 'application/geo+json', 'multipart/form-data; boundary=x', 'garbage', '',
);
const encodings = fc.constantFrom(undefined, undefined, undefined, undefined, 'gzip', 'br', 'deflate', 'identity', 'x-junk', 'gzip, br', 'GZIP');
/** Valid header bytes only: the client refuses anything else before it is sent. */
const headerJunk = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)), maxLength: 80 });

/** The body's bytes under a Content-Encoding: mostly honest compression, sometimes a lie. */
function encodeBody(body: Buffer, encoding: string | undefined, honest: boolean): Buffer {
  if (!honest || encoding === undefined) return body;
  if (encoding.toLowerCase() === 'gzip') return gzipSync(body);
  if (encoding === 'br') return brotliCompressSync(body);
  if (encoding === 'deflate') return deflateSync(body);
  return body;
}

// ---- requests ----

function requestFor(operation: Operation): fc.Arbitrary<Sent> {
  const params = fc.array(pathValue, { minLength: operation.params.length, maxLength: operation.params.length });
  const queryPairs = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...(operation.query.length > 0 ? operation.query : ['x'])), junkText.map(encode), fc.constantFrom('a[b]', 'limit[]')), pathValue), { maxLength: 4 });
  const body =
    operation.kind === 'import'
      ? fc.oneof(csvJunk, geoJsonJunk, objectBody(['externalRef', 'location', 'timeWindows', 'customerName']).map((item) => Buffer.from(JSON.stringify([item, item]))), rawBodies)
      : fc.oneof(
          { weight: 4, arbitrary: objectBody(operation.bodyFields).map((value) => Buffer.from(JSON.stringify(value))) },
          { weight: 1, arbitrary: jsonJunk.map((value) => Buffer.from(JSON.stringify(value) ?? 'undefined')) },
          { weight: 2, arbitrary: rawBodies },
        );
  const hasBody = operation.method === 'POST' || operation.method === 'PATCH' || operation.method === 'PUT' || operation.method === 'DELETE';
  const auth = fc.oneof(
    { weight: 18, arbitrary: fc.constant(`Bearer ${adminToken}`) },
    { weight: 1, arbitrary: fc.constantFrom('Bearer null', 'Bearer ', 'Basic YWRtaW46YWRtaW4=', 'Bearer a b', `bearer ${adminToken}x`) },
    { weight: 1, arbitrary: headerJunk },
  );
  return fc
    .record({
      params,
      query: queryPairs,
      body: hasBody ? fc.option(body, { freq: 8 }) : fc.constant(null),
      contentType: contentTypes,
      encoding: encodings,
      honest: fc.boolean(),
      auth,
      extra: fc.option(fc.tuple(fc.constantFrom('x-request-id', 'accept', 'accept-encoding', 'if-none-match', 'range', 'x-api-key', 'origin'), headerJunk), { freq: 3 }),
    })
    .map(({ params, query, body, contentType, encoding, honest, auth, extra }) => {
      let index = 0;
      let path = operation.path.replace(/\{\w+\}/g, () => params[index++] || '0');
      if (query.length > 0) path += `?${query.map(([key, value]) => `${key}=${value}`).join('&')}`;
      const headers: Record<string, string> = {};
      // OSRM's endpoints are public; the credentials' own errors are the API's, tried elsewhere.
      if (operation.kind !== 'osrm') headers.authorization = auth;
      if (extra) headers[extra[0]] = extra[1];
      let bytes: Buffer | undefined;
      if (body) {
        headers['content-type'] = contentType;
        if (encoding) headers['content-encoding'] = encoding;
        bytes = encodeBody(body, encoding, honest);
        // Node's client would send a DELETE body unframed, and the server would read it as the next request.
        headers['content-length'] = String(bytes.length);
      }
      return { method: operation.method, path, headers, body: bytes, kind: operation.kind };
    });
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

function send(url: string, sent: Sent): Promise<Answer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ agent, hostname, port, method: sent.method, path: sent.path, headers: sent.headers, timeout: 20_000 }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      response.on('error', reject);
    });
    request.on('timeout', () => request.destroy(new Error(`no answer in 20 s: ${sent.method} ${sent.path.slice(0, 200)}`)));
    request.on('error', reject);
    request.end(sent.body);
  });
}

/** What is wrong with an error answer's body, or null. */
function shapeProblem(sent: Sent, answer: Answer): string | null {
  if (answer.status < 400) return null;
  // Static 404 for a missing asset and the pages' own text answers are not JSON endpoints.
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `not JSON: ${answer.text.slice(0, 200)}`;
  }
  if (sent.kind === 'osrm' && answer.status !== 401) {
    const osrm = body as { code?: unknown; message?: unknown };
    return typeof osrm.code === 'string' && typeof osrm.message === 'string' ? null : `not OSRM's error shape: ${answer.text.slice(0, 200)}`;
  }
  // /optimize answers VROOM's { code: 1 | 2 | 3, error }, except where it is refused before the router (auth, limits).
  if (sent.kind === 'vroom') {
    const vroom = body as { code?: unknown; error?: unknown };
    if (typeof vroom.code === 'number' && [1, 2, 3].includes(vroom.code) && typeof vroom.error === 'string' && vroom.error.length > 0) return null;
  }
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } }).error;
  if (!error || typeof error.code !== 'string' || !/^[a-z][a-z0-9_]*$/.test(error.code)) return `no error.code: ${answer.text.slice(0, 200)}`;
  if (typeof error.message !== 'string' || error.message.length === 0) return 'no error.message';
  if (!Array.isArray(error.details) || !error.details.every((detail: { message?: unknown }) => typeof detail?.message === 'string')) return 'details are not [{ path?, message }]';
  return null;
}

interface Schema {
  $ref?: string;
  properties?: Record<string, unknown>;
  allOf?: Schema[];
  anyOf?: Schema[];
}

async function operationsOf(url: string, service: FullService): Promise<Operation[]> {
  const document = (await (await fetch(`${url}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, Record<string, { parameters?: { in: string; name: string }[]; requestBody?: { content?: Record<string, { schema?: Schema }> } }>>;
    components?: { schemas?: Record<string, Schema> };
  };
  const resolve = (schema: Schema | undefined): Schema | undefined => (schema?.$ref ? document.components?.schemas?.[schema.$ref.split('/').pop()!] : schema);
  const fieldsOf = (schema: Schema | undefined): string[] => {
    const resolved = resolve(schema);
    if (!resolved) return [];
    return [...Object.keys(resolved.properties ?? {}), ...(resolved.allOf ?? []).flatMap(fieldsOf), ...(resolved.anyOf ?? []).flatMap(fieldsOf)];
  };
  const operations: Operation[] = [];
  for (const [path, methods] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(methods)) {
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        params: parameters.filter((parameter) => parameter.in === 'path').map((parameter) => parameter.name),
        query: parameters.filter((parameter) => parameter.in === 'query').map((parameter) => parameter.name),
        bodyFields: [...new Set(fieldsOf(operation.requestBody?.content?.['application/json']?.schema))],
        kind: path.endsWith('/orders/import') ? 'import' : path.startsWith('/api/v1/optimize') ? 'vroom' : path.startsWith('/api/') ? 'api' : 'osrm',
      });
    }
  }
  // Services OSRM has and this server does not answer too, in OSRM's shape.
  operations.push({ method: 'GET', path: '/match/v1/{profile}/{coordinates}', params: ['profile', 'coordinates'], query: ['timestamps'], bodyFields: [], kind: 'osrm' });
  // Real ids and tokens in an otherwise malformed request reach deeper than junk ids.
  operations.push(
    { method: 'PATCH', path: `/api/v1/depots/${service.depotId}`, params: [], query: [], bodyFields: ['name', 'location', 'address', 'timeZone', 'openingHours'], kind: 'api' },
    { method: 'PATCH', path: `/api/v1/orders/${service.orderIds[0]}`, params: [], query: [], bodyFields: ['notes', 'timeWindows', 'location', 'priority', 'demand'], kind: 'api' },
    { method: 'POST', path: `/api/v1/orders/${service.orderIds[0]}/transitions`, params: [], query: [], bodyFields: ['status', 'reason'], kind: 'api' },
    { method: 'POST', path: `/api/v1/track/${service.trackingTokens[0]}/rating`, params: [], query: [], bodyFields: ['stars', 'comment'], kind: 'api' },
    { method: 'GET', path: `/api/v1/orders/${service.orderIds[0]}/messages`, params: [], query: [], bodyFields: [], kind: 'api' },
    { method: 'GET', path: '/assets/{file}', params: ['file'], query: [], bodyFields: [], kind: 'page' },
    { method: 'GET', path: '/t/{token}', params: ['token'], query: [], bodyFields: [], kind: 'page' },
  );
  return operations;
}

/**
 * The tables whose row counts a refusal changed, with before → after. A wrong password is refused and counted by
 * design: the count is what locks the username, so a login answered 401 or 423 may change `login_failures` (only).
 */
function rowsChangedByRefusal(operation: Operation, answer: Answer, before: Record<string, number>, after: Record<string, number>): Record<string, string> {
  const countsLogin = operation.path === '/api/v1/auth/login' && (answer.status === 401 || answer.status === 423);
  const changed: Record<string, string> = {};
  for (const table of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (before[table] === after[table] || (countsLogin && table === 'login_failures')) continue;
    changed[table] = `${before[table]} → ${after[table]}`;
  }
  return changed;
}

describe.each(testDatabases())('the fuzzer finds no 5xx on $engine', (backend) => {
  let service: FullService;
  beforeAll(async () => {
    service = await startFullService(backend);
  }, 120_000);
  afterAll(async () => {
    agent.destroy();
    await service?.close();
  });

  it(`answers ${HTTP_RUNS} malformed requests over every operation below 500, in the error shape, and writes nothing when it refuses`, async () => {
    const operations = await operationsOf(service.url, service);
    // Every operation of the document is in the run (the extras with real ids come on top).
    expect(operations.filter((operation) => operation.kind !== 'osrm' && operation.kind !== 'page').length).toBeGreaterThan(40);
    // The service's own mount list (serviceMounts) is what runs here: alerts, geocoding and webhooks included.
    const documented = new Set(operations.map((operation) => `${operation.method} ${operation.path}`));
    for (const key of ['GET /api/v1/alerts', 'POST /api/v1/alerts/{id}/acknowledge', 'GET /api/v1/geocode', 'POST /api/v1/webhooks', 'GET /api/v1/webhooks/{id}/deliveries', 'POST /api/v1/webhooks/{id}/deliveries/{deliveryId}/resend', 'GET /api/v1/orders/{id}/messages', 'POST /api/v1/orders/{id}/tracking/link']) {
      expect(documented, key).toContain(key);
    }
    const byStatus = new Map<number, number>();
    const byOperation = new Map<string, number>();
    const rowCounts = await rowCounter(service.database);
    let counts = await rowCounts();
    let sent = 0;
    let accepted = 0;

    const arbitrary = fc.constantFrom(...operations).chain((operation) => requestFor(operation).map((request) => ({ operation, request })));
    await fc.assert(
      fc.asyncProperty(arbitrary, async ({ operation, request }) => {
        sent++;
        const answer = await send(service.url, request);
        byStatus.set(answer.status, (byStatus.get(answer.status) ?? 0) + 1);
        const key = `${operation.method} ${operation.path}`;
        byOperation.set(key, (byOperation.get(key) ?? 0) + 1);
        const label = `${request.method} ${request.path.slice(0, 300)} ${JSON.stringify(request.headers).slice(0, 300)} → ${answer.status} ${answer.text.slice(0, 300)}`;
        expect(answer.status, label).toBeLessThan(500);
        expect(shapeProblem(request, answer), label).toBeNull();
        if (answer.status < 400) accepted++;
        // Reads write no rows; counting after each of them would double the run for nothing.
        if (request.method === 'GET') return;
        const before = counts;
        // Taken first, so the runs fast-check makes while shrinking a failure compare with the rows as they are.
        counts = await rowCounts();
        if (answer.status >= 400) expect(rowsChangedByRefusal(operation, answer, before, counts), `rows changed after a refusal: ${label}`).toEqual({});
      }),
      { numRuns: HTTP_RUNS, seed: Number(process.env.FUZZ_SEED ?? Date.now() % 2 ** 31), verbose: 1 },
    );

    // Still up and well after all of it.
    expect((await fetch(`${service.url}/api/v1/health`)).status).toBe(200);
    const statuses = [...byStatus.entries()].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(' ');
    console.log(`HTTP fuzz on ${backend.engine}: ${sent} requests over ${byOperation.size} operations, ${sent - accepted} refused, ${accepted} accepted; statuses ${statuses}`);
    expect(sent).toBeGreaterThanOrEqual(HTTP_RUNS);
    expect(sent - accepted).toBeGreaterThanOrEqual(REFUSED_RUNS);
    expect(byOperation.size).toBe(operations.length);
  }, 400_000);
});
