/**
 * The service's routers in the order the app mounts them: one list for src/main.ts and for the test that
 * holds the OpenAPI document to the routes, so a router cannot join the service without being documented.
 */
import type { RateLimiters } from '../auth/rate-limits';
import type { CommandContext } from '../commands/context';
import type { Geocoding } from '../geocoding/place-order';
import type { Logger } from '../logger';
import type { VehiclePositions } from '../planning/live-routes';
import type { PlanQueue } from '../reactions/plan-runs';
import type { RoutingProvider } from '../routing/provider';
import type { OptimizeJobs } from '../solving/optimize-jobs';
import type { SolverRunner } from '../solving/runner';
import type { ServiceMetrics } from './metrics';
import type { Mount } from './mount';
import { alertsMount } from './routes/alerts.routes';
import { basemapMount } from './routes/basemap.routes';
import { driverRouteMount } from './routes/driver-route.routes';
import { geocodeMount } from './routes/geocode.routes';
import { importMount } from './routes/import.routes';
import { notificationsMount } from './routes/notifications.routes';
import { optimizeMount } from './routes/optimize.routes';
import { osrmMount } from './routes/osrm.routes';
import { plansMount } from './routes/plans.routes';
import { positionsMount } from './routes/positions.routes';
import { reportsMount } from './routes/reports.routes';
import { slotsMount } from './routes/slots.routes';
import { PromiseDays } from '../planning/promise-day';
import { stopsMount } from './routes/stops.routes';
import { trackingMount } from './routes/tracking.routes';
import { webRouter } from './web';

export interface ServiceMountsDeps {
  commands: CommandContext;
  geocoding: Geocoding;
  planQueue: PlanQueue;
  solver: SolverRunner;
  routing: RoutingProvider;
  positions: VehiclePositions;
  optimizeJobs: OptimizeJobs;
  logger: Logger;
  rateLimiters: RateLimiters;
  publicUrl: string;
  trackingLinkTtlSeconds: number;
  /** How long a reservation holds its window (SLOT_RESERVATION_MINUTES). */
  slotHoldSeconds?: number;
  /** The built web pages. */
  distDir: string;
  tileUrl?: string;
  /** GET /metrics, first so it times every request after it. */
  metrics?: ServiceMetrics;
}

export function serviceMounts(deps: ServiceMountsDeps): Mount[] {
  const { commands, routing } = deps;
  // One promise per day for the checkout and the tracking page, so both offer the same windows.
  const days = new PromiseDays(routing);
  return [
    ...(deps.metrics ? [deps.metrics.mount()] : []),
    importMount(commands, { geocoding: deps.geocoding }),
    geocodeMount(deps.geocoding),
    plansMount({ context: commands, queue: deps.planQueue, solver: deps.solver, routing, positions: deps.positions }),
    optimizeMount({ solver: deps.solver, routing, jobs: deps.optimizeJobs, log: deps.logger }),
    positionsMount(commands, deps.rateLimiters),
    stopsMount(commands),
    alertsMount(commands),
    reportsMount(commands),
    osrmMount(routing),
    slotsMount({ context: commands, days, geocoding: deps.geocoding, holdSeconds: deps.slotHoldSeconds ?? 15 * 60 }),
    notificationsMount(commands, { publicUrl: deps.publicUrl }),
    trackingMount(commands, { linkTtlSeconds: deps.trackingLinkTtlSeconds, limiters: deps.rateLimiters, routing, positions: deps.positions, publicUrl: deps.publicUrl, days }),
    driverRouteMount(commands, routing),
    basemapMount(routing),
    { path: '/', router: webRouter({ distDir: deps.distDir, tileUrl: deps.tileUrl }) },
  ];
}
