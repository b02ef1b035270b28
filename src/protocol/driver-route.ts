/** The driver app's day (GET /api/v1/driver/route): stops in order and the next leg with turn-by-turn text. */
import { z } from 'zod';
import { routeStatuses } from '../domain/model/route';
import { orderKinds } from '../domain/model/order';
import { reloadSchema } from './plans';
import { stopTimesSchema } from './stop-times';
import { deliveryInstructionsSchema } from './tracking';

const amounts = z.object({ weightKg: z.number(), volumeL: z.number(), items: z.number() });

const lonLat = z.tuple([z.number(), z.number()]);

export const driverStopSchema = z.object({
  stopId: z.number().int(),
  orderId: z.number().int(),
  displayId: z.string(),
  sequence: z.number().int(),
  status: z.enum(['pending', 'arrived', 'completed', 'failed']),
  customerName: z.string(),
  customerPhone: z.string().nullable(),
  address: z.string(),
  notes: z.string().nullable(),
  instructions: deliveryInstructionsSchema.nullable().describe("The customer's delivery instructions"),
  location: lonLat,
  times: stopTimesSchema,
  kind: z.enum(orderKinds).describe('delivery; pickup: a return to collect and bring to the depot; exchange: deliver and collect'),
  deliver: amounts.nullable().describe('What the driver hands over (null: nothing)'),
  collect: amounts.nullable().describe('What the driver collects (null: nothing)'),
});

export const driverDaySchema = z
  .object({
    route: z
      .object({
        id: z.number().int(),
        vehicleId: z.number().int(),
        status: z.enum(routeStatuses),
        timeZone: z.string(),
        stops: z.array(driverStopSchema),
        reloads: z.array(reloadSchema).describe('Multi-trip: the returns to the depot to reload, each after a stop'),
      })
      .nullable(),
    nextLeg: z
      .object({
        stopId: z.number().int(),
        from: lonLat,
        distanceMeters: z.number(),
        durationSeconds: z.number(),
        geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(lonLat) }),
        instructions: z.array(z.object({ text: z.string(), distanceMeters: z.number(), durationSeconds: z.number(), location: lonLat })),
      })
      .nullable(),
  })
  .meta({ id: 'DriverDay' });
export type DriverDay = z.infer<typeof driverDaySchema>;
export type DriverStop = z.infer<typeof driverStopSchema>;
