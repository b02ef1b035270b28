/**
 * The HTTP application: request ids and logs, credentials, the /api/v1 endpoints, OpenAPI and docs,
 * and the one error exit. Other parts of the service mount their routers through `mounts`.
 */
import { randomUUID } from 'node:crypto';
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import express, { type RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { CommandContext } from '../commands/context';
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { ApiRouter } from './endpoint';
import { authenticate } from './middleware/authenticate';
import { errorHandler, routeNotFound } from './middleware/errors';
import { docsPage, openApiDocument } from './openapi';
import { authRoutes } from './routes/auth.routes';
import { depotsRoutes } from './routes/depots.routes';
import { driversRoutes } from './routes/drivers.routes';
import { healthRoutes } from './routes/health.routes';
import { ordersRoutes } from './routes/orders.routes';
import { vehiclesRoutes } from './routes/vehicles.routes';

export const apiPrefix = '/api/v1';

/**
 * A router from elsewhere in the service (import, OSRM, planning). It is mounted before the JSON
 * body parser, so it reads the raw request stream (e.g. a streamed CSV upload) and parses what it needs;
 * the caller is already authenticated: use `principalOf(req)` or `requireRoles(...)`.
 */
export interface Mount {
  path: string;
  router: RequestHandler;
  /** Adds the router's endpoints to the OpenAPI document. */
  document?: (registry: OpenAPIRegistry) => void;
}

export interface AppDeps {
  database: Database;
  commands: CommandContext;
  logger: Logger;
  mounts?: Mount[];
  /** Largest JSON body the core endpoints accept. */
  jsonLimit?: string;
}

export function createApp(deps: AppDeps): express.Express {
  const app = express();
  app.disable('x-powered-by');

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
    }),
  );
  app.use(authenticate(deps.database.knex, deps.commands.clock));

  const registry = new OpenAPIRegistry();
  for (const mount of deps.mounts ?? []) {
    app.use(mount.path, mount.router);
    mount.document?.(registry);
  }

  app.use(express.json({ limit: deps.jsonLimit ?? '1mb' }));

  const api = new ApiRouter(registry, apiPrefix);
  for (const routes of [healthRoutes, authRoutes, depotsRoutes, vehiclesRoutes, driversRoutes, ordersRoutes]) routes(api, deps);
  app.use(apiPrefix, api.router);

  const document = openApiDocument(registry);
  app.get(`${apiPrefix}/openapi.json`, (_req, res) => {
    res.json(document);
  });
  app.get(['/docs', `${apiPrefix}/docs`], (_req, res) => {
    res.type('html').send(docsPage);
  });

  app.use(routeNotFound);
  app.use(errorHandler);
  return app;
}
