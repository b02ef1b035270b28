/**
 * POST /optimize (mounted under /api/v1): stateless optimization in VROOM's JSON dialect, a drop-in for
 * VROOM and openrouteservice's optimization endpoint. The problem comes with `matrices`, or with `location`s
 * the road network turns into matrices; `options.g` adds route geometry. Large problems (or `?async=true`)
 * answer 202 with a job to poll at GET /optimize/jobs/{id}, cancellable with DELETE.
 *
 * Lastmile query options: `timeLimitSeconds` (each seed searches that long), `async`. Without a time limit a
 * run also stops once it has not improved for STALL_ITERATIONS, so small problems answer at once, as VROOM does.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type RequestHandler } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError, notFound } from '../../errors';
import { errorResponseSchema } from '../../protocol/common';
import type { RoutingProvider } from '../../routing/provider';
import { OptimizeJobs, type JobWork, type OptimizeJob } from '../../solving/optimize-jobs';
import type { SolverRunner } from '../../solving/runner';
import { locateProblem, presentSolution } from '../../solving/vroom-locations';
import { requireRoles } from '../middleware/authenticate';
import { zodToAppError } from '../../error-mapper';
import { jsonBody } from '../json-body';
import { apiPrefix, type Mount } from '../mount';

export interface OptimizeRouterOptions {
  /** The pool in the service: an inline solver would hold the event loop for the whole run. */
  solver: SolverRunner;
  routing: RoutingProvider;
  jobs?: OptimizeJobs;
  /** Who may optimize; default admins and dispatchers (authenticate() must run before this router). */
  authorize?: RequestHandler;
  /** Problems with more tasks than this answer 202 with a job. */
  asyncAboveTasks?: number;
  /** Each seed's longest search when the request names no time limit. */
  defaultTimeLimitMs?: number;
  /** Largest JSON body: a 1,000-location problem with both matrices is about 15 MB. */
  maxBodyBytes?: number;
  log?: Logger;
}

const querySchema = z.object({
  async: z.enum(['true', 'false']).optional(),
  timeLimitSeconds: z.coerce.number().min(0.1).max(600).optional(),
});

const ASYNC_ABOVE_TASKS = 200;
const STALL_ITERATIONS = 2000;

/** The router under /api/v1, documented in the OpenAPI document. */
export function optimizeMount(options: OptimizeRouterOptions): Mount {
  const registry = new OpenAPIRegistry();
  document(registry, apiPrefix, options.asyncAboveTasks ?? ASYNC_ABOVE_TASKS);
  return { path: apiPrefix, router: optimizeRouter(options), registry };
}

export function optimizeRouter({
  solver,
  routing,
  jobs = new OptimizeJobs(),
  authorize = requireRoles('admin', 'dispatcher'),
  asyncAboveTasks = ASYNC_ABOVE_TASKS,
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
    const { timeLimitSeconds } = query.data;
    const stop = timeLimitSeconds !== undefined ? { timeLimitMs: timeLimitSeconds * 1000 } : { timeLimitMs: defaultTimeLimitMs, maxIterationsWithoutImprovement: STALL_ITERATIONS };
    const located = await locateProblem(req.body, routing);
    const work: JobWork = async (signal, onProgress) => {
      const outcome = await solver.solve(located.problem, { ...stop, signal, onProgress });
      if (outcome.status === 'cancelled') return null;
      return presentSolution(located, outcome.solution, routing, { solvingMs: outcome.elapsedMs });
    };

    const tasks = (located.problem.jobs?.length ?? 0) + 2 * (located.problem.shipments?.length ?? 0);
    if (query.data.async === 'true' || (query.data.async !== 'false' && tasks > asyncAboveTasks)) {
      const job = jobs.start(work, describeFailure);
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

  router.get('/optimize/jobs/:id', authorize, (req, res) => {
    res.json(presentJob(req, jobOf(jobs, req.params.id as string)));
  });

  router.delete('/optimize/jobs/:id', authorize, (req, res) => {
    const job = jobOf(jobs, req.params.id as string);
    jobs.cancel(job.id);
    res.json(presentJob(req, job));
  });

  return router;
}

function jobOf(jobs: OptimizeJobs, id: string): OptimizeJob {
  const job = jobs.get(id);
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

function document(registry: OpenAPIRegistry, prefix: string, asyncAboveTasks: number): void {
  const errorContent = { 'application/json': { schema: errorResponseSchema } };
  const vroomJson = (description: string) => ({ 'application/json': { schema: z.object({}).catchall(z.unknown()).describe(description) } });
  const jobSchema = z.object({
    job: z.object({
      id: z.string(),
      status: z.enum(['running', 'solved', 'failed', 'cancelled']),
      href: z.string(),
      createdAt: z.string(),
      finishedAt: z.string().optional(),
      progress: z.object({ bestCost: z.number(), unassigned: z.number(), elapsedMs: z.number() }).optional(),
      solution: z.object({}).catchall(z.unknown()).optional().describe('A VROOM solution, once solved'),
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
    summary: 'Optimize routes: a VROOM problem in, a VROOM solution out',
    description:
      'VROOM\'s JSON dialect (vehicles, jobs, shipments, matrices, options.g), so VROOM and openrouteservice clients work unchanged. ' +
      'Without matrices, each location [lon, lat] is routed on the road network. Unassigned tasks carry a reason. ' +
      `More than ${asyncAboveTasks} tasks, or ?async=true, answer 202 with a job to poll (kept in memory for an hour after it ends).`,
    tags: ['Optimization'],
    security,
    request: {
      query: querySchema,
      body: { required: true, content: vroomJson('A VROOM problem') },
    },
    responses: {
      200: { description: 'A VROOM solution', content: vroomJson('A VROOM solution') },
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
      summary: method === 'get' ? 'An optimization job: status, progress, and the solution once solved' : 'Cancel an optimization job',
      tags: ['Optimization'],
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
