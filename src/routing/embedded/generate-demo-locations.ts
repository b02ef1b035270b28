/**
 * Writes data/demo/heidelberg-locations.json: delivery addresses for the demo, one per line of
 * `{ location: [lon, lat], street }`, each at the middle of a named street segment that cars can reach
 * (largest strongly connected component), spread over the city: at least `minSpacingMeters` apart and
 * at most `maxPerStreet` on one street. Deterministic: the same PBF always gives the same file.
 *
 * Usage: npx tsx src/routing/embedded/generate-demo-locations.ts [pbf] [out] [count]
 */
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { haversineMeters } from './geo';
import { buildRoadNetwork, edgePoints, type RoadNetwork } from './road-network';

const cityBbox = { minLon: 8.57, minLat: 49.35, maxLon: 8.8, maxLat: 49.46 };
const addressHighways = new Set(['primary', 'secondary', 'tertiary', 'unclassified', 'residential', 'living_street']);
const minSegmentMeters = 30;
const minSpacingMeters = 150;
const maxPerStreet = 4;

export interface DemoLocation {
  location: [number, number];
  street: string;
}

/** mulberry32: a tiny seeded generator, so the selection never changes between runs. */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The point halfway along a segment's geometry. */
function midpoint(network: RoadNetwork, segment: number): [number, number] {
  const points = edgePoints(network, 2 * segment);
  const { pointLon: lon, pointLat: lat } = network;
  let remaining = network.segmentMeters[segment]! / 2;
  for (let i = 1; i < points.length; i++) {
    const a = points[i - 1]!;
    const b = points[i]!;
    const piece = haversineMeters(lon[a]!, lat[a]!, lon[b]!, lat[b]!);
    if (piece >= remaining && piece > 0) {
      const t = remaining / piece;
      return [lon[a]! + t * (lon[b]! - lon[a]!), lat[a]! + t * (lat[b]! - lat[a]!)];
    }
    remaining -= piece;
  }
  const last = points[points.length - 1]!;
  return [lon[last]!, lat[last]!];
}

export function demoLocations(network: RoadNetwork, count: number, seed = 20261123): DemoLocation[] {
  const candidates: DemoLocation[] = [];
  for (let s = 0; s < network.segmentWay.length; s++) {
    const way = network.ways[network.segmentWay[s]!]!;
    // Both directions must be routable, so a courier can arrive from and leave towards anywhere.
    if (!network.edgeInMain[2 * s] || !network.edgeInMain[2 * s + 1]) continue;
    if (!way.name || way.restricted || !addressHighways.has(way.highway) || network.segmentMeters[s]! < minSegmentMeters) continue;
    const [lon, lat] = midpoint(network, s);
    if (lon < cityBbox.minLon || lon > cityBbox.maxLon || lat < cityBbox.minLat || lat > cityBbox.maxLat) continue;
    candidates.push({ location: [Number(lon.toFixed(6)), Number(lat.toFixed(6))], street: way.name });
  }
  const random = seededRandom(seed);
  for (let i = candidates.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [candidates[i], candidates[j]] = [candidates[j]!, candidates[i]!];
  }
  const chosen: DemoLocation[] = [];
  const perStreet = new Map<string, number>();
  for (const candidate of candidates) {
    if (chosen.length === count) break;
    if ((perStreet.get(candidate.street) ?? 0) >= maxPerStreet) continue;
    const [lon, lat] = candidate.location;
    if (chosen.some(({ location: [x, y] }) => haversineMeters(lon, lat, x, y) < minSpacingMeters)) continue;
    chosen.push(candidate);
    perStreet.set(candidate.street, (perStreet.get(candidate.street) ?? 0) + 1);
  }
  if (chosen.length < count) throw new Error(`Only ${chosen.length} of ${count} demo locations fit the spacing rules`);
  return chosen;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const [pbfPath = 'data/osm/heidelberg.osm.pbf', outPath = 'data/demo/heidelberg-locations.json', count = '650'] = process.argv.slice(2);
  const locations = demoLocations(buildRoadNetwork(readFileSync(pbfPath)), Number(count));
  mkdirSync(dirname(outPath), { recursive: true });
  writeFileSync(outPath, `[\n${locations.map((l) => JSON.stringify(l)).join(',\n')}\n]\n`);
  console.log(`${locations.length} locations on ${new Set(locations.map((l) => l.street)).size} streets → ${outPath}`);
}
