import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brotliCompressSync, gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { optimizeMount } from '../../src/http/routes/optimize.routes';
import { webRouter } from '../../src/http/web';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { testDatabases } from '../helpers/database';
import { adminToken, depotInput, startTestApp, type TestApp } from '../helpers/http';

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A request with bytes and a path exactly as given: fetch would re-encode both. */
function rawRequest(url: string, method: string, path: string, headers: Record<string, string> = {}, body?: Buffer): Promise<Raw> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const request = httpRequest({ hostname, port, method, path, headers: { authorization: `Bearer ${adminToken}`, ...headers } }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    request.on('error', reject);
    request.end(body);
  });
}

const errorCode = (reply: Raw) => (JSON.parse(reply.text) as { error: { code: string } }).error.code;

describe.each(testDatabases())('malformed requests answer 4xx in the one error shape on $engine', (backend) => {
  let app: TestApp;
  let depotId: number;
  const solver = createPoolSolver({ threads: 1 });
  const distDir = mkdtempSync(join(tmpdir(), 'lastmile-dist-'));
  beforeAll(async () => {
    mkdirSync(join(distDir, 'assets'));
    writeFileSync(join(distDir, 'assets', 'app-1234.js'), 'console.log(1)');
    app = await startTestApp(backend, {
      mounts: [optimizeMount({ solver, routing: createHaversineProvider() }), { path: '/', router: webRouter({ distDir }) }],
    });
    depotId = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body.id;
  });
  afterAll(async () => {
    await app.close();
    await solver.close();
    rmSync(distDir, { recursive: true, force: true });
  });

  const json = { 'content-type': 'application/json' };

  it('refuses compressed junk as 400 invalid_encoding, and an unknown encoding as 415', async () => {
    for (const encoding of ['gzip', 'br', 'deflate']) {
      const reply = await rawRequest(app.url, 'POST', '/api/v1/depots', { ...json, 'content-encoding': encoding }, Buffer.from('not compressed at all'));
      expect(reply.status, encoding).toBe(400);
      expect(errorCode(reply)).toBe('invalid_encoding');
    }
    const unknown = await rawRequest(app.url, 'POST', '/api/v1/depots', { ...json, 'content-encoding': 'x-magic' }, Buffer.from('{}'));
    expect(unknown.status).toBe(415);
    expect(errorCode(unknown)).toBe('unsupported_encoding');
    // Well-formed compressed bodies are still read.
    const gzipped = await rawRequest(app.url, 'POST', '/api/v1/depots', { ...json, 'content-encoding': 'gzip' }, gzipSync(JSON.stringify(depotInput)));
    expect(gzipped.status).toBe(201);
    const brotli = await rawRequest(app.url, 'POST', '/api/v1/depots', { ...json, 'content-encoding': 'br' }, brotliCompressSync(JSON.stringify(depotInput)));
    expect(brotli.status).toBe(201);
  });

  it('refuses a path parameter with broken percent-encoding as 400 naming the path', async () => {
    const reply = await rawRequest(app.url, 'GET', '/api/v1/orders/%E0%A4%A');
    expect(reply.status).toBe(400);
    const body = JSON.parse(reply.text);
    expect(body.error.code).toBe('invalid_input');
    expect(body.error.details[0]).toMatchObject({ path: 'path' });
    expect(body.error.message).toContain('%E0%A4%A');
  });

  it('refuses JSON nested deeper than 64 levels before parsing it, on every JSON endpoint', async () => {
    const deep = Buffer.from(`${'['.repeat(5000)}${']'.repeat(5000)}`);
    const depots = await rawRequest(app.url, 'POST', '/api/v1/depots', json, deep);
    expect(depots.status).toBe(400);
    expect(errorCode(depots)).toBe('invalid_json');
    expect(JSON.parse(depots.text).error.message).toContain('64');
    // /optimize answers in VROOM's shape: code 2 is bad input.
    const optimize = await rawRequest(app.url, 'POST', '/api/v1/optimize', json, deep);
    expect(optimize.status).toBe(400);
    expect(JSON.parse(optimize.text)).toMatchObject({ code: 2, error: expect.stringContaining('64') });
    const deepObject = Buffer.from(`{"vehicles":[],"jobs":[],"x":${'{"a":'.repeat(100)}1${'}'.repeat(100)}}`);
    expect((await rawRequest(app.url, 'POST', '/api/v1/optimize', json, deepObject)).status).toBe(400);
    // Brackets inside strings are text, not nesting.
    const brackets = await rawRequest(app.url, 'POST', '/api/v1/depots', json, Buffer.from(JSON.stringify({ ...depotInput, name: `${'['.repeat(100)}"\\` })));
    expect(brackets.status).toBe(201);
  });

  it('refuses strings longer than the limit while reading the body', async () => {
    const reply = await rawRequest(app.url, 'POST', '/api/v1/depots', json, Buffer.from(JSON.stringify({ ...depotInput, address: 'x'.repeat(70_000) })));
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('invalid_json');
    expect(JSON.parse(reply.text).error.message).toMatch(/string/i);
  });

  it('refuses invalid UTF-8 with 400 invalid_utf8 and stores nothing', async () => {
    const body = Buffer.concat([Buffer.from('{"name":"Berg'), Buffer.from([0xff, 0xfe]), Buffer.from('heim"}')]);
    const reply = await rawRequest(app.url, 'PATCH', `/api/v1/depots/${depotId}`, json, body);
    expect(reply.status).toBe(400);
    expect(errorCode(reply)).toBe('invalid_utf8');
    expect((await app.request('GET', `/api/v1/depots/${depotId}`)).body.name).toBe(depotInput.name);
    // UTF-8 that is valid is stored as sent.
    const umlaut = await rawRequest(app.url, 'PATCH', `/api/v1/depots/${depotId}`, json, Buffer.from('{"name":"Bergheim Süd ✓"}'));
    expect(umlaut.status).toBe(200);
    expect(JSON.parse(umlaut.text).name).toBe('Bergheim Süd ✓');
  });

  it('answers a path escaping the assets folder with 404 not_found', async () => {
    for (const path of ['/assets/..%2f..%2fpackage.json', '/assets/%2e%2e/%2e%2e/package.json', '/assets/%E0%A4%A']) {
      const reply = await rawRequest(app.url, 'GET', path);
      expect(reply.status, path).toBeGreaterThanOrEqual(400);
      expect(reply.status, path).toBeLessThan(500);
      expect(reply.text).not.toContain('lastmile');
      expect(JSON.parse(reply.text).error.code, path).toMatch(/^(not_found|invalid_input)$/);
    }
    expect((await rawRequest(app.url, 'GET', '/assets/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await rawRequest(app.url, 'GET', '/assets/app-1234.js')).status).toBe(200);
  });
});
