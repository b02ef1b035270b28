/** Login, the caller's identity, and API keys on the wire. */
import { z } from 'zod';
import { idSchema } from './common';
import { roles } from '../domain/roles';
import { passwordSchema, usernameSchema } from './drivers';

export const loginInputSchema = z.object({ username: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) });

export const loginResponseSchema = z.object({
  token: z.string().describe('Send as "Authorization: Bearer <token>"'),
  expiresAt: z.string(),
  user: z.object({ id: z.number().int(), username: z.string(), name: z.string(), role: z.enum(roles) }),
});

export const meResponseSchema = z.object({
  userId: z.number().int().nullable(),
  username: z.string(),
  role: z.enum(roles),
  driverId: z.number().int().nullable(),
  vehicleId: z.number().int().nullable(),
});

export const userInputSchema = z.object({
  username: usernameSchema,
  name: z.string().trim().min(1).max(200),
  role: z.enum(['admin', 'dispatcher']).describe('Drivers are created through /drivers'),
  password: passwordSchema,
});

export const userSchema = z.object({ id: z.number().int(), username: z.string(), name: z.string(), role: z.enum(roles), createdAt: z.string() });

export const apiKeyInputSchema = z.object({
  name: z.string().trim().min(1).max(200).describe('What the key is for, e.g. "shop integration"'),
  userId: idSchema.optional().describe('The user the key acts as; yourself when omitted'),
});

export const apiKeySchema = z.object({
  id: z.number().int(),
  name: z.string(),
  userId: z.number().int(),
  lastUsedAt: z.string().nullable(),
  createdAt: z.string(),
});

export const createdApiKeySchema = apiKeySchema.extend({
  token: z.string().describe('Shown once; send as "Authorization: Bearer <token>" or "X-API-Key: <token>"'),
});

export type LoginInput = z.output<typeof loginInputSchema>;
export type UserInput = z.output<typeof userInputSchema>;
export type ApiKeyInput = z.output<typeof apiKeyInputSchema>;
