/**
 * Instances in the style of Gehring & Homberger (1999), any size, seeded: the same arguments give the same
 * file on every machine. Written in the Solomon text format (solver/format/solomon.ts reads it), so they are
 * solved, checked and compared exactly as the published sets.
 *
 * - class C: customers in clusters around a few centres; R: uniform on the square; RC: half and half.
 * - type 1: short horizon and capacity 200 (many short routes); type 2: a horizon four times as long and
 *   capacity 700 (C) or 1000 (R, RC), few long routes — as in the published sets.
 * - windows: `tight` (a few percent of the horizon, as R1) or `loose` (a fifth to a half of it); every window
 *   is reachable from the depot and leaves time to return, so every instance has a feasible solution (one
 *   route per customer, as many vehicles as customers / 4 like the published sets, may not be enough).
 * - service: 90 for C, 10 for R and RC; demands 1…50; coordinates on a 0…500 square, the depot at its centre.
 *
 *   npx tsx benchmarks/gh-generator.ts --customers 1000 --class RC --type 1 --windows tight --seed 3 > rc1.txt
 */
import { parseArgs } from 'node:util';
import { seededRandom } from '../src/seed/random';

export type InstanceClass = 'C' | 'R' | 'RC';
export type WindowKind = 'tight' | 'loose';

export interface GeneratorOptions {
  customers: number;
  cls: InstanceClass;
  type: 1 | 2;
  windows: WindowKind;
  seed: number;
}

const SIDE = 500;

/** The instance as Solomon text (CRLF like the published files), named e.g. `gen_rc1_1000_tight_s3`. */
export function generateInstance({ customers, cls, type, windows, seed }: GeneratorOptions): { name: string; text: string } {
  const random = seededRandom(seed * 7919 + customers * 31 + (type === 2 ? 17 : 0) + (windows === 'loose' ? 101 : 0) + cls.length * 3 + cls.charCodeAt(0));
  const depot: [number, number] = [SIDE / 2, SIDE / 2];
  const centres = Array.from({ length: Math.max(4, Math.round(customers / 40)) }, () => [20 + random() * (SIDE - 40), 20 + random() * (SIDE - 40)] as const);
  const clustered = (index: number) => cls === 'C' || (cls === 'RC' && index % 2 === 0);
  const points: Array<[number, number]> = [];
  for (let i = 0; i < customers; i++) {
    if (clustered(i)) {
      const [cx, cy] = centres[Math.floor(random() * centres.length)]!;
      // Gaussian-ish spread (sum of uniforms) around the centre, kept on the square.
      const spread = 12;
      const dx = (random() + random() + random() - 1.5) * 2 * spread;
      const dy = (random() + random() + random() - 1.5) * 2 * spread;
      points.push([clamp(Math.round(cx + dx)), clamp(Math.round(cy + dy))]);
    } else points.push([Math.round(random() * SIDE), Math.round(random() * SIDE)]);
  }
  const service = cls === 'C' ? 90 : 10;
  const capacity = type === 1 ? 200 : cls === 'C' ? 700 : 1000;
  const farthest = Math.max(...points.map((p) => distance(p, depot)));
  // Type 1: room for about 10 stops of service and a trip to the edge and back; type 2 four times that.
  const horizon = Math.round((type === 1 ? 1 : 4) * (2.2 * farthest + 10 * service));
  const rows: string[] = [];
  rows.push(row(0, depot, 0, 0, horizon, 0));
  points.forEach((point, index) => {
    const toDepot = distance(point, depot);
    const earliest = Math.ceil(toDepot);
    const latest = Math.floor(horizon - toDepot - service);
    const width = horizon * (windows === 'tight' ? 0.02 + random() * 0.06 : 0.2 + random() * 0.3);
    const centre = earliest + random() * Math.max(0, latest - earliest);
    const ready = Math.max(0, Math.round(centre - width / 2));
    const due = Math.max(earliest, Math.min(latest, Math.round(centre + width / 2)));
    rows.push(row(index + 1, point, 1 + Math.floor(random() * 50), Math.min(ready, due), due, service));
  });
  const name = `gen_${cls.toLowerCase()}${type}_${customers}_${windows}_s${seed}`;
  const text = [name, '', 'VEHICLE', 'NUMBER     CAPACITY', `${pad(Math.ceil(customers / 4))}${pad(capacity)}`, '', 'CUSTOMER',
    'CUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE TIME', ' ', ...rows, ''].join('\r\n');
  return { name, text };
}

/** The benchmark's suite: each class and type, tight and loose windows (12 instances per seed). */
export function generatedSuite(customers: number, seed: number): GeneratorOptions[] {
  const suite: GeneratorOptions[] = [];
  for (const cls of ['C', 'R', 'RC'] as const)
    for (const type of [1, 2] as const) for (const windows of ['tight', 'loose'] as const) suite.push({ customers, cls, type, windows, seed });
  return suite;
}

function row(id: number, [x, y]: readonly [number, number], demand: number, ready: number, due: number, service: number): string {
  return [id, x, y, demand, ready, due, service].map((value) => pad(value)).join('');
}

function pad(value: number): string {
  return String(value).padStart(10);
}

function distance([x1, y1]: readonly [number, number], [x2, y2]: readonly [number, number]): number {
  return Math.hypot(x1 - x2, y1 - y2);
}

function clamp(value: number): number {
  return Math.min(SIDE, Math.max(0, value));
}


if (import.meta.filename === process.argv[1]) {
  const { values } = parseArgs({
    options: {
      customers: { type: 'string', default: '1000' },
      class: { type: 'string', default: 'R' },
      type: { type: 'string', default: '1' },
      windows: { type: 'string', default: 'tight' },
      seed: { type: 'string', default: '1' },
    },
  });
  const customers = Number(values.customers);
  const cls = values.class!.toUpperCase() as InstanceClass;
  const type = Number(values.type) as 1 | 2;
  const windows = values.windows as WindowKind;
  if (!(Number.isInteger(customers) && customers > 0) || !['C', 'R', 'RC'].includes(cls) || ![1, 2].includes(type) || !['tight', 'loose'].includes(windows)) {
    console.error('usage: gh-generator.ts [--customers N] [--class C|R|RC] [--type 1|2] [--windows tight|loose] [--seed N]');
    process.exit(2);
  }
  process.stdout.write(generateInstance({ customers, cls, type, windows, seed: Number(values.seed) }).text);
}
