import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('auth and roles on $engine', (backend) => {
  let app: TestApp;
  let vehicleA: number;
  let vehicleB: number;
  let driverToken: string;
  let ownOrder: number;
  let otherOrder: number;

  beforeAll(async () => {
    app = await startTestApp(backend);
    const depot = await app.request('POST', '/api/v1/depots', { body: depotInput });
    vehicleA = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.body.id, { name: 'A' }) })).body.id;
    vehicleB = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.body.id, { name: 'B' }) })).body.id;
    const driver = await app.request('POST', '/api/v1/drivers', { body: { name: 'Dana', username: 'dana', password: 'secret-pass', vehicleId: vehicleA } });
    expect(driver.status).toBe(201);
    driverToken = (await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'secret-pass' } })).body.token;
    ownOrder = (await app.request('POST', '/api/v1/orders', { body: orderInput(1) })).body.id;
    otherOrder = (await app.request('POST', '/api/v1/orders', { body: orderInput(2) })).body.id;
    // Planning will assign vehicles; here the repository does it directly.
    const { OrdersRepository } = await import('../../src/db/repos/orders.repo');
    const orders = new OrdersRepository(app.database.knex);
    await orders.setAssignedVehicle(ownOrder, vehicleA);
    await orders.setAssignedVehicle(otherOrder, vehicleB);
    for (const id of [ownOrder, otherOrder]) await orders.setStatusMany([id], 'dispatched');
  });
  afterAll(async () => {
    await app.close();
  });

  it('logs in with a password and returns a bearer token that works', async () => {
    const login = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'secret-pass' } });
    expect(login.status).toBe(200);
    expect(login.body.user).toEqual(expect.objectContaining({ username: 'dana', role: 'driver' }));
    expect(login.body.token).toMatch(/^lms_/);
    expect(Date.parse(login.body.expiresAt)).toBeGreaterThan(Date.now());
    const me = await app.request('GET', '/api/v1/auth/me', { token: login.body.token });
    expect(me.body).toEqual(expect.objectContaining({ username: 'dana', role: 'driver', vehicleId: vehicleA }));
  });

  it('refuses a wrong password or unknown user with the same 401', async () => {
    const wrong = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'nope-nope' } });
    const unknown = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'nobody', password: 'nope-nope' } });
    expect(wrong.status).toBe(401);
    expect(unknown.body).toEqual(wrong.body);
    expect(wrong.body.error.code).toBe('invalid_credentials');
  });

  it('answers 401 without credentials and with an unknown token, each saying why', async () => {
    const anonymous = await app.request('GET', '/api/v1/orders', { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body.error.message).toContain('Authorization: Bearer');
    const bogus = await app.request('GET', '/api/v1/orders', { token: 'lms_not-a-real-token' });
    expect(bogus.status).toBe(401);
    expect(bogus.body.error.code).toBe('invalid_token');
  });

  it('answers 403 naming the needed role when a driver tries office work', async () => {
    const reply = await app.request('POST', '/api/v1/depots', { token: driverToken, body: depotInput });
    expect(reply.status).toBe(403);
    expect(reply.body.error.message).toBe('This action needs the role admin or dispatcher; you are signed in as driver');
  });

  it('shows a driver only their own vehicle, driver record and orders', async () => {
    const vehicles = await app.request('GET', '/api/v1/vehicles', { token: driverToken });
    expect(vehicles.body.items.map((vehicle: { id: number }) => vehicle.id)).toEqual([vehicleA]);
    expect((await app.request('GET', `/api/v1/vehicles/${vehicleB}`, { token: driverToken })).status).toBe(404);
    const orders = await app.request('GET', '/api/v1/orders', { token: driverToken });
    expect(orders.body.items.map((order: { id: number }) => order.id)).toEqual([ownOrder]);
    expect((await app.request('GET', `/api/v1/orders/${otherOrder}`, { token: driverToken })).status).toBe(404);
    expect((await app.request('GET', `/api/v1/orders/${otherOrder}/events`, { token: driverToken })).status).toBe(404);
    const drivers = await app.request('GET', '/api/v1/drivers', { token: driverToken });
    expect(drivers.body.items.map((driver: { username: string }) => driver.username)).toEqual(['dana']);
  });

  it('lets a driver move their own order on the road, but not the office statuses or others\' orders', async () => {
    const out = await app.request('POST', `/api/v1/orders/${ownOrder}/transitions`, { token: driverToken, body: { status: 'out_for_delivery' } });
    expect(out.status).toBe(200);
    expect(out.body.status).toBe('out_for_delivery');
    const cancel = await app.request('POST', `/api/v1/orders/${ownOrder}/transitions`, { token: driverToken, body: { status: 'cancelled' } });
    expect(cancel.status).toBe(403);
    const foreign = await app.request('POST', `/api/v1/orders/${otherOrder}/transitions`, { token: driverToken, body: { status: 'out_for_delivery' } });
    expect(foreign.status).toBe(404);
    const events = await app.request('GET', `/api/v1/orders/${ownOrder}/events`);
    expect(events.body.items.at(-1)).toEqual(expect.objectContaining({ actor: expect.stringMatching(/^user:\d+$/), toStatus: 'out_for_delivery' }));
  });

  it('creates an integration API key shown once, accepts it as X-API-Key, and revokes it', async () => {
    const created = await app.request('POST', '/api/v1/api-keys', { body: { name: 'shop' } });
    expect(created.status).toBe(201);
    expect(created.body.token).toMatch(/^lmk_/);
    const listed = await app.request('GET', '/api/v1/api-keys');
    expect(listed.body.items.find((key: { id: number }) => key.id === created.body.id)).not.toHaveProperty('token');

    const viaHeader = await app.request('GET', '/api/v1/depots', { token: null, headers: { 'x-api-key': created.body.token } });
    expect(viaHeader.status).toBe(200);
    const order = await app.request('POST', '/api/v1/orders', { token: created.body.token, body: orderInput(3) });
    const events = await app.request('GET', `/api/v1/orders/${order.body.id}/events`);
    expect(events.body.items[0].actor).toBe(`api_key:${created.body.id}`);

    expect((await app.request('DELETE', `/api/v1/api-keys/${created.body.id}`)).status).toBe(204);
    expect((await app.request('GET', '/api/v1/depots', { token: created.body.token })).status).toBe(401);
  });

  it('lets an admin create a dispatcher, who can work orders but not manage users', async () => {
    const user = await app.request('POST', '/api/v1/users', { body: { username: 'disp', name: 'Dispatch', role: 'dispatcher', password: 'dispatch-me' } });
    expect(user.status).toBe(201);
    expect(user.body).not.toHaveProperty('passwordHash');
    const duplicate = await app.request('POST', '/api/v1/users', { body: { username: 'disp', name: 'Again', role: 'dispatcher', password: 'dispatch-me' } });
    expect(duplicate.status).toBe(409);
    const token = (await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'disp', password: 'dispatch-me' } })).body.token;
    expect((await app.request('POST', '/api/v1/orders', { token, body: orderInput(4) })).status).toBe(201);
    expect((await app.request('GET', '/api/v1/users', { token })).status).toBe(403);
  });

  it('stores neither passwords nor tokens in the clear', async () => {
    const users = await app.database.knex('users').select('password_hash');
    expect(users.every((row) => row.password_hash === null || String(row.password_hash).startsWith('scrypt$'))).toBe(true);
    const keys = await app.database.knex('api_keys').select('token_hash');
    expect(keys.every((row) => /^[0-9a-f]{64}$/.test(row.token_hash))).toBe(true);
  });

  it('logs out: the session token stops working, an API key cannot log out', async () => {
    const session = (await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'secret-pass' } })).body.token;
    expect((await app.request('POST', '/api/v1/auth/logout', { token: session })).status).toBe(204);
    expect((await app.request('GET', '/api/v1/auth/me', { token: session })).status).toBe(401);
    expect((await app.request('GET', '/api/v1/auth/me', { token: driverToken })).status).toBe(200);
    expect((await app.request('POST', '/api/v1/auth/logout')).status).toBe(400);
  });

  it('clears expired sessions when someone logs in', async () => {
    await app.database.knex('api_keys').where({ kind: 'session' }).update({ expires_at: new Date(Date.now() - 1000) });
    expect((await app.request('GET', '/api/v1/auth/me', { token: driverToken })).status).toBe(401);
    await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'dana', password: 'secret-pass' } });
    const sessions = await app.database.knex('api_keys').where({ kind: 'session' }).select('expires_at');
    expect(sessions).toHaveLength(1);
    expect(new Date(sessions[0]!.expires_at).getTime()).toBeGreaterThan(Date.now());
  });
});
