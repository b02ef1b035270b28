/** All SQL over `alerts`. Rows are mapped to `Alert` here; at most one unresolved row per kind and subject. */
import type { Executor } from '../executor';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination';
import type { Alert, AlertData, AlertDraft, AlertKind, AlertStatus, AlertSubject, AlertSubjectType } from '../../domain/model/alert';

interface AlertRow {
  id: number;
  depot_id: number;
  kind: string;
  subject_type: string;
  subject_id: number;
  message: string;
  data: AlertData;
  raised_at: Date | string;
  updated_at: Date | string;
  resolved_at: Date | string | null;
  acknowledged_at: Date | string | null;
  acknowledged_by: string | null;
}

export interface AlertFilter {
  depotId?: number;
  /** Any of these statuses; all when absent. */
  status?: AlertStatus[];
}

const dateOrNull = (value: Date | string | null) => (value === null ? null : new Date(value));

function toAlert(row: AlertRow): Alert {
  return {
    id: row.id,
    depotId: row.depot_id,
    kind: row.kind as AlertKind,
    subject: { type: row.subject_type as AlertSubjectType, id: row.subject_id },
    message: row.message,
    data: typeof row.data === 'string' ? (JSON.parse(row.data) as AlertData) : row.data,
    raisedAt: new Date(row.raised_at),
    updatedAt: new Date(row.updated_at),
    resolvedAt: dateOrNull(row.resolved_at),
    acknowledgedAt: dateOrNull(row.acknowledged_at),
    acknowledgedBy: row.acknowledged_by,
  };
}

export class AlertsRepository {
  constructor(private readonly db: Executor) {}

  async findById(id: number): Promise<Alert | null> {
    const row = await this.db<AlertRow>('alerts').where({ id }).first();
    return row ? toAlert(row) : null;
  }

  async findByIdForUpdate(id: number): Promise<Alert | null> {
    const row = await this.db<AlertRow>('alerts').where({ id }).forUpdate().first();
    return row ? toAlert(row) : null;
  }

  /** The unresolved alert of this kind about this subject, locked for the rest of the transaction. */
  async findUnresolvedForUpdate(kind: AlertKind, subject: AlertSubject): Promise<Alert | null> {
    const row = await this.db<AlertRow>('alerts')
      .where({ kind, subject_type: subject.type, subject_id: subject.id })
      .whereNull('resolved_at')
      .forUpdate()
      .first();
    return row ? toAlert(row) : null;
  }

  /**
   * Raises the alert, or updates the unresolved one of its kind and subject (message, data, updatedAt) when there is
   * one: a concurrent raise of the same alert lands on the same row, never a second one.
   */
  async upsertUnresolved(draft: AlertDraft, at: Date): Promise<Alert> {
    const result = await this.db.raw<{ rows: AlertRow[] }>(
      `insert into alerts (depot_id, kind, subject_type, subject_id, message, data, raised_at, updated_at)
       values (?, ?, ?, ?, ?, ?::jsonb, ?, ?)
       on conflict (kind, subject_type, subject_id) where resolved_at is null
       do update set message = excluded.message, data = excluded.data, updated_at = excluded.updated_at
       returning *`,
      [draft.depotId, draft.kind, draft.subject.type, draft.subject.id, draft.message, JSON.stringify(draft.data), at, at],
    );
    return toAlert(result.rows[0]!);
  }

  async resolve(id: number, at: Date): Promise<Alert> {
    const [row] = await this.db<AlertRow>('alerts').where({ id }).update({ resolved_at: at, updated_at: at }).returning('*');
    return toAlert(row as AlertRow);
  }

  async acknowledge(id: number, actor: string, at: Date): Promise<Alert> {
    const [row] = await this.db<AlertRow>('alerts').where({ id }).update({ acknowledged_at: at, acknowledged_by: actor, updated_at: at }).returning('*');
    return toAlert(row as AlertRow);
  }

  /** Oldest first by id (keyset pages), so a page boundary never skips or repeats an alert. */
  async list(filter: AlertFilter, page: PageRequest): Promise<Page<Alert>> {
    const query = this.db<AlertRow>('alerts').orderBy('id').limit(page.limit + 1);
    if (page.cursor) query.where('id', '>', decodeCursor(page.cursor));
    if (filter.depotId !== undefined) query.where('depot_id', filter.depotId);
    const statuses = new Set(filter.status ?? []);
    if (statuses.size > 0 && statuses.size < 3) {
      query.where((where) => {
        if (statuses.has('open')) where.orWhere((open) => open.whereNull('resolved_at').whereNull('acknowledged_at'));
        if (statuses.has('acknowledged')) where.orWhere((acknowledged) => acknowledged.whereNull('resolved_at').whereNotNull('acknowledged_at'));
        if (statuses.has('resolved')) where.orWhereNotNull('resolved_at');
      });
    }
    const rows: AlertRow[] = await query;
    return toPage(rows.map(toAlert), page.limit);
  }

  /** A vehicle's unresolved delays (each names its vehicle in its data). */
  async listUnresolvedDelaysOfVehicle(vehicleId: number): Promise<Alert[]> {
    const rows: AlertRow[] = await this.db<AlertRow>('alerts')
      .where({ kind: 'delay' })
      .whereNull('resolved_at')
      .whereRaw("(data->>'vehicleId')::integer = ?", [vehicleId])
      .orderBy('id');
    return rows.map(toAlert);
  }
}
