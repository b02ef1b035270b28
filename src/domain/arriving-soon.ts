/**
 * Which stops ahead of a van are "arriving soon": the live ETA within the rule's minutes, or at most the rule's
 * stops left before it. The stops rule alone waits until the stop is within a couple of hours, so a van setting
 * out does not tell its first customers of a midday window that it is nearly there.
 */
import type { ArrivingSoonRule } from './model/fleet';

export const stopsRuleWithinSeconds = 2 * 3600;

export function arrivingSoonIndexes(etasEpoch: number[], rule: ArrivingSoonRule, nowEpoch: number): number[] {
  return etasEpoch.flatMap((etaEpoch, stopsBefore) => {
    const secondsAway = etaEpoch - nowEpoch;
    const byTime = rule.minutes > 0 && secondsAway <= rule.minutes * 60;
    const byStops = rule.stops > 0 && stopsBefore <= rule.stops && secondsAway <= stopsRuleWithinSeconds;
    return byTime || byStops ? [stopsBefore] : [];
  });
}
