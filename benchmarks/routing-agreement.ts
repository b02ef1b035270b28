/**
 * Agreement with OSRM: runs our provider on the points of OSRM's recorded tables and routes
 * (../shared/fixtures/osrm, OSRM v26.4.1 MLD, car profile) and prints how far apart the answers are.
 *
 *   npx tsx benchmarks/routing-agreement.ts [--provider embedded|haversine] [--fixtures DIR] [--cities heidelberg,monaco]
 *
 * Bars (issue 4): median |relative difference| ≤ 5 % for distances, ≤ 10 % for durations, over the tables;
 * no pair that OSRM routes may be unreachable in ours.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createHaversineProvider } from '../src/routing/haversine';
import { RoutingError, type RoutingProvider } from '../src/routing/provider';
import type { LonLat } from '../src/domain/model/geometry';

const { values: args } = parseArgs({
  options: {
    provider: { type: 'string', default: 'embedded' },
    fixtures: { type: 'string', default: existsSync('../shared/fixtures/osrm') ? '../shared/fixtures/osrm' : 'test/fixtures/osrm' },
    cities: { type: 'string', default: 'heidelberg,monaco' },
  },
});
const distanceBar = 0.05;
const durationBar = 0.1;

interface Fixture {
  request: string;
  response: {
    durations: (number | null)[][];
    distances: (number | null)[][];
    routes: { distance: number; duration: number }[];
  };
  points?: { lon: number; lat: number }[];
}

async function providerFor(city: string): Promise<RoutingProvider> {
  if (args.provider === 'haversine') return createHaversineProvider();
  if (args.provider !== 'embedded') throw new Error(`--provider must be embedded or haversine, got ${args.provider}`);
  const { loadEmbeddedRouting } = await import('../src/routing/embedded');
  return loadEmbeddedRouting({ pbfPath: `data/osm/${city}.osm.pbf`, cacheDir: join(process.env.DATA_DIR ?? 'var', 'routing-cache') });
}

const load = (city: string, name: string): Fixture | undefined => {
  const path = join(args.fixtures!, city, `${name}.json`);
  return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
};
const coordinatesOf = (fixture: Fixture): LonLat[] =>
  fixture.request.split('?')[0].split('/')[4].split(';').map((pair) => pair.split(',').map(Number) as LonLat);

const quantile = (values: number[], q: number) => {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
};
const relative = (ours: number, theirs: number) => Math.abs(ours - theirs) / theirs;
const percent = (value: number) => (Number.isFinite(value) ? `${(value * 100).toFixed(1)} %` : '–');
const verdict = (ok: boolean) => (ok ? 'ok' : 'MISSED');

function printTable(title: string, headers: string[], rows: (string | number)[][]): void {
  const cells = [headers, ...rows.map((row) => row.map(String))];
  const widths = headers.map((_, column) => Math.max(...cells.map((row) => row[column].length)));
  console.log(`\n${title}`);
  cells.forEach((row, index) => {
    console.log(row.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
    if (index === 0) console.log(widths.map((width) => '-'.repeat(width)).join('  '));
  });
}

const summaryRows: (string | number)[][] = [];

for (const city of args.cities!.split(',')) {
  if (!load(city, 'table-points')) {
    console.log(`\n(no fixtures for ${city} under ${args.fixtures}; skipped)`);
    continue;
  }
  const loadStarted = performance.now();
  const provider = await providerFor(city);
  console.log(`\n## ${city}: ${provider.name} provider ready in ${Math.round(performance.now() - loadStarted)} ms`);

  for (const name of ['table-50', 'table-200']) {
    const fixture = load(city, name);
    if (!fixture) continue;
    const coordinates = coordinatesOf(fixture);
    const started = performance.now();
    const ours = await provider.table({ coordinates });
    const tableMs = performance.now() - started;
    const distanceDiffs: number[] = [];
    const durationDiffs: number[] = [];
    let unreachable = 0;
    let routedByBoth = 0;
    fixture.response.durations.forEach((row, i) =>
      row.forEach((osrmSeconds, j) => {
        const osrmMeters = fixture.response.distances[i][j];
        if (osrmSeconds === null || osrmMeters === null) return;
        const ourSeconds = ours.durations[i][j];
        const ourMeters = ours.distances[i][j];
        if (ourSeconds === null || ourMeters === null) return void unreachable++;
        routedByBoth++;
        if (osrmMeters > 0) distanceDiffs.push(relative(ourMeters, osrmMeters));
        if (osrmSeconds > 0) durationDiffs.push(relative(ourSeconds, osrmSeconds));
      }),
    );
    const medianDistance = quantile(distanceDiffs, 0.5);
    const medianDuration = quantile(durationDiffs, 0.5);
    summaryRows.push([
      `${city} ${name}`,
      routedByBoth,
      `${percent(medianDistance)} ${verdict(medianDistance <= distanceBar)}`,
      percent(quantile(distanceDiffs, 0.9)),
      percent(quantile(distanceDiffs, 1)),
      `${percent(medianDuration)} ${verdict(medianDuration <= durationBar)}`,
      percent(quantile(durationDiffs, 0.9)),
      percent(quantile(durationDiffs, 1)),
      `${unreachable} ${verdict(unreachable === 0)}`,
      Math.round(tableMs),
    ]);
  }

  const routeRows: (string | number)[][] = [];
  const routeNames = [...Array.from({ length: 10 }, (_, i) => `route-${String(i + 1).padStart(2, '0')}`), 'route-multi-01', 'route-multi-02'];
  for (const name of routeNames) {
    const fixture = load(city, name);
    if (!fixture) continue;
    const osrm = fixture.response.routes[0];
    try {
      const started = performance.now();
      const { route } = await provider.route({ coordinates: coordinatesOf(fixture), steps: true });
      const routeMs = performance.now() - started;
      routeRows.push([
        name,
        Math.round(osrm.distance),
        Math.round(route.distance),
        percent((route.distance - osrm.distance) / osrm.distance),
        Math.round(osrm.duration),
        Math.round(route.duration),
        percent((route.duration - osrm.duration) / osrm.duration),
        verdict(relative(route.distance, osrm.distance) <= distanceBar && relative(route.duration, osrm.duration) <= durationBar),
        routeMs.toFixed(1),
      ]);
    } catch (error) {
      if (!(error instanceof RoutingError)) throw error;
      routeRows.push([name, Math.round(osrm.distance), error.code, '–', Math.round(osrm.duration), '–', '–', verdict(false), '–']);
    }
  }
  printTable(
    `${city}: routes, OSRM beside ours (signed difference)`,
    ['route', 'OSRM m', 'ours m', 'Δ dist', 'OSRM s', 'ours s', 'Δ time', 'within bars', 'ours ms'],
    routeRows,
  );
  await provider.close?.();
}

printTable(
  `Tables: |relative difference| per pair, ${args.provider} vs OSRM (bars: median ≤ ${distanceBar * 100} % distance, ≤ ${durationBar * 100} % duration, 0 unreachable)`,
  ['table', 'pairs', 'median dist', 'p90 dist', 'max dist', 'median time', 'p90 time', 'max time', 'OSRM-only pairs', 'ours ms'],
  summaryRows,
);
