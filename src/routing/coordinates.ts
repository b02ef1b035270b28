/**
 * Checks every provider makes before routing, so bad input fails with OSRM's code and the index of the
 * culprit whichever road network is behind.
 */
import { RoutingError } from './provider';
import type { LonLat } from '../domain/model/geometry';

export function checkCoordinates(coordinates: LonLat[]): void {
  coordinates.forEach(([lon, lat], index) => {
    if (!(Math.abs(lon) <= 180 && Math.abs(lat) <= 90)) {
      throw new RoutingError(
        'InvalidValue',
        `Invalid coordinate value at coordinate ${index} (${lon},${lat}): longitude must be within ±180 and latitude within ±90`,
        index,
      );
    }
  });
}

/** The given sources or destinations, or every coordinate index when absent. */
export function tableIndexes(field: 'sources' | 'destinations', indexes: number[] | undefined, coordinateCount: number): number[] {
  if (!indexes) return Array.from({ length: coordinateCount }, (_, index) => index);
  const position = indexes.findIndex((index) => !(Number.isInteger(index) && index >= 0 && index < coordinateCount));
  if (position >= 0) {
    throw new RoutingError('InvalidQuery', `${field}[${position}] = ${indexes[position]} is not a coordinate index (0–${coordinateCount - 1})`);
  }
  return indexes;
}
