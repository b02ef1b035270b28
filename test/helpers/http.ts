/**
 * The whole HTTP app on a fresh database, listening on a free loopback port, driven with fetch.
 * The admin's API token is fixed so tests can act as admin straight away.
 */
import type { RequestHandler } from 'express';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { CommandContext } from '../../src/commands/context';
import type { LockoutPolicy } from '../../src/commands/login';
import type { RateLimits } from '../../src/auth/rate-limits';
import type { Clock } from '../../src/domain/clock';
import { suiteClock } from './clock';
import { EventBus } from '../../src/domain/events';
import { createApp, type AppDeps } from '../../src/http/app';
import type { Mount } from '../../src/http/mount';
import type { Geocoding } from '../../src/geocoding/place-order';
import { createLogger } from '../../src/logger';
import { ensureAdmin } from '../../src/seed/credentials';
import type { TestBackend, TestDatabase } from './database';

export const adminToken = 'test-admin-token-0123456789';

export interface Reply<T = any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  body: T;
  headers: Headers;
}

export interface RequestOptions {
  body?: unknown;
  /** Bearer token; the admin's unless null (anonymous) or another token. */
  token?: string | null;
  headers?: Record<string, string>;
  /** Sent as is instead of JSON-encoding `body`. */
  rawBody?: string;
}

export interface TestApp {
  url: string;
  database: TestDatabase;
  commands: CommandContext;
  events: EventBus;
  request<T = any>(method: string, path: string, options?: RequestOptions): Promise<Reply<T>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  close(): Promise<void>;
}

export async function startTestApp(
  backend: TestBackend,
  options: { mounts?: Mount[]; jsonLimit?: string; clock?: Clock; geocoding?: Geocoding; lockout?: LockoutPolicy; limits?: RateLimits } & Pick<AppDeps, 'security' | 'trustProxy'> = {},
): Promise<TestApp> {
  const database = await backend.open();
  const events = new EventBus();
  const commands: CommandContext = { db: database.knex, events, clock: options.clock ?? suiteClock };
  await ensureAdmin(commands, adminToken);
  const app = createApp({
    database,
    commands,
    logger: createLogger('silent'),
    mounts: options.mounts,
    jsonLimit: options.jsonLimit,
    security: options.security,
    trustProxy: options.trustProxy,
    geocoding: options.geocoding,
    lockout: options.lockout,
    limits: options.limits,
  });
  const server: Server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url,
    database,
    commands,
    events,
    async request(method, path, { body, token, headers = {}, rawBody } = {}) {
      const auth: Record<string, string> = token === null ? {} : { authorization: `Bearer ${token ?? adminToken}` };
      const hasBody = rawBody !== undefined || body !== undefined;
      const response = await fetch(url + path, {
        method,
        headers: { ...(hasBody ? { 'content-type': 'application/json' } : {}), ...auth, ...headers },
        body: rawBody ?? (body === undefined ? undefined : JSON.stringify(body)),
      });
      const text = await response.text();
      return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
    },
    async close() {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await database.dispose();
    },
  };
}

export const depotInput = {
  name: 'Bergheim',
  location: [8.6724, 49.4093],
  address: 'Bergheimer Straße 120, Heidelberg',
  timeZone: 'Europe/Berlin',
  openingHours: { mon: [['07:00', '20:00']] },
};

export function vehicleInput(startDepotId: number, overrides: Record<string, unknown> = {}) {
  return { name: 'Van', startDepotId, capacity: { weightKg: 800, volumeL: 6000, items: 120 }, ...overrides };
}

/** Runs express handlers one after another, as a router would: for mounts that join after the app is made. */
export function chain(handlers: RequestHandler[], req: Parameters<RequestHandler>[0], res: Parameters<RequestHandler>[1], next: Parameters<RequestHandler>[2]): void {
  const [head, ...rest] = handlers;
  if (!head) return next();
  head(req, res, (error?: unknown) => (error ? next(error) : chain(rest, req, res, next)));
}
