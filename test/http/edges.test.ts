import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';

/** The endpoints' less travelled answers: unknown ids, bad patches, bad credentials bodies. */
describe.each(testDatabases())('edge answers on $engine', (backend) => {
  let app: TestApp;
  let depotId: number;
  let driverId: number;
  beforeAll(async () => {
    app = await startTestApp(backend);
    depotId = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body.id;
    driverId = (await app.request('POST', '/api/v1/drivers', { body: { name: 'Ida', username: 'ida', password: 'long-enough' } })).body.id;
  });
  afterAll(async () => {
    await app.close();
  });

  it('answers 404 naming the resource for unknown ids on every kind of write', async () => {
    const cases: [string, string, unknown?][] = [
      ['PATCH', '/api/v1/depots/9999', { name: 'x' }],
      ['DELETE', '/api/v1/depots/9999'],
      ['PATCH', '/api/v1/vehicles/9999', { name: 'x' }],
      ['DELETE', '/api/v1/vehicles/9999'],
      ['GET', '/api/v1/vehicles/9999'],
      ['PATCH', '/api/v1/drivers/9999', { name: 'x' }],
      ['DELETE', '/api/v1/drivers/9999'],
      ['PATCH', '/api/v1/orders/9999', { notes: 'x' }],
      ['DELETE', '/api/v1/orders/9999'],
      ['POST', '/api/v1/orders/9999/transitions', { status: 'ready' }],
      ['DELETE', '/api/v1/api-keys/9999'],
    ];
    for (const [method, path, body] of cases) {
      const reply = await app.request(method, path, { body });
      expect(reply.status, `${method} ${path}`).toBe(404);
      expect(reply.body.error.code).toBe('not_found');
      expect(reply.body.error.message).toMatch(/ 9999 not found$/);
    }
  });

  it('validates patches field by field', async () => {
    const depot = await app.request('PATCH', `/api/v1/depots/${depotId}`, { body: { timeZone: 'Berlin', openingHours: { mon: [['7', '20:00']] } } });
    expect(depot.status).toBe(400);
    expect(depot.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.openingHours.mon[0][0]', 'body.timeZone']);
    const driver = await app.request('PATCH', `/api/v1/drivers/${driverId}`, { body: { vehicleId: 9999, phone: 5 } });
    expect(driver.status).toBe(400);
    expect(driver.body.error.details.map((detail: { path: string }) => detail.path)).toEqual(['body.phone']);
    const unknownVehicle = await app.request('PATCH', `/api/v1/drivers/${driverId}`, { body: { vehicleId: 9999 } });
    expect(unknownVehicle.status).toBe(400);
    expect(unknownVehicle.body.error.details).toEqual([{ path: 'vehicleId', message: 'vehicle 9999 does not exist' }]);
    const unknownDepot = await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(9999) });
    expect(unknownDepot.status).toBe(400);
    expect(unknownDepot.body.error.details[0].path).toBe('startDepotId');
  });

  it('validates login and key requests, and lists users for admins without secrets', async () => {
    const login = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: '' } });
    expect(login.status).toBe(400);
    expect(login.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.password', 'body.username']);
    const key = await app.request('POST', '/api/v1/api-keys', { body: { name: 'x', userId: 9999 } });
    expect(key.status).toBe(400);
    expect(key.body.error.details[0].path).toBe('userId');
    const role = await app.request('POST', '/api/v1/users', { body: { username: 'someone', name: 'S', role: 'driver', password: 'long-enough' } });
    expect(role.status).toBe(400);

    const users = await app.request('GET', '/api/v1/users');
    expect(users.body.items.map((user: { username: string }) => user.username)).toEqual(['admin', 'ida']);
    expect(Object.keys(users.body.items[0]).sort()).toEqual(['createdAt', 'id', 'name', 'role', 'username']);
  });
});
