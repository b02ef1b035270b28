/**
 * The HTTP application: security headers, request ids and logs, credentials, the /api/v1 endpoints, OpenAPI
 * and docs, and the one error exit. Every router is a `Mount` (./mount.ts); the service passes its own through `mounts`.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express from 'express';
import { pinoHttp } from 'pino-http';
import type { CommandContext } from '../commands/context';
import type { LockoutPolicy } from '../commands/login';
import { defaultRateLimits, RateLimiters, type RateLimits } from '../auth/rate-limits';
import type { Database } from '../db/database';
import type { Geocoding } from '../geocoding/place-order';
import type { Logger } from '../logger';
import { apiMount, apiPrefix, type Mount } from './mount';
import { authenticate, callerOf } from './middleware/authenticate';
import { errorHandler, routeNotFound } from './middleware/errors';
import { apiCors, securityHeaders, type SecurityOptions } from './middleware/security-headers';
import { docsRouter } from './docs';
import { openApiDocument } from './openapi';
import { authRoutes } from './routes/auth.routes';
import { depotsRoutes } from './routes/depots.routes';
import { driversRoutes } from './routes/drivers.routes';
import { healthRoutes } from './routes/health.routes';
import { ordersRoutes } from './routes/orders.routes';
import { vehiclesRoutes } from './routes/vehicles.routes';

export interface AppDeps {
  database: Database;
  commands: CommandContext;
  logger: Logger;
  mounts?: Mount[];
  /** Largest JSON body the core endpoints accept. */
  jsonLimit?: string;
  /** Content-Security-Policy sources, HSTS and the API's CORS origins. */
  security?: SecurityOptions;
  /** express's 'trust proxy' (TRUST_PROXY): which proxies' X-Forwarded-* headers to believe. */
  trustProxy?: boolean | number | string[];
  /** Orders sent without a location are geocoded with it; all must lie in their depot's service area. */
  geocoding?: Geocoding;
  /** Account lock-out after repeated wrong passwords. */
  lockout?: LockoutPolicy;
  /** The limiters the service shares with its mounts and sockets; else made here from `limits`. */
  rateLimiters?: RateLimiters;
  limits?: RateLimits;
  /** Counts and times every request for GET /metrics (the service mounts its endpoint). */
  metrics?: { middleware(): express.RequestHandler };
}

const requestLine = (req: { method?: string; originalUrl?: string; url?: string }, status: number, ms?: number) =>
  `${req.method} ${(req.originalUrl ?? req.url ?? '').split('?')[0]} ${status}${ms === undefined ? '' : ` ${Math.round(ms)} ms`}`;

export function createApp(deps: AppDeps): express.Express {
  const limiters = deps.rateLimiters ?? new RateLimiters(deps.limits ?? defaultRateLimits, deps.database.engine === 'postgres' ? deps.database.knex : undefined);
  deps = { ...deps, rateLimiters: limiters };
  const app = express();
  app.disable('x-powered-by');
  app.set('trust proxy', deps.trustProxy ?? false);
  app.use(securityHeaders(deps.security ?? {}));
  if (deps.metrics) app.use(deps.metrics.middleware());

  app.use(
    pinoHttp({
      logger: deps.logger,
      genReqId: (req, res) => {
        const incoming = req.headers['x-request-id'];
        const id = typeof incoming === 'string' && /^[\w.-]{1,100}$/.test(incoming) ? incoming : randomUUID();
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customLogLevel: (_req, res, error) => (error || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info'),
      // One short line per request ("GET /api/v1/orders 200 4 ms"); the request and response in full only at debug.
      customSuccessMessage: (req, res, responseTime) => requestLine(req, res.statusCode, responseTime),
      customErrorMessage: (req, res) => requestLine(req, res.statusCode),
      ...(deps.logger.isLevelEnabled('debug') ? {} : { serializers: { req: () => undefined, res: () => undefined }, customAttributeKeys: { responseTime: 'ms' } }),
    }),
  );
  // Before credentials: a browser's preflight carries none.
  app.use(apiPrefix, apiCors(deps.security?.corsOrigins));
  app.use(authenticate(deps.commands));
  // The API per token (a session's user, or an integration key); anonymous calls are limited where they land.
  app.use(apiPrefix, async (req, res, next) => {
    const caller = callerOf(req);
    if (caller) await limiters.consume('apiPerToken', caller.actor, res);
    next();
  });

  // The fleet, orders and accounts come last: their JSON parser takes every body the mounts before left alone.
  const core = apiMount(
    (api) => {
      for (const routes of [healthRoutes, authRoutes, depotsRoutes, vehiclesRoutes, driversRoutes, ordersRoutes]) routes(api, deps);
    },
    { limit: deps.jsonLimit ?? '1mb' },
  );
  const mounts = [...(deps.mounts ?? []), core];
  for (const mount of mounts) app.use(mount.path, mount.router);
  const registry = new OpenAPIRegistry(mounts.flatMap((mount) => (mount.registry ? [mount.registry] : [])));

  const document = openApiDocument(registry);
  app.get(`${apiPrefix}/openapi.json`, (_req, res) => {
    res.json(document);
  });
  app.use(docsRouter());

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}
