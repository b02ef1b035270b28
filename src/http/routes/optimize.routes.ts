/**
 * POST /optimize (mounted under /api/v1): stateless optimization in VROOM's JSON dialect, a drop-in for
 * VROOM and openrouteservice's optimization endpoint (docs/vroom-compatibility.md has the key-by-key table).
 * The problem comes with `matrices`, or with `location`s the road network turns into matrices; `options.g`
 * adds route geometry. The answer is synchronous, as VROOM's; `?async=true` answers 202 with a job to poll at
 * GET /optimize/jobs/{id}, cancellable with DELETE. `?mode=plan` is VROOM's `-c`: the vehicles' `steps` are
 * evaluated as given, with violations, and nothing is searched.
 *
 * Errors here have VROOM's body `{ code, error }` (code 1 internal, 2 input, 3 routing) with Lastmile's
 * `details` beside it, so VROOM clients read them as VROOM's.
 *
 * Lastmile query options: `timeLimitSeconds` (each seed searches that long), `async`, `mode`. Without a time
 * limit a run also stops once it has not improved for STALL_ITERATIONS, so small problems answer at once.
 * `options.replay` in the problem (the answer's `stats.runs`) repeats runs exactly, iteration for iteration.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type ErrorRequestHandler, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, invalidInput, notFound } from '../../errors';
import type { RoutingProvider } from '../../routing/provider';
import type { OptimizeJob } from '../../domain/model/optimize-job';
import type { OptimizeJobs, JobWork } from '../../solving/optimize-jobs';
import type { SolverRunner } from '../../solving/runner';
import { locateProblem, presentSolution } from '../../solving/vroom-locations';
import { vroomErrorSchema, vroomProblemSchema, vroomSolutionSchema } from '../../protocol/vroom';
import { solve, vehicleStepsError } from '../../../solver/index';
import { requireRoles } from '../middleware/authenticate';
import { toAppError, zodToAppError } from '../../error-mapper';
import { jsonBody } from '../json-body';
import { apiPrefix, type Mount } from '../mount';

export interface OptimizeRouterOptions {
  /** The pool in the service: an inline solver would hold the event loop for the whole run. */
  solver: SolverRunner;
  routing: RoutingProvider;
  jobs?: OptimizeJobs;
  /** Who may optimize; default admins and dispatchers (authenticate() must run before this router). */
  authorize?: RequestHandler;
  /** Each seed's longest search when the request names no time limit. */
  defaultTimeLimitMs?: number;
  /** Largest JSON body: a 1,000-location problem with both matrices is about 15 MB. */
  maxBodyBytes?: number;
  log?: Logger;
}

const querySchema = z.object({
  async: z.enum(['true', 'false']).optional().describe('true: answer 202 with a job to poll instead of waiting for the solution'),
  mode: z.enum(['solve', 'plan']).optional().describe("plan: VROOM's -c, the vehicles' steps evaluated as given with violations, no search"),
  timeLimitSeconds: z.coerce.number().min(0.1).max(600).optional(),
});

const STALL_ITERATIONS = 2000;

/** The router under /api/v1, documented in the OpenAPI document. */
export function optimizeMount(options: OptimizeRouterOptions): Mount {
  const registry = new OpenAPIRegistry();
  document(registry, apiPrefix);
  return { path: apiPrefix, router: optimizeRouter(options), registry };
}

export function optimizeRouter({
  solver,
  routing,
  jobs,
  authorize = requireRoles('admin', 'dispatcher'),
  defaultTimeLimitMs = 5000,
  maxBodyBytes = 64 * 1024 * 1024,
  log,
}: OptimizeRouterOptions): Router {
  const router = Router();
  const describeFailure = (error: unknown) => {
    if (error instanceof AppError) return { code: error.code, message: error.message };
    log?.error({ err: error }, 'optimization job failed');
    return { code: 'internal_error', message: 'The optimization failed; the server log has the details' };
  };

  router.post('/optimize', authorize, jsonBody({ limit: maxBodyBytes }), async (req, res) => {
    const query = querySchema.safeParse(req.query);
    if (!query.success) throw zodToAppError(query.error, 'query');
    const { timeLimitSeconds, mode = 'solve' } = query.data;
    const stop = timeLimitSeconds !== undefined ? { timeLimitMs: timeLimitSeconds * 1000 } : { timeLimitMs: defaultTimeLimitMs, maxIterationsWithoutImprovement: STALL_ITERATIONS };
    const located = await locateProblem(req.body, routing);
    if (mode === 'plan') {
      // Evaluating given routes is one walk along each: in-process, no pool, no search, no checker (violations are the answer).
      const started = performance.now();
      const solution = solve(located.problem, { mode: 'plan' });
      if (solution.code !== 0) throw invalidInput(solution.error ?? 'The problem cannot be evaluated');
      res.json(await presentSolution(located, solution, routing, { solvingMs: performance.now() - started }));
      return;
    }
    // As VROOM: steps it cannot drive as given are refused, not silently re-planned.
    const stepsError = vehicleStepsError(located.problem);
    if (stepsError) throw invalidInput(stepsError, [{ path: 'vehicles', message: stepsError }]);
    const work: JobWork = async (signal, onProgress) => {
      const outcome = await solver.solve(located.problem, { ...stop, signal, onProgress });
      if (outcome.status === 'cancelled') return null;
      return presentSolution(located, outcome.solution, routing, { solvingMs: outcome.elapsedMs });
    };

    if (query.data.async === 'true') {
      // Jobs live in the database; an app mounted without one (a bare router in a test) answers synchronously only.
      if (!jobs) throw invalidInput('Background jobs are not available here; call without async=true', [{ path: 'async', message: 'not available on this server' }]);
      const job = await jobs.start(work, describeFailure);
      const body = presentJob(req, job);
      res.status(202).location(body.job.href).json(body);
      return;
    }
    // A caller that hangs up cancels its run.
    const controller = new AbortController();
    res.on('close', () => controller.abort());
    const solution = await work(controller.signal, () => {});
    if (solution) res.json(solution);
  });

  router.get('/optimize/jobs/:id', authorize, async (req, res) => {
    res.json(presentJob(req, await jobOf(jobs, req.params.id as string)));
  });

  router.delete('/optimize/jobs/:id', authorize, async (req, res) => {
    const job = await jobOf(jobs, req.params.id as string);
    await jobs!.cancel(job.id);
    res.json(presentJob(req, job));
  });

  router.use(vroomErrors);
  return router;
}

/** VROOM's error codes: 2 for anything the caller sent (any 4xx), 3 when the road network failed, 1 otherwise. */
export function vroomErrorCode(error: AppError): 1 | 2 | 3 {
  if (error.status < 500) return 2;
  return error.code === 'routing_unavailable' ? 3 : 1;
}

/** Errors on this endpoint in VROOM's body, `{ code, error }`, with the HTTP status and `details` of the one error shape. */
const vroomErrors: ErrorRequestHandler = (thrown, req, res, _next) => {
  const { error, known } = toAppError(thrown);
  if (!known || error.status >= 500) req.log.error({ err: thrown }, 'optimization failed');
  const message = known ? error.message : `Internal error; quote request id ${String(req.id)} when reporting it`;
  const details = known ? error.details : [];
  // VROOM says what is wrong in `error` alone, so the first few issues go there too.
  const listed = details
    .filter((detail) => detail.message !== message)
    .slice(0, 5)
    .map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message));
  const text = listed.length > 0 && !listed.includes(message) ? `${message}: ${listed.join('; ')}${details.length > 5 ? '; …' : ''}` : message;
  res.status(error.status).json({ code: vroomErrorCode(error), error: text, details });
};

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function jobOf(jobs: OptimizeJobs | undefined, id: string): Promise<OptimizeJob> {
  // Not a job id at all is as unknown as one never given (and never reaches the database's uuid type).
  const job = jobs && uuid.test(id) ? await jobs.get(id) : null;
  if (!job) throw notFound('Optimization job', id);
  return job;
}

/** The job as the API shows it: the solution once solved, the error once failed. */
function presentJob(req: Request, job: OptimizeJob) {
  return {
    job: {
      id: job.id,
      status: job.status,
      href: `${req.baseUrl}/optimize/jobs/${job.id}`,
      createdAt: job.createdAt.toISOString(),
      ...(job.finishedAt ? { finishedAt: job.finishedAt.toISOString() } : {}),
      ...(job.progress ? { progress: job.progress } : {}),
      ...(job.solution ? { solution: job.solution } : {}),
      ...(job.error ? { error: job.error } : {}),
    },
  };
}

function document(registry: OpenAPIRegistry, prefix: string): void {
  const errorContent = { 'application/json': { schema: vroomErrorSchema } };
  const jobSchema = z.object({
    job: z.object({
      id: z.string(),
      status: z.enum(['running', 'solved', 'failed', 'cancelled']),
      href: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().optional(),
      progress: z.object({ bestCost: z.number(), unassigned: z.number(), elapsedMs: z.number() }).optional(),
      solution: vroomSolutionSchema.optional().describe('Once solved'),
      error: z.object({ code: z.string(), message: z.string() }).optional(),
    }),
  });
  const security: Array<Record<string, string[]>> = [{ bearerAuth: [] }, { apiKey: [] }];
  const denied = {
    401: { description: 'No or invalid credentials', content: errorContent },
    403: { description: 'Needs role admin or dispatcher', content: errorContent },
  };
  const jobParams = z.object({ id: z.string() });
  registry.registerPath({
    method: 'post',
    path: `${prefix}/optimize`,
    operationId: 'optimize',
    summary: 'Optimize routes: a VROOM problem in, a VROOM solution out',
    description:
      'VROOM\'s JSON dialect (vehicles, jobs, shipments, matrices, options.g), so VROOM and openrouteservice clients work unchanged. ' +
      'Without matrices, each location [lon, lat] is routed on the road network. Unassigned tasks carry a reason. ' +
      'The solution is the answer (as VROOM); ?async=true answers 202 with a job to poll (kept in memory for an hour after it ends). ' +
      "?mode=plan is VROOM's -c: the vehicles' steps evaluated as given, with violations per step and route. " +
      'Errors have VROOM\'s body { code, error } (code 2 input, 3 routing, 1 internal) plus details. Unknown keys are refused. ' +
      'Key by key: docs/vroom-compatibility.md.',
    tags: ['optimization'],
    security,
    request: {
      query: querySchema,
      body: { required: true, content: { 'application/json': { schema: vroomProblemSchema } } },
    },
    responses: {
      200: { description: 'A VROOM solution', content: { 'application/json': { schema: vroomSolutionSchema } } },
      202: { description: 'Solving in the background: poll job.href', content: { 'application/json': { schema: jobSchema } } },
      400: { description: 'Invalid problem; details list every issue with its path', content: errorContent },
      ...denied,
      429: { description: 'Too many optimization jobs running', content: errorContent },
      503: { description: 'The road network is unavailable', content: errorContent },
    },
  });
  for (const method of ['get', 'delete'] as const) {
    registry.registerPath({
      method,
      path: `${prefix}/optimize/jobs/{id}`,
      operationId: method === 'get' ? 'getOptimizeJob' : 'cancelOptimizeJob',
      summary: method === 'get' ? 'An optimization job: status, progress, and the solution once solved' : 'Cancel an optimization job',
      tags: ['optimization'],
      security,
      request: { params: jobParams },
      responses: {
        200: { description: 'The job', content: { 'application/json': { schema: jobSchema } } },
        ...denied,
        404: { description: 'No such job (or it expired)', content: errorContent },
      },
    });
  }
}
