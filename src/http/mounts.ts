/**
 * Every router of the service, in the order the app mounts them: src/main.ts and the tests' full service both
 * take this one list, so a new router is served, documented and fuzzed at once.
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
import type { Mount } from './mount';
import { alertsMount } from './routes/alerts.routes';
import { basemapMount } from './routes/basemap.routes';
import { driverRouteMount } from './routes/driver-route.routes';
import { geocodeMount } from './routes/geocode.routes';
import { importMount } from './routes/import.routes';
import { notificationsMount } from './routes/notifications.routes';
import { optimizeMount } from './routes/optimize.routes';
import { osrmRouter } from './routes/osrm.routes';
import { plansMount } from './routes/plans.routes';
import { positionsMount } from './routes/positions.routes';
import { stopsMount } from './routes/stops.routes';
import { trackingMount } from './routes/tracking.routes';
import { webRouter } from './web';

export interface ServiceMountDeps {
  commands: CommandContext;
  geocoding: Geocoding;
  planQueue: PlanQueue;
  solver: SolverRunner;
  routing: RoutingProvider;
  positions: VehiclePositions;
  optimizeJobs: OptimizeJobs;
  logger: Logger;
  /** Shared with the realtime server, so HTTP and sockets count together. */
  rateLimiters: RateLimiters;
  /** Where customers reach the service: the base of tracking links. */
  publicUrl: string;
  trackingLinkTtlSeconds: number;
  /** Built pages (web/dist). */
  distDir: string;
  tileUrl?: string;
}

export function serviceMounts(deps: ServiceMountDeps): Mount[] {
  const { commands, geocoding, routing, solver, rateLimiters } = deps;
  return [
    importMount(commands, { geocoding }),
    geocodeMount(geocoding),
    plansMount({ context: commands, queue: deps.planQueue, solver, routing, positions: deps.positions }),
    optimizeMount({ solver, routing, jobs: deps.optimizeJobs, log: deps.logger }),
    positionsMount(commands, rateLimiters),
    stopsMount(commands),
    alertsMount(commands),
    { path: '/', router: osrmRouter(routing) },
    notificationsMount(commands, { publicUrl: deps.publicUrl }),
    trackingMount(commands, { linkTtlSeconds: deps.trackingLinkTtlSeconds, limiters: rateLimiters, publicUrl: deps.publicUrl }),
    driverRouteMount(commands, routing),
    basemapMount(routing),
    { path: '/', router: webRouter({ distDir: deps.distDir, tileUrl: deps.tileUrl }) },
  ];
}
