/**
 * The embedded network with its heavy queries on worker threads: tables, matrices and routes run on a piscina
 * pool whose threads route on the graph the main thread loaded, shared read-only (SharedArrayBuffers handed over
 * once), so a 3,000-place matrix or a day's road geometry never holds up the event loop. Snapping a single point
 * (nearest), the extent and the base map stay on the calling thread: they take microseconds. The answers are the
 * main-thread router's, computed by the same code.
 */
import { createRequire } from 'node:module';
import type Piscina from 'piscina';
import { RoutingError, type RoadMatrix, type RouteResult, type TableResult } from '../provider';
import type { EmbeddedRouting } from './index';
import type { RoutingAnswer, RoutingTask } from './worker';

/** The service runs from TypeScript: the loader registers tsx on the worker thread first. */
const workerFile = new URL('./worker-loader.mjs', import.meta.url).href;

/** `idleSeconds`: a thread idle this long ends, and its caches and a large matrix's leftovers with it (default 60). */
export function onWorkerThreads(router: EmbeddedRouting, { threads, idleSeconds = 60 }: { threads: number; idleSeconds?: number }): EmbeddedRouting {
  const Pool = createRequire(import.meta.url)('piscina') as typeof Piscina;
  const pool = new Pool<RoutingTask, RoutingAnswer<unknown>>({ filename: workerFile, workerData: router.sharedGraph(), minThreads: 0, maxThreads: threads, idleTimeout: idleSeconds * 1000 });
  const run = async <T>(task: RoutingTask): Promise<T> => {
    const answer = await pool.run(task);
    if ('error' in answer) throw new RoutingError(answer.error.code, answer.error.message, answer.error.coordinateIndex);
    return answer.ok as T;
  };
  return {
    name: router.name,
    table: (request) => run<TableResult>({ kind: 'table', request }),
    route: (request) => run<RouteResult>({ kind: 'route', request }),
    matrix: (coordinates) => run<RoadMatrix>({ kind: 'matrix', coordinates }),
    nearest: (coordinate, maxDistanceMeters) => router.nearest(coordinate, maxDistanceMeters),
    nearestSegments: router.nearestSegments?.bind(router),
    extent: () => router.extent(),
    roadsInBox: (box, maxLines) => router.roadsInBox(box, maxLines),
    stats: () => router.stats(),
    sharedGraph: () => router.sharedGraph(),
    close: async () => {
      await pool.destroy();
      await router.close?.();
    },
  };
}
