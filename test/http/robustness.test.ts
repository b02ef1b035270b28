import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

/** Values that break naive code: huge ids, NUL bytes, wrong types, deep nesting. */
const nasty = fc.oneof(
  fc.constantFrom(null, true, '', '\u0000', 'x\u0000y', -1, 0, 1.5, 2 ** 31, 2 ** 53, Number.MAX_VALUE, '9'.repeat(30), [], {}, [1, 2, 3], { start: 1 }),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.jsonValue({ maxDepth: 3 }),
);

describe.each(testDatabases())('bad input never crashes the service on $engine', (backend) => {
  let app: TestApp;
  let vehicleId: number;
  beforeAll(async () => {
    app = await startTestApp(backend);
    const depot = await app.request('POST', '/api/v1/depots', { body: depotInput });
    vehicleId = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.body.id) })).body.id;
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers a valid order with one field replaced by junk with 201 or a 4xx naming a field', async () => {
    const fields = Object.keys({ ...orderInput(0), depotId: 1, source: 'x', priority: 0, demand: {}, requiredSkills: [], notes: '' });
    let index = 0;
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...fields), nasty, async (field, value) => {
        index++;
        const reply = await app.request('POST', '/api/v1/orders', { body: { ...orderInput(index, { externalRef: `fuzz-${index}` }), [field]: value } });
        expect(reply.status, JSON.stringify({ field, value, reply: reply.body })).toBeLessThan(500);
        if (reply.status >= 400) {
          expect(reply.body.error.code).toMatch(/^[a-z_]+$/);
          expect(reply.body.error.message.length).toBeGreaterThan(0);
        }
      }),
      { numRuns: 60 },
    );
  });

  it('answers junk ids, queries and vehicle patches with 4xx, never 500', async () => {
    await fc.assert(
      fc.asyncProperty(nasty, fc.constantFrom('id', 'query', 'patch'), async (value, where) => {
        const text = encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value));
        const reply =
          where === 'id'
            ? await app.request('GET', `/api/v1/orders/${text || '0'}`)
            : where === 'query'
              ? await app.request('GET', `/api/v1/orders?limit=${text}&depotId=${text}&status=${text}&cursor=${text || 'x'}`)
              : await app.request('PATCH', `/api/v1/vehicles/${vehicleId}`, { body: { capacity: value, maxStops: value } });
        expect(reply.status, JSON.stringify({ where, value, reply: reply.body })).toBeLessThan(500);
      }),
      { numRuns: 60 },
    );
  });

  it('refuses ids beyond the database integer range and NUL bytes in text as input errors', async () => {
    expect((await app.request('GET', `/api/v1/orders/${2 ** 31}`)).status).toBe(400);
    expect((await app.request('POST', '/api/v1/orders', { body: { ...orderInput(900), depotId: 2 ** 31 } })).status).toBe(400);
    const nul = await app.request('POST', '/api/v1/orders', { body: orderInput(901, { customerName: 'A\u0000B' }) });
    expect(nul.status).toBe(400);
    expect(nul.body.error.code).toBe('invalid_input');
  });
});
