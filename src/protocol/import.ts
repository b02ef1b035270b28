/**
 * POST /api/v1/orders/import: the query and the answer, as zod schemas for validation and OpenAPI.
 * The body is a file (text/csv, application/json, application/geo+json) streamed to the importer.
 */
import { z } from 'zod';

export const importOrdersQuerySchema = z.object({
  source: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .regex(/^[\w.:-]+$/, 'letters, digits, "_", ".", ":" or "-"')
    .describe('Where the orders come from (a shop, an ERP); (source, external_ref) identifies an order across imports'),
  depotId: z.coerce.number().int().positive().optional().describe('Depot of new orders; defaults to the only depot when there is exactly one'),
  overrideCapacity: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true')
    .describe("Rows whose window is one of the depot's calendar windows take its capacity, and rows in a full one are rejected; true imports them anyway, beyond capacity"),
});

export const rejectedRowSchema = z.object({
  row: z.number().int().min(1).describe('1-based data record number in the file (the CSV header is not counted)'),
  field: z.string().describe('The column (CSV, GeoJSON properties) or field path (JSON) at fault; "row" for the record as a whole'),
  message: z.string(),
});

export const importOrdersResultSchema = z.object({
  created: z.number().int().min(0),
  updated: z.number().int().min(0),
  unchanged: z.number().int().min(0),
  rejected: z.array(rejectedRowSchema).describe('Every problem of every rejected row; valid rows are imported regardless'),
});

export type ImportOrdersResult = z.output<typeof importOrdersResultSchema>;
export type RejectedRow = z.output<typeof rejectedRowSchema>;
