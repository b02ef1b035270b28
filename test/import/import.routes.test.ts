import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashToken } from '../../src/auth/tokens';
import { repositories } from '../../src/db/repositories';
import type { Role } from '../../src/domain/roles';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import { importMount } from '../../src/http/routes/import.routes';
import { createLogger } from '../../src/logger';
import { testDatabases, type TestDatabase } from '../helpers/database';

const WINDOW = { start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' };
const HEADER = 'external_ref;customer_name;address;lon;lat;window_start;window_end;skills';
const csvLine = (ref: string, name = `Kunde ${ref}`) => `${ref};${name};Hauptstraße 1;8,69;49,41;${WINDOW.start};${WINDOW.end};fridge`;
const csv = (...lines: string[]) => `\uFEFF${[HEADER, ...lines].join('\r\n')}\r\n`;
const order = (ref: string) => ({ externalRef: ref, customerName: `Kunde ${ref}`, addressText: 'Markt 1', location: [8.7, 49.4], timeWindows: [WINDOW] });

describe.each(testDatabases())('POST /api/v1/orders/import on $engine', (backend) => {
  let database: TestDatabase;
  let baseUrl: string;
  let close: () => Promise<void>;
  const tokens = {} as Record<Role | 'apiKey', string>;

  beforeAll(async () => {
    database = await backend.open();
    const repos = repositories(database.knex);
    for (const role of ['admin', 'dispatcher', 'driver'] as const) {
      const user = await repos.users.insert({ username: role, name: role, role, passwordHash: null });
      tokens[role] = `token-${role}-${Math.random()}`;
      await repos.users.insertApiKey({ userId: user.id, kind: 'session', name: 'test', tokenHash: hashToken(tokens[role]), expiresAt: null });
    }
    const dispatcher = (await repos.users.findByUsername('dispatcher'))!;
    tokens.apiKey = `key-${Math.random()}`;
    await repos.users.insertApiKey({ userId: dispatcher.id, kind: 'integration', name: 'shop', tokenHash: hashToken(tokens.apiKey), expiresAt: null });

    const commands = { db: database.knex, events: new EventBus(), clock: systemClock };
    const app = createApp({ database, commands, logger: createLogger('silent'), mounts: [importMount(commands, { maxBodyBytes: 64 * 1024 })] });
    const server = app.listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });

  afterAll(async () => {
    await close();
    await database.dispose();
  });

  const post = async (query: string, contentType: string | null, body: string | Buffer, token: string | null = tokens.admin, extraHeaders: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extraHeaders };
    if (contentType) headers['content-type'] = contentType;
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(`${baseUrl}/orders/import${query}`, { method: 'POST', headers, body: typeof body === 'string' ? body : new Uint8Array(body) });
    return { status: response.status, body: await response.json() };
  };

  it('imports a CSV, and the same file again creates nothing', async () => {
    const file = csv(csvLine('A1'), csvLine('A2', '"Müller; Anna"'), csvLine('A3'));
    expect(await post('?source=shop', 'text/csv; charset=utf-8', file)).toEqual({ status: 200, body: { created: 3, updated: 0, unchanged: 0, rejected: [] } });
    expect(await post('?source=shop', 'text/csv', file)).toEqual({ status: 200, body: { created: 0, updated: 0, unchanged: 3, rejected: [] } });
    const anna = await repositories(database.knex).orders.findBySourceRef('shop', 'A2');
    expect(anna).toMatchObject({ customerName: 'Müller; Anna', location: [8.69, 49.41], requiredSkills: ['fridge'] });
  });

  it('imports a JSON array and a GeoJSON FeatureCollection with an API key', async () => {
    const json = await post('?source=erp', 'application/json', JSON.stringify([order('J1'), order('J2')]), tokens.apiKey);
    expect(json).toEqual({ status: 200, body: { created: 2, updated: 0, unchanged: 0, rejected: [] } });

    const features = [order('G1'), { ...order('G2'), customerName: '' }].map(({ location, ...properties }) => ({ type: 'Feature', geometry: { type: 'Point', coordinates: location }, properties }));
    const geojson = await post('?source=map', 'application/geo+json', JSON.stringify({ type: 'FeatureCollection', features }), tokens.apiKey);
    expect(geojson).toEqual({ status: 200, body: { created: 1, updated: 0, unchanged: 0, rejected: [{ row: 2, field: 'customerName', message: 'Too small: expected string to have >=1 characters' }] } });
    const events = await database.knex('order_events').join('orders', 'orders.id', 'order_events.order_id').where('orders.source', 'erp').select('actor');
    expect(events.map((event) => event.actor)).toEqual([expect.stringMatching(/^api_key:\d+$/), expect.stringMatching(/^api_key:\d+$/)]);
  });

  it('lands the valid rows of a file with bad ones and lists each bad row with its column', async () => {
    const file = csv(csvLine('M1'), 'M2;Kunde;Straße 2;8,69;95;2026-11-24T09:00:00+01:00;2026-11-24T08:00:00+01:00;', csvLine('M3'), csvLine('M1'), 'M4;too;few');
    const result = await post('?source=mixed', 'text/csv', file);
    expect(result).toEqual({
      status: 200,
      body: {
        created: 2,
        updated: 0,
        unchanged: 0,
        rejected: [
          { row: 2, field: 'lat', message: 'Too big: expected number to be <=90' },
          { row: 2, field: 'window_end', message: 'start must be before end' },
          { row: 4, field: 'external_ref', message: 'repeats "M1" of row 1; only the first is imported' },
          { row: 5, field: 'row', message: 'has 3 fields, the header has 8' },
        ],
      },
    });
  });

  it('inflates a gzip body, checking the size limit on the inflated bytes', async () => {
    const gzip = { 'content-encoding': 'gzip' };
    expect(await post('?source=zip', 'text/csv', gzipSync(csv(csvLine('Z1'), csvLine('Z2'))), tokens.admin, gzip)).toMatchObject({ status: 200, body: { created: 2 } });

    const big = gzipSync(csv(...Array.from({ length: 1000 }, (_, index) => csvLine(`ZIP${index}`))));
    expect(big.length).toBeLessThan(64 * 1024);
    expect(await post('?source=zip', 'text/csv', big, tokens.admin, gzip)).toMatchObject({ status: 413 });
    expect(await post('?source=zip', 'text/csv', 'not gzip at all', tokens.admin, gzip)).toMatchObject({ status: 400, body: { error: { message: expect.stringMatching(/^The body is not valid gzip/) } } });
    expect(await post('?source=zip', 'text/csv', csv(csvLine('Z3')), tokens.admin, { 'content-encoding': 'br' })).toMatchObject({ status: 415 });
  });

  it('reads the charset of a spreadsheet export', async () => {
    // Without the BOM the helper adds: Windows-1252 exports have none.
    const latin = Buffer.from(csv(csvLine('W1', 'Jürgen Weiß')).slice(1), 'latin1');
    expect(await post('?source=excel', 'text/csv; charset=windows-1252', latin)).toMatchObject({ status: 200, body: { created: 1 } });
    expect((await repositories(database.knex).orders.findBySourceRef('excel', 'W1'))!.customerName).toBe('Jürgen Weiß');
  });

  it('answers 400 without a source, naming it', async () => {
    const result = await post('', 'text/csv', csv(csvLine('X1')));
    expect(result.status).toBe(400);
    expect(result.body.error).toMatchObject({ code: 'invalid_input', details: [{ path: 'query.source' }] });
  });

  it('answers 400 for a file it cannot read at all, naming the missing columns', async () => {
    const result = await post('?source=shop', 'text/csv', 'ref;name\n1;2\n');
    expect(result.status).toBe(400);
    expect(result.body.error.message).toBe('CSV header is missing required columns: external_ref, customer_name, address, window_start, window_end (found "ref", "name")');
  });

  it('answers 415 for other content types, 413 past the size limit', async () => {
    const wrongType = await post('?source=shop', 'text/plain', csv(csvLine('X1')));
    expect(wrongType).toMatchObject({ status: 415, body: { error: { code: 'unsupported_media_type' } } });
    const missingType = await post('?source=shop', null, csv(csvLine('X1')));
    expect(missingType.status).toBe(415);

    const big = csv(...Array.from({ length: 1000 }, (_, index) => csvLine(`BIG${index}`)));
    expect(Buffer.byteLength(big)).toBeGreaterThan(64 * 1024);
    expect(await post('?source=big', 'text/csv', big)).toMatchObject({ status: 413, body: { error: { code: 'payload_too_large' } } });
  });

  it('is documented in the OpenAPI document with its three body types', async () => {
    const document = await (await fetch(`${baseUrl}/openapi.json`)).json();
    const operation = document.paths['/api/v1/orders/import'].post;
    expect(Object.keys(operation.requestBody.content)).toEqual(['text/csv', 'application/json', 'application/geo+json']);
    expect(operation.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(['source', 'depotId', 'overrideCapacity']);
  });

  it('answers 401 without credentials and 403 for a driver', async () => {
    expect(await post('?source=shop', 'text/csv', csv(csvLine('X1')), null)).toMatchObject({ status: 401, body: { error: { code: 'unauthorized' } } });
    expect(await post('?source=shop', 'text/csv', csv(csvLine('X1')), tokens.driver)).toMatchObject({ status: 403, body: { error: { code: 'forbidden' } } });
    expect(await repositories(database.knex).orders.findBySourceRef('shop', 'X1')).toBeNull();
  });
});
