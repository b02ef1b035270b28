/**
 * Positions over HTTP: a driver's app catching up after being offline posts its queued fixes in
 * one batch; the office reads where every vehicle is. Mounted ahead of /vehicles/:id.
 */
import { z } from 'zod';
import { reads, type CommandContext } from '../../commands/context';
import { reportPositions } from '../../commands/report-positions';
import { positionReportSchema } from '../../protocol/socket';
import { presentPosition } from '../../realtime/snapshot';
import { RateLimiters } from '../../auth/rate-limits';
import { apiMount, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';

const positionBatchSchema = z.object({ positions: z.array(positionReportSchema).min(1).max(1000) });
const reportResultSchema = z.object({ accepted: z.number().int(), duplicates: z.number().int() });
const vehiclePositionSchema = z.object({
  vehicleId: z.number().int(),
  location: z.tuple([z.number(), z.number()]),
  accuracyMeters: z.number(),
  speedMetersPerSecond: z.number().nullable(),
  headingDegrees: z.number().nullable(),
  recordedAt: z.number(),
});

function declare(api: ApiRouter, context: CommandContext, limiters: RateLimiters): void {
  const repos = reads(context);
  api.endpoint(
    {
      method: 'post',
      path: '/positions',
      operationId: 'reportPositions',
      summary: "Report the driver's vehicle positions in a batch (catching up after being offline)",
      description: 'Fixes already stored (same fix time) count as duplicates; fixes older than the latest are kept as breadcrumbs without moving the vehicle.',
      tag: 'tracking',
      roles: ['driver'],
      body: positionBatchSchema,
      response: reportResultSchema,
    },
    async ({ body, principal, res }) => {
      await limiters.consume('positionsPerDriver', `driver:${principal.driverId ?? principal.actor}`, res);
      return reportPositions(context, body.positions, principal);
    },
  );
  api.endpoint(
    {
      method: 'get',
      path: '/vehicles/positions',
      operationId: 'listVehiclePositions',
      summary: 'The latest position of every vehicle (a driver sees only their own)',
      tag: 'tracking',
      roles: ['admin', 'dispatcher', 'driver'],
      response: z.object({ items: z.array(vehiclePositionSchema) }),
    },
    async ({ principal }) => {
      // Read from the table, not this process's memory: with several processes, all of them write it.
      const latest = await repos.positions.listLatest();
      const visible = principal.role === 'driver' ? latest.filter((position) => position.vehicleId === principal.vehicleId) : latest;
      return { items: visible.map(presentPosition) };
    },
  );
}

export function positionsMount(context: CommandContext, limiters = new RateLimiters()): Mount {
  // A full batch of 1,000 fixes is about 150 kB of JSON.
  return apiMount((api) => declare(api, context, limiters), { limit: '512kb', paths: ['/positions'] });
}
