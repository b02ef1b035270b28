/**
 * Address-only orders end to end: POST /orders, the CSV import and GET /geocode geocode with the embedded
 * geocoder, store the confidence, refuse unknown addresses and places outside the service area naming the field.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { importOrders } from '../../src/commands/import-orders';
import { loadEmbeddedGeocoder, type EmbeddedGeocoder } from '../../src/geocoding/embedded';
import { insideServiceArea, type Geocoding } from '../../src/geocoding/place-order';
import { geocodeMount } from '../../src/http/routes/geocode.routes';
import type { ServiceArea } from '../../src/domain/model/geometry';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, type TestApp } from '../helpers/http';
import { chunked } from '../import/fixtures';

const window = { start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' };
const order = (ref: string, fields: Record<string, unknown>) => ({ externalRef: ref, customerName: `Customer ${ref}`, timeWindows: [window], ...fields });
// Heidelberg's centre and Neuenheim; Neckarsteinach (east) lies outside.
const heidelberg: ServiceArea = { type: 'Polygon', coordinates: [[[8.62, 49.38], [8.74, 49.38], [8.74, 49.44], [8.62, 49.44], [8.62, 49.38]]] };

let cacheDir: string;
let geocoder: EmbeddedGeocoder;
beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-orders-geocoding-'));
  geocoder = loadEmbeddedGeocoder({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

describe.each(testDatabases())('address-only orders on $engine', (backend) => {
  let app: TestApp;
  let geocoding: Geocoding;
  beforeAll(async () => {
    geocoding = { geocoder, defaultServiceArea: heidelberg };
    app = await startTestApp(backend, { geocoding, mounts: [geocodeMount(geocoding)] });
    expect((await app.request('POST', '/api/v1/depots', { body: depotInput })).status).toBe(201);
  });
  afterAll(() => app.close());

  it('geocodes a single line to the exact address and says so', async () => {
    const reply = await app.request('POST', '/api/v1/orders', { body: order('A1', { addressText: 'Tiergartenstr. 3, 69120 Heidelberg' }) });
    expect(reply.status).toBe(201);
    expect(reply.body).toMatchObject({ geocodeConfidence: 'exact', addressText: 'Tiergartenstr. 3, 69120 Heidelberg', location: geocoder.resolve({ text: 'Tiergartenstraße 3, 69120 Heidelberg' }).location });
    const stored = await app.request('GET', `/api/v1/orders/${reply.body.id}`);
    expect(stored.body.geocodeConfidence).toBe('exact');
  });

  it('places fields with an unknown number on the street, flagged street, and keeps a given location as given', async () => {
    const street = await app.request('POST', '/api/v1/orders', { body: order('A2', { address: { street: 'Tiergartenstraße', houseNumber: '9999', city: 'Heidelberg' } }) });
    expect(street.status).toBe(201);
    expect(street.body).toMatchObject({ geocodeConfidence: 'street', addressText: 'Tiergartenstraße 9999, Heidelberg' });
    const given = await app.request('POST', '/api/v1/orders', { body: order('A3', { addressText: 'Somewhere 1', location: [8.69, 49.41] }) });
    expect(given.body).toMatchObject({ geocodeConfidence: 'given', location: [8.69, 49.41] });
  });

  it('refuses an unknown address with 400 naming the field, and stores nothing', async () => {
    const line = await app.request('POST', '/api/v1/orders', { body: order('B1', { addressText: 'Nirgendwostraße 1, Heidelberg' }) });
    expect(line.status).toBe(400);
    expect(line.body.error.details).toEqual([{ path: 'addressText', message: expect.stringMatching(/^was not found: street "Nirgendwostraße"/) }]);
    const fields = await app.request('POST', '/api/v1/orders', { body: order('B2', { address: { street: 'Nirgendwostraße', houseNumber: '5', city: 'Heidelberg' } }) });
    expect(fields.status).toBe(400);
    expect(fields.body.error.details[0]).toMatchObject({ path: 'address.street', message: expect.stringMatching(/^was not found/) });
    const town = await app.request('POST', '/api/v1/orders', { body: order('B4', { address: { street: 'Tiergartenstraße', houseNumber: '3', city: 'Atlantis' } }) });
    expect(town.status).toBe(400);
    expect(town.body.error.details[0]).toMatchObject({ path: 'address.city', message: expect.stringMatching(/^was not found: city "Atlantis"/) });
    const neither = await app.request('POST', '/api/v1/orders', { body: order('B3', {}) });
    expect(neither.status).toBe(400);
    expect(neither.body.error.details[0].path).toBe('body.addressText');
    const list = await app.request('GET', '/api/v1/orders');
    expect(list.body.items.map((item: { externalRef: string }) => item.externalRef).filter((ref: string) => ref.startsWith('B'))).toEqual([]);
  });

  it('keeps the alternatives of a street the address cannot tell apart on the order, until the pin is confirmed', async () => {
    // A name the town has on several stretches (in two postcodes), asked without the postcode: one pin, the others as
    // alternatives, those outside the service area left out.
    const expected = geocoder.resolve({ street: 'Römerstraße', houseNumber: '999', city: 'Heidelberg' });
    const candidates = [expected, ...expected.alternatives!].filter((candidate) => insideServiceArea(heidelberg, candidate.location));
    expect(candidates.length).toBeGreaterThan(1);
    const created = await app.request('POST', '/api/v1/orders', { body: order('E1', { address: { street: 'Römerstr.', houseNumber: '999', city: 'Heidelberg' } }) });
    expect(created.status).toBe(201);
    const alternatives = candidates.slice(1).map((alternative) => ({ addressText: expect.stringContaining(alternative.matched.street), location: alternative.location }));
    expect(created.body).toMatchObject({ geocodeConfidence: 'street', location: candidates[0]!.location, geocodeAlternatives: alternatives });
    expect(created.body.geocodeAlternatives).toHaveLength(alternatives.length);
    const stored = await app.request('GET', `/api/v1/orders/${created.body.id}`);
    expect(stored.body).toMatchObject({ geocodeConfidence: 'street', geocodeAlternatives: alternatives });
    const listed = await app.request('GET', '/api/v1/orders?status=received');
    expect(listed.body.items.find((item: { id: number }) => item.id === created.body.id)).toMatchObject({ geocodeAlternatives: alternatives });
    // The dispatcher picks an alternative (or drags the pin): the location is given now, nothing is left to confirm.
    const picked = stored.body.geocodeAlternatives[0].location;
    const confirmed = await app.request('PATCH', `/api/v1/orders/${created.body.id}`, { body: { location: picked } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ geocodeConfidence: 'given', location: picked, geocodeAlternatives: [], addressText: 'Römerstr. 999, Heidelberg' });
    expect((await app.request('GET', `/api/v1/orders/${created.body.id}`)).body).toMatchObject({ geocodeConfidence: 'given', geocodeAlternatives: [] });
    // With the postcode the address tells the stretches apart: one pin, nothing else to pick.
    const postcode = candidates[1]!.matched.postcode!;
    const told = await app.request('POST', '/api/v1/orders', { body: order('E3', { address: { street: 'Römerstraße', houseNumber: '999', postcode, city: 'Heidelberg' } }) });
    expect(told.body).toMatchObject({ geocodeConfidence: 'street', location: candidates[1]!.location, geocodeAlternatives: [] });
    // An exact address has none.
    const exact = await app.request('POST', '/api/v1/orders', { body: order('E2', { addressText: 'Tiergartenstraße 3, 69120 Heidelberg' }) });
    expect(exact.body).toMatchObject({ geocodeConfidence: 'exact', geocodeAlternatives: [] });
  });

  it("refuses a location outside the service area: the default, then the depot's own", async () => {
    const outside = await app.request('POST', '/api/v1/orders', { body: order('C1', { addressText: 'Neckarstraße 24, 69239 Neckarsteinach' }) });
    expect(outside.status).toBe(400);
    expect(outside.body.error.details[0]).toMatchObject({ path: 'addressText', message: expect.stringMatching(/outside the depot's service area/) });
    const given = await app.request('POST', '/api/v1/orders', { body: order('C2', { addressText: 'x', location: [9.5, 49.41] }) });
    expect(given.body.error.details[0].path).toBe('location');

    const depots = await app.request('GET', '/api/v1/depots');
    const depotId = depots.body.items[0].id;
    // Bergheim only: Neuenheim (Tiergartenstraße, north of the river) is now outside.
    const bergheim: ServiceArea = { type: 'Polygon', coordinates: [[[8.66, 49.40], [8.70, 49.40], [8.70, 49.412], [8.66, 49.412], [8.66, 49.40]]] };
    expect((await app.request('PATCH', `/api/v1/depots/${depotId}`, { body: { serviceArea: bergheim } })).body.serviceArea).toEqual(bergheim);
    const neuenheim = await app.request('POST', '/api/v1/orders', { body: order('C3', { addressText: 'Tiergartenstraße 3, 69120 Heidelberg' }) });
    expect(neuenheim.status).toBe(400);
    expect((await app.request('PATCH', `/api/v1/depots/${depotId}`, { body: { serviceArea: null } })).body.serviceArea).toBeNull();
    expect((await app.request('POST', '/api/v1/orders', { body: order('C3', { addressText: 'Tiergartenstraße 3, 69120 Heidelberg' }) })).status).toBe(201);
  });

  it('imports address-only CSV rows, and rejects unknown ones per row and column without writing them', async () => {
    const header = 'external_ref,customer_name,address,lon,lat,street,house_number,postcode,city,window_start,window_end';
    const rows = [
      `D1,Anna,"Tiergartenstraße 3, 69120 Heidelberg",,,,,,,${window.start},${window.end}`,
      `D2,Bert,,,,Tiergartenstr.,3,69120,Heidelberg,${window.start},${window.end}`,
      `D3,Cleo,"Nirgendwostraße 1, Heidelberg",,,,,,,${window.start},${window.end}`,
      `D4,Dora,,,,Nirgendwoweg,2,,Heidelberg,${window.start},${window.end}`,
      `D5,Emil,"Kurfürsten-Anlage 1",8.68,49.405,,,,,${window.start},${window.end}`,
      `D6,Fina,,,,Römerstraße,999,,Heidelberg,${window.start},${window.end}`,
    ];
    const result = await importOrders(app.commands, { source: 'shop', format: 'csv', body: chunked([header, ...rows].join('\n'), [64]), geocoding }, systemPrincipal);
    expect(result).toMatchObject({ created: 4, rejected: [
      { row: 3, field: 'address', message: expect.stringMatching(/^was not found/) },
      { row: 4, field: 'street', message: expect.stringMatching(/^was not found/) },
    ] });
    const list = await app.request('GET', '/api/v1/orders?status=received');
    const bySource = new Map(list.body.items.filter((item: { source: string }) => item.source === 'shop').map((item: { externalRef: string; geocodeConfidence: string; addressText: string }) => [item.externalRef, item]));
    expect([...bySource.keys()].sort()).toEqual(['D1', 'D2', 'D5', 'D6']);
    expect(bySource.get('D1')).toMatchObject({ geocodeConfidence: 'exact' });
    expect(bySource.get('D2')).toMatchObject({ geocodeConfidence: 'exact', addressText: 'Tiergartenstr. 3, 69120 Heidelberg' });
    expect(bySource.get('D5')).toMatchObject({ geocodeConfidence: 'given' });
    // A street the row cannot tell from another of its name keeps the other on the order, as the API does.
    const expected = (await app.request('GET', '/api/v1/geocode?street=R%C3%B6merstra%C3%9Fe&houseNumber=999&city=Heidelberg')).body;
    expect(bySource.get('D6')).toMatchObject({ geocodeConfidence: 'street', location: expected.location, geocodeAlternatives: expected.alternatives });
    expect(expected.alternatives.length).toBeGreaterThan(0);
  });

  it('answers GET /geocode for the console, and names the query field when it cannot', async () => {
    const found = await app.request('GET', `/api/v1/geocode?q=${encodeURIComponent('Tiergartenstraße 3, Heidelberg')}`);
    expect(found.status).toBe(200);
    expect(found.body).toMatchObject({ confidence: 'exact', location: geocoder.resolve({ text: 'Tiergartenstraße 3, 69120 Heidelberg' }).location, alternatives: [] });
    const street = await app.request('GET', `/api/v1/geocode?street=R%C3%B6merstra%C3%9Fe&houseNumber=999&city=Heidelberg`);
    expect(street.status).toBe(200);
    expect(street.body).toMatchObject({ confidence: 'street', location: geocoder.resolve({ street: 'Römerstraße', houseNumber: '999', city: 'Heidelberg' }).location });
    expect(street.body.alternatives.length).toBeGreaterThan(0);
    const missing = await app.request('GET', `/api/v1/geocode?street=Nirgendwoweg&city=Heidelberg`);
    expect(missing.status).toBe(400);
    expect(missing.body.error.details[0].path).toBe('query.street');
  });
});
