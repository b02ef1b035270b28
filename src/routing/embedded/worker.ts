/**
 * A routing worker thread (piscina): routes on the graph the main thread loaded, read from the shared memory
 * handed over once as workerData, so a plan's matrix and road geometry never hold up the event loop.
 * RoutingErrors come back as values: a thrown error loses its code and coordinate index on the way.
 */
import { workerData } from 'node:worker_threads';
import { RoutingError, type RoadMatrix, type RouteRequest, type RouteResult, type TableRequest, type TableResult } from '../provider';
import { createEmbeddedRouter, type SharedGraph } from './index';
import type { LonLat } from '../../domain/model/geometry';

export type RoutingTask = { kind: 'table'; request: TableRequest } | { kind: 'route'; request: RouteRequest } | { kind: 'matrix'; coordinates: LonLat[] };
export type RoutingAnswer<T> = { ok: T } | { error: { code: RoutingError['code']; message: string; coordinateIndex?: number } };

const router = createEmbeddedRouter(workerData as SharedGraph);

export default async function routingTask(task: RoutingTask): Promise<RoutingAnswer<TableResult | RouteResult | RoadMatrix>> {
  try {
    if (task.kind === 'table') return { ok: await router.table(task.request) };
    if (task.kind === 'route') return { ok: await router.route(task.request) };
    return { ok: await router.matrix(task.coordinates) };
  } catch (error) {
    if (!(error instanceof RoutingError)) throw error;
    return { error: { code: error.code, message: error.message, ...(error.coordinateIndex !== undefined ? { coordinateIndex: error.coordinateIndex } : {}) } };
  }
}
