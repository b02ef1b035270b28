/**
 * Operational metrics for Prometheus (prom-client) at GET /metrics: HTTP request rate and latency by route
 * pattern, plan runs by outcome and their solver time, socket connections, the outbox backlog, the database
 * pool, and the process defaults. With METRICS_TOKEN set, /metrics wants `Authorization: Bearer <token>`;
 * without it only loopback clients get an answer (scrape from the host, or set the token).
 */
import { timingSafeEqual } from 'node:crypto';
import { Router, type RequestHandler } from 'express';
import type { Knex } from 'knex';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { reads, type CommandContext } from '../commands/context';
import { forbidden } from '../errors';
import { apiPrefix, type Mount } from './mount';

export interface MetricsOptions {
  token?: string;
  /** Open socket.io connections, once the realtime server is up. */
  socketConnections?: () => number;
}

export class ServiceMetrics {
  readonly registry = new Registry();
  private socketConnections: () => number = () => 0;
  private readonly requests = new Counter({ name: 'lastmile_http_requests_total', help: 'HTTP requests answered', labelNames: ['method', 'route', 'status'], registers: [this.registry] });
  private readonly latency = new Histogram({
    name: 'lastmile_http_request_duration_seconds',
    help: 'HTTP request latency until the response was sent',
    labelNames: ['method', 'route'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly planRuns = new Counter({ name: 'lastmile_plan_runs_total', help: 'Plan runs finished, by outcome', labelNames: ['status'], registers: [this.registry] });
  private readonly solverSeconds = new Histogram({
    name: 'lastmile_plan_run_seconds',
    help: 'Wall time of a plan run from running to its outcome (solver and mapping)',
    buckets: [0.5, 1, 2, 5, 10, 20, 30, 60, 120, 300],
    registers: [this.registry],
  });
  private readonly runningSince = new Map<number, number>();

  constructor(
    context: CommandContext,
    private readonly options: MetricsOptions = {},
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'lastmile_' });
    const openSockets = () => this.socketConnections();
    new Gauge({
      name: 'lastmile_socket_connections',
      help: 'Open socket.io connections',
      registers: [this.registry],
      collect() {
        this.set(openSockets());
      },
    });
    new Gauge({
      name: 'lastmile_outbox_backlog',
      help: 'Outbox messages waiting to be sent (pending or failed and retrying)',
      registers: [this.registry],
      async collect() {
        const counts = await reads(context).outbox.countByStatus();
        this.set((counts.pending ?? 0) + (counts.failed ?? 0));
      },
    });
    new Gauge({
      name: 'lastmile_db_pool_connections',
      help: 'Database pool connections by state (PostgreSQL; PGlite has one in-process connection)',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const pool = (context.db as Knex & { client: { pool?: { numUsed(): number; numFree(): number; numPendingAcquires(): number } } }).client.pool;
        if (!pool) return;
        this.set({ state: 'used' }, pool.numUsed());
        this.set({ state: 'free' }, pool.numFree());
        this.set({ state: 'pending' }, pool.numPendingAcquires());
      },
    });
    context.events.on('plan.status_changed', ({ planId, status }) => {
      const now = context.clock.nowMs();
      if (status === 'running') return void this.runningSince.set(planId, now);
      if (status !== 'succeeded' && status !== 'failed' && status !== 'cancelled') return;
      this.planRuns.inc({ status });
      const since = this.runningSince.get(planId);
      this.runningSince.delete(planId);
      if (since !== undefined) this.solverSeconds.observe((now - since) / 1000);
    });
  }

  watchSockets(count: () => number): void {
    this.socketConnections = count;
  }

  /** Counts and times every request by its route pattern (unmatched ones as one label, so paths never explode it). */
  middleware(): RequestHandler {
    return (req, res, next) => {
      const started = process.hrtime.bigint();
      res.on('finish', () => {
        // express has left the mount by now (baseUrl is reset): the API's prefix is put back from the URL.
        const prefix = req.originalUrl.startsWith(`${apiPrefix}/`) ? apiPrefix : '';
        const route = req.route?.path ? `${prefix}${String(req.route.path)}` : 'unmatched';
        const seconds = Number(process.hrtime.bigint() - started) / 1e9;
        this.requests.inc({ method: req.method, route, status: String(res.statusCode) });
        this.latency.observe({ method: req.method, route }, seconds);
      });
      next();
    };
  }

  mount(): Mount {
    const router = Router();
    router.get('/metrics', async (req, res) => {
      const token = this.options.token;
      if (token) {
        const given = Buffer.from((req.get('authorization') ?? '').replace(/^Bearer /, ''));
        const wanted = Buffer.from(token);
        if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) throw forbidden('GET /metrics needs the metrics token');
      } else if (!['127.0.0.1', '::1', '::ffff:127.0.0.1'].includes(req.socket.remoteAddress ?? '')) throw forbidden('GET /metrics answers loopback clients only unless METRICS_TOKEN is set');
      res.type(this.registry.contentType).send(await this.registry.metrics());
    });
    return { path: '/', router };
  }
}
