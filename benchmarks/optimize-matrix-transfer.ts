/**
 * What a 1,000 × 1,000 matrix costs to hand to a worker thread, three ways:
 *   nested  — number[][] as is (structured clone walks a million boxed numbers);
 *   flat    — one Float64Array (+ size) copied as a block, read flat in the worker;
 *   shared  — the Float64Array on a SharedArrayBuffer: no copy at all, every seed's task reads the same memory.
 * "main ms" is what the HTTP event loop is blocked for (encode + postMessage); "ready ms" is until the worker
 * has read an entry through the solver's matrix reader (model/matrix-input.ts), rows or flat as they came.
 *
 *   npx tsx benchmarks/optimize-matrix-transfer.ts
 */
import { Worker } from 'node:worker_threads';
import { matrixReader } from '../solver/model/matrix-input';
import { encodeMatrix } from '../solver/worker-transfer';

const SIZE = 1000;
const ROUNDS = 7;

const matrix = Array.from({ length: SIZE }, (_, i) => Array.from({ length: SIZE }, (_, j) => (i === j ? 0 : 60 + ((i * 7919 + j * 104729) % 3600))));

// The worker reads with the solver's own reader (tsx registered on that thread, as worker-loader.mjs does).
const workerSource = `
  import { parentPort } from 'node:worker_threads';
  import { register } from ${JSON.stringify(import.meta.resolve('tsx/esm/api'))};
  register();
  const { matrixReader } = await import(${JSON.stringify(new URL('../solver/model/matrix-input.ts', import.meta.url).href)});
  parentPort.on('message', ({ payload }) => {
    const reader = matrixReader(payload);
    parentPort.postMessage({ checksum: reader.row(reader.rows - 1)[reader.rows - 2], at: performance.timeOrigin + performance.now() });
  });
  parentPort.postMessage('ready');
`;
const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(workerSource)}`));
await new Promise((resolve) => worker.once('message', resolve));

type Kind = 'nested' | 'flat' | 'shared';
/** Several seeds of one problem: each task carries the matrix. */
const TASKS = 4;

async function once(kind: Kind, tasks: number): Promise<{ mainMs: number; readyMs: number }> {
  const replies: Array<{ checksum: number; at: number }> = [];
  const allReplied = new Promise<void>((resolve) => {
    const onReply = (reply: { checksum: number; at: number }) => {
      replies.push(reply);
      if (replies.length === tasks) {
        worker.off('message', onReply);
        resolve();
      }
    };
    worker.on('message', onReply);
  });
  const start = performance.timeOrigin + performance.now();
  // Nested and flat are copied per task; shared is encoded once and never copied.
  const sharedPayload = kind === 'shared' ? encodeMatrix(matrix, { shared: true }) : undefined;
  for (let task = 0; task < tasks; task++) {
    const payload = kind === 'nested' ? matrix : (sharedPayload ?? encodeMatrix(matrix));
    worker.postMessage({ kind, payload });
  }
  const mainMs = performance.timeOrigin + performance.now() - start;
  await allReplied;
  for (const { checksum } of replies) if (checksum !== matrix[SIZE - 1]![SIZE - 2]) throw new Error(`${kind}: the worker read a different matrix`);
  return { mainMs, readyMs: Math.max(...replies.map((reply) => reply.at)) - start };
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const rows: string[][] = [];
for (const kind of ['nested', 'flat', 'shared'] as const) {
  const row: string[] = [kind];
  for (const tasks of [1, TASKS]) {
    await once(kind, tasks); // warm-up
    const runs = [];
    for (let round = 0; round < ROUNDS; round++) runs.push(await once(kind, tasks));
    row.push(median(runs.map((r) => r.mainMs)).toFixed(1), median(runs.map((r) => r.readyMs)).toFixed(1));
  }
  rows.push(row);
}
await worker.terminate();

// Round-trip check of the codec itself, nulls included.
const withGap = [[0, null], [5, 0]];
const reread = matrixReader(encodeMatrix(withGap))!;
const rowsRead = [0, 1].map((i) => Array.from(reread.row(i)!, (value) => (reread.noRoad(value) ? null : value)));
if (JSON.stringify(rowsRead) !== JSON.stringify(withGap)) throw new Error('codec lost a null');

console.log(`Matrix ${SIZE} × ${SIZE} to a worker thread, median of ${ROUNDS} (main = event loop blocked; ready = an entry read in the worker)`);
const header = ['transfer', 'main ms, 1 task', 'ready ms, 1 task', `main ms, ${TASKS} tasks`, `ready ms, ${TASKS} tasks`];
console.log(header.map((cell) => cell.padEnd(18)).join(''));
for (const row of rows) console.log(row.map((cell) => cell.padEnd(18)).join(''));
const cheapest = rows.reduce((best: string[], row) => (Number(row[3]) < Number(best[3]) ? row : best));
console.log(`Cheapest for the event loop with ${TASKS} seeds: ${cheapest[0]} (src/solving/pool-solver.ts sends shared).`);
