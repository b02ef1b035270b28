/** Planar helpers for a town-sized area: [lon, lat] scaled to metres around the point of interest. */
import { metersPerDegree } from '../routing/embedded/geo';
import type { LonLat } from '../domain/model/geometry';

export interface NearestOnLine {
  point: LonLat;
  distanceMeters: number;
}

/** The point on any of the polylines nearest to `target`, and how far it is. */
export function nearestOnLines(target: LonLat, lines: readonly (readonly LonLat[])[]): NearestOnLine {
  const scale = metersPerDegree(target[1]);
  let best: NearestOnLine = { point: target, distanceMeters: Number.POSITIVE_INFINITY };
  for (const line of lines) {
    for (let i = 0; i < line.length; i++) {
      const a = line[i]!;
      const b = line[Math.min(i + 1, line.length - 1)]!;
      const ax = (a[0] - target[0]) * scale.x;
      const ay = (a[1] - target[1]) * scale.y;
      const dx = (b[0] - a[0]) * scale.x;
      const dy = (b[1] - a[1]) * scale.y;
      const lengthSquared = dx * dx + dy * dy;
      const t = lengthSquared === 0 ? 0 : Math.max(0, Math.min(1, -(ax * dx + ay * dy) / lengthSquared));
      const x = ax + t * dx;
      const y = ay + t * dy;
      const distance = Math.hypot(x, y);
      if (distance < best.distanceMeters) best = { point: [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])], distanceMeters: distance };
    }
  }
  return best;
}

export function centroid(points: readonly LonLat[]): LonLat {
  let lon = 0;
  let lat = 0;
  for (const point of points) {
    lon += point[0];
    lat += point[1];
  }
  return [lon / points.length, lat / points.length];
}
