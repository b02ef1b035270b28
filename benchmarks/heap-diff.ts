/**
 * What grew between two heap snapshots (the soak's `--snapshots DIR` writes one after the warm-up and one at the
 * end): self size and object count per constructor, largest growth first. Prints a table.
 *
 *   npm run bench:heap-diff -- BEFORE.heapsnapshot AFTER.heapsnapshot [--top 30]
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '30' } } });
if (positionals.length !== 2) throw new Error('give two .heapsnapshot files: before and after');

interface Totals {
  count: number;
  bytes: number;
}

function byConstructor(file: string): Map<string, Totals> {
  const snapshot = JSON.parse(readFileSync(file, 'utf8')) as {
    snapshot: { meta: { node_fields: string[]; node_types: [string[]] } };
    nodes: number[];
    strings: string[];
  };
  const fields = snapshot.snapshot.meta.node_fields;
  const types = snapshot.snapshot.meta.node_types[0];
  const [typeAt, nameAt, sizeAt] = ['type', 'name', 'self_size'].map((field) => fields.indexOf(field)) as [number, number, number];
  const totals = new Map<string, Totals>();
  for (let index = 0; index < snapshot.nodes.length; index += fields.length) {
    const type = types[snapshot.nodes[index + typeAt]!]!;
    // Objects and closures by their constructor or function name; strings, code, arrays… by their kind.
    const name = type === 'object' ? snapshot.strings[snapshot.nodes[index + nameAt]!]! : type === 'closure' ? `closure ${snapshot.strings[snapshot.nodes[index + nameAt]!]}` : `(${type})`;
    const entry = totals.get(name) ?? { count: 0, bytes: 0 };
    entry.count++;
    entry.bytes += snapshot.nodes[index + sizeAt]!;
    totals.set(name, entry);
  }
  return totals;
}

const before = byConstructor(positionals[0]!);
const after = byConstructor(positionals[1]!);
const rows = [...after].map(([name, now]) => {
  const then = before.get(name) ?? { count: 0, bytes: 0 };
  return { name, bytes: now.bytes - then.bytes, count: now.count - then.count, total: now.bytes };
});
rows.sort((a, b) => b.bytes - a.bytes);
const kb = (bytes: number) => (bytes / 1024).toFixed(0);
const sum = (totals: Map<string, Totals>) => [...totals.values()].reduce((total, entry) => total + entry.bytes, 0);
console.log(`\n## Heap growth by constructor: ${kb(sum(before))} KB → ${kb(sum(after))} KB\n`);
console.log('| constructor | growth (KB) | objects added | size at end (KB) |');
console.log('| --- | ---: | ---: | ---: |');
for (const row of rows.slice(0, Number(args.top))) console.log(`| ${row.name.slice(0, 80).replace(/\|/g, '\\|')} | ${kb(row.bytes)} | ${row.count} | ${kb(row.total)} |`);
