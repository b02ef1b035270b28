/**
 * How fast the CLI gets to work: `lastmile solve data/benchmarks/solomon/c101.txt --time-limit 1`, run as
 * users run it (bin/lastmile.js, compiled JavaScript from dist/cli) beside the old way (TypeScript through tsx
 * at start, as bin/lastmile.js did before). Per run: wall time to exit, and time from spawning the process to the
 * solver's start (the first --progress line's arrival less the solving time it reports).
 * Bars: exit within 1.6 s wall; solving starts within 0.5 s.
 *
 *   npm run bench:cli [-- --runs 3]
 */
import { spawn } from 'node:child_process';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' } } });
const runs = Number(values.runs);
const root = fileURLToPath(new URL('../', import.meta.url));
const solveArgs = ['solve', 'data/benchmarks/solomon/c101.txt', '--time-limit', '1', '--progress'];

interface Sample {
  wallMs: number;
  solveStartMs: number;
}

function runOnce(args: string[]): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let solveStartMs = NaN;
    let stderr = '';
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'ignore', 'pipe'] });
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr += chunk;
      // "seed 1: 0.0 s, iteration …": the solve began that many seconds before this line arrived.
      const first = /^seed \d+: (\d+\.\d) s/m.exec(stderr);
      if (first && Number.isNaN(solveStartMs)) solveStartMs = performance.now() - started - Number(first[1]) * 1000;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`exit ${code}: ${stderr}`));
      else resolve({ wallMs: performance.now() - started, solveStartMs });
    });
  });
}

const ways: { name: string; args: string[] }[] = [
  { name: 'bin/lastmile.js (compiled, dist/cli)', args: ['bin/lastmile.js', ...solveArgs] },
  { name: 'tsx at start (before)', args: ['--import', 'tsx', 'src/cli/main.ts', ...solveArgs] },
];

// One unmeasured run each: the compiled CLI is (re)built if a source is newer, and the disk cache is warm for both.
for (const way of ways) await runOnce(way.args);

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[] = [];
// Node's own start on this machine at this load: the floor under both.
const bare: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  await new Promise((resolve) => spawn(process.execPath, ['-e', '0']).on('close', resolve));
  bare.push(performance.now() - started);
}
rows.push(`| node -e 0 (node's own start) | ${runs} | ${(median(bare) / 1000).toFixed(2)} s | ${(Math.max(...bare) / 1000).toFixed(2)} s | | |`);
for (const way of ways) {
  const samples: Sample[] = [];
  for (let i = 0; i < runs; i++) samples.push(await runOnce(way.args));
  const wall = samples.map((sample) => sample.wallMs);
  const start = samples.map((sample) => sample.solveStartMs);
  rows.push(`| ${way.name} | ${runs} | ${(median(wall) / 1000).toFixed(2)} s | ${(Math.max(...wall) / 1000).toFixed(2)} s | ${(median(start) / 1000).toFixed(2)} s | ${(Math.max(...start) / 1000).toFixed(2)} s |`);
}

console.log(`CLI start on c101 with --time-limit 1 (load average ${(await import('node:os')).loadavg().map((load) => load.toFixed(1)).join(' ')})\n`);
console.log('| how | runs | wall p50 | wall max | solve starts p50 | solve starts max |');
console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
for (const row of rows) console.log(row);
console.log('| bar | | ≤ 1.60 s | | ≤ 0.50 s | |');
