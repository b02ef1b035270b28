import { Router } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';

describe.each(testDatabases())('HTTP basics on $engine', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    const failing = Router();
    failing.get('/explode', () => {
      throw new Error('secret connection string postgres://user:pw@db');
    });
    app = await startTestApp(backend, { mounts: [{ path: '/test', router: failing }], jsonLimit: '2kb' });
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers health with the database engine, without credentials', async () => {
    const reply = await app.request('GET', '/api/v1/health', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body).toEqual({ status: 'ok', database: backend.engine });
  });

  it('gives every response a request id, and keeps a sane one the client sent', async () => {
    const generated = await app.request('GET', '/api/v1/health');
    expect(generated.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const echoed = await app.request('GET', '/api/v1/health', { headers: { 'x-request-id': 'client-42' } });
    expect(echoed.headers.get('x-request-id')).toBe('client-42');
  });

  it('answers unknown routes with 404 in the one error shape', async () => {
    const reply = await app.request('GET', '/api/v1/nothing-here');
    expect(reply.status).toBe(404);
    expect(reply.body).toEqual({ error: { code: 'not_found', message: 'Route GET /api/v1/nothing-here not found', details: [] } });
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const malformed = await app.request('POST', '/api/v1/depots', { rawBody: '{"name": ' });
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.code).toBe('invalid_json');
    const large = await app.request('POST', '/api/v1/depots', { body: { name: 'x'.repeat(5000) } });
    expect(large.status).toBe(413);
    expect(large.body.error.code).toBe('payload_too_large');
  });

  it('turns an unknown error into 500 internal_error without echoing it', async () => {
    const reply = await app.request('GET', '/test/explode');
    expect(reply.status).toBe(500);
    expect(reply.body.error.code).toBe('internal_error');
    expect(JSON.stringify(reply.body)).not.toContain('secret');
    expect(reply.body.error.message).toContain(reply.headers.get('x-request-id'));
  });

  it('lists every zod issue with its path, not just the first', async () => {
    const reply = await app.request('POST', '/api/v1/depots', { body: { name: '', location: [181, 0], timeZone: 'Mars/Olympus' } });
    expect(reply.status).toBe(400);
    const paths = reply.body.error.details.map((detail: { path: string }) => detail.path).sort();
    expect(paths).toEqual(['body.address', 'body.location[0]', 'body.name', 'body.timeZone']);
  });

  it('serves an OpenAPI 3.1 document built from the endpoint schemas, and an offline docs page', async () => {
    const reply = await app.request('GET', '/api/v1/openapi.json', { token: null });
    expect(reply.status).toBe(200);
    expect(reply.body.openapi).toBe('3.1.0');
    expect(Object.keys(reply.body.paths)).toEqual(expect.arrayContaining(['/api/v1/orders', '/api/v1/orders/{id}/transitions', '/api/v1/depots/{id}', '/api/v1/auth/login']));
    const create = reply.body.paths['/api/v1/orders'].post;
    const schema = create.requestBody.content['application/json'].schema;
    // No location: the address is geocoded; no windows: a slot reservation may give them.
    expect(schema.required).toEqual(expect.arrayContaining(['externalRef', 'customerName']));
    expect(schema.required).not.toContain('location');
    expect(schema.required).not.toContain('timeWindows');
    expect(schema.properties.timeWindows.description).toMatch(/unless reservationId/);
    expect(Object.keys(create.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    expect(create.responses['201'].content['application/json'].schema).toEqual({ $ref: '#/components/schemas/CreatedOrder' });
    expect(Object.keys(reply.body.components.schemas)).toEqual(expect.arrayContaining(['Order', 'OrderEvent', 'Depot', 'Vehicle', 'Driver', 'Error']));

    const docs = await fetch(`${app.url}/docs`);
    const html = await docs.text();
    expect(docs.headers.get('content-type')).toContain('text/html');
    expect(html).toContain('/api/v1/openapi.json');
    expect(html).not.toMatch(/<script[^>]+src="http|<link[^>]+href="http/);
  });
});
