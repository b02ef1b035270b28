/** Vehicle positions for live routes, read from live tracking's latest point per vehicle. */
import type { VehiclePositions } from './live-routes';

export const trackedPositions: VehiclePositions = {
  async latest(repos, vehicleIds) {
    const wanted = new Set(vehicleIds);
    const latest = await repos.positions.listLatest();
    return new Map(latest.filter((position) => wanted.has(position.vehicleId)).map((position) => [position.vehicleId, { location: position.location, epochSeconds: Math.floor(position.recordedAt) }]));
  },
};
