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
    expect((await plans.listRuns(planId)).map((run) => [run.worker === 'died-mid-run', run.status])).toEqual([
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
