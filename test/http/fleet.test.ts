import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, vehicleInput, type TestApp } from '../helpers/http';
import { orderInput } from '../helpers/orders';

describe.each(testDatabases())('depots, vehicles and drivers API on $engine', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterAll(async () => {
    await app.close();
  });

  it('creates, reads, patches, lists and deletes a depot', async () => {
    const created = await app.request('POST', '/api/v1/depots', { body: depotInput });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject(depotInput);
    const id = created.body.id;
    expect((await app.request('GET', `/api/v1/depots/${id}`)).body).toEqual(created.body);

    const patched = await app.request('PATCH', `/api/v1/depots/${id}`, { body: { name: 'Bergheim Nord' } });
    expect(patched.body).toMatchObject({ ...depotInput, name: 'Bergheim Nord' });

    const list = await app.request('GET', '/api/v1/depots');
    expect(list.body.items.map((depot: { id: number }) => depot.id)).toContain(id);
    expect((await app.request('DELETE', `/api/v1/depots/${id}`)).status).toBe(204);
    expect((await app.request('GET', `/api/v1/depots/${id}`)).status).toBe(404);
    expect((await app.request('DELETE', `/api/v1/depots/${id}`)).status).toBe(404);
  });

  it('rejects bad depots: time zone, opening hours, location', async () => {
    const reply = await app.request('POST', '/api/v1/depots', {
      body: { ...depotInput, timeZone: 'Europe/Heidelberg', openingHours: { mon: [['20:00', '07:00']], funday: [] }, location: [8.6] },
    });
    expect(reply.status).toBe(400);
    const paths = reply.body.error.details.map((detail: { path: string }) => detail.path);
    expect(paths).toEqual(expect.arrayContaining(['body.timeZone', 'body.openingHours.mon[0]', 'body.location']));
  });

  it('keeps a depot that vehicles use (409), and creates vehicles with defaults, open ends and breaks', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const vehicle = await app.request('POST', '/api/v1/vehicles', {
      body: vehicleInput(depot.id, { skills: ['Cooling'], breaks: [{ windows: [{ start: '11:30', end: '14:00' }], durationSeconds: 1800 }] }),
    });
    expect(vehicle.status).toBe(201);
    expect(vehicle.body).toMatchObject({
      startDepotId: depot.id,
      endDepotId: depot.id,
      skills: ['cooling'],
      shift: { start: '08:00', end: '17:00' },
      costs: { fixed: 0, perHour: 0, perKm: 0 },
      breaks: [{ windows: [{ start: '11:30', end: '14:00' }], durationSeconds: 1800 }],
      maxStops: null,
      driverId: null,
    });
    const open = await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { endDepotId: null }) });
    expect(open.body.endDepotId).toBeNull();

    const blocked = await app.request('DELETE', `/api/v1/depots/${depot.id}`);
    expect(blocked.status).toBe(409);
    expect(blocked.body.error.message).toContain('2 vehicle(s)');
  });

  it('patches a vehicle keeping the fields it leaves out, validated together with them', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { shift: { start: '07:00', end: '15:00' }, maxStops: 40 }) })).body;
    const patched = await app.request('PATCH', `/api/v1/vehicles/${vehicle.id}`, { body: { name: 'Renamed' } });
    expect(patched.body).toMatchObject({ name: 'Renamed', shift: { start: '07:00', end: '15:00' }, maxStops: 40 });
    const inverted = await app.request('PATCH', `/api/v1/vehicles/${vehicle.id}`, { body: { shift: { start: '16:00', end: '15:00' } } });
    expect(inverted.status).toBe(400);
    expect(inverted.body.error.details[0].path).toBe('body.shift.end');
    const unknownDepot = await app.request('PATCH', `/api/v1/vehicles/${vehicle.id}`, { body: { endDepotId: 9999 } });
    expect(unknownDepot.status).toBe(400);
    expect(unknownDepot.body.error.details).toEqual([{ path: 'endDepotId', message: 'depot 9999 does not exist' }]);
  });

  it('sets, patches and clears a vehicle reload (multi-trip), naming a bad field, and keeps a reload depot in use', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const hub = (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: 'Hub' } })).body;
    const created = await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { reload: { serviceSeconds: 900 } }) });
    expect(created.status).toBe(201);
    expect(created.body.reload).toEqual({ depotId: null, serviceSeconds: 900, maxTrips: null });
    const plain = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id) })).body;
    expect(plain.reload).toBeNull();

    const atHub = await app.request('PATCH', `/api/v1/vehicles/${created.body.id}`, { body: { reload: { depotId: hub.id, serviceSeconds: 600, maxTrips: 3 } } });
    expect(atHub.status).toBe(200);
    expect((await app.request('GET', `/api/v1/vehicles/${created.body.id}`)).body.reload).toEqual({ depotId: hub.id, serviceSeconds: 600, maxTrips: 3 });
    expect((await app.request('DELETE', `/api/v1/depots/${hub.id}`)).status).toBe(409);

    const bad = await app.request('PATCH', `/api/v1/vehicles/${created.body.id}`, { body: { reload: { serviceSeconds: -5, maxTrips: 1 } } });
    expect(bad.status).toBe(400);
    expect(bad.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.reload.maxTrips', 'body.reload.serviceSeconds']);
    const unknown = await app.request('PATCH', `/api/v1/vehicles/${created.body.id}`, { body: { reload: { depotId: 9999, serviceSeconds: 60 } } });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.details).toEqual([{ path: 'reload.depotId', message: 'depot 9999 does not exist' }]);
    expect((await app.request('GET', `/api/v1/vehicles/${created.body.id}`)).body.reload).toEqual({ depotId: hub.id, serviceSeconds: 600, maxTrips: 3 });

    const cleared = await app.request('PATCH', `/api/v1/vehicles/${created.body.id}`, { body: { reload: null } });
    expect(cleared.body.reload).toBeNull();
    expect((await app.request('DELETE', `/api/v1/depots/${hub.id}`)).status).toBe(204);
  });

  it('rejects bad vehicles listing every issue', async () => {
    const reply = await app.request('POST', '/api/v1/vehicles', {
      body: { name: '', startDepotId: 1, capacity: { weightKg: -1, volumeL: 10, items: 1.5 }, shift: { start: '8am', end: '17:00' } },
    });
    expect(reply.status).toBe(400);
    expect(reply.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual([
      'body.capacity.items',
      'body.capacity.weightKg',
      'body.name',
      'body.shift.start',
    ]);
  });

  it('refuses to delete a vehicle with assigned orders, and deletes it once they are gone', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id) })).body;
    const order = (await app.request('POST', '/api/v1/orders', { body: { ...orderInput(1), depotId: depot.id } })).body;
    await app.database.knex('orders').where({ id: order.id }).update({ assigned_vehicle_id: vehicle.id });
    expect((await app.request('DELETE', `/api/v1/vehicles/${vehicle.id}`)).status).toBe(409);
    await app.database.knex('orders').where({ id: order.id }).update({ assigned_vehicle_id: null });
    expect((await app.request('DELETE', `/api/v1/vehicles/${vehicle.id}`)).status).toBe(204);
  });

  it('creates drivers with credentials, one per vehicle, and never returns the password', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id) })).body;
    const driver = await app.request('POST', '/api/v1/drivers', { body: { name: 'Ana', phone: '+49 1', username: 'ana', password: 'long-enough', vehicleId: vehicle.id } });
    expect(driver.status).toBe(201);
    expect(driver.body).toEqual(expect.objectContaining({ name: 'Ana', username: 'ana', vehicleId: vehicle.id }));
    expect(JSON.stringify(driver.body)).not.toContain('long-enough');
    expect((await app.request('GET', `/api/v1/vehicles/${vehicle.id}`)).body.driverId).toBe(driver.body.id);

    const taken = await app.request('POST', '/api/v1/drivers', { body: { name: 'Bo', username: 'bobby', password: 'long-enough', vehicleId: vehicle.id } });
    expect(taken.status).toBe(409);
    const sameName = await app.request('POST', '/api/v1/drivers', { body: { name: 'Ana 2', username: 'ana', password: 'long-enough' } });
    expect(sameName.status).toBe(409);
    const short = await app.request('POST', '/api/v1/drivers', { body: { name: 'Cy', username: 'c', password: 'short' } });
    expect(short.body.error.details.map((detail: { path: string }) => detail.path).sort()).toEqual(['body.password', 'body.username']);
  });

  it('patches a driver (vehicle, password) and deletes them with their login', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const vehicle = (await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id) })).body;
    const driver = (await app.request('POST', '/api/v1/drivers', { body: { name: 'Eve', username: 'eve', password: 'first-pass' } })).body;
    const patched = await app.request('PATCH', `/api/v1/drivers/${driver.id}`, { body: { vehicleId: vehicle.id, password: 'second-pass' } });
    expect(patched.body).toMatchObject({ name: 'Eve', vehicleId: vehicle.id, phone: null });
    const oldLogin = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'eve', password: 'first-pass' } });
    expect(oldLogin.status).toBe(401);
    const login = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'eve', password: 'second-pass' } });
    expect(login.status).toBe(200);

    const filtered = await app.request('GET', `/api/v1/drivers?vehicleId=${vehicle.id}`);
    expect(filtered.body.items.map((item: { id: number }) => item.id)).toEqual([driver.id]);

    expect((await app.request('DELETE', `/api/v1/drivers/${driver.id}`)).status).toBe(204);
    expect((await app.request('GET', '/api/v1/auth/me', { token: login.body.token })).status).toBe(401);
    expect((await app.request('GET', `/api/v1/drivers/${driver.id}`)).status).toBe(404);
  });

  it('pages vehicles with a cursor and filters them by depot', async () => {
    const depot = (await app.request('POST', '/api/v1/depots', { body: depotInput })).body;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) ids.push((await app.request('POST', '/api/v1/vehicles', { body: vehicleInput(depot.id, { name: `V${i}` }) })).body.id);
    const first = await app.request('GET', `/api/v1/vehicles?depotId=${depot.id}&limit=2`);
    const second = await app.request('GET', `/api/v1/vehicles?depotId=${depot.id}&limit=2&cursor=${first.body.nextCursor}`);
    const third = await app.request('GET', `/api/v1/vehicles?depotId=${depot.id}&limit=2&cursor=${second.body.nextCursor}`);
    expect([...first.body.items, ...second.body.items, ...third.body.items].map((vehicle: { id: number }) => vehicle.id)).toEqual(ids);
    expect(third.body.nextCursor).toBeNull();
  });
});
