/**
 * How every router joins the app: a `Mount`. Endpoints under /api/v1 are declared on an `ApiRouter` through
 * `apiMount`, which gives them their JSON body limit and their OpenAPI entries; routers with their own grammar
 * (OSRM, the pages, streamed imports) are mounts with a plain router.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { Router, type RequestHandler } from 'express';
import { ApiRouter } from './endpoint';
import { jsonBody } from './json-body';

export const apiPrefix = '/api/v1';

export interface Mount {
  path: string;
  /** Reads the raw request: a mount parses the bodies it needs (the app has no body parser of its own). */
  router: RequestHandler;
  /** The mount's endpoints for the OpenAPI document. */
  registry?: OpenAPIRegistry;
}

export interface JsonBodies {
  /** Largest JSON body, as express.json takes it ('1mb'). */
  limit: string;
  /** Longest string in it, when an endpoint takes more than the default 64 KiB (json-body.ts). */
  maxStringBytes?: number;
  /** Only below these paths; every request that passes the mount otherwise. */
  paths?: string[];
}

/** Endpoints declared on an ApiRouter under /api/v1; without `json` they read no body (GETs). */
export function apiMount(declare: (api: ApiRouter) => void, json?: JsonBodies): Mount {
  const registry = new OpenAPIRegistry();
  const api = new ApiRouter(registry, apiPrefix);
  declare(api);
  const router = Router();
  if (json) {
    const parse = jsonBody(json);
    if (json.paths) for (const path of json.paths) router.use(path, parse);
    else router.use(parse);
  }
  router.use(api.router);
  return { path: apiPrefix, router, registry };
}
