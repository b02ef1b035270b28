/** GET /metrics: Prometheus text with request counts and latency, plan runs, sockets, outbox backlog, pool; guarded. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context';
import type { Clock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { createApp } from '../../src/http/app';
import { ServiceMetrics } from '../../src/http/metrics';
import { createLogger } from '../../src/logger';
import { ensureAdmin } from '../../src/seed/credentials';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { adminToken } from '../helpers/http';

const metricsToken = 'metrics-token-0123456789';

describe.each(testDatabases())('metrics on $engine', (backend) => {
  let database: TestDatabase;
  let servers: Server[] = [];
  let commands: CommandContext;
  let nowMs = 1_800_000_000_000;
  const clock: Clock = { nowMs: () => nowMs };

  async function start(token?: string): Promise<string> {
    const metrics = new ServiceMetrics(commands, { token });
    metrics.watchSockets(() => 3);
    const server = createServer(createApp({ database, commands, logger: createLogger('silent'), mounts: [metrics.mount()], metrics }));
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }

  beforeAll(async () => {
    database = await backend.open();
    commands = { db: database.knex, events: new EventBus(), clock };
    await ensureAdmin(commands, adminToken);
  });

  afterAll(async () => {
    for (const server of servers) {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
    servers = [];
    await database.dispose();
  });

  it('counts requests by route pattern, plan runs and their time, and reads the gauges', async () => {
    const url = await start();
    for (let index = 0; index < 3; index++) await fetch(`${url}/api/v1/depots/${index + 1}`, { headers: { authorization: `Bearer ${adminToken}` } });
    await fetch(`${url}/api/v1/nothing-here/${Math.random()}`);
    commands.events.publish('plan.status_changed', { planId: 7, depotId: 1, status: 'running', actor: 'system' });
    nowMs += 4_000;
    commands.events.publish('plan.status_changed', { planId: 7, depotId: 1, status: 'succeeded', actor: 'system' });
    const reply = await fetch(`${url}/metrics`);
    expect(reply.status).toBe(200);
    expect(reply.headers.get('content-type')).toContain('text/plain');
    const text = await reply.text();
    expect(text).toMatch(/lastmile_http_requests_total\{method="GET",route="\/api\/v1\/depots\/:id",status="404"\} 3/);
    expect(text).toMatch(/lastmile_http_requests_total\{method="GET",route="unmatched",status="404"\} 1/);
    expect(text).toMatch(/lastmile_http_request_duration_seconds_count\{method="GET",route="\/api\/v1\/depots\/:id"\} 3/);
    expect(text).toMatch(/lastmile_plan_runs_total\{status="succeeded"\} 1/);
    expect(text).toMatch(/lastmile_plan_run_seconds_sum 4\n/);
    expect(text).toMatch(/lastmile_socket_connections 3/);
    expect(text).toMatch(/lastmile_outbox_backlog 0/);
    expect(text).toMatch(/lastmile_process_resident_memory_bytes \d+/);
    if (backend.engine === 'postgres') expect(text).toMatch(/lastmile_db_pool_connections\{state="used"\} \d+/);
  });

  it('wants the token when one is set', async () => {
    const url = await start(metricsToken);
    const without = await fetch(`${url}/metrics`);
    expect(without.status).toBe(403);
    expect((await without.json()).error.code).toBe('forbidden');
    expect((await fetch(`${url}/metrics`, { headers: { authorization: 'Bearer wrong' } })).status).toBe(403);
    expect((await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(200);
  });
});
