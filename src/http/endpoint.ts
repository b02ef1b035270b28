/**
 * One declaration per endpoint drives validation, authorization and documentation: the same zod
 * schemas parse the request and generate the OpenAPI document. Handlers get typed, parsed input.
 */
import { OpenAPIRegistry, type RouteConfig } from '@asteasolutions/zod-to-openapi';
import { Router, type Request, type Response } from 'express';
import { z } from 'zod';
import { requireRole, type Principal } from '../auth/principal';
import type { Role } from '../domain/roles';
import { errorResponseSchema } from '../protocol/common';
import { principalOf } from './middleware/authenticate';
import { zodToAppError } from '../error-mapper';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';
type Empty = z.ZodObject;

export interface EndpointSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  /** Express syntax relative to the API prefix: "/orders/:id". */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed, or 'public'. */
  roles: readonly Role[] | 'public';
  params?: P;
  query?: Q;
  body?: B;
  response?: z.ZodType;
  /** Success status: 200 by default, 201 for creations, 204 for no content. */
  status?: number;
  description?: string;
  /** A stable name for client generators. */
  operationId?: string;
}

export interface EndpointInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, Auth> {
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  principal: Auth;
  req: Request;
  res: Response;
}

export class ApiRouter {
  readonly router = Router();

  constructor(
    readonly registry: OpenAPIRegistry,
    private readonly prefix: string,
  ) {}

  endpoint<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
    spec: EndpointSpec<P, Q, B> & { roles: readonly Role[] },
    handler: (input: EndpointInput<P, Q, B, Principal>) => Promise<unknown>,
  ): void;
  endpoint<P extends z.ZodType = Empty, Q extends z.ZodType = Empty, B extends z.ZodType = Empty>(
    spec: EndpointSpec<P, Q, B> & { roles: 'public' },
    handler: (input: EndpointInput<P, Q, B, Principal | null>) => Promise<unknown>,
  ): void;
  endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
    spec: EndpointSpec<P, Q, B>,
    handler: (input: never) => Promise<unknown>,
  ): void {
    const handle = handler as (input: EndpointInput<P, Q, B, Principal | null>) => Promise<unknown>;
    this.document(spec);
    const status = spec.status ?? 200;
    this.router[spec.method](spec.path, async (req, res) => {
      let principal: Principal | null = null;
      if (spec.roles !== 'public') {
        principal = principalOf(req);
        requireRole(principal, spec.roles);
      }
      const params = parse(spec.params, req.params, 'path');
      const query = parse(spec.query, req.query, 'query');
      const body = parse(spec.body, req.body, 'body');
      const result = await handle({ params, query, body, principal, req, res });
      if (res.headersSent) return;
      if (status === 204) res.status(204).end();
      else res.status(status).json(result);
    });
  }

  private document(spec: EndpointSpec<z.ZodType, z.ZodType, z.ZodType>): void {
    const errors: RouteConfig['responses'] = {};
    const errorContent = { 'application/json': { schema: errorResponseSchema } };
    if (spec.params || spec.query || spec.body) errors[400] = { description: 'Invalid input; details list every issue', content: errorContent };
    if (spec.roles !== 'public') {
      errors[401] = { description: 'No or invalid credentials', content: errorContent };
      errors[403] = { description: `Needs role ${spec.roles.join(' or ')}`, content: errorContent };
    }
    if (spec.params) errors[404] = { description: 'Not found (or not visible to the caller)', content: errorContent };
    const status = spec.status ?? 200;
    this.registry.registerPath({
      method: spec.method,
      path: this.prefix + spec.path.replace(/:(\w+)/g, '{$1}'),
      summary: spec.summary,
      description: spec.description,
      operationId: spec.operationId,
      tags: [spec.tag],
      security: spec.roles === 'public' ? [] : [{ bearerAuth: [] }, { apiKey: [] }],
      request: {
        params: spec.params as z.ZodObject | undefined,
        query: spec.query as z.ZodObject | undefined,
        body: spec.body ? { content: { 'application/json': { schema: spec.body } } } : undefined,
      },
      responses: {
        [status]: {
          description: status === 204 ? 'Done' : 'OK',
          content: spec.response ? { 'application/json': { schema: spec.response } } : undefined,
        },
        ...errors,
      },
    });
  }
}

function parse<T extends z.ZodType>(schema: T | undefined, value: unknown, where: string): z.output<T> {
  if (!schema) return {} as z.output<T>;
  const result = schema.safeParse(value ?? {});
  if (!result.success) throw zodToAppError(result.error, where);
  return result.data;
}
