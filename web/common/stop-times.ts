/**
 * A stop's times kept current between reads, from the facts the socket brings: the server computes the expected
 * service start and the delay with ETAs (`domain/stop-times.ts`), a served or failed stop shows its actual time.
 */
import { delayMinutes, expectedServiceStart } from '../../src/domain/stop-times';
import type { StopTimesView } from '../../src/protocol/stop-times';
import type { EtaView, StopStatusView } from '../../src/protocol/socket';
import { localIso } from './format';

const epochOf = (iso: string) => Date.parse(iso) / 1000;

export function timesWithEta(times: StopTimesView, eta: EtaView, timeZone: string): StopTimesView {
  if (times.basis === 'actual') return times;
  return { ...times, arrival: localIso(eta.etaEpoch, timeZone), serviceStart: localIso(eta.serviceStartEpoch, timeZone), delayMinutes: eta.delayMinutes };
}

/** `windows`: the stop's promised windows as the API gave them (ISO with the depot's offset). */
export function timesWithStatus(times: StopTimesView, change: StopStatusView, windows: { start: string; end: string }[], timeZone: string): StopTimesView {
  const arrival = change.actualArrivalEpoch === null ? null : localIso(change.actualArrivalEpoch, timeZone);
  if (change.status === 'completed' || change.status === 'failed') {
    return { ...times, basis: 'actual', arrival, serviceStart: null, done: change.completedAtEpoch === null ? null : localIso(change.completedAtEpoch, timeZone), delayMinutes: null };
  }
  if (change.status !== 'arrived' || change.actualArrivalEpoch === null) return times;
  const epochWindows = windows.map((window) => ({ startEpochSeconds: epochOf(window.start), endEpochSeconds: epochOf(window.end) }));
  const serviceStartEpoch = expectedServiceStart(change.actualArrivalEpoch, epochWindows);
  return { ...times, arrival, serviceStart: localIso(serviceStartEpoch, timeZone), delayMinutes: delayMinutes(serviceStartEpoch, epochWindows) };
}
