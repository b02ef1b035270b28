/** Vehicles between the wire (local HH:MM clock times) and storage (seconds after midnight). */
import type { Repositories } from '../db/repositories';
import { invalidInput } from '../errors';
import { clockToSeconds } from '../protocol/common';
import type { VehicleInput } from '../protocol/vehicles';
import type { VehicleContent } from '../domain/model/fleet';

export function vehicleContent(input: VehicleInput): VehicleContent {
  return {
    name: input.name,
    startDepotId: input.startDepotId,
    endDepotId: input.endDepotId === undefined ? input.startDepotId : input.endDepotId,
    capacity: input.capacity,
    skills: [...new Set(input.skills.map((skill) => skill.toLowerCase()))].sort(),
    shiftStartSeconds: clockToSeconds(input.shift.start),
    shiftEndSeconds: clockToSeconds(input.shift.end),
    costs: input.costs,
    maxStops: input.maxStops,
    maxShiftSeconds: input.maxShiftSeconds,
    breaks: input.breaks.map((vehicleBreak) => ({
      windows: vehicleBreak.windows.map((window) => [clockToSeconds(window.start), clockToSeconds(window.end)] as [number, number]),
      durationSeconds: vehicleBreak.durationSeconds,
    })),
    reload: input.reload && { depotId: input.reload.depotId, serviceSeconds: input.reload.serviceSeconds, maxTrips: input.reload.maxTrips },
  };
}


export async function assertDepotsExist(repos: Repositories, content: VehicleContent): Promise<void> {
  const missing = [];
  if (!(await repos.depots.findById(content.startDepotId))) {
    missing.push({ path: 'startDepotId', message: `depot ${content.startDepotId} does not exist` });
  }
  if (content.endDepotId !== null && !(await repos.depots.findById(content.endDepotId))) {
    missing.push({ path: 'endDepotId', message: `depot ${content.endDepotId} does not exist` });
  }
  const reloadDepot = content.reload?.depotId;
  if (reloadDepot !== undefined && reloadDepot !== null && !(await repos.depots.findById(reloadDepot))) {
    missing.push({ path: 'reload.depotId', message: `depot ${reloadDepot} does not exist` });
  }
  if (missing.length > 0) throw invalidInput('Unknown depot', missing);
}
