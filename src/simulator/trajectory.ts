/** Where a vehicle is along a road geometry after a share of the leg, and GPS-like noise around it. */
import type { LonLat } from '../domain/model/geometry';

const earthRadiusMeters = 6_371_008.8;
const toRadians = (degrees: number) => (degrees * Math.PI) / 180;

export function metersBetween(a: LonLat, b: LonLat): number {
  const dLat = toRadians(b[1] - a[1]);
  const dLon = toRadians(b[0] - a[0]);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(toRadians(a[1])) * Math.cos(toRadians(b[1])) * Math.sin(dLon / 2) ** 2;
  return 2 * earthRadiusMeters * Math.asin(Math.sqrt(h));
}

/** Compass bearing from a to b, degrees clockwise from north in [0, 360). */
export function headingDegrees(a: LonLat, b: LonLat): number {
  const dLon = toRadians(b[0] - a[0]);
  const y = Math.sin(dLon) * Math.cos(toRadians(b[1]));
  const x = Math.cos(toRadians(a[1])) * Math.sin(toRadians(b[1])) - Math.sin(toRadians(a[1])) * Math.cos(toRadians(b[1])) * Math.cos(dLon);
  return ((Math.atan2(y, x) * 180) / Math.PI + 360) % 360;
}

export class Trajectory {
  private readonly cumulative: number[] = [0];
  readonly lengthMeters: number;

  constructor(private readonly coordinates: LonLat[]) {
    if (coordinates.length === 0) throw new RangeError('a trajectory needs at least one coordinate');
    for (let index = 1; index < coordinates.length; index++) {
      this.cumulative.push(this.cumulative[index - 1]! + metersBetween(coordinates[index - 1]!, coordinates[index]!));
    }
    this.lengthMeters = this.cumulative[this.cumulative.length - 1]!;
  }

  /** The point `share` (0…1) of the way along, by distance, and the heading there. */
  at(share: number): { location: LonLat; headingDegrees: number } {
    const target = Math.min(1, Math.max(0, share)) * this.lengthMeters;
    let index = 1;
    while (index < this.coordinates.length - 1 && this.cumulative[index]! < target) index++;
    if (this.coordinates.length === 1) return { location: this.coordinates[0]!, headingDegrees: 0 };
    const from = this.coordinates[index - 1]!;
    const to = this.coordinates[index]!;
    const span = this.cumulative[index]! - this.cumulative[index - 1]!;
    const t = span === 0 ? 1 : (target - this.cumulative[index - 1]!) / span;
    return { location: [from[0] + (to[0] - from[0]) * t, from[1] + (to[1] - from[1]) * t], headingDegrees: headingDegrees(from, to) };
  }
}

/** A standard normal draw from a uniform source (Box–Muller). */
export function gaussian(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

/** The location moved by independent normal errors of `sigmaMeters` east and north. */
export function withGpsNoise(location: LonLat, sigmaMeters: number, random: () => number): LonLat {
  const metersPerDegreeLat = (Math.PI * earthRadiusMeters) / 180;
  const metersPerDegreeLon = metersPerDegreeLat * Math.cos(toRadians(location[1]));
  return [location[0] + (gaussian(random) * sigmaMeters) / metersPerDegreeLon, location[1] + (gaussian(random) * sigmaMeters) / metersPerDegreeLat];
}
