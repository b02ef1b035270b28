/** Drivers on the wire; credentials go in, never come out. */
import { z } from 'zod';
import { idQuerySchema, idSchema } from './common';

export const usernameSchema = z
  .string()
  .trim()
  .min(3)
  .max(64)
  .regex(/^[a-z0-9._-]+$/i, 'letters, digits, ".", "_" or "-"');
export const passwordSchema = z.string().min(8, 'at least 8 characters').max(200);

export const driverInputSchema = z.object({
  name: z.string().trim().min(1).max(200),
  phone: z.string().trim().max(50).nullable().default(null),
  vehicleId: idSchema.nullable().default(null),
  username: usernameSchema,
  password: passwordSchema,
});

export const driverPatchSchema = z.object({
  name: z.string().trim().min(1).max(200).optional(),
  phone: z.string().trim().max(50).nullable().optional(),
  vehicleId: idSchema.nullable().optional(),
  password: passwordSchema.optional(),
});

export const driverSchema = z.object({
  id: z.number().int(),
  name: z.string(),
  phone: z.string().nullable(),
  vehicleId: z.number().int().nullable(),
  username: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
}).meta({ id: 'Driver' });

export const driverListQuerySchema = z.object({ vehicleId: idQuerySchema.optional() });

export type DriverInput = z.output<typeof driverInputSchema>;
export type DriverPatch = z.output<typeof driverPatchSchema>;
export type DriverResponse = z.infer<typeof driverSchema>;
