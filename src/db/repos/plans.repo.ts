/**
 * All SQL over `plans`, `plan_runs` and `plan_unassigned`. The plans table doubles as the run queue:
 * `claimNext` takes the oldest queued plan (or a running one whose lease expired) with FOR UPDATE SKIP LOCKED,
 * so any number of workers in any number of processes share the queue without taking the same plan twice.
 */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import { stopsDigestSql } from './routes.repo';
import type { PlanDraft, PlanError, PlanOptions, PlanProgress, PlanRecord, PlanStatus, PlanTotals, UnassignedRecord } from '../../domain/model/plan';

interface PlanRow {
  id: number;
  depot_id: number;
  plan_date: string;
  version: number;
  status: string;
  vehicle_ids: number[];
  order_ids: number[];
  options: PlanOptions;
  time_limit_seconds: number;
  progress: PlanProgress | null;
  error: PlanError | null;
  totals: PlanTotals | null;
  created_by: string;
  attempts: number;
  created_at: Date;
  updated_at: Date;
  finished_at: Date | null;
  dispatched_at: Date | null;
  replaces_plan_id: number | null;
}

const toPlan = (row: PlanRow): PlanRecord => ({
  id: row.id,
  depotId: row.depot_id,
  date: row.plan_date,
  version: row.version,
  status: row.status as PlanStatus,
  vehicleIds: row.vehicle_ids,
  orderIds: row.order_ids,
  options: row.options,
  timeLimitSeconds: row.time_limit_seconds,
  progress: row.progress,
  error: row.error,
  totals: row.totals,
  createdBy: row.created_by,
  attempts: row.attempts,
  createdAt: new Date(row.created_at),
  updatedAt: new Date(row.updated_at),
  finishedAt: row.finished_at ? new Date(row.finished_at) : null,
  dispatchedAt: row.dispatched_at ? new Date(row.dispatched_at) : null,
  replacesPlanId: row.replaces_plan_id,
});

/** Fields a plan's columns return; the lease columns stay inside this repository. */
const planColumns = [
  'id',
  'depot_id',
  'plan_date',
  'version',
  'status',
  'vehicle_ids',
  'order_ids',
  'options',
  'time_limit_seconds',
  'progress',
  'error',
  'totals',
  'created_by',
  'attempts',
  'created_at',
  'updated_at',
  'finished_at',
  'dispatched_at',
  'replaces_plan_id',
];

export class PlansRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async insert(draft: PlanDraft): Promise<PlanRecord> {
    const [row] = await this.db('plans')
      .insert({
        depot_id: draft.depotId,
        plan_date: draft.date,
        status: 'queued',
        vehicle_ids: JSON.stringify(draft.vehicleIds),
        order_ids: JSON.stringify(draft.orderIds),
        options: JSON.stringify(draft.options),
        time_limit_seconds: draft.timeLimitSeconds,
        created_by: draft.createdBy,
        replaces_plan_id: draft.replacesPlanId ?? null,
        created_at: this.now(),
      })
      .returning(planColumns);
    return toPlan(row as PlanRow);
  }

  async findById(id: number): Promise<PlanRecord | null> {
    const row = (await this.db('plans').select(planColumns).where({ id }).first()) as PlanRow | undefined;
    return row ? toPlan(row) : null;
  }

  /** Locks the plan for the rest of the transaction: edits, dispatch and the run's result serialize on it. */
  async findByIdForUpdate(id: number): Promise<PlanRecord | null> {
    const row = (await this.db('plans').select(planColumns).where({ id }).forUpdate().first()) as PlanRow | undefined;
    return row ? toPlan(row) : null;
  }

  /** Locks the plan and reads the digest of its stops with it, for a reader holding its routes in memory. */
  async findByIdForUpdateWithStopsDigest(id: number): Promise<{ plan: PlanRecord; stopsDigest: string } | null> {
    const row = (await this.db('plans').select([...planColumns, this.db.raw(`${stopsDigestSql} as stops_digest`)]).where({ id }).forUpdate().first()) as
      | (PlanRow & { stops_digest: string })
      | undefined;
    return row ? { plan: toPlan(row), stopsDigest: row.stops_digest } : null;
  }

  async list(filter: { depotId?: number; date?: string; status?: PlanStatus[] }): Promise<PlanRecord[]> {
    const query = this.db('plans').select(planColumns).orderBy('id', 'desc').limit(200);
    if (filter.depotId !== undefined) query.where('depot_id', filter.depotId);
    if (filter.date !== undefined) query.where('plan_date', filter.date);
    if (filter.status?.length) query.whereIn('status', filter.status);
    return ((await query) as PlanRow[]).map(toPlan);
  }

  /**
   * Takes the oldest plan that is queued, or running under an expired lease (its worker died), for `owner`:
   * status running, a fresh lease, one more attempt. Null when there is nothing to do.
   */
  async claimNext(owner: string, leaseSeconds: number): Promise<PlanRecord | null> {
    const result = await this.db.raw<{ rows: PlanRow[] }>(
      `update plans set status = 'running', lease_owner = ?, lease_expires_at = now() + make_interval(secs => ?),
         attempts = attempts + 1, progress = null, updated_at = now()
       where id = (
         select id from plans
         where status = 'queued' or (status = 'running' and lease_expires_at < now())
         order by id for update skip locked limit 1)
       returning ${planColumns.join(', ')}`,
      [owner, leaseSeconds],
    );
    const row = result.rows[0];
    return row ? toPlan(row) : null;
  }

  /** Extends the lease and records progress; false when the plan is no longer this owner's running plan. */
  async renewLease(id: number, owner: string, leaseSeconds: number, progress: PlanProgress | null): Promise<boolean> {
    const count = await this.db('plans')
      .where({ id, status: 'running', lease_owner: owner })
      .update({
        lease_expires_at: this.db.raw('now() + make_interval(secs => ?)', [leaseSeconds]),
        ...(progress ? { progress: JSON.stringify(progress) } : {}),
      });
    return count > 0;
  }

  /** Every running plan's lease ends now: for a database only this process uses (PGlite) at start-up. */
  async expireAllLeases(): Promise<number> {
    return this.db('plans').where({ status: 'running' }).update({ lease_expires_at: this.db.raw("now() - interval '1 second'") });
  }

  /** Gives a running plan back to the queue (its worker is shutting down); the interrupted run is not counted. */
  async requeue(id: number, owner: string): Promise<void> {
    await this.db('plans')
      .where({ id, status: 'running', lease_owner: owner })
      .update({ status: 'queued', lease_owner: null, lease_expires_at: null, attempts: this.db.raw('attempts - 1'), updated_at: this.db.fn.now() });
  }

  /** `at` is the command's clock: the dispatch time bounds the driven distance, so it is on the day's clock. */
  async setStatus(id: number, status: PlanStatus, at: Date, fields: { error?: PlanError | null; totals?: PlanTotals } = {}): Promise<void> {
    const finished = status === 'succeeded' || status === 'failed' || status === 'cancelled';
    await this.db('plans')
      .where({ id })
      .update({
        status,
        updated_at: at,
        ...(finished ? { finished_at: at, lease_owner: null, lease_expires_at: null } : {}),
        ...(status === 'dispatched' ? { dispatched_at: at } : {}),
        ...(fields.error !== undefined ? { error: fields.error === null ? null : JSON.stringify(fields.error) } : {}),
        ...(fields.totals ? { totals: JSON.stringify(fields.totals) } : {}),
      });
  }

  /** The plan's new totals and version, with the digest of its stops as they are now. */
  async bumpVersionWithStopsDigest(id: number, totals: PlanTotals): Promise<{ version: number; stopsDigest: string }> {
    const [row] = await this.db('plans')
      .where({ id })
      .update({ version: this.db.raw('version + 1'), totals: JSON.stringify(totals), updated_at: this.db.fn.now() })
      .returning(['version', this.db.raw(`${stopsDigestSql} as stops_digest`)] as unknown as string[]);
    return { version: row.version, stopsDigest: row.stops_digest };
  }

  /** Vehicles that got a route after the run (an idle van brought in by an edit or a re-plan). */
  async addVehicles(id: number, vehicleIds: number[]): Promise<void> {
    const row = (await this.db('plans').select('vehicle_ids').where({ id }).first()) as { vehicle_ids: number[] } | undefined;
    if (!row) return;
    const next = [...new Set([...row.vehicle_ids, ...vehicleIds])];
    await this.db('plans').where({ id }).update({ vehicle_ids: JSON.stringify(next) });
  }

  async insertRun(planId: number, attempt: number, worker: string): Promise<number> {
    const [row] = await this.db('plan_runs').insert({ plan_id: planId, attempt, worker, status: 'running', started_at: this.now() }).returning('id');
    return (row as { id: number }).id;
  }

  async finishRun(runId: number, status: 'succeeded' | 'failed' | 'cancelled' | 'abandoned', progress: PlanProgress | null, error: PlanError | null = null): Promise<void> {
    await this.db('plan_runs')
      .where({ id: runId })
      .update({ status, progress: progress && JSON.stringify(progress), error: error && JSON.stringify(error), finished_at: this.now() });
  }

  /** Runs still marked running for plans no longer running under their worker: their process died. */
  async abandonOrphanRuns(planId: number): Promise<void> {
    await this.db('plan_runs').where({ plan_id: planId, status: 'running' }).update({ status: 'abandoned', finished_at: this.now() });
  }

  async listRuns(planId: number): Promise<{ attempt: number; worker: string; status: string; startedAt: Date; finishedAt: Date | null }[]> {
    const rows = await this.db('plan_runs').where({ plan_id: planId }).orderBy('id');
    return rows.map((row) => ({
      attempt: row.attempt,
      worker: row.worker,
      status: row.status,
      startedAt: new Date(row.started_at),
      finishedAt: row.finished_at ? new Date(row.finished_at) : null,
    }));
  }

  async replaceUnassigned(planId: number, unassigned: UnassignedRecord[]): Promise<void> {
    await this.db('plan_unassigned').where({ plan_id: planId }).delete();
    for (let start = 0; start < unassigned.length; start += 500) {
      await this.db('plan_unassigned').insert(
        unassigned.slice(start, start + 500).map((entry) => ({ plan_id: planId, order_id: entry.orderId, reason: entry.reason, distance_to_road_meters: entry.distanceToRoadMeters ?? null })),
      );
    }
  }

  async addUnassigned(planId: number, entry: UnassignedRecord): Promise<void> {
    await this.db('plan_unassigned')
      .insert({ plan_id: planId, order_id: entry.orderId, reason: entry.reason, distance_to_road_meters: entry.distanceToRoadMeters ?? null })
      .onConflict(['plan_id', 'order_id'])
      .merge(['reason', 'distance_to_road_meters']);
  }

  /** True when the order was listed as unassigned. */
  async removeUnassigned(planId: number, orderId: number): Promise<boolean> {
    return (await this.db('plan_unassigned').where({ plan_id: planId, order_id: orderId }).delete()) > 0;
  }

  async listUnassigned(planId: number): Promise<UnassignedRecord[]> {
    const rows = await this.db('plan_unassigned').where({ plan_id: planId }).orderBy('order_id');
    return rows.map((row) => ({ orderId: row.order_id, reason: row.reason, distanceToRoadMeters: row.distance_to_road_meters === null ? null : Number(row.distance_to_road_meters) }));
  }

  /** The newest succeeded or dispatched plan the order is a stop of. */
  async findPlanIdOfOrder(orderId: number): Promise<number | null> {
    const row = await this.db('stops')
      .join('plans', 'plans.id', 'stops.plan_id')
      .where('stops.order_id', orderId)
      .whereIn('plans.status', ['succeeded', 'dispatched'])
      .orderBy('plans.id', 'desc')
      .first('plans.id');
    return row ? (row.id as number) : null;
  }
}
