/**
 * The geocoding bar of issue 12 on the OSM extract: every address written as a person would (street with the
 * usual abbreviations and case, number, postcode, city), once as written and once with one typo in the street;
 * every named street asked with a number it does not have. Prints the counts beside the bar.
 *
 * Usage: npx tsx benchmarks/geocoding.ts [pbf]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEmbeddedGeocoder } from '../src/geocoding/embedded';
import { countAddresses, countStreets, surveyAddresses, surveyStreets } from '../test/helpers/geocoding-survey';

const pbfPath = process.argv[2] ?? 'data/osm/heidelberg.osm.pbf';
const cacheDir = mkdtempSync(join(tmpdir(), 'lastmile-geocoding-'));
const timed = <T>(work: () => T): [T, number] => {
  const start = performance.now();
  return [work(), performance.now() - start];
};
const rejected = (counts: Record<string, number>) => Object.entries(counts).map(([reason, count]) => `${count} ${reason}`).join(', ') || '0';

try {
  const [, buildMs] = timed(() => loadEmbeddedGeocoder({ pbfPath, cacheDir }));
  const [geocoder, reloadMs] = timed(() => loadEmbeddedGeocoder({ pbfPath, cacheDir }));
  const { addresses, streets } = geocoder.index;

  const [plain, plainMs] = timed(() => surveyAddresses(geocoder, addresses, { typo: false }));
  const [typo, typoMs] = timed(() => surveyAddresses(geocoder, addresses, { typo: true }));
  const [onStreets, streetsMs] = timed(() => surveyStreets(geocoder, streets, addresses));
  const [onStreetsTypo, streetsTypoMs] = timed(() => surveyStreets(geocoder, streets, addresses, { typo: true }));
  const a = countAddresses(plain);
  const t = countAddresses(typo);
  const s = countStreets(onStreets);
  const st = countStreets(onStreetsTypo);

  console.log(`\nGeocoding ${pbfPath}: ${addresses.length} address points, ${streets.length} named street stretches`);
  console.log(`index built in ${buildMs.toFixed(0)} ms, reloaded from cache in ${reloadMs.toFixed(0)} ms (machine shared; wall clock; load average ${loadavg().map((value) => value.toFixed(1)).join(' ')})\n`);
  console.log('| addresses | as written | one typo in the street | bar |');
  console.log('| --- | ---: | ---: | --- |');
  console.log(`| asked | ${a.total} | ${t.total} | every address of the extract |`);
  console.log(`| exact within 30 m of its own point | ${a.exactWithin30m} | ${t.exactWithin30m} | all |`);
  console.log(`| exact within 30 m of another point of the same address (entrances, building) | ${a.exactAtSamePlace} | ${t.exactAtSamePlace} | — |`);
  console.log(`| exact farther than 30 m | ${a.exactFarther} | ${t.exactFarther} | 0 |`);
  console.log(`| street (number not found) | ${a.street} | ${t.street} | — |`);
  console.log(`| rejected | ${rejected(a.rejected)} | ${rejected(t.rejected)} | — |`);
  console.log(`| placed more than 200 m away | ${a.placedOver200m} | ${t.placedOver200m} | **0** |`);
  console.log(`| time per query | ${((plainMs * 1000) / a.total).toFixed(0)} µs | ${((typoMs * 1000) / t.total).toFixed(0)} µs | — |`);
  console.log('\n| streets with an unknown number | as written | one typo in the name | bar |');
  console.log('| --- | ---: | ---: | --- |');
  const row = (label: string, value: (counts: typeof s) => number | string, bar: string) => console.log(`| ${label} | ${value(s)} | ${value(st)} | ${bar} |`);
  row('asked', (counts) => counts.total, 'every named street');
  row('street, on that street (≤ 30 m from its polyline)', (counts) => counts.onStreet, 'all');
  row('… of which one of several same-named stretches, the others returned as alternatives', (counts) => counts.onStreetWithAlternatives, '—');
  row('street, on another stretch that fits the address as well (same name, postcode, town as the extract knows them); the asked one among the alternatives (pin to confirm)', (counts) => counts.onAlternative, '—');
  row('street, on another stretch the address could have told apart; the asked one among the alternatives', (counts) => counts.onAlternativeTellable, '0');
  row('street, off that street and not among the alternatives (placed elsewhere)', (counts) => counts.offStreet, '**0**');
  row('exact (the number exists after all)', (counts) => counts.exact, '—');
  row('rejected', (counts) => rejected(counts.rejected), '0 (the street exists)');
  console.log(`| time per query | ${((streetsMs * 1000) / s.total).toFixed(0)} µs | ${((streetsTypoMs * 1000) / st.total).toFixed(0)} µs | — |\n`);
} finally {
  rmSync(cacheDir, { recursive: true, force: true });
}
