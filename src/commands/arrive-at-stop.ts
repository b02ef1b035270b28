import { nowEpochSeconds } from '../domain/clock';
import type { Principal } from '../auth/principal';
import { conflict } from '../errors';
import type { ArriveInput, StopActionResult } from '../protocol/stop-actions';
import type { CommandContext } from './context';
import { runStopAction } from './stop-action';

/** The vehicle reached the stop: by the driver's tap, or by the geofence (acting as the system). */
export function arriveAtStop(context: CommandContext, stopId: number, input: ArriveInput, by: Principal, nowEpoch = nowEpochSeconds(context.clock)): Promise<StopActionResult> {
  return runStopAction(
    context,
    {
      action: 'arrive',
      stopId,
      idempotencyKey: input.idempotencyKey,
      change: async (stop) => {
        if (stop.status !== 'pending') throw conflict(`Stop ${stopId} is already ${stop.status}`);
        return { stopStatus: 'arrived', actualArrivalEpoch: nowEpoch, orderPath: ['out_for_delivery', 'arrived'] };
      },
    },
    by,
  );
}
