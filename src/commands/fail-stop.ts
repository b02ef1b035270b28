import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import { decideFailure, defaultFailurePolicy, type FailureDecision, type NextStep } from '../domain/failure-policy';
import { contentOf, type Order } from '../domain/model/order';
import type { EpochWindow } from '../domain/model/time-window';
import { conflict, notFound } from '../errors';
import type { FailInput, StopActionResult } from '../protocol/stop-actions';
import type { Repositories } from '../db/repositories';
import type { CommandContext } from './context';
import { moveOrders, type StatusChange } from './move-orders';
import { runStopAction } from './stop-action';

/**
 * Not delivered, with a reason. The order is failed, and the depot's failure policy takes the next step in the same
 * transaction: re-attempted on the next working day (rescheduled, plannable on that day, in the same time of day) or
 * returned to the depot; the `failed` event carries the attempt and that step, which is what the customer is told.
 * A pickup that fails has nothing on board to bring back: where the policy returns, it stays failed for the office.
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
        const order = await repos.orders.findByIdForUpdate(stop.orderId);
        if (!order) throw notFound('Order', stop.orderId);
        const attempt = await repos.proofs.insertOutcome({ stopId, orderId: stop.orderId, outcome: 'failed', failureReason: input.reason, note: input.note ?? null, actor: by.actor, recordedAtEpoch: nowEpoch });
        const failedAttempts = await repos.proofs.countFailedAttempts(stop.orderId);
        const depot = order.depotId === null ? null : await repos.depots.findById(order.depotId);
        const decision = decideFailure(
          { reason: input.reason, attempt: failedAttempts, failedAtEpoch: nowEpoch, timeWindows: order.timeWindows },
          depot?.failurePolicy ?? defaultFailurePolicy,
          { timeZone: depot?.timeZone ?? 'UTC', openingHours: depot?.openingHours ?? {} },
        );
        const nextStep = nextStepOf(decision, order);
        const arrival = stop.status === 'pending' ? { actualArrivalEpoch: nowEpoch } : {};
        const reason = input.note ? `${input.reason}: ${input.note}` : input.reason;
        return {
          stopStatus: 'failed',
          ...arrival,
          completedAtEpoch: nowEpoch,
          orderPath: ['out_for_delivery', 'arrived', 'failed'],
          reason,
          data: { attempt, failedAttempts, nextStep },
          followUp: (failed, inner) => takeNextStep(inner, failed, decision, nextStep, by.actor, stopId),
        };
      },
    },
    by,
  );
}

function nextStepOf(decision: FailureDecision, order: Order): NextStep {
  if (decision.action === 'reattempt') return { action: 'reattempt', date: decision.date, windows: decision.timeWindows.map((window) => [window.startEpochSeconds, window.endEpochSeconds]) };
  return order.kind === 'pickup' ? { action: 'office' } : { action: 'return', because: decision.because };
}

async function takeNextStep(repos: Repositories, order: Order, decision: FailureDecision, nextStep: NextStep, actor: string, stopId: number): Promise<StatusChange[]> {
  if (nextStep.action === 'office') return [];
  if (decision.action === 'return') {
    const because = decision.because === 'max_attempts' ? `returned to depot after ${decision.attempt} failed attempts` : 'returned to depot';
    return moveOrders(repos, [{ order, path: ['returned'], reason: because, data: { stopId, because: decision.because }, byPolicy: true }], actor);
  }
  const iso = (windows: EpochWindow[]) => windows.map((window) => ({ start: new Date(window.startEpochSeconds * 1000).toISOString(), end: new Date(window.endEpochSeconds * 1000).toISOString() }));
  const updated = await repos.orders.updateContent(order.id, { ...contentOf(order), timeWindows: decision.timeWindows });
  return moveOrders(
    repos,
    [{ order: updated, path: ['rescheduled'], reason: `re-attempt on ${decision.date}`, data: { stopId, attempt: decision.attempt + 1, date: decision.date, from: iso(order.timeWindows), to: iso(decision.timeWindows) }, byPolicy: true }],
    actor,
  );
}
