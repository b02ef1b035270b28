/**
 * "Plan again" mid-day over HTTP: a dispatched day of 1,000 stops on 50 vans (Heidelberg road network, embedded
 * PGlite or PostgreSQL), about 40 % of every route done, each van's last position known, 20 new ready orders; the
 * clock pinned just after the median van finished its last done stop. Then POST /api/v1/plans/{id}/replan, a few
 * times (each proposal is discarded, so every run starts from the same plan). Prints the time to the proposal
 * (p50, max) beside the bar (≤ 5 s) and what the proposal changes. The HTTP client runs in the same process.
 *
 * The day is benchmarks/dispatched-day.ts's, the one the live-insertion benchmark starts from.
 *
 *   npx tsx benchmarks/replan-midday.ts [--runs 3] [--time-limit 1.5] [--threads 1] [--database-url postgres://…] [--routing embedded|haversine]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import { createApp } from '../src/http/app';
import { apiPrefix } from '../src/http/mount';
import { plansMount } from '../src/http/routes/plans.routes';
import { createLogger } from '../src/logger';
import { PlanQueue } from '../src/reactions/plan-runs';
import { trackedPositions } from '../src/planning/tracked-positions';
import { createPoolSolver } from '../src/solving/pool-solver';
import type { ProposalResponse } from '../src/protocol/plans';
import { PER_ROUTE, STOPS, VEHICLES, benchmarkToken, buildDispatchedDay } from './dispatched-day';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '3' },
    'time-limit': { type: 'string', default: '1.5' },
    threads: { type: 'string', default: '1' },
    'database-url': { type: 'string' },
    routing: { type: 'string', default: 'embedded' },
  },
});
const DONE_SHARE = 0.4;
const NEW_ORDERS = 20;
const BAR_MS = 5000;
const done = Math.round(PER_ROUTE * DONE_SHARE);

// Every fifth van is at its next stop.
const day = await buildDispatchedDay({ name: 'replan', seed: 11, done, arrivedEvery: 5, routing: values.routing!, databaseUrl: values['database-url'] });
const { db, context, routing } = day;
const now = day.nowEpoch();
await day.addReadyOrders(Array.from({ length: NEW_ORDERS }, () => {
  const start = now + day.rng.int(4) * 3600;
  return { startEpochSeconds: start, endEpochSeconds: start + 3 * 3600 };
}));
const buildMs = day.buildSeconds * 1000;

const solver = createPoolSolver({ threads: Number(values.threads) });
const queue = new PlanQueue({ context, solver, routing });
const app = createApp({ database: db, commands: context, logger: createLogger('silent'), mounts: [plansMount({ context, queue, solver, routing, positions: trackedPositions })] });
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}${apiPrefix}/plans/${day.planId}/replan`;
const headers = { authorization: `Bearer ${benchmarkToken}`, 'content-type': 'application/json' };

const timeLimitSeconds = Number(values['time-limit']);
const runs = Number(values.runs);
const times: number[] = [];
let last: ProposalResponse | undefined;
for (let run = 0; run < runs; run++) {
  const started = performance.now();
  const response = await fetch(base, { method: 'POST', headers, body: JSON.stringify({ timeLimitSeconds }) });
  const body = (await response.json()) as ProposalResponse & { error?: { message: string } };
  times.push(performance.now() - started);
  if (response.status !== 200) throw new Error(`replan answered ${response.status}: ${body.error?.message}`);
  last = body;
  await fetch(`${base}/${body.proposalId}`, { method: 'DELETE', headers });
}
server.close();
await solver.close();
await day.close();

const sorted = [...times].sort((a, b) => a - b);
const p50 = sorted[Math.ceil(sorted.length / 2) - 1]!;
const max = sorted[sorted.length - 1]!;
const sum = (key: 'movedIn' | 'added' | 'removed' | 'reordered') => last!.changes.reduce((count, change) => count + change[key].length, 0);
const km = (meters: number) => (meters / 1000).toFixed(1);
console.log(`\nPlan again mid-day: ${STOPS} stops on ${VEHICLES} vans, ${done} of ${PER_ROUTE} done per route (${VEHICLES / 5} vans at a stop), ${NEW_ORDERS} new orders; ${values.routing} routing, ${db.engine}, solver ${timeLimitSeconds} s on ${values.threads} thread(s); day built in ${(buildMs / 1000).toFixed(1)} s`);
console.log('\n| measure | p50 | max | bar |');
console.log('| --- | ---: | ---: | --- |');
console.log(`| time to proposal (${runs} runs) | ${(p50 / 1000).toFixed(2)} s | ${(max / 1000).toFixed(2)} s | ≤ ${BAR_MS / 1000} s |`);
console.log('\n| proposal | before | after |');
console.log('| --- | ---: | ---: |');
console.log(`| distance km | ${km(last!.totals.before.distanceMeters)} | ${km(last!.totals.after.distanceMeters)} |`);
console.log(`| duration h | ${(last!.totals.before.durationSeconds / 3600).toFixed(1)} | ${(last!.totals.after.durationSeconds / 3600).toFixed(1)} |`);
console.log(`| late stops | ${last!.totals.before.lateStops} | ${last!.totals.after.lateStops} |`);
console.log(`| unassigned | ${last!.totals.before.unassigned} | ${last!.totals.after.unassigned} |`);
console.log(`\nchanges: ${last!.changes.length} vans; ${sum('movedIn')} stops moved between vans, ${sum('added')} new orders added, ${sum('removed')} removed, ${sum('reordered')} reordered`);
console.log(max <= BAR_MS ? 'bar met' : 'bar MISSED');
