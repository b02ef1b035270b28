/** The Nominatim-compatible client against a local server answering recorded jsonv2 shapes. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createNominatimGeocoder, type NominatimPlace } from '../../src/geocoding/nominatim';
import type { Geocoder } from '../../src/geocoding/types';

// Shaped as nominatim.openstreetmap.org answers /search?format=jsonv2&addressdetails=1.
const house: NominatimPlace & Record<string, unknown> = {
  place_id: 128004871, osm_type: 'way', osm_id: 24417396, lat: '49.4148117', lon: '8.6624025', category: 'tourism', type: 'zoo', place_rank: 30, addresstype: 'tourism',
  name: 'Zoo Heidelberg', display_name: 'Zoo Heidelberg, 3, Tiergartenstraße, Neuenheim, Heidelberg, Baden-Württemberg, 69120, Deutschland',
  address: { tourism: 'Zoo Heidelberg', house_number: '3', road: 'Tiergartenstraße', suburb: 'Neuenheim', city: 'Heidelberg', state: 'Baden-Württemberg', postcode: '69120', country: 'Deutschland', country_code: 'de' },
};
const road: NominatimPlace & Record<string, unknown> = {
  place_id: 127531022, osm_type: 'way', osm_id: 4060186, lat: '49.4163829', lon: '8.6591208', category: 'highway', type: 'tertiary', place_rank: 26, addresstype: 'road',
  name: 'Tiergartenstraße', display_name: 'Tiergartenstraße, Neuenheim, Heidelberg, Baden-Württemberg, 69120, Deutschland',
  address: { road: 'Tiergartenstraße', suburb: 'Neuenheim', city: 'Heidelberg', state: 'Baden-Württemberg', postcode: '69120', country: 'Deutschland', country_code: 'de' },
};
const farHouse = { ...house, lat: '49.3800000', lon: '8.7500000', address: { ...house.address, city: 'Leimen' } };

let server: Server;
let url: string;
const requests: URL[] = [];
let status = 200;

function answer(request: IncomingMessage): unknown {
  const query = new URL(request.url!, 'http://x').searchParams;
  const street = query.get('street') ?? '';
  if (street === '3 Tiergartenstraße') return [house, road];
  if (street === '9999 Tiergartenstraße') return [road];
  if (street === '5 Hauptstraße') return [house, farHouse].map((place) => ({ ...place, address: { ...place.address, road: 'Hauptstraße', house_number: '5' } }));
  return [];
}

beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(new URL(request.url!, 'http://x'));
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(status === 200 ? JSON.stringify(answer(request)) : '{"error":"busy"}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/nominatim`;
});
afterAll(() => new Promise((resolve) => server.close(resolve)));

describe('Nominatim geocoder', () => {
  let geocoder: Geocoder;
  beforeAll(() => {
    geocoder = createNominatimGeocoder({ baseUrl: url, timeoutMs: 2000 });
  });

  it('asks a structured search and takes the house with the number as exact', async () => {
    const result = await geocoder.geocode({ text: 'Tiergartenstr. 3, 69120 Heidelberg', street: 'Tiergartenstraße' });
    expect(result).toEqual({ location: [8.6624025, 49.4148117], confidence: 'exact', matched: { street: 'Tiergartenstraße', houseNumber: '3', postcode: '69120', city: 'Heidelberg' } });
    const asked = requests.at(-1)!;
    expect(asked.pathname).toBe('/nominatim/search');
    expect(Object.fromEntries(asked.searchParams)).toEqual({ format: 'jsonv2', addressdetails: '1', limit: '5', street: '3 Tiergartenstraße', city: 'Heidelberg', postalcode: '69120' });
  });

  it('takes the road as street when the number is unknown', async () => {
    const result = await geocoder.geocode({ street: 'Tiergartenstraße', houseNumber: '9999', city: 'Heidelberg' });
    expect(result).toMatchObject({ location: [8.6591208, 49.4163829], confidence: 'street', matched: { street: 'Tiergartenstraße', houseNumber: '9999' } });
  });

  it('places an address found in two places on the first, to confirm, with the other as alternative', async () => {
    const result = await geocoder.geocode({ street: 'Hauptstraße', houseNumber: '5' });
    expect(result).toMatchObject({ location: [8.6624025, 49.4148117], confidence: 'street', matched: { street: 'Hauptstraße', houseNumber: '5', city: 'Heidelberg' } });
    expect(result.alternatives).toEqual([{ location: [8.75, 49.38], matched: { street: 'Hauptstraße', houseNumber: '5', postcode: '69120', city: 'Leimen' } }]);
  });

  it('refuses what it cannot place: nothing found, a road in another city, a server that fails', async () => {
    await expect(geocoder.geocode({ text: 'Nirgendwostraße 1, Heidelberg' })).rejects.toMatchObject({ reason: 'not_found', field: 'text' });
    await expect(geocoder.geocode({ street: 'Tiergartenstraße', houseNumber: '9999', city: 'Mannheim' })).rejects.toMatchObject({ reason: 'not_found', field: 'street' });
    status = 503;
    try {
      await expect(geocoder.geocode({ street: 'Tiergartenstraße', houseNumber: '3' })).rejects.toMatchObject({ reason: 'unavailable' });
    } finally {
      status = 200;
    }
    const unreachable = createNominatimGeocoder({ baseUrl: 'http://127.0.0.1:9', timeoutMs: 500 });
    await expect(unreachable.geocode({ street: 'Tiergartenstraße', houseNumber: '3' })).rejects.toMatchObject({ reason: 'unavailable' });
  });
});
