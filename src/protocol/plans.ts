/** Plan endpoints: creating a plan run, reading plans, dispatching, dispatcher edits and live insertion. */
import { z } from 'zod';
import { planObjectives, planStatuses } from '../domain/model/plan';
import { routeStatuses, stopStatuses } from '../domain/model/route';
import { stopTimesSchema } from './stop-times';

const id = z.number().int().positive();

export const createPlanSchema = z.object({
  date: z.iso.date().describe('Local date YYYY-MM-DD at the depot'),
  depotId: id,
  vehicleIds: z.array(id).min(1).optional().describe("Default: every vehicle starting at the depot"),
  orderIds: z
    .array(id)
    .min(1)
    .optional()
    .describe("Default: the depot's orders in status ready or rescheduled with a time window on the date"),
  timeLimitSeconds: z.number().min(0.1).max(600).default(10),
  options: z
    .object({
      seeds: z.number().int().min(1).max(16).optional().describe('Searches run in parallel; the best is kept'),
      minimize: z
        .enum(planObjectives)
        .optional()
        .describe("Default cost:  what the company pays (vans' fixed cost, hours from departure to return with waiting, kilometres); vehicles: fewest vans, then cost; balance: cost plus each van's hours beyond 10 % above the average"),
    })
    .default({}),
  replacesPlanId: id
    .optional()
    .describe('A succeeded, not yet dispatched plan of the same depot and date: its orders may be planned again, and it is superseded once this plan succeeds'),
});
export type CreatePlanInput = z.output<typeof createPlanSchema>;
export type { PlanObjective } from '../domain/model/plan';

export const planListQuerySchema = z.object({
  date: z.iso.date().optional(),
  depotId: z.coerce.number().int().positive().optional(),
});

export const planGetQuerySchema = z.object({
  format: z.enum(['json', 'geojson']).default('json').describe('geojson: the plan as a FeatureCollection (application/geo+json)'),
});

const lonLat = z.tuple([z.number(), z.number()]).describe('[lon, lat]');

/** GET /plans/{id}?format=geojson (RFC 7946): each route a LineString, each stop and unassigned order a Point. */
export const planFeatureCollectionSchema = z
  .object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        geometry: z.union([z.object({ type: z.literal('Point'), coordinates: lonLat }), z.object({ type: z.literal('LineString'), coordinates: z.array(lonLat) })]),
        properties: z
          .object({ kind: z.enum(['route', 'stop', 'unassigned']) })
          .catchall(z.union([z.string(), z.number()]))
          .describe('route: vehicleId, stops, distanceMeters, drivingSeconds, departure/arrivalEpochSeconds; stop: vehicleId, orderId, sequence, arrival/departureEpochSeconds, waitingSeconds; unassigned: orderId, reason'),
      }),
    ),
  })
  .meta({ id: 'PlanFeatureCollection' });

/** Dispatching a plan with violations or unassigned orders needs the dispatcher's yes (either form). */
export const dispatchQuerySchema = z.object({
  force: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});
export const dispatchBodySchema = z.object({ confirm: z.boolean().default(false) }).optional();

export const previewQuerySchema = z.object({
  preview: z.enum(['true', 'false']).default('false').transform((value) => value === 'true'),
});

export const planEditSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('move'), orderId: id, vehicleId: id, position: z.number().int().min(1).describe('1-based position in the target route') }),
  z.object({ type: z.literal('lock'), orderIds: z.array(id).min(1) }),
  z.object({ type: z.literal('unlock'), orderIds: z.array(id).min(1) }),
  z.object({ type: z.literal('remove'), orderId: id }),
  z.object({ type: z.literal('add'), orderId: id, vehicleId: id, position: z.number().int().min(1).optional().describe('Default: the end of the route') }),
]);
export type PlanEdit = z.output<typeof planEditSchema>;

export const insertionSchema = z.object({ orderId: id });

export const reoptimizeSchema = z.object({ timeLimitSeconds: z.number().min(0.1).max(120).default(2) });

export const reoptimizeResultSchema = z.object({
  version: z.number().int(),
  routeIds: z.array(z.number().int()),
  unassigned: z.array(z.object({ orderId: z.number().int(), reason: z.string() })),
});

const violation = z.object({ cause: z.string(), duration: z.number().optional() });
const amounts = z.object({ weightKg: z.number(), volumeL: z.number(), items: z.number() });

export const stopSchema = z.object({
  id: z.number().int(),
  orderId: z.number().int(),
  sequence: z.number().int(),
  trip: z.number().int().describe('Multi-trip: which trip of the route serves this stop (1 without reloads)'),
  status: z.enum(stopStatuses),
  locked: z.boolean(),
  location: z.tuple([z.number(), z.number()]),
  promisedWindows: z.array(z.object({ start: z.string(), end: z.string() })),
  plannedArrival: z.string(),
  serviceStart: z.string(),
  plannedDeparture: z.string(),
  waitingSeconds: z.number(),
  loadAfter: amounts,
  violations: z.array(violation),
  dispatchedEta: z.string().nullable(),
  liveEta: z.string().nullable(),
  actualArrival: z.string().nullable(),
  completedAt: z.string().nullable(),
  /** What pages show: expected service start and delay, or the actual time once done. */
  times: stopTimesSchema,
});

/** Multi-trip: a return to the depot between two trips of a route. */
export const reloadSchema = z.object({
  trip: z.number().int().describe('The trip this reload starts (2, 3, …)'),
  afterSequence: z.number().int().describe('Taken after this stop of the route'),
  location: z.tuple([z.number(), z.number()]),
  arrival: z.string(),
  departure: z.string(),
  durationSeconds: z.number(),
  load: amounts.describe("On board when the van leaves again: the next trip's deliveries"),
  arrivedAt: z.string().nullable().describe('Confirmed by the driver: at the depot (POST /routes/{id}/reloads/{trip})'),
  reloadedAt: z.string().nullable().describe('Confirmed by the driver: loaded and on the way again'),
});

export const routeSchema = z.object({
  id: z.number().int(),
  vehicleId: z.number().int(),
  driverId: z.number().int().nullable(),
  status: z.enum(routeStatuses),
  departure: z.string(),
  arrival: z.string(),
  distanceMeters: z.number(),
  drivingSeconds: z.number(),
  serviceSeconds: z.number(),
  waitingSeconds: z.number(),
  paidSeconds: z.number().describe('Working time the driver is paid for: departure to return, waiting and breaks included'),
  cost: z.number(),
  violations: z.array(violation),
  breaks: z.array(z.object({ start: z.string(), durationSeconds: z.number() })),
  trips: z.number().int().describe('Multi-trip: 1 + the reloads'),
  reloads: z.array(reloadSchema).describe('Multi-trip: where the van goes back to reload between its stops'),
  stops: z.array(stopSchema),
});

export const planSummarySchema = z.object({
  id: z.number().int(),
  depotId: z.number().int(),
  date: z.string(),
  version: z.number().int(),
  status: z.enum(planStatuses),
  timeLimitSeconds: z.number(),
  minimize: z.enum(planObjectives).describe('What the plan minimised (options.minimize)'),
  vehicleIds: z.array(z.number().int()),
  orderCount: z.number().int(),
  progress: z.object({ bestCost: z.number(), unassigned: z.number(), elapsedMs: z.number() }).nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  totals: z.record(z.string(), z.number()).nullable(),
  createdBy: z.string(),
  createdAt: z.string(),
  finishedAt: z.string().nullable(),
  dispatchedAt: z.string().nullable(),
  replacesPlanId: z.number().int().nullable(),
  href: z.string(),
});

export const planSchema = planSummarySchema.extend({
  /** Since dispatch, on the vans' GPS breadcrumbs; null before dispatch. */
  drivenMeters: z.number().nullable(),
  routes: z.array(routeSchema.extend({ drivenMeters: z.number().nullable() })),
  /** `distanceToRoadMeters` with reason `unroutable`: how far the order is from the nearest road (null: none near). */
  unassigned: z.array(z.object({ orderId: z.number().int(), reason: z.string(), distanceToRoadMeters: z.number().nullable().optional() })),
});

export const editResultSchema = z.object({
  preview: z.boolean(),
  version: z.number().int(),
  routes: z.array(routeSchema.omit({ id: true }).extend({ id: z.number().int().nullable() })),
  violations: z.array(violation),
});

export const insertionResultSchema = z.object({
  inserted: z.boolean(),
  orderId: z.number().int(),
  vehicleId: z.number().int().nullable(),
  position: z.number().int().nullable(),
  reason: z.string().nullable(),
  route: routeSchema.nullable(),
});

export const replanSchema = z.object({
  timeLimitSeconds: z.number().min(0.1).max(30).default(1.5).describe("The solver's search time; the proposal answers a little after it (1,000 stops on 50 vans: within 5 s at the default)"),
});

export const proposalParamsSchema = z.object({ id: z.coerce.number().int().positive(), proposalId: z.coerce.number().int().positive() });

const proposalTotals = z.object({ distanceMeters: z.number(), durationSeconds: z.number(), lateStops: z.number().int(), stops: z.number().int() });

export const proposalSchema = z
  .object({
    proposalId: z.number().int(),
    planId: z.number().int(),
    planVersion: z.number().int().describe('The plan version it applies to; accepting after the plan changed answers 409'),
    status: z.enum(['open', 'accepted', 'discarded']),
    createdAt: z.string(),
    expiresAt: z.string(),
    changes: z
      .array(
        z.object({
          vehicleId: z.number().int(),
          newRoute: z.boolean().describe('The van had no route and gets one'),
          movedIn: z.array(z.object({ orderId: z.number().int(), fromVehicleId: z.number().int() })),
          movedOut: z.array(z.object({ orderId: z.number().int(), toVehicleId: z.number().int() })),
          added: z.array(z.number().int()).describe('Orders new to the plan'),
          removed: z.array(z.object({ orderId: z.number().int(), reason: z.string() })).describe('Taken off the plan, back to ready'),
          reordered: z.array(z.number().int()).describe('Stops kept on the van at another place in its order'),
          before: proposalTotals,
          after: proposalTotals,
        }),
      )
      .describe('Per van with a change; stops done, failed or in progress never appear'),
    unassigned: z.array(z.object({ orderId: z.number().int(), reason: z.string() })).describe('Orders of the day left out of every route'),
    offShiftVehicleIds: z.array(z.number().int()).describe('Vans left as they are: their shift is over'),
    totals: z.object({ before: proposalTotals.extend({ unassigned: z.number().int() }), after: proposalTotals.extend({ unassigned: z.number().int() }) }),
  })
  .meta({ id: 'ReplanProposal' });

export type ProposalResponse = z.infer<typeof proposalSchema>;

export const acceptResultSchema = z.object({
  version: z.number().int(),
  routeIds: z.array(z.number().int()),
  unassigned: z.array(z.object({ orderId: z.number().int(), reason: z.string() })),
});
