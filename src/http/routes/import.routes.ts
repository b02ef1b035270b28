/**
 * POST /api/v1/orders/import?source=NAME. The request body is streamed straight
 * into the import command — no body parser on this route — so a 50,000-row file never sits in memory.
 */
import { OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Router, type Request } from 'express';
import { z } from 'zod';
import { importOrders } from '../../commands/import-orders';
import type { Geocoding } from '../../geocoding/place-order';
import type { CommandContext } from '../../commands/context';
import type { Role } from '../../domain/roles';
import { invalidInput, payloadTooLarge, unsupportedMediaType } from '../../errors';
import { importCharsetFromContentType, importFormatFromContentType } from '../../import/parse';
import { errorResponseSchema } from '../../protocol/common';
import { importOrdersQuerySchema, importOrdersResultSchema } from '../../protocol/import';
import { apiPrefix, type Mount } from '../mount';
import { principalOf, requireRoles } from '../middleware/authenticate';
import { zodToAppError } from '../../error-mapper';

/**
 * About 300,000 CSV rows. The body is read as fast as rows are stored, so a much larger file would run
 * into Node's 5-minute requestTimeout before it has been received; split such files.
 */
export const DEFAULT_IMPORT_MAX_BYTES = 64 * 1024 * 1024;

/** Integrations call with an API key of an admin or dispatcher user. */
const IMPORT_ROLES: Role[] = ['admin', 'dispatcher'];

export interface ImportRouterOptions {
  maxBodyBytes?: number;
  /** Rows without a location are geocoded with it. */
  geocoding?: Geocoding;
}

/** For createApp's `mounts`: under /api/v1, ahead of the JSON body parser, documented in OpenAPI. */
export function importMount(context: CommandContext, options: ImportRouterOptions = {}): Mount {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_IMPORT_MAX_BYTES;
  const registry = new OpenAPIRegistry();
  document(registry, apiPrefix, maxBodyBytes);
  return { path: apiPrefix, router: importRouter(context, { maxBodyBytes, geocoding: options.geocoding }), registry };
}

/** The request body as sent, or inflated when it is gzip-compressed (large exports compress about tenfold). */
function decodedBody(request: Request): Readable {
  const encoding = (request.get('content-encoding') ?? 'identity').trim().toLowerCase();
  if (encoding === 'identity') return request;
  if (encoding !== 'gzip') throw unsupportedMediaType(`Content-Encoding ${encoding} is not supported; send gzip or no encoding`);
  const gunzip = createGunzip();
  // pipeline listens for errors on both streams, so a bad body that inflates after its reader gave up (413, 400)
  // is never an unhandled 'error'; the reader still sees any error through its async iterator.
  pipeline(request, gunzip, () => {});
  return gunzip;
}

/** The body, counted as it streams (after inflating, so a small bomb cannot grow past the limit). */
async function* limitedBody(body: Readable, maxBytes: number): AsyncGenerator<Buffer> {
  let received = 0;
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) {
      received += chunk.length;
      if (received > maxBytes) throw payloadTooLarge(`The import body is larger than ${maxBytes} bytes`);
      yield chunk;
    }
  } catch (error) {
    const zlibCode = (error as { code?: unknown }).code;
    if (typeof zlibCode === 'string' && zlibCode.startsWith('Z_')) throw invalidInput(`The body is not valid gzip: ${(error as Error).message}`);
    throw error;
  }
}

export function importRouter(context: CommandContext, { maxBodyBytes = DEFAULT_IMPORT_MAX_BYTES, geocoding }: ImportRouterOptions = {}): Router {
  const router = Router();

  router.post('/orders/import', requireRoles(...IMPORT_ROLES), async (request, response) => {
    const query = importOrdersQuerySchema.safeParse(request.query);
    if (!query.success) throw zodToAppError(query.error, 'query');
    const format = importFormatFromContentType(request.get('content-type'));
    const charset = importCharsetFromContentType(request.get('content-type'));
    if (Number(request.get('content-length')) > maxBodyBytes) throw payloadTooLarge(`The import body is larger than ${maxBodyBytes} bytes`);
    const body = limitedBody(decodedBody(request), maxBodyBytes);

    const { source, depotId, overrideCapacity } = query.data;
    const result = await importOrders(context, { source, depotId, format, charset, body, geocoding, overrideCapacity }, principalOf(request));
    response.json(result);
  });

  return router;
}

function document(registry: OpenAPIRegistry, prefix: string, maxBodyBytes: number): void {
  const file = (description: string) => ({ schema: z.string().describe(description) });
  const errorContent = { 'application/json': { schema: errorResponseSchema } };
  registry.registerPath({
    method: 'post',
    path: `${prefix}/orders/import`,
    operationId: 'importOrders',
    summary: 'Import orders from CSV, a JSON array or GeoJSON',
    description:
      'Idempotent on (source, external_ref): the same file twice creates nothing new. Valid rows are imported even when others are rejected; ' +
      'every rejected row is listed with the column at fault. CSV: "," or ";" (detected), UTF-8 with or without BOM, columns external_ref, customer_name, ' +
      'phone, email, address, lon, lat (both empty or absent: the address is geocoded; street, house_number, postcode, city give it as fields), window_start, window_end (window2_start … window10_end for more windows; ISO 8601 with offset, or local ' +
      '"2026-11-24 09:00" in the depot\'s time zone), service_seconds, weight_kg, volume_l, ' +
      'items, priority, skills ("|" or space separated), notes. The body is streamed; it may be gzip-compressed (Content-Encoding: gzip) ' +
      'and in another charset than UTF-8 (text/csv; charset=windows-1252).',
    tags: ['orders'],
    security: [{ bearerAuth: [] }, { apiKey: [] }],
    request: {
      query: importOrdersQuerySchema,
      body: {
        required: true,
        content: {
          'text/csv': file('CSV with a header line'),
          'application/json': file('A JSON array of order objects, as for POST /orders without source'),
          'application/geo+json': file('A FeatureCollection of Point features (geometry null: geocoded from the address); properties as CSV columns or order fields'),
        },
      },
    },
    responses: {
      200: { description: 'Counts and rejected rows', content: { 'application/json': { schema: importOrdersResultSchema } } },
      400: { description: 'Missing source, or a file that cannot be read at all (header, syntax)', content: errorContent },
      401: { description: 'No or invalid credentials', content: errorContent },
      403: { description: `Needs role ${IMPORT_ROLES.join(' or ')}`, content: errorContent },
      413: { description: `Body larger than ${maxBodyBytes} bytes`, content: errorContent },
      415: { description: 'Content-Type is not text/csv, application/json or application/geo+json', content: errorContent },
    },
  });
}
