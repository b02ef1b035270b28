/** Vehicles on the wire: shift and break times are local clock times at the start depot. */
import { z } from 'zod';
import type { Vehicle } from '../domain/model/fleet';
import { clockTimeSchema, clockToSeconds, idQuerySchema, idSchema, patchOf, secondsToClock } from './common';

const skillSchema = z.string().trim().min(1).max(64).regex(/^[a-z0-9_-]+$/i, 'letters, digits, "_" or "-"');

const clockWindowSchema = z
  .object({ start: clockTimeSchema, end: clockTimeSchema })
  .refine((window) => !(clockToSeconds(window.start) >= clockToSeconds(window.end)), { message: 'start must be before end', path: ['end'] }); // NaN (already reported as not HH:MM) passes

export const vehicleBreakSchema = z.object({
  windows: z.array(clockWindowSchema).min(1).max(5),
  durationSeconds: z.number().int().min(60).max(4 * 3600),
});

export const vehicleReloadSchema = z
  .object({
    depotId: idSchema.nullable().default(null).describe('Depot the vehicle reloads at; null: its start depot'),
    serviceSeconds: z.number().int().min(0).max(4 * 3600).describe('Time to unload and load at each reload'),
    maxTrips: z.number().int().min(2).max(20).nullable().default(null).describe('At most this many trips; null: as many as the shift allows'),
  })
  .describe('Multi-trip: the vehicle may go back to a depot during its shift to reload; its capacity then holds per trip');

export const vehicleInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  startDepotId: idSchema,
  endDepotId: idSchema
    .nullable()
    .optional()
    .describe('Depot where the route ends; null for an open end; the start depot when omitted'),
  capacity: z.object({
    weightKg: z.number().min(0).max(100_000),
    volumeL: z.number().min(0).max(100_000),
    items: z.number().int().min(0).max(100_000),
  }),
  skills: z.array(skillSchema).max(20).default([]),
  shift: clockWindowSchema.default({ start: '08:00', end: '17:00' }),
  costs: z
    .object({ fixed: z.number().min(0).default(0), perHour: z.number().min(0).default(0), perKm: z.number().min(0).default(0) })
    .default({ fixed: 0, perHour: 0, perKm: 0 }),
  maxStops: z.number().int().min(1).max(1000).nullable().default(null),
  maxShiftSeconds: z.number().int().min(60).max(86_400).nullable().default(null),
  breaks: z.array(vehicleBreakSchema).max(5).default([]),
  reload: vehicleReloadSchema.nullable().default(null).describe('null: one trip a shift'),
});

export const vehiclePatchSchema = patchOf(vehicleInputSchema);

export const vehicleSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  startDepotId: z.number().int(),
  endDepotId: z.number().int().nullable(),
  capacity: z.object({ weightKg: z.number(), volumeL: z.number(), items: z.number().int() }),
  skills: z.array(z.string()),
  shift: z.object({ start: z.string(), end: z.string() }),
  costs: z.object({ fixed: z.number(), perHour: z.number(), perKm: z.number() }),
  maxStops: z.number().int().nullable(),
  maxShiftSeconds: z.number().int().nullable(),
  breaks: z.array(z.object({ windows: z.array(z.object({ start: z.string(), end: z.string() })), durationSeconds: z.number().int() })),
  reload: z.object({ depotId: z.number().int().nullable(), serviceSeconds: z.number().int(), maxTrips: z.number().int().nullable() }).nullable(),
  driverId: z.number().int().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Vehicle' });

export const vehicleListQuerySchema = z.object({ depotId: idQuerySchema.optional() });

export type VehicleInput = z.output<typeof vehicleInputSchema>;
export type VehiclePatch = z.output<typeof vehiclePatchSchema>;
export type VehicleResponse = z.infer<typeof vehicleSchema>;

/** A stored vehicle in the form it is sent: what a patch is merged into, and the body of every answer. */
export function vehicleAsInput(vehicle: Vehicle): Omit<VehicleResponse, 'id' | 'driverId' | 'createdAt' | 'updatedAt'> {
  return {
    name: vehicle.name,
    startDepotId: vehicle.startDepotId,
    endDepotId: vehicle.endDepotId,
    capacity: vehicle.capacity,
    skills: vehicle.skills,
    shift: { start: secondsToClock(vehicle.shiftStartSeconds), end: secondsToClock(vehicle.shiftEndSeconds) },
    costs: vehicle.costs,
    maxStops: vehicle.maxStops,
    maxShiftSeconds: vehicle.maxShiftSeconds,
    breaks: vehicle.breaks.map((vehicleBreak) => ({
      windows: vehicleBreak.windows.map(([start, end]) => ({ start: secondsToClock(start), end: secondsToClock(end) })),
      durationSeconds: vehicleBreak.durationSeconds,
    })),
    reload: vehicle.reload && { depotId: vehicle.reload.depotId, serviceSeconds: vehicle.reload.serviceSeconds, maxTrips: vehicle.reload.maxTrips },
  };
}
