/**
 * The offline base map: road geometry by bounding box as GeoJSON, drawn by the pages when no tile
 * server is configured. Public: it is OpenStreetMap data and the tracking page needs it too.
 */
import { z } from 'zod';
import type { RoutingProvider } from '../../routing/provider';
import type { BoundingBox, RoadLine } from '../../routing/embedded/basemap';
import { AppError } from '../../errors';
import { apiMount, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';

/** A box bigger than this (degrees per side) would be a city's worth of roads in one answer. */
export const maxBoxDegrees = 0.25;
const maxLines = 20_000;

export interface RoadSource {
  roadsInBox(box: BoundingBox, maxLines: number): RoadLine[];
}

const bboxSchema = z
  .string()
  .transform((text) => text.split(',').map(Number))
  .pipe(z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90), z.number().min(-180).max(180), z.number().min(-90).max(90)]))
  .refine(([minLon, minLat, maxLon, maxLat]) => minLon < maxLon && minLat < maxLat, 'min must be below max')
  .refine(([minLon, minLat, maxLon, maxLat]) => maxLon - minLon <= maxBoxDegrees && maxLat - minLat <= maxBoxDegrees, `at most ${maxBoxDegrees}° per side`)
  .describe('minLon,minLat,maxLon,maxLat');

function hasRoads(routing: RoutingProvider): routing is RoutingProvider & RoadSource {
  return typeof (routing as Partial<RoadSource>).roadsInBox === 'function';
}

function declare(api: ApiRouter, routing: RoutingProvider): void {
  api.endpoint(
    {
      method: 'get',
      path: '/basemap/roads',
      operationId: 'getBasemapRoads',
      summary: 'Road geometry within a bounding box (GeoJSON), for a base map without a tile server',
      tag: 'routing',
      roles: 'public',
      query: z.object({ bbox: bboxSchema }),
      response: z
        .object({
          type: z.literal('FeatureCollection'),
          features: z.array(
            z.object({
              type: z.literal('Feature'),
              properties: z.object({ highway: z.string(), name: z.string() }),
              geometry: z.object({ type: z.literal('LineString'), coordinates: z.array(z.tuple([z.number(), z.number()])) }),
            }),
          ),
        })
        .meta({ id: 'RoadsFeatureCollection' }),
      responseType: 'application/geo+json',
    },
    async ({ query, res }) => {
      if (!hasRoads(routing)) throw new AppError(503, 'basemap_unavailable', `The ${routing.name} routing has no road geometry; configure TILE_URL for a base map`);
      res.type('application/geo+json');
      res.setHeader('Cache-Control', 'public, max-age=3600');
      return {
        type: 'FeatureCollection',
        features: routing.roadsInBox(query.bbox as BoundingBox, maxLines).map((line) => ({
          type: 'Feature',
          properties: { highway: line.highway, name: line.name },
          geometry: { type: 'LineString', coordinates: line.coordinates },
        })),
      };
    },
  );
}

export function basemapMount(routing: RoutingProvider): Mount {
  return apiMount((api) => declare(api, routing));
}
