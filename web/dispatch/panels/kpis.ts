/** The KPI strip: on time, done, remaining, km driven, and the plan's status. */
import { $ } from '../../common/dom';
import { km, statusText } from '../../common/format';
import type { ConsoleState } from '../state';

export function mountKpis(state: ConsoleState): void {
  const render = () => {
    const stops = state.stops();
    const done = stops.filter((stop) => stop.status === 'completed' || stop.status === 'failed');
    const delivered = stops.filter((stop) => stop.status === 'completed' && stop.completedAt);
    const onTime = delivered.filter((stop) => Date.parse(stop.completedAt!) <= Date.parse(stop.promisedWindows[0]?.end ?? stop.completedAt!));
    $('#kpi-on-time').textContent = delivered.length ? `${Math.round((100 * onTime.length) / delivered.length)} %` : '–';
    $('#kpi-done').textContent = String(done.length);
    $('#kpi-remaining').textContent = String(stops.length - done.length);
    // Driven: measured by the server on the vans' GPS breadcrumbs since dispatch.
    const drivenMeters = state.plan?.drivenMeters ?? null;
    $('#kpi-km').textContent = drivenMeters === null ? '–' : km(drivenMeters);
  };
  state.subscribe('plan', () => {
    $('#plan-status').textContent = state.plan ? `#${state.plan.id} ${statusText(state.plan.status)}` : 'none';
    render();
  });
  state.subscribe('planRun', () => {
    if (state.planRun) $('#plan-status').textContent = `#${state.planRun.planId} ${state.planRun.status}`;
  });
  state.subscribe('stop', render);
  state.subscribe('driven', render);
}
