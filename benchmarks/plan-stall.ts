/**
 * Event-loop stalls while a large plan is computed: 3,000 orders on 60 vans in Heidelberg, the plan pipeline every
 * plan run uses (solvePlanning: road matrix, the solver pool, road geometry per route), in a process that serves a
 * trivial HTTP request every 20 ms meanwhile. Prints the longest event-loop delay and its p99
 * (perf_hooks.monitorEventLoopDelay), the HTTP probe's max and p99, and RSS before, at its peak and after the run,
 * for the embedded network on worker threads (the service's) beside the same network on the calling thread, each
 * in a process of its own, and the same process idle for 10 s as the peer that shows what the machine's load alone
 * costs the loop. Bar: max delay ≤ 100 ms on worker threads.
 *
 *   npm run bench:plan-stall -- --orders 3000 --seconds 5
 *   npx tsx benchmarks/plan-stall.ts --case threads   # one case, one JSON line
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, get } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { loadEmbeddedRouting } from '../src/routing/embedded/index';
import { onWorkerThreads } from '../src/routing/embedded/threads';
import { createPoolSolver } from '../src/solving/pool-solver';
import type { PlanningInput } from '../src/solving/planning-problem';
import { solvePlanning } from '../src/solving/solve-planning';
import type { LonLat } from '../src/domain/model/geometry';

const { values } = parseArgs({
  options: { case: { type: 'string' }, orders: { type: 'string', default: '3000' }, seconds: { type: 'string', default: '5' }, threads: { type: 'string', default: '2' } },
});
const cases = {
  threads: 'embedded network on worker threads (the service)',
  'main-thread': 'embedded network on the calling thread (before)',
  idle: 'no plan, 10 s (the machine: what load alone costs the loop)',
} as const;
type CaseName = keyof typeof cases;

interface CaseResult {
  name: CaseName;
  orders: number;
  routes: number;
  stops: number;
  matrixMs: number;
  solveMs: number;
  planMs: number;
  loopMaxMs: number;
  loopP99Ms: number;
  httpMaxMs: number;
  httpP99Ms: number;
  httpRequests: number;
  rssBeforeMb: number;
  rssPeakMb: number;
  rssAfterMb: number;
}

if (values.case !== undefined) {
  if (!(values.case in cases)) throw new Error(`--case must be one of ${Object.keys(cases).join(', ')}`);
  console.log(JSON.stringify(await runCase(values.case as CaseName, Number(values.orders), Number(values.seconds), Number(values.threads))));
} else {
  const load = loadavg().map((value) => value.toFixed(1)).join(' ');
  console.log(`# Event loop during a ${values.orders}-order plan (solver ${values.seconds} s on ${values.threads} threads; load ${load})\n`);
  console.log('| routing | matrix s | solve s | geometry s | loop max ms | loop p99 ms | HTTP max ms | HTTP p99 ms | probes | RSS before / peak / after MB |');
  console.log('|---|--:|--:|--:|--:|--:|--:|--:|--:|---|');
  const results: CaseResult[] = [];
  for (const name of Object.keys(cases) as CaseName[]) {
    const args = ['--expose-gc', '--import', 'tsx', import.meta.filename, '--case', name, '--orders', values.orders!, '--seconds', values.seconds!, '--threads', values.threads!];
    const output = execFileSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });
    const result = JSON.parse(output.trim().split('\n').at(-1)!) as CaseResult;
    results.push(result);
    const s = (ms: number) => (ms / 1000).toFixed(2);
    console.log(
      `| ${cases[name]} | ${s(result.matrixMs)} | ${s(result.solveMs)} | ${s(result.planMs)} | ${result.loopMaxMs.toFixed(0)} | ${result.loopP99Ms.toFixed(0)} ` +
        `| ${result.httpMaxMs.toFixed(0)} | ${result.httpP99Ms.toFixed(0)} | ${result.httpRequests} | ${result.rssBeforeMb.toFixed(0)} / ${result.rssPeakMb.toFixed(0)} / ${result.rssAfterMb.toFixed(0)} |`,
    );
  }
  const [threads, main, idle] = results as [CaseResult, CaseResult, CaseResult];
  console.log(
    `\nLongest stall on worker threads: ${threads.loopMaxMs.toFixed(0)} ms (bar ≤ 100 ms), ${(main.loopMaxMs / threads.loopMaxMs).toFixed(1)} × shorter than on the calling thread, ` +
      `${(threads.loopMaxMs / idle.loopMaxMs).toFixed(1)} × the idle process's; load ${loadavg().map((value) => value.toFixed(1)).join(' ')}.`,
  );
}

async function runCase(name: CaseName, orders: number, seconds: number, threads: number): Promise<CaseResult> {
  const mb = () => process.memoryUsage().rss / 1024 / 1024;
  const cacheDir = 'var/routing-cache';
  mkdirSync(cacheDir, { recursive: true });
  const here = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir });
  // As in the service, threads idle for 60 s end: "after" is read once they have, what a finished run leaves behind.
  const idleSeconds = 60;
  const routing = name === 'threads' ? onWorkerThreads(here, { threads, idleSeconds }) : here;
  const solver = createPoolSolver({ threads, idleSeconds });
  const input = generatedDay(orders);
  // Warm: threads started, the hot loops compiled, as in a service that has been up a while.
  await solvePlanning(generatedDay(40), { routing, solver }, { timeLimitMs: 200 });
  const server = createServer((_request, response) => response.end('ok'));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  global.gc?.();
  const rssBeforeMb = mb();
  let rssPeakMb = rssBeforeMb;
  const sampler = setInterval(() => (rssPeakMb = Math.max(rssPeakMb, mb())), 25);

  const probes: number[] = [];
  let probing = true;
  const probe = (async () => {
    while (probing) {
      const started = performance.now();
      // A connection of its own each time: a keep-alive one may be closed by the server while the loop stalls.
      await new Promise<void>((resolve, reject) => get(url, { agent: false }, (response) => response.resume().on('end', resolve)).on('error', reject));
      probes.push(performance.now() - started);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  })();
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  // The histogram counts from its first tick: a stall in the tick that enabled it would go unseen.
  await new Promise((resolve) => setTimeout(resolve, 100));
  // Only the summary outlives the run, as a plan run stores its result and lets go of the rest.
  const result = await (async () => {
    const outcome =
      name === 'idle'
        ? await new Promise<Awaited<ReturnType<typeof solvePlanning>>>((resolve) => setTimeout(() => resolve({ status: 'cancelled' }), 10_000))
        : await solvePlanning(input, { routing, solver }, { timeLimitMs: seconds * 1000 });
    delay.disable();
    probing = false;
    await probe;
    clearInterval(sampler);
    if (outcome.status !== 'planned') {
      if (name === 'idle') return { plan: { routes: 0, stops: 0 }, timings: { matrixMs: 0, solveMs: 0, planMs: 0 } };
      throw new Error(`the run ended ${outcome.status}`);
    }
    return { plan: { routes: outcome.plan.routes.length, stops: outcome.plan.totals.stops }, timings: outcome.timings };
  })();
  await new Promise((resolve) => setTimeout(resolve, (idleSeconds + 2) * 1000));
  global.gc?.();
  const rssAfterMb = mb();
  probes.sort((a, b) => a - b);
  server.close();
  await solver.close();
  await routing.close?.();
  return {
    name,
    orders,
    routes: result.plan.routes,
    stops: result.plan.stops,
    ...result.timings,
    loopMaxMs: delay.max / 1e6,
    loopP99Ms: delay.percentile(99) / 1e6,
    httpMaxMs: probes.at(-1) ?? 0,
    httpP99Ms: probes[Math.floor(probes.length * 0.99)] ?? 0,
    httpRequests: probes.length,
    rssBeforeMb,
    rssPeakMb,
    rssAfterMb,
  };
}

/** `count` orders at the demo addresses, each moved up to ~150 m (seeded), on 60 vans from the Bergheim depot. */
function generatedDay(count: number): PlanningInput {
  const places = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((entry) => entry.location);
  let state = 12345;
  const random = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648);
  const depot: LonLat = [8.6724, 49.4093];
  const start = 1_795_000_000;
  const vans = Math.max(2, Math.ceil(count / 50));
  return {
    depot: { id: 'hd', location: depot, timeZone: 'Europe/Berlin' },
    vehicles: Array.from({ length: vans }, (_, index) => ({
      id: `van-${index + 1}`,
      capacity: { weightKg: 800, volumeL: 4000, items: 80 },
      skills: [],
      shift: { startEpochSeconds: start, endEpochSeconds: start + 10 * 3600 },
      startLocation: depot,
      endLocation: depot,
      costs: { fixed: 0, perHour: 3600, perKm: 0 },
      maxStops: null,
      maxShiftSeconds: null,
      maxDrivingSeconds: null,
      breaks: [],
    })),
    orders: Array.from({ length: count }, (_, index) => {
      const [lon, lat] = places[index % places.length]!;
      return {
        id: `o${index + 1}`,
        location: [lon + (random() - 0.5) * 0.004, lat + (random() - 0.5) * 0.0027] as LonLat,
        timeWindows: [],
        serviceSeconds: 120,
        demand: { weightKg: 3, volumeL: 10, items: 1 },
        priority: 0,
        requiredSkills: [],
      };
    }),
  };
}
