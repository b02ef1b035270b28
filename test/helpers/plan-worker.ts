/**
 * A plan worker in a process of its own, for failover tests: claims plans from the PostgreSQL schema in
 * PLAN_WORKER_SCHEMA under the owner PLAN_WORKER_OWNER, with the lease and heartbeat of PLAN_LEASE_SECONDS and
 * PLAN_HEARTBEAT_SECONDS, and builds its matrices on a road network that takes a minute to answer: the run is
 * still going (its heartbeat beating) when the test kills the process. Prints "ready" once it polls.
 */
import { loadConfig } from '../../src/config';
import { openDatabase } from '../../src/db/database';
import { EventBus } from '../../src/domain/events';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import type { RoutingProvider } from '../../src/routing/provider';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { beforePlanDate } from '../planning/fixtures';

const config = loadConfig(process.env);
const database = openDatabase({ engine: 'postgres', url: process.env.TEST_DATABASE_URL!, schema: process.env.PLAN_WORKER_SCHEMA! });
const straight = createHaversineProvider();
const slow: RoutingProvider = {
  ...straight,
  name: straight.name,
  table: async (request) => {
    await new Promise((resolve) => setTimeout(resolve, 60_000));
    return straight.table(request);
  },
};
const queue = new PlanQueue({
  context: { db: database.knex, events: new EventBus(), clock: beforePlanDate },
  solver: createPoolSolver({ threads: 1 }),
  routing: slow,
  owner: process.env.PLAN_WORKER_OWNER!,
  leaseSeconds: config.PLAN_LEASE_SECONDS,
  heartbeatSeconds: config.PLAN_HEARTBEAT_SECONDS,
  pollMs: 50,
});
await queue.start();
console.log('ready');
