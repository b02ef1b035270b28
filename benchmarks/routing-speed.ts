/**
 * Speed of the embedded road network on Heidelberg: graph build, cache reload, a 1,000 × 1,000 table,
 * routes with steps, and memory, beside the targets and OSRM's figures on this machine (issue 4).
 *
 * Usage: npx tsx benchmarks/routing-speed.ts [pbf]
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedRouting } from '../src/routing/embedded/index';
import type { LonLat } from '../src/domain/model/geometry';

const pbfPath = process.argv[2] ?? 'data/osm/heidelberg.osm.pbf';
const demo = (JSON.parse(readFileSync('data/demo/heidelberg-locations.json', 'utf8')) as { location: LonLat }[]).map((l) => l.location);
const fixturePoints = (
  JSON.parse(readFileSync('test/fixtures/osrm/heidelberg/table-points.json', 'utf8')) as { points: { lon: number; lat: number }[] }
).points.map((p): LonLat => [p.lon, p.lat]);
// 1,000 distinct points: the demo addresses, OSRM's table points, and demo addresses moved ~50 m east.
const thousand = [...demo, ...fixturePoints, ...demo.map(([lon, lat]): LonLat => [lon + 0.0007, lat])].slice(0, 1000);

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const millis = (ms: number) => `${ms.toFixed(1)} ms`;
const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

/** Wall-clock and CPU milliseconds of one piece of work: on a shared machine the two differ a lot. */
async function timed<T>(work: () => Promise<T>): Promise<[T, number, number]> {
  const start = performance.now();
  const cpuStart = process.cpuUsage();
  const result = await work();
  const cpu = process.cpuUsage(cpuStart);
  return [result, performance.now() - start, (cpu.user + cpu.system) / 1000];
}
const wallAndCpu = (wall: number, cpu: number) => `${millis(wall)} (CPU ${millis(cpu)})`;

const cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-routing-speed-'));
try {
  const [, buildMs, buildCpuMs] = await timed(() => loadEmbeddedRouting({ pbfPath, cacheDir }));
  const [routing, reloadMs, reloadCpuMs] = await timed(() => loadEmbeddedRouting({ pbfPath, cacheDir }));
  const stats = routing.stats();

  const tableRuns: [number, number][] = [];
  let unreachable = 0;
  for (let run = 0; run < 3; run++) {
    const [table, ms, cpuMs] = await timed(() => routing.table({ coordinates: thousand }));
    tableRuns.push([ms, cpuMs]);
    unreachable = table.durations.flat().filter((d) => d === null).length;
  }
  const bestTable = tableRuns.reduce((a, b) => (b[0] < a[0] ? b : a));

  const routeMs: number[] = [];
  for (let i = 0; i < 300; i++) {
    const from = demo[(i * 37) % demo.length]!;
    const to = demo[(i * 101 + 7) % demo.length]!;
    const [, ms] = await timed(() => routing.route({ coordinates: [from, to], steps: true, annotations: true, overview: 'full' }));
    if (i >= 20) routeMs.push(ms);
  }
  routeMs.sort((a, b) => a - b);
  const memory = process.memoryUsage();

  const rows: [string, string, string, string][] = [
    ['graph build from PBF (first start)', `${seconds(buildMs)} (CPU ${seconds(buildCpuMs)})`, '—', 'osrm-extract + partition + customize (offline)'],
    ['graph reload from cache', wallAndCpu(reloadMs, reloadCpuMs), '≤ 1 s', '—'],
    ['table 1,000 × 1,000 (first run)', wallAndCpu(...tableRuns[0]!), '≤ 1 s', '1.1–1.5 s (MLD, over loopback)'],
    ['table 1,000 × 1,000 (best of 3)', wallAndCpu(...bestTable), '≤ 1 s', '1.1–1.5 s (MLD, over loopback)'],
    ['route with steps, p50', millis(percentile(routeMs, 0.5)), '≤ 20 ms', '—'],
    ['route with steps, p99', millis(percentile(routeMs, 0.99)), '—', '—'],
    ['graph arrays in memory', megabytes(stats.memoryBytes ?? 0), '—', '—'],
    ['process RSS / JS heap used', `${megabytes(memory.rss)} / ${megabytes(memory.heapUsed)}`, '—', '—'],
  ];
  console.log(`Embedded routing on ${pbfPath}: ${stats.nodes} road edges (graph nodes), ${stats.edges} turns, ${stats.shortcuts} shortcuts`);
  console.log(`Table: ${thousand.length} coordinates, ${unreachable} unreachable cells. Routes: ${routeMs.length} demo pairs after 20 warm-up.`);
  console.log(`Wall-clock time, with this process's CPU time beside it (the gap is other load on the machine).\n`);
  const widths = [0, 1, 2, 3].map((c) => Math.max(...[['measure', 'ours', 'target', 'OSRM v26.4 here'], ...rows].map((r) => r[c]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, c) => cell.padEnd(widths[c]!)).join(' | ')} |`;
  console.log(line(['measure', 'ours', 'target', 'OSRM v26.4 here']));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of rows) console.log(line(row));
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
