/** A stop's times on the wire (route stops, the driver's day, the tracking page): the rule is `domain/stop-times.ts`. */
import { z } from 'zod';

export const stopTimesSchema = z
  .object({
    basis: z.enum(['expected', 'actual']).describe('expected: the stop is to come or under way; actual: served or failed'),
    arrival: z.string().nullable().describe('Expected arrival (live ETA, else the one given at dispatch, else planned), or the actual arrival once there'),
    serviceStart: z.string().nullable().describe('Expected service start: the arrival, or the window start when the van waits; null once done'),
    done: z.string().nullable().describe('When the stop was served or failed (its outcome); null before'),
    window: z.object({ start: z.string(), end: z.string() }).nullable().describe('The promised window the stop is measured against'),
    delayMinutes: z.number().int().nullable().describe('Minutes the expected service start is past the window end; null when on time and once done'),
  })
  .meta({ id: 'StopTimes' });
export type StopTimesView = z.infer<typeof stopTimesSchema>;
