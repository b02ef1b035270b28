/**
 * Stop outcomes over HTTP, for the driver app (and the office correcting on a driver's behalf):
 * arrived, delivered with proof, failed with a reason. Each is idempotent by its key.
 * Multi-trip: the reloads between trips are confirmed the same way (once each: a repeat is a 409).
 */
import { arriveAtStop } from '../../commands/arrive-at-stop';
import { completeStop } from '../../commands/complete-stop';
import type { CommandContext } from '../../commands/context';
import { confirmReload } from '../../commands/confirm-reload';
import { failStop } from '../../commands/fail-stop';
import { idParamsSchema } from '../../protocol/common';
import {
  arriveInputSchema,
  completeInputSchema,
  failInputSchema,
  maxPhotoBytes,
  maxSignatureBytes,
  reloadInputSchema,
  reloadParamsSchema,
  reloadResultSchema,
  stopActionResultSchema,
} from '../../protocol/stop-actions';
import { apiMount, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';

const roles = ['driver', 'dispatcher', 'admin'] as const;
const replayNote = 'Sending the same idempotency key again answers the first result with replayed: true and changes nothing.';

function declare(api: ApiRouter, context: CommandContext): void {
  api.endpoint(
    { method: 'post', path: '/stops/:id/arrive', operationId: 'arriveAtStop', summary: 'The vehicle is at the stop', description: replayNote, tag: 'stops', roles, params: idParamsSchema, body: arriveInputSchema, response: stopActionResultSchema },
    async ({ params, body, principal }) => arriveAtStop(context, params.id, body, principal),
  );
  api.endpoint(
    {
      method: 'post',
      path: '/stops/:id/complete',
      operationId: 'completeStop',
      summary: 'Delivered, with the recipient and optional signature and photo (base64)',
      description: `${replayNote} Signature up to ${maxSignatureBytes} bytes, photo up to ${maxPhotoBytes} bytes, decoded.`,
      tag: 'stops',
      roles,
      params: idParamsSchema,
      body: completeInputSchema,
      response: stopActionResultSchema,
    },
    async ({ params, body, principal }) => completeStop(context, params.id, body, principal),
  );
  api.endpoint(
    { method: 'post', path: '/stops/:id/fail', operationId: 'failStop', summary: 'Not delivered, with a reason (and a note for other)', description: replayNote, tag: 'stops', roles, params: idParamsSchema, body: failInputSchema, response: stopActionResultSchema },
    async ({ params, body, principal }) => failStop(context, params.id, body, principal),
  );
  api.endpoint(
    {
      method: 'post',
      path: '/routes/:id/reloads/:trip',
      operationId: 'confirmReload',
      summary: 'Multi-trip: the van is at the depot (arrived) or loaded for the trip (reloaded)',
      description: 'The trip the reload starts (2, 3, …) names it. The stops of the trip before must be done, each step is taken once (again: 409).',
      tag: 'stops',
      roles,
      params: reloadParamsSchema,
      body: reloadInputSchema,
      response: reloadResultSchema,
    },
    async ({ params, body, principal }) => confirmReload(context, params.id, params.trip, body, principal),
  );
}

export function stopsMount(context: CommandContext): Mount {
  // A photo and a signature in base64, with room to spare; the photo's base64 is one long string.
  return apiMount((api) => declare(api, context), { limit: '4mb', maxStringBytes: Math.ceil((maxPhotoBytes * 4) / 3) + 4, paths: ['/stops', '/routes'] });
}
