/** The OpenAPI 3.1 document, generated from the endpoints' own zod schemas (./docs.ts renders it at /docs). */
import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { apiPrefix } from './mount';

export function openApiDocument(registry: OpenAPIRegistry) {
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from POST /api/v1/auth/login, or an integration API key',
  });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerPath({
    method: 'get',
    path: `${apiPrefix}/openapi.json`,
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tags: ['docs'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({ openapi: z.literal('3.1.0') }).catchall(z.unknown()) } } } },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lastmile API',
      version: '1',
      description: 'Orders, fleet and depots of a last-mile delivery service. Errors always look like { error: { code, message, details } }.',
    },
    servers: [{ url: '/' }],
  });
}
