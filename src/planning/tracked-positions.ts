/** Vehicle positions for live routes, read from live tracking's latest point per vehicle. */
import type { Knex } from 'knex';
import { repositories } from '../db/repositories';
import type { VehiclePositions } from './live-routes';

export function trackedPositions(db: Knex): VehiclePositions {
  return {
    async latest(vehicleIds) {
      const wanted = new Set(vehicleIds);
      const latest = await repositories(db).positions.listLatest();
      return new Map(latest.filter((position) => wanted.has(position.vehicleId)).map((position) => [position.vehicleId, { location: position.location, epochSeconds: Math.floor(position.recordedAt) }]));
    },
  };
}
