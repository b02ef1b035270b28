/**
 * VROOM 1.14's JSON dialect for POST /optimize, as zod schemas for the OpenAPI document. The solver validates a
 * problem itself (solver/validate.ts, with VROOM's messages); these schemas describe the same keys, and a test
 * holds them to the solver's VROOM_KEYS and its types so the document cannot drift from what is accepted.
 * Units: seconds, metres, [lon, lat].
 */
import { z } from 'zod';
import { minimizeGoals, routeCostBases } from '../../solver/model/vroom';

const id = z.number().int().min(0);
const seconds = z.number().int().min(0);
const amount = z.array(z.number().int().min(0)).describe('One entry per capacity dimension');
const location = z.tuple([z.number(), z.number()]).describe('[lon, lat]');
const timeWindow = z.tuple([z.number().int().min(0), z.number().int().min(0)]).describe('[start, end], seconds');
const skills = z.array(z.number().int().min(0));
const priority = z.number().int().min(0).max(100);
const matrixRows = z.array(z.array(z.number().int().min(0)));

const stepTypes = ['start', 'job', 'pickup', 'delivery', 'break', 'reload', 'end'] as const;
export const violationCauses = ['delay', 'lead_time', 'load', 'max_tasks', 'skills', 'precedence', 'missing_break', 'max_travel_time', 'max_load', 'max_distance'] as const;
export const unassignedReasons = ['skills', 'capacity', 'time_window', 'shift', 'max_tasks', 'max_travel_time', 'max_distance', 'unreachable', 'not_profitable'] as const;

export const vroomJobSchema = z
  .object({
    id,
    description: z.string().optional(),
    location: location.optional(),
    location_index: z.number().int().min(0).optional(),
    setup: seconds.optional(),
    service: seconds.optional(),
    delivery: amount.optional(),
    pickup: amount.optional(),
    amount: amount.optional().meta({ deprecated: true, description: 'VROOM\'s deprecated form of delivery (delivery wins when both are given)' }),
    skills: skills.optional(),
    priority: priority.optional(),
    time_windows: z.array(timeWindow).optional(),
    lateness_cost_per_second: z.number().min(0).optional().describe('Lastmile: lateness allowed at this cost per second (a soft window); absent: the window is hard'),
  })
  .strict()
  .meta({ id: 'VroomJob' });

export const vroomShipmentStepSchema = z
  .object({
    id,
    description: z.string().optional(),
    location: location.optional(),
    location_index: z.number().int().min(0).optional(),
    setup: seconds.optional(),
    service: seconds.optional(),
    time_windows: z.array(timeWindow).optional(),
  })
  .strict()
  .meta({ id: 'VroomShipmentStep' });

export const vroomShipmentSchema = z
  .object({ pickup: vroomShipmentStepSchema, delivery: vroomShipmentStepSchema, amount: amount.optional(), skills: skills.optional(), priority: priority.optional() })
  .strict()
  .meta({ id: 'VroomShipment' });

export const vroomBreakSchema = z
  .object({ id, time_windows: z.array(timeWindow).optional(), service: seconds.optional(), description: z.string().optional(), max_load: amount.optional() })
  .strict()
  .meta({ id: 'VroomBreak' });

export const vroomCostsSchema = z
  .object({ fixed: z.number().int().min(0).optional(), per_hour: z.number().int().min(0).optional(), per_km: z.number().int().min(0).optional() })
  .strict()
  .meta({ id: 'VroomVehicleCosts' });

export const vroomVehicleStepSchema = z
  .object({
    type: z.enum(stepTypes),
    id: id.optional().describe('The job, pickup, delivery or break; absent for start and end'),
    service_at: seconds.optional(),
    service_after: seconds.optional(),
    service_before: seconds.optional(),
    locked: z.boolean().optional().describe('Lastmile: the step stays on this vehicle, in order with the other locked steps'),
  })
  .strict()
  .meta({ id: 'VroomVehicleStep' });

export const vroomReloadSchema = z
  .object({
    location: location.optional(),
    location_index: z.number().int().min(0).optional(),
    service: seconds.optional().describe('Seconds to unload and load at each reload'),
    max_trips: z.number().int().min(1).optional().describe('At most this many trips (default: as many as the shift allows)'),
  })
  .strict()
  .describe('Lastmile extension (multi-trip): the vehicle may go back here during its shift to reload; capacity holds per trip, and its route gets steps of type reload between the trips')
  .meta({ id: 'VroomReload' });

export const vroomVehicleSchema = z
  .object({
    id,
    profile: z.string().optional().describe('Which matrices the vehicle uses; default car'),
    description: z.string().optional(),
    start: location.optional(),
    start_index: z.number().int().min(0).optional(),
    end: location.optional(),
    end_index: z.number().int().min(0).optional(),
    capacity: amount.optional(),
    costs: vroomCostsSchema.optional(),
    skills: skills.optional(),
    time_window: timeWindow.optional(),
    breaks: z.array(vroomBreakSchema).optional(),
    speed_factor: z.number().gt(0).max(5).optional(),
    max_tasks: z.number().int().min(0).optional(),
    max_travel_time: seconds.optional(),
    max_distance: z.number().int().min(0).optional().describe('metres'),
    steps: z.array(vroomVehicleStepSchema).optional().describe("A route to follow (as given with ?mode=plan, VROOM's -c)"),
    reload: vroomReloadSchema.optional(),
  })
  .strict()
  .meta({ id: 'VroomVehicle' });

export const vroomMatrixSchema = z
  .object({ durations: matrixRows.optional().describe('seconds'), distances: matrixRows.optional().describe('metres'), costs: matrixRows.optional() })
  .strict()
  .meta({ id: 'VroomMatrix' });

const replayedRunSchema = z
  .object({
    seed: z.number().int().min(0).max(2 ** 32 - 1),
    iterations: z.number().int().min(0),
    phase_iterations: z.number().int().min(0).optional().describe('minimize vehicles or balance: the iteration the first phase ended at'),
  })
  .strict()
  .meta({ id: 'VroomReplayedRun' });

export const vroomProblemSchema = z
  .object({
    jobs: z.array(vroomJobSchema).optional(),
    shipments: z.array(vroomShipmentSchema).optional(),
    vehicles: z.array(vroomVehicleSchema).min(1),
    matrices: z.record(z.string(), vroomMatrixSchema).optional().describe('Keyed by vehicle profile; without them every location is routed on the road network'),
    matrix: matrixRows.optional().meta({ deprecated: true, description: "VROOM's deprecated top-level durations matrix, for every profile" }),
    options: z
      .object({
        g: z.boolean().optional().describe("Add each route's geometry (encoded polyline)"),
        route_cost: z
          .enum(routeCostBases)
          .optional()
          .describe("Lastmile extension. travel (default, VROOM's): fixed + travel time at per_hour + distance at per_km; working_time: fixed + departure to return (service, breaks and waiting included) at per_hour + distance at per_km"),
        minimize: z
          .enum(minimizeGoals)
          .optional()
          .describe('Lastmile extension. cost (default); vehicles: fewest routes, then cost; balance: cost plus balance_weight × each route’s working time beyond 10 % above the routes’ average, at per_hour'),
        balance_weight: z.number().min(0).optional().describe('Lastmile extension, with minimize balance: weight of the routes’ working time beyond 10 % above the average (default 3)'),
        replay: z
          .array(replayedRunSchema)
          .min(1)
          .optional()
          .describe("Lastmile: repeat these runs exactly (a response's stats.runs): each seed searches for its iterations, whatever the time limit"),
      })
      .strict()
      .optional(),
  })
  .strict()
  .meta({ id: 'VroomProblem' });

const violationSchema = z.object({ cause: z.enum(violationCauses), duration: z.number().int().optional() }).strict().meta({ id: 'VroomViolation' });

const totals = {
  cost: z.number().int(),
  setup: z.number().int(),
  service: z.number().int(),
  duration: z.number().int(),
  waiting_time: z.number().int(),
  priority: z.number().int(),
  delivery: amount.optional().describe('Absent when the problem has no capacity dimension'),
  pickup: amount.optional(),
  amount: amount.optional().meta({ deprecated: true, description: "VROOM's deprecated copy of delivery" }),
  distance: z.number().int().optional().describe('metres, when distances are known'),
  violations: z.array(violationSchema),
};

export const vroomStepSchema = z
  .object({
    type: z.enum(stepTypes),
    id: id.optional(),
    job: id.optional().meta({ deprecated: true, description: "VROOM's deprecated copy of id on task steps" }),
    description: z.string().optional(),
    location: location.optional(),
    location_index: z.number().int().optional(),
    arrival: z.number().int(),
    duration: z.number().int(),
    setup: z.number().int(),
    service: z.number().int(),
    waiting_time: z.number().int(),
    load: amount.optional(),
    distance: z.number().int().optional(),
    violations: z.array(violationSchema),
  })
  .strict()
  .meta({ id: 'VroomStep' });

export const vroomRouteSchema = z
  .object({ vehicle: id, description: z.string().optional(), steps: z.array(vroomStepSchema), ...totals, geometry: z.string().optional().describe('Encoded polyline (precision 5), with options.g') })
  .strict()
  .meta({ id: 'VroomRoute' });

export const vroomUnassignedSchema = z
  .object({
    id,
    type: z.enum(['job', 'pickup', 'delivery']),
    location: location.optional(),
    location_index: z.number().int().optional(),
    description: z.string().optional(),
    reason: z.enum(unassignedReasons).optional().describe('Lastmile (always sent; VROOM has none): why the task could not be served'),
    cost: z.number().int().optional().describe('Lastmile, with not_profitable: the cost its cheapest feasible insertion would add'),
    reasons: z
      .array(z.object({ reason: z.enum(unassignedReasons), vehicles: z.array(id) }).strict())
      .optional()
      .describe('Lastmile: every vehicle, grouped by the constraint that rules the task out on it (not_profitable: where it fits), checked at every insertion position'),
  })
  .strict()
  .meta({ id: 'VroomUnassigned' });

export const vroomSolutionSchema = z
  .object({
    code: z.literal(0),
    summary: z
      .object({
        routes: z.number().int(),
        unassigned: z.number().int(),
        ...totals,
        computing_times: z.object({ loading: z.number().int(), solving: z.number().int(), routing: z.number().int() }).strict().optional().describe('milliseconds'),
      })
      .strict()
      .meta({ id: 'VroomSummary' }),
    unassigned: z.array(vroomUnassignedSchema),
    routes: z.array(vroomRouteSchema),
    stats: z
      .object({ seed: z.number().int(), iterations: z.number().int(), improvements: z.number().int(), phase_iterations: z.number().int().optional(), runs: z.array(replayedRunSchema).optional().describe('Every seed run, with the iterations it made: send as options.replay to repeat them') })
      .catchall(z.unknown())
      .optional()
      .describe('Lastmile: what the search did'),
  })
  .strict()
  .meta({ id: 'VroomSolution' });

export const vroomErrorSchema = z
  .object({
    code: z.union([z.literal(1), z.literal(2), z.literal(3)]).describe("VROOM's code: 1 internal, 2 input, 3 routing"),
    error: z.string(),
    details: z.array(z.object({ path: z.string().optional(), message: z.string() })).describe('Lastmile: every issue with its path'),
  })
  .meta({ id: 'VroomError' });
