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

/**
 * A pseudo-random rank for a candidate from its own coordinates (FNV-1a), so the selection is fixed for a
 * given PBF and a small change to the graph moves only the few candidates it touches.
 */
function rankOf(location: [number, number], seed: number): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of `${location[0]},${location[1]}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193);
  return hash >>> 0;
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
  const ranked = candidates.map((candidate) => ({ candidate, rank: rankOf(candidate.location, seed) }));
  ranked.sort((a, b) => a.rank - b.rank || a.candidate.location[0] - b.candidate.location[0]);
  const chosen: DemoLocation[] = [];
  const perStreet = new Map<string, number>();
  for (const { candidate } of ranked) {
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
