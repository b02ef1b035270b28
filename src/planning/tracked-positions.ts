/** Vehicle positions for live routes, read from live tracking's latest point per vehicle. */
import type { VehiclePositions } from './live-routes';

export const trackedPositions: VehiclePositions = {
  async latest(repos, vehicleIds) {
    const latest = await repos.positions.listLatest(vehicleIds);
    return new Map(latest.map((position) => [position.vehicleId, { location: position.location, epochSeconds: Math.floor(position.recordedAt) }]));
  },
};
