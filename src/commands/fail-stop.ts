import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import { conflict } from '../errors';
import type { FailInput, StopActionResult } from '../protocol/stop-actions';
import type { CommandContext } from './context';
import { runStopAction } from './stop-action';

/**
 * Not delivered, with a reason. The order is then failed; the office re-attempts it (rescheduled,
 * ready for a later plan) or returns it through POST /orders/:id/transitions.
 */
export function failStop(context: CommandContext, stopId: number, input: FailInput, by: Principal, nowEpoch = nowEpochSeconds(context.clock)): Promise<StopActionResult> {
  return runStopAction(
    context,
    {
      action: 'fail',
      stopId,
      idempotencyKey: input.idempotencyKey,
      change: async (stop, repos) => {
        if (stop.status === 'completed' || stop.status === 'failed') throw conflict(`Stop ${stopId} is already ${stop.status}`);
        await repos.proofs.insertOutcome({ stopId, outcome: 'failed', failureReason: input.reason, note: input.note ?? null, actor: by.actor, recordedAtEpoch: nowEpoch });
        const arrival = stop.status === 'pending' ? { actualArrivalEpoch: nowEpoch } : {};
        const reason = input.note ? `${input.reason}: ${input.note}` : input.reason;
        return { stopStatus: 'failed', ...arrival, completedAtEpoch: nowEpoch, orderPath: ['out_for_delivery', 'arrived', 'failed'], reason };
      },
    },
    by,
  );
}
