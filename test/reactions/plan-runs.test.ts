import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { afterEach, describe, expect, it } from 'vitest';
import { systemPrincipal } from '../../src/auth/principal';
import { cancelPlan } from '../../src/commands/cancel-plan';
import type { CommandContext } from '../../src/commands/context';
import { createPlan } from '../../src/commands/create-plan';
import { openDatabase } from '../../src/db/database';
import { repositories } from '../../src/db/repositories';
import { EventBus } from '../../src/domain/events';
import { PlanQueue } from '../../src/reactions/plan-runs';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';
import { testDatabases, type TestBackend } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';
import { beforePlanDate, planDate, seedDay } from '../planning/fixtures';

const routing = createHaversineProvider();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out; last value ${JSON.stringify(value)}`);
    await sleep(30);
  }
}

describe.each(testDatabases())('plan queue on $engine', (backend: TestBackend) => {
  const cleanup: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function setup(): Promise<{ app: TestApp; context: CommandContext; planId: number }> {
    const app = await startTestApp(backend, { clock: beforePlanDate });
    cleanup.push(() => app.close());
    const { depotId, orderIds } = await seedDay(app, { orders: 4 });
    const plan = await createPlan(app.commands, { date: planDate, depotId, orderIds, timeLimitSeconds: 0.2, options: {} }, systemPrincipal);
    return { app, context: app.commands, planId: plan.id };
  }

  function startQueue(context: CommandContext, options: Partial<ConstructorParameters<typeof PlanQueue>[0]> = {}): PlanQueue {
    const queue = new PlanQueue({ context, solver: createPoolSolver({ threads: 1 }), routing, pollMs: 20, exclusiveDatabase: backend.engine === 'pglite', ...options });
    cleanup.push(() => queue.stop());
    return queue;
  }

  it('a plan left running by a process that died is run again by the next worker, never stuck', async () => {
    const { context, planId } = await setup();
    const plans = repositories(context.db).plans;
    const taken = await plans.claimNext('died-mid-run', 0.5);
    await plans.insertRun(planId, taken!.attempts, 'died-mid-run');
    expect(taken).toMatchObject({ id: planId, status: 'running', attempts: 1 });

    await startQueue(context).start();
    const plan = await until(() => plans.findById(planId), (p) => p!.status === 'succeeded');
    expect(plan!.attempts).toBe(2);
    // The run is recorded finished just after the result is stored.
    const runs = await until(() => plans.listRuns(planId), (list) => list.every((run) => run.status !== 'running'));
    expect(runs.map((run) => [run.worker === 'died-mid-run', run.status])).toEqual([
      [true, 'abandoned'],
      [false, 'succeeded'],
    ]);
    expect((await repositories(context.db).routes.listForPlan(planId)).length).toBeGreaterThan(0);
  });

  it('a plan whose runs keep dying fails with the reason after the last attempt, writing nothing', async () => {
    const { context, planId } = await setup();
    const plans = repositories(context.db).plans;
    for (const worker of ['died-1', 'died-2']) {
      await plans.claimNext(worker, 0.05);
      await sleep(100);
    }
    await startQueue(context, { maxAttempts: 2 }).start();
    const plan = await until(() => plans.findById(planId), (p) => p!.status !== 'running' && p!.status !== 'queued');
    expect(plan).toMatchObject({ status: 'failed', error: { code: 'run_abandoned' } });
    expect(await repositories(context.db).routes.listForPlan(planId)).toEqual([]);
  });

  it('a plan cancelled while it runs stores nothing and stays cancelled', async () => {
    const { context, planId } = await setup();
    const plans = repositories(context.db).plans;
    await context.db('plans').where({ id: planId }).update({ time_limit_seconds: 1 });
    const queue = startQueue(context);
    await queue.start();
    await until(() => plans.findById(planId), (p) => p!.status === 'running');
    await cancelPlan(context, planId, systemPrincipal);
    queue.cancel(planId);
    const runs = await until(() => plans.listRuns(planId), (list) => list.length > 0 && list[0]!.status !== 'running');
    expect(runs[0]!.status).toBe('cancelled');
    expect((await plans.findById(planId))!.status).toBe('cancelled');
    expect(await repositories(context.db).routes.listForPlan(planId)).toEqual([]);
  });

  it('a heartbeat keeps a run longer than its lease its own: a second worker polling the queue never takes it', async () => {
    const { context, planId } = await setup();
    const plans = repositories(context.db).plans;
    await context.db('plans').where({ id: planId }).update({ time_limit_seconds: 2.5 });
    // The search runs on worker threads, so the heartbeat beats while it lasts.
    const solver = createPoolSolver({ threads: 2 });
    cleanup.push(() => solver.close());
    const lease = { leaseSeconds: 1, heartbeatSeconds: 0.2 };
    await startQueue(context, { owner: 'worker-a', solver, ...lease }).start();
    await until(() => plans.findById(planId), (p) => p!.status === 'running');
    await startQueue(context, { owner: 'worker-b', exclusiveDatabase: false, ...lease }).start();
    const plan = await until(() => plans.findById(planId), (p) => p!.status !== 'running', 30_000);
    expect(plan).toMatchObject({ status: 'succeeded', attempts: 1 });
    const runs = await until(() => plans.listRuns(planId), (list) => list.every((run) => run.status !== 'running'));
    expect(runs.map((run) => [run.worker, run.status])).toEqual([['worker-a', 'succeeded']]);
  });

  it('runs as many plans at once as its solver has threads', async () => {
    const { app, context, planId } = await setup();
    const plans = repositories(context.db).plans;
    const { depotId, orderIds } = await seedDay(app, { orders: 3 });
    const second = await createPlan(context, { date: planDate, depotId, orderIds, timeLimitSeconds: 1.5, options: {} }, systemPrincipal);
    await context.db('plans').where({ id: planId }).update({ time_limit_seconds: 1.5 });
    const solver = createPoolSolver({ threads: 2 });
    cleanup.push(() => solver.close());
    const queue = startQueue(context, { solver, owner: 'worker-a' });
    expect(queue.concurrency).toBe(2);
    await queue.start();
    // Both claimed while the first still searches.
    await until(async () => (await plans.list({})).filter((plan) => plan.status === 'running').length, (running) => running === 2);
    await until(() => plans.list({}), (list) => list.every((plan) => plan.status === 'succeeded'), 30_000);
    const runs = await until(async () => (await Promise.all([planId, second.id].map((id) => plans.listRuns(id)))).flat(), (list) => list.every((run) => run.status !== 'running'));
    expect(runs.map((run) => [run.worker, run.status])).toEqual([
      ['worker-a', 'succeeded'],
      ['worker-a', 'succeeded'],
    ]);
  });

  it('a heartbeat not shorter than its lease is refused', () => {
    const options = { context: {} as CommandContext, solver: createPoolSolver({ threads: 1 }), routing, leaseSeconds: 1 };
    expect(() => new PlanQueue({ ...options, heartbeatSeconds: 1 })).toThrow('must be positive and shorter than the lease');
    expect(new PlanQueue({ ...options, heartbeatSeconds: 0.4 }).concurrency).toBe(1);
  });

  // The owner is a process of its own, killed with SIGKILL mid-run: PostgreSQL only (PGlite belongs to one process).
  if (backend.engine === 'postgres') it('a run whose process is killed is taken over once its lease is out and finished by another within 15 s', async () => {
    const { context, planId } = await setup();
    const plans = repositories(context.db).plans;
    const schema = (await context.db.raw('select current_schema() as schema')).rows[0].schema as string;
    const lease = { PLAN_LEASE_SECONDS: '2', PLAN_HEARTBEAT_SECONDS: '0.5' };
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/helpers/plan-worker.ts'], {
      env: { ...process.env, ...lease, PLAN_WORKER_SCHEMA: schema, PLAN_WORKER_OWNER: 'doomed' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    cleanup.push(async () => void child.kill('SIGKILL'));
    const leaseOf = async () => (await context.db('plans').where({ id: planId }).first('lease_owner', 'lease_expires_at')) as { lease_owner: string | null; lease_expires_at: Date | null };
    const first = await until(leaseOf, (row) => row.lease_owner === 'doomed', 30_000);
    // Its heartbeat renews the lease while the run lasts.
    await until(leaseOf, (row) => row.lease_expires_at!.getTime() > first.lease_expires_at!.getTime(), 10_000);
    const killedAt = Date.now();
    child.kill('SIGKILL');
    await once(child, 'exit');
    await startQueue(context, { owner: 'survivor', leaseSeconds: 2, heartbeatSeconds: 0.5, pollMs: 100 }).start();
    await until(leaseOf, (row) => row.lease_owner === 'survivor' || row.lease_owner === null, 15_000);
    const takenOverMs = Date.now() - killedAt;
    const plan = await until(() => plans.findById(planId), (p) => p!.status !== 'running', 15_000);
    const finishedMs = Date.now() - killedAt;
    expect(plan).toMatchObject({ status: 'succeeded', attempts: 2 });
    const runs = await until(() => plans.listRuns(planId), (list) => list.every((run) => run.status !== 'running'));
    expect(runs.map((run) => [run.worker, run.status])).toEqual([
      ['doomed', 'abandoned'],
      ['survivor', 'succeeded'],
    ]);
    // The lease (2 s) after the last beat, plus a poll; 10 s is the bar.
    expect(takenOverMs).toBeLessThan(10_000);
    expect(finishedMs).toBeLessThan(15_000);
  });

  // Two workers need two connections to one database: PostgreSQL only (PGlite belongs to one process).
  if (backend.engine === 'postgres') it('two workers on their own connections share the queue, each plan run once', async () => {
    const { app, context } = await setup();
    const { depotId } = await seedDay(app, { orders: 0, vehicles: 1 });
    const ids: number[] = [];
    for (let k = 0; k < 5; k++) {
      const { orderIds } = await seedDay(app, { orders: 2, vehicles: 0 });
      ids.push((await createPlan(context, { date: planDate, depotId, orderIds, timeLimitSeconds: 0.2, options: {} }, systemPrincipal)).id);
    }
    const schema = (await context.db.raw('select current_schema() as schema')).rows[0].schema as string;
    const second = openDatabase({ engine: 'postgres', url: process.env.TEST_DATABASE_URL!, schema });
    cleanup.push(() => second.close());
    await startQueue(context, { owner: 'worker-a' }).start();
    await startQueue({ db: second.knex, events: new EventBus(), clock: beforePlanDate }, { owner: 'worker-b' }).start();
    const plans = repositories(context.db).plans;
    await until(() => plans.list({}), (list) => list.every((plan) => plan.status === 'succeeded'));
    const runs = (await Promise.all(ids.map((id) => plans.listRuns(id)))).map((list) => list.map((run) => [run.worker, run.status]));
    for (const list of runs) expect(list.filter(([, status]) => status === 'succeeded')).toHaveLength(1);
    expect(new Set(runs.flat().map(([worker]) => worker))).toEqual(new Set(['worker-a', 'worker-b']));
  });
});
