import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import { conflict } from '../errors';
import type { CompleteInput, StopActionResult } from '../protocol/stop-actions';
import type { CommandContext } from './context';
import { runStopAction } from './stop-action';

/** Delivered, with the recipient's name and optionally a signature and a photo as proof. */
export function completeStop(context: CommandContext, stopId: number, input: CompleteInput, by: Principal, nowEpoch = nowEpochSeconds(context.clock)): Promise<StopActionResult> {
  const decode = (file: CompleteInput['photo']) => (file ? { contentType: file.contentType, bytes: Buffer.from(file.base64, 'base64') } : null);
  return runStopAction(
    context,
    {
      action: 'complete',
      stopId,
      idempotencyKey: input.idempotencyKey,
      change: async (stop, repos) => {
        if (stop.status === 'completed' || stop.status === 'failed') throw conflict(`Stop ${stopId} is already ${stop.status}`);
        await repos.proofs.insertOutcome({
          stopId,
          orderId: stop.orderId,
          outcome: 'delivered',
          recipientName: input.recipientName,
          signature: decode(input.signature),
          photo: decode(input.photo),
          actor: by.actor,
          recordedAtEpoch: nowEpoch,
        });
        // Completing without a tap on "arrived" still records when the driver was there.
        const arrival = stop.status === 'pending' ? { actualArrivalEpoch: nowEpoch } : {};
        return { stopStatus: 'completed', ...arrival, completedAtEpoch: nowEpoch, orderPath: ['out_for_delivery', 'arrived', 'delivered'] };
      },
    },
    by,
  );
}
