/** Road geometry for an offline base map: the network's segments that touch a bounding box. */
import type { RoadNetwork } from './road-network';

export type BoundingBox = [minLon: number, minLat: number, maxLon: number, maxLat: number];

export interface RoadLine {
  highway: string;
  name: string;
  coordinates: [number, number][];
}

/** Segments with a point inside the box, at most `maxLines` of them, major roads first when cut. */
export function roadLinesInBox(network: RoadNetwork, [minLon, minLat, maxLon, maxLat]: BoundingBox, maxLines: number): RoadLine[] {
  const lines: RoadLine[] = [];
  const segments = network.segmentFirst.length - 1;
  for (let s = 0; s < segments; s++) {
    const first = network.segmentFirst[s]!;
    const end = network.segmentFirst[s + 1]!;
    let inside = false;
    for (let k = first; k < end && !inside; k++) {
      const point = network.segmentPoints[k]!;
      const lon = network.pointLon[point]!;
      const lat = network.pointLat[point]!;
      inside = lon >= minLon && lon <= maxLon && lat >= minLat && lat <= maxLat;
    }
    if (!inside) continue;
    const way = network.ways[network.segmentWay[s]!]!;
    const coordinates: [number, number][] = [];
    for (let k = first; k < end; k++) {
      const point = network.segmentPoints[k]!;
      coordinates.push([Math.round(network.pointLon[point]! * 1e5) / 1e5, Math.round(network.pointLat[point]! * 1e5) / 1e5]);
    }
    lines.push({ highway: way.highway, name: way.name, coordinates });
  }
  if (lines.length <= maxLines) return lines;
  return lines.sort((a, b) => roadRank(a.highway) - roadRank(b.highway)).slice(0, maxLines);
}

const ranks = ['motorway', 'trunk', 'primary', 'secondary', 'tertiary', 'unclassified', 'residential'];
function roadRank(highway: string): number {
  const rank = ranks.indexOf(highway.replace('_link', ''));
  return rank < 0 ? ranks.length : rank;
}
