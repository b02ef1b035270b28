/**
 * The OpenAPI document against the routes the service really mounts (src/http/service-mounts.ts, as main.ts):
 * every /api/v1 route is documented and every documented operation is routed, each with a stable operationId.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type express from 'express';
import { RateLimiters } from '../../src/auth/rate-limits';
import type { CommandContext } from '../../src/commands/context';
import { repositories } from '../../src/db/repositories';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import { apiPrefix } from '../../src/http/mount';
import { serviceMounts } from '../../src/http/service-mounts';
import { createLogger } from '../../src/logger';
import { noPositions } from '../../src/planning/live-routes';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import { OptimizeJobs } from '../../src/solving/optimize-jobs';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { testDatabases, type TestDatabase } from '../helpers/database';

interface Layer {
  route?: { path: string | string[]; methods: Record<string, boolean> };
  rawPath?: string | string[];
  handle: { stack?: Layer[] };
}

/** Every "METHOD /path" the express app answers, with mount paths joined and :params written as {params}. */
function routesOf(stack: Layer[], prefix = ''): string[] {
  const found: string[] = [];
  const paths = (raw: string | string[] | undefined) => (raw === undefined ? [''] : (Array.isArray(raw) ? raw : [raw]).map((path) => (path === '/' ? '' : path)));
  for (const layer of stack) {
    if (layer.route) {
      for (const path of paths(layer.route.path)) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') found.push(`${method.toUpperCase()} ${(prefix + path).replace(/:(\w+)/g, '{$1}')}`);
        }
      }
    } else if (layer.handle.stack) {
      for (const path of paths(layer.rawPath)) found.push(...routesOf(layer.handle.stack, prefix + path));
    }
  }
  return found;
}

const methods = ['get', 'put', 'post', 'patch', 'delete', 'head', 'options'];

describe('the OpenAPI document covers the mounted routes', () => {
  const [backend] = testDatabases();
  let database: TestDatabase;
  let app: express.Express;
  let server: Server;
  let doc: { paths: Record<string, Record<string, unknown>> };
  const solver = createPoolSolver({ threads: 1 });
  let jobs: OptimizeJobs;

  beforeAll(async () => {
    database = await backend!.open({ migrate: false });
    jobs = new OptimizeJobs(repositories(database.knex).optimizeJobs, systemClock);
    const commands: CommandContext = { db: database.knex, events: new EventBus(), clock: systemClock };
    const routing = createHaversineProvider();
    const logger = createLogger('silent');
    const planQueue = new PlanQueue({ context: commands, solver, routing, exclusiveDatabase: true });
    const mounts = serviceMounts({
      commands,
      geocoding: {},
      planQueue,
      solver,
      routing,
      positions: noPositions,
      optimizeJobs: jobs,
      logger,
      rateLimiters: new RateLimiters(),
      publicUrl: 'http://localhost:3000',
      trackingLinkTtlSeconds: 3600,
      distDir: '/nonexistent',
    });
    app = createApp({ database, commands, logger, mounts });
    server = createServer(app).listen(0, '127.0.0.1');
    await new Promise((resolve) => server.once('listening', resolve));
    doc = (await (await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/openapi.json`)).json()) as typeof doc;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    jobs.close();
    await solver.close();
    await database.dispose();
  });

  it('documents every /api/v1 route and routes every documented operation', () => {
    const operations = Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).filter((key) => methods.includes(key)).map((method) => `${method.toUpperCase()} ${path}`));
    const routed = new Set(routesOf(app.router.stack as unknown as Layer[]).map((route) => (route.endsWith(' ') ? `${route}/` : route)));
    // The docs page (also under /docs) is HTML, not an API operation.
    const pages = new Set([`GET ${apiPrefix}/docs`]);
    const api = [...routed].filter((route) => route.split(' ')[1]!.startsWith(`${apiPrefix}/`) && !pages.has(route));

    expect(operations.length).toBeGreaterThan(60);
    expect(api.filter((route) => !operations.includes(route))).toEqual([]);
    // The OSRM services are matched by their router's own grammar (optional .json, polyline(…)), tested in osrm-grammar.test.ts.
    const osrmService = /^GET \/(route|table|nearest|trip)\/v1\/\{profile\}\/\{coordinates\}$/;
    expect(operations.filter((operation) => !routed.has(operation) && !osrmService.test(operation))).toEqual([]);
    // Outside /api/v1: the pages, and the OSRM-compatible services, which keep OSRM's own grammar and documents.
    const outside = [...routed].filter((route) => !route.split(' ')[1]!.startsWith(`${apiPrefix}/`));
    // OSRM answers CORS preflights on its services, as OSRM's server does.
    expect(outside.filter((route) => route !== 'OPTIONS /{service}/{version}/{profile}/{coordinates}' && !/^GET \/(docs(\/.*)?|dispatch|driver|reports|t\/\{token\}|\{.*|route\/.*|table\/.*|nearest\/.*|trip\/.*|match\/.*|tile\/.*)?$/.test(route))).toEqual([]);
  });

  it('gives every operation a unique camelCase operationId', () => {
    const ids = Object.entries(doc.paths).flatMap(([path, item]) =>
      Object.entries(item)
        .filter(([method]) => methods.includes(method))
        .map(([method, operation]) => ({ at: `${method} ${path}`, id: (operation as { operationId?: string }).operationId })),
    );
    expect(ids.filter((entry) => !entry.id || !/^[a-z][a-zA-Z0-9]*$/.test(entry.id))).toEqual([]);
    const names = ids.map((entry) => entry.id);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toEqual(expect.arrayContaining(['listOrders', 'createOrder', 'createPlan', 'optimize', 'importOrders', 'login']));
  });

  it('types /optimize with the VROOM schemas and declares the GeoJSON and CSV content types', () => {
    const paths = doc.paths as Record<string, Record<string, { requestBody?: { content: Record<string, { schema: unknown }> }; responses: Record<string, { content?: Record<string, { schema: unknown }> }> }>>;
    const optimize = paths[`${apiPrefix}/optimize`]!.post!;
    expect(optimize.requestBody!.content['application/json']!.schema).toEqual({ $ref: '#/components/schemas/VroomProblem' });
    expect(optimize.responses['200']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/VroomSolution' });
    expect(optimize.responses['400']!.content!['application/json']!.schema).toEqual({ $ref: '#/components/schemas/VroomError' });
    expect(Object.keys(paths[`${apiPrefix}/plans/{id}`]!.get!.responses['200']!.content!)).toEqual(['application/json', 'application/geo+json']);
    expect(Object.keys(paths[`${apiPrefix}/basemap/roads`]!.get!.responses['200']!.content!)).toEqual(['application/geo+json']);
    expect(Object.keys(paths[`${apiPrefix}/orders/import`]!.post!.requestBody!.content).sort()).toEqual(['application/geo+json', 'application/json', 'text/csv']);
  });

  it('lists the values of every status and kind as an enum', () => {
    const loose: string[] = [];
    const visit = (node: unknown, at: string): void => {
      if (Array.isArray(node)) return node.forEach((entry, index) => visit(entry, `${at}[${index}]`));
      if (typeof node !== 'object' || node === null) return;
      const record = node as Record<string, unknown>;
      for (const [name, schema] of Object.entries((record.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (/^(status|kind|type)$/.test(name) && schema.type === 'string' && !schema.enum && schema.const === undefined) loose.push(`${at}.${name}`);
      }
      for (const [key, value] of Object.entries(record)) visit(value, `${at}.${key}`);
    };
    visit(doc, '');
    expect(loose).toEqual([]);
  });
});
