/** A stop's times as every stop on the wire carries them, in the depot's zone. */
import { stopTimes, type StopTimeFacts } from '../../domain/stop-times';
import { toIsoInZone } from '../../domain/time';
import type { StopTimesView } from '../../protocol/stop-times';

export function presentStopTimes(stop: StopTimeFacts, timeZone: string): StopTimesView {
  const times = stopTimes(stop);
  const iso = (epoch: number | null) => (epoch === null ? null : toIsoInZone(epoch, timeZone));
  return {
    basis: times.basis,
    arrival: iso(times.arrivalEpoch),
    serviceStart: iso(times.serviceStartEpoch),
    done: iso(times.doneEpoch),
    window: times.window && { start: toIsoInZone(times.window.startEpochSeconds, timeZone), end: toIsoInZone(times.window.endEpochSeconds, timeZone) },
    delayMinutes: times.delayMinutes,
  };
}
