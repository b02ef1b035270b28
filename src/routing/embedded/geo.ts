/** Small spherical helpers in metres and degrees; coordinates are [lon, lat]. */
import type { LonLat } from '../../domain/model/geometry';

const earthRadiusMeters = 6_371_008.8;
const toRadians = Math.PI / 180;

export function haversineMeters(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const dLat = (lat2 - lat1) * toRadians;
  const dLon = (lon2 - lon1) * toRadians;
  const a = Math.sin(dLat / 2) ** 2 + Math.cos(lat1 * toRadians) * Math.cos(lat2 * toRadians) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMeters * Math.asin(Math.min(1, Math.sqrt(a)));
}

/** Initial bearing from point 1 to point 2, degrees clockwise from north in [0, 360). */
export function bearingDegrees(lon1: number, lat1: number, lon2: number, lat2: number): number {
  const phi1 = lat1 * toRadians;
  const phi2 = lat2 * toRadians;
  const dLon = (lon2 - lon1) * toRadians;
  const y = Math.sin(dLon) * Math.cos(phi2);
  const x = Math.cos(phi1) * Math.sin(phi2) - Math.sin(phi1) * Math.cos(phi2) * Math.cos(dLon);
  return (Math.atan2(y, x) / toRadians + 360) % 360;
}

/** Signed change of direction from bearing `from` to bearing `to`: 0 straight, positive right, in (-180, 180]. */
export function turnAngleDegrees(from: number, to: number): number {
  const angle = (((to - from) % 360) + 360) % 360;
  return angle > 180 ? angle - 360 : angle;
}

/** Metres per degree at a latitude, for local planar maths (snapping, spatial index). */
export function metersPerDegree(lat: number): { x: number; y: number } {
  const y = earthRadiusMeters * toRadians;
  return { x: y * Math.cos(lat * toRadians), y };
}

/** Convex hull (Andrew's monotone chain), counter-clockwise and closed, as a GeoJSON ring. */
export function convexHull(points: readonly LonLat[]): LonLat[] {
  const sorted = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (sorted.length < 3) return [...sorted, ...sorted.slice(0, 1)];
  const cross = (o: LonLat, a: LonLat, b: LonLat) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: LonLat[] = [];
  for (const point of sorted) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, point) <= 0) lower.pop();
    lower.push(point);
  }
  const upper: LonLat[] = [];
  for (let i = sorted.length - 1; i >= 0; i--) {
    const point = sorted[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, point) <= 0) upper.pop();
    upper.push(point);
  }
  const ring = [...lower.slice(0, -1), ...upper.slice(0, -1)];
  return [...ring, ring[0]!];
}
