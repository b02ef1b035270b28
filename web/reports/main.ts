/**
 * The reports page: a depot and a date range, the server's KPIs for it (GET /api/v1/reports/…), five charts drawn
 * with uPlot and a CSV download of every table. Nothing is computed here but the drawing.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import '../common/style.css';
import './reports.css';
import type { z } from 'zod';
import { Api } from '../common/api';
import { $, el } from '../common/dom';
import { bindLoginForm } from '../common/session';
import type { cycleTimeRowSchema, dailyRowSchema, failureReasonRowSchema, reportSummarySchema, vehicleCostRowSchema } from '../../src/protocol/reports';

type Summary = z.infer<typeof reportSummarySchema>;
type Rows<T extends z.ZodType> = { rows: z.infer<T>[] };

const tokenKey = 'lastmile.dispatch.token';
const api = new Api(localStorage.getItem(tokenKey));
const charts = new Map<string, uPlot>();

const percent = (rate: number | null) => (rate === null ? '–' : `${(rate * 100).toFixed(1)} %`);
const number = (value: number | null, digits = 1) => (value === null ? '–' : value.toFixed(digits));
const money = (value: number | null) => (value === null ? '–' : value.toFixed(2));

function query(): string {
  const depot = ($('#depot') as HTMLSelectElement).value;
  return `from=${($('#from') as HTMLInputElement).value}&to=${($('#to') as HTMLInputElement).value}${depot ? `&depotId=${depot}` : ''}`;
}

function figure(label: string, value: string, id: string): HTMLElement {
  return el('div', {}, el('span', { class: 'kpi-label' }, label), el('strong', { id }, value));
}

function renderSummary(summary: Summary): void {
  $('#summary').replaceChildren(
    figure('On time', percent(summary.onTime.onTimeRate), 'sum-on-time'),
    figure('Early / late', `${summary.onTime.early} / ${summary.onTime.late}`, 'sum-early-late'),
    figure('Minutes early / late (mean)', `${number(summary.onTime.earlyMinutesMean)} / ${number(summary.onTime.lateMinutesMean)}`, 'sum-minutes'),
    figure('First attempt', percent(summary.firstAttempt.rate), 'sum-first-attempt'),
    figure('Received → delivered p50 / p90 (h)', `${number((summary.cycleTimes.receivedToDelivered.p50Minutes ?? NaN) / 60)} / ${number((summary.cycleTimes.receivedToDelivered.p90Minutes ?? NaN) / 60)}`, 'sum-cycle'),
    figure('ETA error at dispatch / live (min)', `${number(summary.etaErrors.dispatched.meanAbsoluteMinutes)} / ${number(summary.etaErrors.live.meanAbsoluteMinutes)}`, 'sum-eta'),
    figure('Rating', summary.ratings.average === null ? '–' : `${summary.ratings.average.toFixed(2)} (${summary.ratings.count})`, 'sum-rating'),
    figure('Cost per order planned / actual', `${money(summary.costs.plannedCostPerOrder)} / ${money(summary.costs.actualCostPerOrder)}`, 'sum-cost'),
  );
}

/** A uPlot chart in `target`, replacing the one drawn there before. Categories are indexes labelled on the x axis. */
function draw(target: string, labels: string[], series: { label: string; values: (number | null)[]; color: string; bars?: boolean }[], yLabel: string): void {
  charts.get(target)?.destroy();
  const container = $(target);
  const bars = uPlot.paths.bars!({ size: [0.6, 60] });
  const chart = new uPlot(
    {
      width: Math.max(480, container.clientWidth || 540),
      height: 240,
      // One tick per category, bars from zero.
      scales: { x: { time: false, range: [-0.5, labels.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      axes: [{ splits: () => labels.map((_, index) => index), values: (_u, ticks) => ticks.map((tick) => labels[tick] ?? '') }, { label: yLabel }],
      series: [{}, ...series.map((line) => ({ label: line.label, stroke: line.color, fill: line.bars ? `${line.color}99` : undefined, width: 2, paths: line.bars ? bars : undefined }))],
    },
    [labels.map((_, index) => index), ...series.map((line) => line.values)],
    container,
  );
  charts.set(target, chart);
}

function renderDailyTable(rows: z.infer<typeof dailyRowSchema>[]): void {
  const columns = ['day', 'orders', 'delivered', 'onTime', 'early', 'late', 'onTimeRate', 'firstAttemptRate', 'dispatchedEtaMeanAbsoluteMinutes', 'liveEtaMeanAbsoluteMinutes'] as const;
  $('#daily-table thead').replaceChildren(el('tr', {}, ...columns.map((column) => el('th', {}, column))));
  $('#daily-table tbody').replaceChildren(
    ...rows.map((row) => el('tr', {}, ...columns.map((column) => el('td', { 'data-column': column }, row[column] === null ? '' : String(row[column]))))),
  );
}

async function load(): Promise<void> {
  const q = query();
  try {
    const [summary, daily, cycles, vehicles, failures] = await Promise.all([
      api.get<Summary>(`/reports/summary?${q}`),
      api.get<Rows<typeof dailyRowSchema>>(`/reports/daily?${q}`),
      api.get<Rows<typeof cycleTimeRowSchema>>(`/reports/cycle-times?${q}`),
      api.get<Rows<typeof vehicleCostRowSchema>>(`/reports/vehicles?${q}`),
      api.get<Rows<typeof failureReasonRowSchema>>(`/reports/failure-reasons?${q}`),
    ]);
    $('#message').textContent = '';
    renderSummary(summary);
    const days = daily.rows.map((row) => row.day.slice(5));
    draw('#chart-on-time', days, [{ label: 'on time %', values: daily.rows.map((row) => (row.onTimeRate === null ? null : row.onTimeRate * 100)), color: '#2e7d32' }], '%');
    draw(
      '#chart-cycle',
      cycles.rows.map((row) => (row.toHours === null ? `${row.fromHours}+ h` : `${row.fromHours}–${row.toHours} h`)),
      [
        { label: 'received → delivered', values: cycles.rows.map((row) => row.receivedToDelivered), color: '#1769aa', bars: true },
        { label: 'dispatched → delivered', values: cycles.rows.map((row) => row.dispatchedToDelivered), color: '#b26a00', bars: true },
      ],
      'orders',
    );
    draw(
      '#chart-eta',
      days,
      [
        { label: 'ETA at dispatch', values: daily.rows.map((row) => row.dispatchedEtaMeanAbsoluteMinutes), color: '#c62828' },
        { label: 'last live ETA', values: daily.rows.map((row) => row.liveEtaMeanAbsoluteMinutes), color: '#1769aa' },
      ],
      'minutes',
    );
    draw('#chart-cost', vehicles.rows.map((row) => row.vehicleName), [
      { label: 'planned', values: vehicles.rows.map((row) => row.plannedCostPerOrder), color: '#9e9e9e', bars: true },
      { label: 'actual', values: vehicles.rows.map((row) => row.actualCostPerOrder), color: '#6a1b9a', bars: true },
    ], 'per order');
    draw('#chart-failures', failures.rows.map((row) => row.reason), [{ label: 'failed attempts', values: failures.rows.map((row) => row.attempts), color: '#c62828', bars: true }], 'attempts');
    renderDailyTable(daily.rows);
    document.body.dataset.loaded = q;
  } catch (error) {
    $('#message').textContent = (error as Error).message;
  }
}

/** A table as a CSV file: fetched with the session's token (a plain link could not carry it), saved through a blob. */
async function downloadCsv(report: string): Promise<void> {
  const response = await fetch(`/api/v1/reports/${report}?${query()}`, { headers: { accept: 'text/csv', authorization: `Bearer ${localStorage.getItem(tokenKey) ?? ''}` } });
  if (!response.ok) {
    $('#message').textContent = `CSV: HTTP ${response.status}`;
    return;
  }
  const link = el('a', { href: URL.createObjectURL(await response.blob()), download: `${report}-${query().replace(/[&=]/g, '_')}.csv` });
  document.body.append(link);
  link.click();
  link.remove();
}

async function start(): Promise<void> {
  $('#login-form').classList.add('hidden');
  $('#range').classList.remove('hidden');
  $('#reports').classList.remove('hidden');
  const depots = await api.get<{ items: { id: number; name: string }[] }>('/depots?limit=500');
  ($('#depot') as HTMLSelectElement).replaceChildren(...depots.items.map((depot) => el('option', { value: String(depot.id) }, depot.name)));
  const params = new URLSearchParams(location.search);
  const to = params.get('to') ?? new Date().toISOString().slice(0, 10);
  ($('#to') as HTMLInputElement).value = to;
  ($('#from') as HTMLInputElement).value = params.get('from') ?? new Date(Date.parse(to) - 29 * 86_400_000).toISOString().slice(0, 10);
  if (params.get('depotId')) ($('#depot') as HTMLSelectElement).value = params.get('depotId')!;
  await load();
}

$('#range').addEventListener('submit', (event) => {
  event.preventDefault();
  void load();
});
document.addEventListener('click', (event) => {
  const button = (event.target as HTMLElement).closest<HTMLElement>('button[data-csv]');
  if (button) void downloadCsv(button.dataset.csv!);
});

if (localStorage.getItem(tokenKey)) void start().catch(() => $('#login-form').classList.remove('hidden'));
else $('#login-form').classList.remove('hidden');
bindLoginForm(api, tokenKey, start);
