/**
 * The KPI strip: on time and first-attempt success as the server's reports count them for the depot's day
 * (GET /reports/summary, refreshed as stops are served), done and remaining stops, km driven, the plan's status.
 */
import type { z } from 'zod';
import type { Api } from '../../common/api';
import { $ } from '../../common/dom';
import { km, statusText } from '../../common/format';
import type { reportSummarySchema } from '../../../src/protocol/reports';
import type { ConsoleState } from '../state';

/** The server writes its report facts a moment after a stop changes; asking sooner would show the old figure. */
const refreshDelayMs = 1500;
const percent = (rate: number | null) => (rate === null ? '–' : `${Math.round(rate * 100)} %`);

export function mountKpis(state: ConsoleState, api: Api): void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const refreshServerFigures = () => {
    // At most one request per delay, however many stops and ETAs change meanwhile.
    if (timer) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (state.depotId === null || !state.date) return;
      try {
        const summary = await api.get<z.infer<typeof reportSummarySchema>>(`/reports/summary?from=${state.date}&to=${state.date}&depotId=${state.depotId}`);
        $('#kpi-on-time').textContent = percent(summary.onTime.onTimeRate);
        $('#kpi-on-time').title = `${summary.onTime.early} early, ${summary.onTime.late} late of ${summary.onTime.delivered} delivered`;
        $('#kpi-first-attempt').textContent = percent(summary.firstAttempt.rate);
      } catch {
        // A dispatcher without reports, or the server briefly away: the strip keeps its last figures.
      }
    }, refreshDelayMs);
  };
  const render = () => {
    const stops = state.stops();
    const done = stops.filter((stop) => stop.status === 'completed' || stop.status === 'failed');
    $('#kpi-done').textContent = String(done.length);
    $('#kpi-remaining').textContent = String(stops.length - done.length);
    // Driven: measured by the server on the vans' GPS breadcrumbs since dispatch.
    const drivenMeters = state.plan?.drivenMeters ?? null;
    $('#kpi-km').textContent = drivenMeters === null ? '–' : km(drivenMeters);
  };
  state.subscribe('plan', () => {
    $('#plan-status').textContent = state.plan ? `#${state.plan.id} ${statusText(state.plan.status)}` : 'none';
    render();
    refreshServerFigures();
  });
  state.subscribe('planRun', () => {
    if (state.planRun) $('#plan-status').textContent = `#${state.planRun.planId} ${state.planRun.status}`;
  });
  state.subscribe('stop', () => {
    render();
    refreshServerFigures();
  });
  state.subscribe('driven', render);
}
