/**
 * ETA truth in simulation, on the embedded Heidelberg road network. Vans drive routes through demo
 * addresses; the "truth" drives each leg along the road geometry at the network's speed times a
 * traffic factor (log-normal, σ 0.15 per leg) and serves each stop for 5 min ± 30 %. Every simulated
 * minute, from a GPS fix with 8 m noise, the live ETA engine's estimate (estimateArrivals: road
 * table from where the van is, then service times) is taken for each stop ahead; stops actually
 * reached 28–32 minutes later are scored by |predicted − actual|. Beside it, the reference a
 * customer gets without live tracking: the ETA frozen at dispatch, for the same stops.
 * Error is |predicted − actual| arrival; a stop is scored at each minute in the window (4–5 times).
 * Bar: median error for stops 30 minutes ahead ≤ 3 min.
 *
 *   npx tsx benchmarks/eta-accuracy.ts [--routes 20] [--stops 15] [--seed 7]
 */
import { parseArgs } from 'node:util';
import { createRoutingProvider } from '../src/routing';
import type { RoutingProvider } from '../src/routing/provider';
import { loadDemoLocations } from '../src/seed/demo';
import { seededRandom } from '../src/seed/random';
import { Trajectory, gaussian, withGpsNoise } from '../src/simulator/trajectory';
import { estimateArrivals, type RemainingStop } from '../src/tracking/eta';
import type { LonLat } from '../src/domain/model/geometry';

const { values } = parseArgs({
  options: { routes: { type: 'string', default: '20' }, stops: { type: 'string', default: '15' }, seed: { type: 'string', default: '7' } },
});
const routeCount = Number(values.routes);
const stopsPerRoute = Number(values.stops);
const random = seededRandom(Number(values.seed));
const depot: LonLat = [8.6724, 49.4093];
const serviceSeconds = 300;
const horizonSeconds = 30 * 60;
const horizonToleranceSeconds = 2 * 60;

interface Leg {
  trajectory: Trajectory;
  plannedSeconds: number;
  actualSeconds: number;
}

interface Sample {
  live: number;
  frozen: number;
}

async function simulateRoute(routing: RoutingProvider, stops: LonLat[], departEpoch: number): Promise<Sample[]> {
  const waypoints = [depot, ...stops];
  const legs: Leg[] = [];
  for (let index = 1; index < waypoints.length; index++) {
    const { route } = await routing.route({ coordinates: [waypoints[index - 1]!, waypoints[index]!], overview: 'full' });
    const traffic = Math.exp(0.15 * gaussian(random));
    legs.push({ trajectory: new Trajectory(route.geometry!.coordinates), plannedSeconds: route.duration, actualSeconds: route.duration * traffic });
  }
  const remaining: RemainingStop[] = stops.map((location) => ({ location, serviceSeconds, promisedWindows: [] }));

  // The plan (frozen ETAs) and the truth (actual arrivals), leg by leg.
  const planned: number[] = [];
  const actual: number[] = [];
  const dwell: number[] = [];
  let planClock = departEpoch;
  let clock = departEpoch;
  legs.forEach((leg) => {
    planClock += leg.plannedSeconds;
    planned.push(planClock);
    planClock += serviceSeconds;
    clock += leg.actualSeconds;
    actual.push(clock);
    const served = serviceSeconds * (1 + 0.3 * Math.max(-1, Math.min(1, gaussian(random))));
    dwell.push(served);
    clock += served;
  });

  // Every simulated minute: where the van is, and what the engine predicts from there.
  const samples: Sample[] = [];
  for (let now = departEpoch; now < actual[actual.length - 1]!; now += 60) {
    const next = actual.findIndex((arrival) => arrival > now);
    const leaveLast = next === 0 ? departEpoch : actual[next - 1]! + dwell[next - 1]!;
    let origin: LonLat;
    let readyEpoch = now;
    if (now < leaveLast) {
      // Serving the previous stop: the engine starts from there once its service time is over.
      origin = stops[next - 1]!;
      readyEpoch = Math.max(now, actual[next - 1]! + serviceSeconds);
    } else {
      const share = (now - leaveLast) / legs[next]!.actualSeconds;
      origin = withGpsNoise(legs[next]!.trajectory.at(share).location, 8, random);
    }
    const ahead = remaining.slice(next);
    const predicted = await estimateArrivals(routing, origin, readyEpoch, ahead, (index) => legs[next + index]!.plannedSeconds);
    predicted.forEach((eta, offset) => {
      const stop = next + offset;
      const lead = actual[stop]! - now;
      if (Math.abs(lead - horizonSeconds) <= horizonToleranceSeconds) samples.push({ live: Math.abs(eta - actual[stop]!), frozen: Math.abs(planned[stop]! - actual[stop]!) });
    });
  }
  return samples;
}

function quantile(values: number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
}

async function main(): Promise<void> {
  const loadStarted = performance.now();
  const routing = await createRoutingProvider({ ROUTING: 'embedded', OSM_PBF: 'data/osm/heidelberg.osm.pbf', DATA_DIR: './var' });
  console.log(`road network ready in ${((performance.now() - loadStarted) / 1000).toFixed(1)} s`);
  const locations = loadDemoLocations('data/demo/heidelberg-locations.json').map((entry) => entry.location);

  const samples: Sample[] = [];
  const started = performance.now();
  for (let index = 0; index < routeCount; index++) {
    // A van's stops cluster in one part of town, as a planned route does: nearest-neighbour order from a random seed stop.
    const pool = [...locations];
    const first = pool.splice(Math.floor(random() * pool.length), 1)[0]!;
    const stops: LonLat[] = [first];
    while (stops.length < stopsPerRoute) {
      const last = stops[stops.length - 1]!;
      let best = 0;
      for (let candidate = 1; candidate < pool.length; candidate++) {
        const d = (pool[candidate]![0] - last[0]) ** 2 + (pool[candidate]![1] - last[1]) ** 2;
        if (d < (pool[best]![0] - last[0]) ** 2 + (pool[best]![1] - last[1]) ** 2) best = candidate;
      }
      stops.push(pool.splice(best, 1)[0]!);
    }
    samples.push(...(await simulateRoute(routing, stops, 1_790_000_000)));
  }
  await routing.close?.();

  const minutes = (seconds: number) => (seconds / 60).toFixed(2);
  const live = samples.map((sample) => sample.live);
  const frozen = samples.map((sample) => sample.frozen);
  const rows = [
    ['stops scored 30 ± 2 min ahead', String(samples.length), String(samples.length), ''],
    ['median error, min', minutes(quantile(live, 0.5)), minutes(quantile(frozen, 0.5)), '≤ 3'],
    ['p90 error, min', minutes(quantile(live, 0.9)), minutes(quantile(frozen, 0.9)), ''],
    ['max error, min', minutes(Math.max(...live)), minutes(Math.max(...frozen)), ''],
  ];
  console.log(`\n${routeCount} routes × ${stopsPerRoute} stops, ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
  console.log(`| measure | live ETA engine | frozen at dispatch (reference) | bar |\n|---|---|---|---|\n${rows.map((row) => `| ${row.join(' | ')} |`).join('\n')}`);
}

void main();
