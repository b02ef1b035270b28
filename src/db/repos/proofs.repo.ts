/**
 * SQL for what drivers do at stops: the stop with its route (locked for the change), its status
 * and times, proof of delivery or failure reason, and actions remembered by idempotency key.
 */
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import type { Attachment, StopAttempt, StopStatus, StopOutcomeDraft } from '../../domain/model/route';

export interface StopOnRoute {
  stopId: number;
  orderId: number;
  status: StopStatus;
  routeId: number;
  routeStatus: string;
  vehicleId: number;
  planId: number;
  actualArrivalEpoch: number | null;
}

export interface StopActionRecord {
  stopId: number;
  action: string;
  result: unknown;
}

export class ProofsRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async findAction(actor: string, idempotencyKey: string): Promise<StopActionRecord | null> {
    const row = await this.db('stop_actions').where({ actor, idempotency_key: idempotencyKey }).first('stop_id', 'action', 'result');
    return row ? { stopId: row.stop_id, action: row.action, result: row.result } : null;
  }

  async insertAction(actor: string, idempotencyKey: string, action: StopActionRecord): Promise<void> {
    await this.db('stop_actions').insert({
      actor,
      idempotency_key: idempotencyKey,
      stop_id: action.stopId,
      action: action.action,
      result: JSON.stringify(action.result),
      created_at: this.now(),
    });
  }

  async findStopForUpdate(stopId: number): Promise<StopOnRoute | null> {
    const row = await this.db('stops')
      .join('routes', 'routes.id', 'stops.route_id')
      .where('stops.id', stopId)
      .forUpdate()
      .first(
        'stops.id as stop_id',
        'stops.order_id',
        'stops.status',
        'stops.route_id',
        'routes.status as route_status',
        'routes.vehicle_id',
        'stops.plan_id',
        'stops.actual_arrival_epoch',
      );
    if (!row) return null;
    return {
      stopId: row.stop_id,
      orderId: row.order_id,
      status: row.status,
      routeId: row.route_id,
      routeStatus: row.route_status,
      vehicleId: row.vehicle_id,
      planId: row.plan_id,
      actualArrivalEpoch: row.actual_arrival_epoch === null ? null : Number(row.actual_arrival_epoch),
    };
  }

  async setStopStatus(stopId: number, status: StopStatus, times: { actualArrivalEpoch?: number; completedAtEpoch?: number }): Promise<void> {
    await this.db('stops')
      .where({ id: stopId })
      .update({
        status,
        ...(times.actualArrivalEpoch === undefined ? {} : { actual_arrival_epoch: times.actualArrivalEpoch }),
        ...(times.completedAtEpoch === undefined ? {} : { completed_at_epoch: times.completedAtEpoch }),
      });
  }

  /** The route starts with its first stop action and completes when no stop is left pending or arrived. */
  async advanceRoute(routeId: number): Promise<void> {
    const open = await this.db('stops').where({ route_id: routeId }).whereIn('status', ['pending', 'arrived']).count({ count: '*' }).first();
    const status = Number(open?.count ?? 0) === 0 ? 'completed' : 'in_progress';
    await this.db('routes').where({ id: routeId }).update({ status });
  }

  /** Numbered after the order's earlier attempts (the order row is locked by the stop action); answers the number. */
  async insertOutcome(draft: StopOutcomeDraft): Promise<number> {
    const previous = await this.db('stop_outcomes').where({ order_id: draft.orderId }).max({ attempt: 'attempt' }).first();
    const attempt = Number(previous?.attempt ?? 0) + 1;
    await this.db('stop_outcomes').insert({
      stop_id: draft.stopId,
      order_id: draft.orderId,
      attempt,
      outcome: draft.outcome,
      recipient_name: draft.recipientName ?? null,
      signature_content_type: draft.signature?.contentType ?? null,
      signature: draft.signature?.bytes ?? null,
      photo_content_type: draft.photo?.contentType ?? null,
      photo: draft.photo?.bytes ?? null,
      failure_reason: draft.failureReason ?? null,
      note: draft.note ?? null,
      actor: draft.actor,
      recorded_at_epoch: draft.recordedAtEpoch,
    });
    return attempt;
  }

  /** Failed attempts so far at the order's stops. */
  async countFailedAttempts(orderId: number): Promise<number> {
    const row = await this.db('stop_outcomes').where({ order_id: orderId, outcome: 'failed' }).count({ count: '*' }).first();
    return Number(row?.count ?? 0);
  }

  /** Every attempt at the order, first first; proof sizes instead of the bytes. */
  async listAttempts(orderId: number): Promise<StopAttempt[]> {
    const rows = await this.db('stop_outcomes')
      .where({ order_id: orderId })
      .orderBy('attempt')
      .select(
        'attempt',
        'stop_id',
        ...this.outcomeColumns(),
      );
    return rows.map((row) => ({ attempt: row.attempt, stopId: row.stop_id, ...outcomeOf(row) }));
  }

  /** An outcome as listed: its fields, and the proof's sizes rather than the proof itself. */
  private outcomeColumns() {
    return [
      'outcome',
      'recipient_name',
      'failure_reason',
      'note',
      'actor',
      'recorded_at_epoch',
      this.db.raw('coalesce(length(signature), 0) as signature_bytes'),
      this.db.raw('coalesce(length(photo), 0) as photo_bytes'),
    ];
  }

  async findOutcome(stopId: number): Promise<(Omit<StopOutcomeDraft, 'signature' | 'photo'> & { signatureBytes: number; photoBytes: number }) | null> {
    const row = await this.db('stop_outcomes')
      .where({ stop_id: stopId })
      .first(
        'stop_id',
        'order_id',
        ...this.outcomeColumns(),
      );
    if (!row) return null;
    return { stopId: row.stop_id, orderId: row.order_id, ...outcomeOf(row) };
  }

  /** The signature and photo of a stop's outcome, for the office to look at. */
  async findAttachments(stopId: number): Promise<{ signature: Attachment | null; photo: Attachment | null }> {
    const row = await this.db('stop_outcomes').where({ stop_id: stopId }).first('signature_content_type', 'signature', 'photo_content_type', 'photo');
    const attachment = (contentType: string | null, bytes: Buffer | null): Attachment | null => (contentType && bytes ? { contentType, bytes: Buffer.from(bytes) } : null);
    return { signature: attachment(row?.signature_content_type ?? null, row?.signature ?? null), photo: attachment(row?.photo_content_type ?? null, row?.photo ?? null) };
  }
}

/** The fields of outcomeColumns() as the domain names them. */
function outcomeOf(row: Record<string, any>) { // eslint-disable-line @typescript-eslint/no-explicit-any
  return {
    outcome: row.outcome,
    recipientName: row.recipient_name,
    failureReason: row.failure_reason,
    note: row.note,
    actor: row.actor,
    recordedAtEpoch: Number(row.recorded_at_epoch),
    signatureBytes: Number(row.signature_bytes),
    photoBytes: Number(row.photo_bytes),
  };
}
