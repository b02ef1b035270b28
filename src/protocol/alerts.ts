/** Alerts on the wire: the list's query and each alert as the API and the depot's socket room send it. */
import { z } from 'zod';
import { alertKinds, alertStatuses, alertSubjectTypes } from '../domain/model/alert';
import { idQuerySchema } from './common';

export const alertListQuerySchema = z.object({
  depotId: idQuerySchema.optional(),
  status: z.enum([...alertStatuses, 'all']).default('open').describe('open (not acknowledged, not resolved), acknowledged (still holding), resolved, or all'),
});

export const alertSchema = z
  .object({
    id: z.number().int(),
    depotId: z.number().int(),
    kind: z.enum(alertKinds),
    status: z.enum(alertStatuses),
    subject: z.object({ type: z.enum(alertSubjectTypes), id: z.number().int() }).describe('what the alert is about: a stop (delay), a vehicle (deviation, unroutable), an order (failed_delivery), a plan (unassigned)'),
    message: z.string(),
    data: z.record(z.string(), z.unknown()).describe('facts by kind: minutesLate, meters, reason, orderIds …'),
    raisedAt: z.string(),
    updatedAt: z.string(),
    resolvedAt: z.string().nullable().describe('when the condition stopped holding'),
    acknowledgedAt: z.string().nullable(),
    acknowledgedBy: z.string().nullable().describe('the actor who acknowledged it, e.g. user:3'),
  })
  .meta({ id: 'Alert' });

export type AlertListQuery = z.output<typeof alertListQuerySchema>;
export type AlertResponse = z.infer<typeof alertSchema>;
