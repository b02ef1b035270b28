/**
 * The embedded geocoder on the Heidelberg extract: a deterministic sample of 100 addresses written as people
 * write them (with and without a typo), the streets those addresses are on asked with unknown numbers, and
 * what must be refused.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EmbeddedGeocoder, loadEmbeddedGeocoder } from '../../src/geocoding/embedded';
import { nearestOnLines } from '../../src/geocoding/geometry';
import { streetKey } from '../../src/geocoding/normalize';
import type { IndexedAddress } from '../../src/geocoding/osm-index';
import { GeocodeFailure } from '../../src/geocoding/types';
import type { LonLat } from '../../src/domain/model/geometry';
import { haversineMeters } from '../../src/routing/embedded/geo';
import { countAddresses, countStreets, surveyAddresses, surveyStreets } from '../helpers/geocoding-survey';

const pbfPath = 'data/osm/heidelberg.osm.pbf';
const haversine = (a: LonLat, b: LonLat) => haversineMeters(a[0], a[1], b[0], b[1]);
let cacheDir: string;
let geocoder: EmbeddedGeocoder;

beforeAll(() => {
  cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-geocoder-'));
  geocoder = loadEmbeddedGeocoder({ pbfPath, cacheDir });
});
afterAll(() => rmSync(cacheDir, { recursive: true, force: true }));

// Every sixth address: 100 or so, spread over the extract, the same every run.
const sample = () => geocoder.index.addresses.filter((_, index) => index % 6 === 0).slice(0, 100);

const failureOf = (text: string) => {
  try {
    geocoder.resolve({ text });
  } catch (error) {
    if (error instanceof GeocodeFailure) return error;
    throw error;
  }
  throw new Error(`${text} was geocoded`);
};

describe('embedded geocoder', () => {
  it('caches its index and reloads the same one', () => {
    expect(readdirSync(cacheDir).filter((name) => name.endsWith('.json'))).toHaveLength(1);
    const reloaded = loadEmbeddedGeocoder({ pbfPath, cacheDir });
    expect(reloaded.index.addresses).toEqual(geocoder.index.addresses);
    expect(geocoder.index.addresses.length).toBeGreaterThan(600);
  });

  for (const typo of [false, true]) {
    it(`finds sampled addresses ${typo ? 'with one typo in the street' : 'as written'} exactly, and places none more than 200 m away`, () => {
      const outcomes = surveyAddresses(geocoder, sample(), { typo, all: geocoder.index.addresses });
      const counts = countAddresses(outcomes);
      expect(counts.total).toBe(100);
      expect(counts.placedOver200m).toBe(0);
      expect(counts.exactFarther).toBe(0);
      expect(outcomes.filter((entry) => entry.failure).map((entry) => entry.query)).toEqual([]);
      expect(counts.exactWithin30m + counts.exactAtSamePlace).toBe(100);
    });
  }

  it('places a known street with an unknown number on that street, flagged as street, also with one typo in the name', () => {
    const keys = new Set(sample().map((address) => streetKey(address.street)));
    const streets = geocoder.index.streets.filter((street) => keys.has(streetKey(street.name)) && street.cities.length === 1);
    const outcomes = [false, true].flatMap((typo) => surveyStreets(geocoder, streets, geocoder.index.addresses, { typo }));
    const counts = countStreets(outcomes);
    expect(counts).toMatchObject({ offStreet: 0, onAlternativeTellable: 0, rejected: {} });
    expect(counts.onStreet).toBeGreaterThan(0);
    // On the street, or on another stretch of its name in the town with the asked one among the alternatives.
    for (const outcome of outcomes.filter((entry) => entry.result)) expect(Math.min(outcome.distanceMeters!, outcome.alternativeMeters ?? Infinity), outcome.query).toBeLessThanOrEqual(30);
  });

  it('finds every named street of the extract by its name and the place the extract gives it, never off it', () => {
    const counts = countStreets(surveyStreets(geocoder, geocoder.index.streets, geocoder.index.addresses));
    expect(counts).toMatchObject({ offStreet: 0, onAlternativeTellable: 0, exact: 0, rejected: {} });
    // Only a stretch the address cannot tell from another (same name, postcode and town in the extract) is pinned on
    // that other one, with the asked one among the alternatives.
    expect(counts.onStreet + counts.onAlternative).toBe(counts.total);
    expect(counts.onStreet / counts.total).toBeGreaterThan(0.97);
  });

  it('gives a street without addresses its postcode and town from its postal_code tag and the extract around it', () => {
    const unnumbered = new Set(geocoder.index.addresses.map((address) => streetKey(address.street)));
    const placed = geocoder.index.streets.filter((street) => !unnumbered.has(streetKey(street.name)) && street.cities.length > 0 && street.postcodes.length > 0);
    expect(placed.length).toBeGreaterThan(1500);
    const street = placed.find((entry) => geocoder.index.streets.filter((other) => streetKey(other.name) === streetKey(entry.name)).length > 1)!;
    const result = geocoder.resolve({ text: `${street.name} 1, ${street.postcodes[0]} ${street.cities[0]}` });
    expect(result.confidence).toBe('street');
    expect(nearestOnLines(result.location, street.lines).distanceMeters).toBeLessThanOrEqual(30);
  });

  it('places a name one town has several times on one of its stretches, the others as alternatives, never elsewhere', () => {
    const byTown = new Map<string, typeof geocoder.index.streets>();
    for (const street of geocoder.index.streets) {
      if (street.cities.length !== 1) continue;
      const key = `${streetKey(street.name)}|${street.cities[0]}`;
      byTown.set(key, [...(byTown.get(key) ?? []), street]);
    }
    const twice = [...byTown.values()].find((stretches) => stretches.length > 1)!;
    expect(twice).toBeDefined();
    const result = geocoder.resolve({ street: twice[0]!.name, houseNumber: '9999', city: twice[0]!.cities[0] });
    expect(result.confidence).toBe('street');
    expect(result.alternatives).toHaveLength(twice.length - 1);
    const pins = [result.location, ...result.alternatives!.map((alternative) => alternative.location)];
    // Every pin is on one stretch of that name, and every stretch has its pin.
    for (const pin of pins) expect(Math.min(...twice.map((stretch) => nearestOnLines(pin, stretch.lines).distanceMeters))).toBeLessThanOrEqual(30);
    for (const stretch of twice) expect(Math.min(...pins.map((pin) => nearestOnLines(pin, stretch.lines).distanceMeters))).toBeLessThanOrEqual(30);
    // Without the town every stretch of the name in the extract is a candidate: one pin, the others alternatives.
    const everywhere = geocoder.index.streets.filter((street) => streetKey(street.name) === streetKey(twice[0]!.name));
    const bare = geocoder.resolve({ street: twice[0]!.name, houseNumber: '9999' });
    expect(bare.confidence).toBe('street');
    expect(bare.alternatives).toHaveLength(everywhere.length - 1);
  });

  it('places an address a town has twice, asked without the town, on one with the other as alternative; with the town exactly', () => {
    const byNumber = new Map<string, IndexedAddress[]>();
    for (const address of geocoder.index.addresses) {
      const key = `${streetKey(address.street)}|${address.houseNumber}`;
      byNumber.set(key, [...(byNumber.get(key) ?? []), address]);
    }
    const twice = [...byNumber.values()].find((points) => points.some((point) => point.city !== points[0]!.city))!;
    expect(twice).toBeDefined();
    const bare = geocoder.resolve({ street: twice[0]!.street, houseNumber: twice[0]!.houseNumber });
    expect(bare.confidence).toBe('street');
    const pins = [bare.location, ...(bare.alternatives ?? []).map((alternative) => alternative.location)];
    for (const point of twice) expect(Math.min(...pins.map((pin) => haversine(pin, point.location)))).toBeLessThanOrEqual(250);
    for (const point of twice) {
      const placed = geocoder.resolve({ street: point.street, houseNumber: point.houseNumber, postcode: point.postcode, city: point.city });
      expect(placed.confidence).toBe('exact');
      expect(haversine(placed.location, point.location)).toBeLessThanOrEqual(250);
      expect(placed.alternatives).toBeUndefined();
    }
  });

  it('finds a short street with one letter dropped', () => {
    const ploeck = geocoder.index.addresses.find((address) => address.street === 'Plöck' && address.houseNumber === '55')!;
    const typo = geocoder.resolve({ text: `Plck 55, ${ploeck.postcode} ${ploeck.city}` });
    expect(typo.confidence).toBe('exact');
    expect(haversine(typo.location, ploeck.location)).toBeLessThanOrEqual(30);
    // Short keys are still not guessed from a typo: "Plk" is not "Plöck".
    expect(failureOf('Plk 55, 69117 Heidelberg')).toMatchObject({ reason: 'not_found' });
  });

  it('places an unknown number between its numbered neighbours on the same side', () => {
    // Find two numbered addresses on one street, same side, with a free even/odd number between them.
    const byStreet = new Map<string, IndexedAddress[]>();
    for (const address of geocoder.index.addresses) {
      if (!/^\d+$/.test(address.houseNumber) || !address.city) continue;
      const key = `${streetKey(address.street)}|${address.city}`;
      byStreet.set(key, [...(byStreet.get(key) ?? []), address]);
    }
    let checked = 0;
    for (const addresses of byStreet.values()) {
      const numbers = new Set(addresses.map((address) => Number(address.houseNumber)));
      for (const below of addresses) {
        const value = Number(below.houseNumber);
        const above = addresses.find((address) => Number(address.houseNumber) === value + 4);
        if (!above || numbers.has(value + 2) || checked >= 5) continue;
        let result;
        try {
          result = geocoder.resolve({ street: below.street, houseNumber: String(value + 2), postcode: below.postcode, city: below.city });
        } catch {
          continue; // the street's name is in several places
        }
        expect(result.confidence).toBe('street');
        const street = geocoder.index.streets.find((entry) => streetKey(entry.name) === streetKey(below.street) && nearestOnLines(result.location, entry.lines).distanceMeters < 1);
        expect(street, below.street).toBeDefined();
        // Between the neighbours: no farther from either than they are from each other, plus the way to the street.
        const span = haversine(below.location, above.location) + 30;
        expect(haversine(result.location, below.location)).toBeLessThanOrEqual(span);
        expect(haversine(result.location, above.location)).toBeLessThanOrEqual(span);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(0);
  });

  it('answers structured fields like the single line', () => {
    const line = geocoder.resolve({ text: 'Tiergartenstraße 3, 69120 Heidelberg' });
    const fields = geocoder.resolve({ street: 'tiergarten str', houseNumber: '3', postcode: '69120', city: 'heidelberg' });
    expect(line.confidence).toBe('exact');
    expect(fields).toEqual(line);
  });

  it('refuses what it does not know, naming the reason and the field', () => {
    expect(failureOf('Nirgendwostraße 1, Heidelberg')).toMatchObject({ reason: 'not_found', field: 'text' });
    expect(failureOf('Hauptstraße 1, 10117 Berlin')).toMatchObject({ reason: 'not_found', field: 'text' });
    expect(() => geocoder.resolve({ street: 'Nirgendwostraße', houseNumber: '1' })).toThrow(expect.objectContaining({ reason: 'not_found', field: 'street' }));
  });
});
