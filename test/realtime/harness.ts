/**
 * The service with its realtime server on a fresh database, listening on loopback, plus a small
 * fleet: a depot, two vans with a driver each, a dispatcher, and orders on the first van.
 */
import type { EpochWindow } from '../../src/domain/model/time-window';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { io as connect, type Socket } from 'socket.io-client';
import type { CommandContext } from '../../src/commands/context';
import { repositories } from '../../src/db/repositories';
import type { Clock } from '../../src/domain/clock';
import { suiteClock } from '../helpers/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import type { Mount } from '../../src/http/mount';
import { positionsMount } from '../../src/http/routes/positions.routes';
import { stopsMount } from '../../src/http/routes/stops.routes';
import { createLogger } from '../../src/logger';
import type { ClientToServerEvents, ServerToClientEvents, SocketAuth } from '../../src/protocol/socket';
import { startRealtime, type Realtime, type RealtimeOptions } from '../../src/realtime/server';
import { ensureAdmin } from '../../src/seed/credentials';
import type { TestDatabase } from '../helpers/database';
import { adminToken, depotInput, vehicleInput } from '../helpers/http';
import { linkToken, orderInput } from '../helpers/orders';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Node {
  url: string;
  events: EventBus;
  commands: CommandContext;
  realtime: Realtime;
  request<T = any>(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; body: T }>; // eslint-disable-line @typescript-eslint/no-explicit-any
  connect(auth: SocketAuth): ClientSocket;
  close(): Promise<void>;
}

/** One server process's worth: app, HTTP server and realtime on the given database. */
export async function startNode(
  database: TestDatabase,
  options: Partial<RealtimeOptions> & { pool?: pg.Pool; clock?: Clock } = {},
  moreMounts: (commands: CommandContext) => Mount[] = () => [],
): Promise<Node> {
  const events = new EventBus();
  const commands: CommandContext = { db: database.knex, events, clock: options.clock ?? suiteClock };
  await ensureAdmin(commands, adminToken);
  const logger = createLogger('silent');
  const app = createApp({ database, commands, logger, mounts: [positionsMount(commands), stopsMount(commands), ...moreMounts(commands)] });
  const server: Server = createServer(app);
  const realtime = await startRealtime(server, { commands, logger, adapterPool: options.pool, ...options });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const sockets: ClientSocket[] = [];
  return {
    url,
    events,
    commands,
    realtime,
    async request(method, path, body, token = adminToken) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    connect(auth) {
      const socket: ClientSocket = connect(url, { auth: { ...auth }, transports: ['websocket'], reconnection: false, forceNew: true });
      sockets.push(socket);
      return socket;
    },
    async close() {
      for (const socket of sockets) socket.disconnect();
      // Keep-alive fetch connections would hold the HTTP server open.
      server.closeAllConnections();
      await realtime.close();
    },
  };
}

export interface Fleet {
  depotId: number;
  vehicleIds: [number, number];
  driverTokens: [string, string];
  dispatcherToken: string;
  /** On the first van, out for delivery. */
  orders: { id: number; trackingToken: string }[];
}

export async function seedFleet(node: Node): Promise<Fleet> {
  const ok = <T>(reply: { status: number; body: T }) => {
    if (reply.status >= 300) throw new Error(`seed failed: ${JSON.stringify(reply.body)}`);
    return reply.body;
  };
  const depot = ok(await node.request('POST', '/api/v1/depots', depotInput)) as { id: number };
  const vehicleIds: number[] = [];
  const driverTokens: string[] = [];
  for (const index of [1, 2]) {
    const vehicle = ok(await node.request('POST', '/api/v1/vehicles', vehicleInput(depot.id, { name: `Van ${index}` }))) as { id: number };
    vehicleIds.push(vehicle.id);
    ok(await node.request('POST', '/api/v1/drivers', { name: `Driver ${index}`, username: `driver${index}`, password: 'secret-password', vehicleId: vehicle.id }));
    driverTokens.push((ok(await node.request('POST', '/api/v1/auth/login', { username: `driver${index}`, password: 'secret-password' })) as { token: string }).token);
  }
  ok(await node.request('POST', '/api/v1/users', { username: 'dispatch', name: 'Dispatch', role: 'dispatcher', password: 'secret-password' }));
  const dispatcherToken = (ok(await node.request('POST', '/api/v1/auth/login', { username: 'dispatch', password: 'secret-password' })) as { token: string }).token;

  const repos = repositories(node.commands.db);
  const orders = [];
  for (const index of [1, 2]) {
    const order = ok(await node.request('POST', '/api/v1/orders', { ...orderInput(index), depotId: depot.id })) as { id: number; trackingLink: string };
    await repos.orders.setAssignedVehicle(order.id, vehicleIds[0]!);
    await repos.orders.setStatusMany([order.id], 'out_for_delivery');
    orders.push({ id: order.id, trackingToken: linkToken(order.trackingLink) });
  }
  return { depotId: depot.id, vehicleIds: vehicleIds as [number, number], driverTokens: driverTokens as [string, string], dispatcherToken, orders };
}

/** Resolves with the next `event` the socket receives that satisfies `match`. */
export function nextEvent<T>(socket: ClientSocket, event: string, match: (payload: T) => boolean = () => true, timeoutMs = 3000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${event} within ${timeoutMs} ms`)), timeoutMs);
    const listener = (payload: T) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      (socket as unknown as { off(name: string, fn: unknown): void }).off(event, listener);
      resolve(payload);
    };
    (socket as unknown as { on(name: string, fn: unknown): void }).on(event, listener);
  });
}

/** Emits a request and resolves with its ack. */
export function request<T = any>(socket: ClientSocket, event: keyof ClientToServerEvents, payload: unknown): Promise<T> { // eslint-disable-line @typescript-eslint/no-explicit-any
  return (socket.timeout(3000) as unknown as { emitWithAck(name: string, body: unknown): Promise<T> }).emitWithAck(event, payload);
}

export const nowEpoch = () => Math.floor(Date.now() / 1000);

export function fix(recordedAt: number, location: [number, number] = [8.69, 49.41]) {
  return { location, accuracyMeters: 8, speedMetersPerSecond: 9, headingDegrees: 90, recordedAt };
}

export interface DispatchedRoute {
  routeId: number;
  /** In sequence, one per order of the fleet. */
  stopIds: number[];
}

/**
 * A dispatched plan with one route for the first van through the fleet's orders, as planning
 * would write it: along a straight street east of the depot, a stop every `spacingMeters`.
 */
/** `windowOf`: a stop's promised window from its index and planned arrival (default: from the start to `windowMinutes` after the arrival). */
export async function dispatchRoute(
  node: Node,
  fleet: Fleet,
  options: { startEpoch?: number; windowMinutes?: number; windowOf?: (index: number, plannedArrivalEpoch: number) => EpochWindow } = {},
): Promise<DispatchedRoute> {
  const repos = repositories(node.commands.db);
  const start = options.startEpoch ?? nowEpoch();
  const plan = await repos.plans.insert({
    depotId: fleet.depotId,
    date: new Date(start * 1000).toISOString().slice(0, 10),
    vehicleIds: [fleet.vehicleIds[0]],
    orderIds: fleet.orders.map((order) => order.id),
    options: {},
    timeLimitSeconds: 1,
    createdBy: 'test',
  });
  const origin: [number, number] = [8.6724, 49.4093];
  // About 730 m per 0.01° of longitude here; 600 s of driving between stops.
  const stopLocations = fleet.orders.map((_, index) => [origin[0] + 0.01 * (index + 1), origin[1]] as [number, number]);
  const empty = { weightKg: 0, volumeL: 0, items: 0 };
  const window = (options.windowMinutes ?? 60) * 60;
  const [routeId] = await repos.routes.insertMany(plan.id, [
    {
      vehicleId: fleet.vehicleIds[0],
      driverId: null,
      status: 'planned',
      startLocation: origin,
      endLocation: origin,
      returnsToDepot: true,
      departureEpoch: start,
      arrivalEpoch: start + 3600,
      distanceMeters: 3000,
      drivingSeconds: 1800,
      serviceSeconds: 600,
      waitingSeconds: 0,
      cost: 1,
      initialLoad: empty,
      breaks: [],
      reloads: [],
      violations: [],
      geometry: { type: 'LineString', coordinates: [origin, ...stopLocations] },
      stops: stopLocations.map((location, index) => ({
        orderId: fleet.orders[index]!.id,
        sequence: index + 1,
        status: 'pending',
        locked: false,
        location,
        promisedWindows: [options.windowOf?.(index, start + 600 * (index + 1)) ?? { startEpochSeconds: start, endEpochSeconds: start + 600 * (index + 1) + window }],
        plannedArrivalEpoch: start + 600 * (index + 1),
        serviceStartEpoch: start + 600 * (index + 1),
        plannedDepartureEpoch: start + 600 * (index + 1) + 300,
        waitingSeconds: 0,
        serviceSeconds: 300,
        distanceFromStartMeters: 730 * (index + 1),
        drivingFromStartSeconds: 600 * (index + 1),
        loadAfter: empty,
        violations: [],
        dispatchedEtaEpoch: null,
        liveEtaEpoch: null,
        actualArrivalEpoch: null,
        completedAtEpoch: null,
      })),
    },
  ]);
  await repos.routes.dispatch(plan.id, new Map());
  await repos.orders.setStatusMany(fleet.orders.map((order) => order.id), 'dispatched');
  const [route] = (await repos.routes.listForPlan(plan.id)).filter((candidate) => candidate.id === routeId);
  return { routeId: routeId!, stopIds: route!.stops.map((stop) => stop.id) };
}
