/** Pieces every resource schema shares: ids in paths, pagination, local clock times. */
import { z } from 'zod';

/** Row ids are PostgreSQL integers: larger numbers can name nothing. */
export const maxId = 2_147_483_647;
export const idSchema = z.number().int().positive().max(maxId);
export const idQuerySchema = z.coerce.number().int().positive().max(maxId);

export const idParamsSchema = z.object({ id: idQuerySchema });

export const pageQuerySchema = z.object({
  cursor: z.string().min(1).optional().describe('nextCursor from the previous page'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

/** "HH:MM" local time → seconds after midnight; "24:00" closes a day. */
export const clockTimeSchema = z
  .string()
  .regex(/^([01]\d|2[0-3]):[0-5]\d$|^24:00$/, 'a local time HH:MM')
  .describe('local time HH:MM');

export function clockToSeconds(clock: string): number {
  const [hours, minutes] = clock.split(':').map(Number) as [number, number];
  return hours * 3600 + minutes * 60;
}

export function secondsToClock(seconds: number): string {
  return `${String(Math.floor(seconds / 3600)).padStart(2, '0')}:${String(Math.floor((seconds % 3600) / 60)).padStart(2, '0')}`;
}

export const pageOf = <T extends z.ZodType>(item: T) => z.object({ items: z.array(item), nextCursor: z.string().nullable() });

export const errorResponseSchema = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    details: z.array(z.object({ path: z.string().optional(), message: z.string() }).catchall(z.unknown())),
  }),
}).meta({ id: 'Error' });

/**
 * A PATCH body: every field optional and without its default, so a field left out stays as it is
 * (zod's .partial() would keep defaults and silently reset omitted fields).
 */
export function patchOf<Shape extends z.ZodRawShape>(schema: z.ZodObject<Shape>) {
  const shape = Object.fromEntries(
    Object.entries(schema.shape).map(([key, field]) => [key, (field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType) : (field as z.ZodType)).optional()]),
  ) as unknown as { [K in keyof Shape]: z.ZodOptional<Shape[K] extends z.ZodDefault<infer Inner> ? Inner : Shape[K]> };
  return z.object(shape);
}
