import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoLocations, type DemoLocation } from '../../src/routing/embedded/generate-demo-locations';
import { haversineMeters } from '../../src/routing/embedded/geo';
import { buildRoadNetwork } from '../../src/routing/embedded/road-network';

const committed = JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as DemoLocation[];

describe('data/demo/heidelberg-locations.json', () => {
  it('holds at least 600 named, rounded, spread-out points inside the city', () => {
    expect(committed.length).toBeGreaterThanOrEqual(600);
    for (const { location: [lon, lat], street } of committed) {
      expect(street.length).toBeGreaterThan(0);
      expect(lon).toBeGreaterThanOrEqual(8.57);
      expect(lon).toBeLessThanOrEqual(8.8);
      expect(lat).toBeGreaterThanOrEqual(49.35);
      expect(lat).toBeLessThanOrEqual(49.46);
      expect(Number(lon.toFixed(6))).toBe(lon);
      expect(Number(lat.toFixed(6))).toBe(lat);
    }
    const perStreet = new Map<string, number>();
    for (const { street } of committed) perStreet.set(street, (perStreet.get(street) ?? 0) + 1);
    expect(Math.max(...perStreet.values())).toBeLessThanOrEqual(4);
    for (let i = 0; i < committed.length; i += 7) {
      for (let j = i + 1; j < committed.length; j++) {
        const [a, b] = [committed[i]!.location, committed[j]!.location];
        expect(haversineMeters(a[0], a[1], b[0], b[1])).toBeGreaterThanOrEqual(150);
      }
    }
  });

  it('is exactly what the generator makes from the Heidelberg extract', () => {
    const network = buildRoadNetwork(readFileSync('data/osm/heidelberg.osm.pbf'));
    expect(demoLocations(network, committed.length)).toEqual(committed);
  }, 60_000);
});
