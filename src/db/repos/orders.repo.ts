/** All SQL over `orders`. Rows are mapped to `Order` here and nowhere else. */
import { createHash } from 'node:crypto';
import { displayIdFor, hashTrackingSecret, newTrackingLinkToken, trackingLinkPath } from '../../domain/order-identifiers';
import { slotKey } from '../../domain/slots';
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import { rowsAsJson } from '../json-rows';
import { decodeCursor, toPage, type Page, type PageRequest } from '../pagination';
import { OrderEventsRepository } from './order-events.repo';
import { type OrderDraft, type OrderStatus, type OrderEventInput, type Order, type OrderContent, type GeocodeConfidence, type GeocodeAlternative, type OrderKind, editableStatuses } from '../../domain/model/order';
import type { Amounts } from '../../domain/model/amounts';

export type UpsertOutcome = 'created' | 'updated' | 'unchanged' | 'locked';

export interface UpsertResult {
  id: number;
  externalRef: string;
  /** `locked`: the order changed but is already planned or further along, so it was left as it was. */
  outcome: UpsertOutcome;
  /** `created`: the new order's tracking link path, which exists only now (its secret is stored hashed). */
  trackingLink?: string;
}

export interface OrderFilter {
  status?: OrderStatus[];
  depotId?: number;
  assignedVehicleId?: number;
  /** Orders with a time window overlapping [fromEpoch, toEpoch). */
  windowFromEpoch?: number;
  windowToEpoch?: number;
  /** Contained, in any case, in the customer name, address, external ref or display id. */
  text?: string;
}

const contentColumns = [
  'customer_name',
  'customer_phone',
  'customer_email',
  'address_text',
  'lon',
  'lat',
  'geocode_confidence',
  'geocode_alternatives',
  'time_windows',
  'window_start_epoch',
  'window_end_epoch',
  'service_seconds',
  'weight_kg',
  'volume_l',
  'items',
  'priority',
  'required_skills',
  'notes',
  'content_hash',
] as const;

// Small statements: PGlite fails on very large ones (ERRORDATA_STACK_SIZE exceeded at ~1000 rows).
const insertChunkRows = 200;

interface OrderRow {
  id: number;
  display_id: string;
  tracking_code: string;
  tracking_secret_hash: string;
  source: string;
  external_ref: string;
  status: string;
  depot_id: number | null;
  assigned_vehicle_id: number | null;
  customer_name: string;
  customer_phone: string | null;
  customer_email: string | null;
  address_text: string;
  lon: number;
  lat: number;
  geocode_confidence: GeocodeConfidence;
  geocode_alternatives: GeocodeAlternative[];
  time_windows: [number, number][];
  service_seconds: number;
  weight_kg: number;
  volume_l: number;
  items: number;
  priority: number;
  required_skills: string[];
  notes: string | null;
  kind: OrderKind;
  pickup_amounts: Amounts | null;
  return_of_order_id: number | null;
  created_at: Date;
  updated_at: Date;
}

export function contentHash(content: OrderContent): string {
  const canonical = [
    content.customerName,
    content.customerPhone,
    content.customerEmail,
    content.addressText,
    content.location,
    content.geocodeConfidence ?? 'given',
    content.timeWindows.map((window) => [window.startEpochSeconds, window.endEpochSeconds]),
    content.serviceSeconds,
    [content.demand.weightKg, content.demand.volumeL, content.demand.items],
    content.priority,
    content.requiredSkills,
    content.notes,
  ];
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url');
}

function contentRow(content: OrderContent) {
  const windows = content.timeWindows.map((window) => [window.startEpochSeconds, window.endEpochSeconds] as [number, number]);
  return {
    customer_name: content.customerName,
    customer_phone: content.customerPhone,
    customer_email: content.customerEmail,
    address_text: content.addressText,
    lon: content.location[0],
    lat: content.location[1],
    geocode_confidence: content.geocodeConfidence ?? 'given',
    geocode_alternatives: JSON.stringify(content.geocodeAlternatives ?? []),
    time_windows: JSON.stringify(windows),
    window_start_epoch: Math.min(...windows.map((window) => window[0])),
    window_end_epoch: Math.max(...windows.map((window) => window[1])),
    service_seconds: content.serviceSeconds,
    weight_kg: content.demand.weightKg,
    volume_l: content.demand.volumeL,
    items: content.demand.items,
    priority: content.priority,
    required_skills: JSON.stringify(content.requiredSkills),
    notes: content.notes,
    content_hash: contentHash(content),
  };
}

function toOrder(row: OrderRow): Order {
  return {
    id: row.id,
    displayId: row.display_id,
    trackingCode: row.tracking_code,
    source: row.source,
    externalRef: row.external_ref,
    status: row.status as OrderStatus,
    depotId: row.depot_id,
    assignedVehicleId: row.assigned_vehicle_id,
    customerName: row.customer_name,
    customerPhone: row.customer_phone,
    customerEmail: row.customer_email,
    addressText: row.address_text,
    location: [row.lon, row.lat],
    geocodeConfidence: row.geocode_confidence,
    geocodeAlternatives: row.geocode_alternatives ?? [],
    timeWindows: row.time_windows.map(([startEpochSeconds, endEpochSeconds]) => ({ startEpochSeconds, endEpochSeconds })),
    serviceSeconds: row.service_seconds,
    demand: { weightKg: row.weight_kg, volumeL: row.volume_l, items: row.items },
    priority: row.priority,
    requiredSkills: row.required_skills,
    notes: row.notes,
    kind: row.kind ?? 'delivery',
    pickup: row.pickup_amounts ?? null,
    returnOfOrderId: row.return_of_order_id ?? null,
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
  };
}

/** Orders that take no place on a route any more. */
const undrivenStatuses = ['cancelled', 'returned', 'delivered', 'failed'];

export class OrdersRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async findById(id: number): Promise<Order | null> {
    const row = await this.db<OrderRow>('orders').where({ id }).first();
    return row ? toOrder(row) : null;
  }

  /** Those of `ids` that exist, in the order asked, in one query. */
  async findByIds(ids: Iterable<number>): Promise<Order[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows: OrderRow[] = await this.db<OrderRow>('orders').whereIn('id', wanted);
    const byId = new Map(rows.map((row) => [row.id, toOrder(row)]));
    return wanted.flatMap((id) => byId.get(id) ?? []);
  }

  /** Those of `ids` that exist, in id order, locked for the rest of the transaction (a bulk transition). */
  async findByIdsForUpdate(ids: Iterable<number>): Promise<Order[]> {
    const wanted = [...new Set(ids)];
    if (wanted.length === 0) return [];
    const rows: OrderRow[] = await this.db<OrderRow>('orders').whereIn('id', wanted).orderBy('id').forUpdate();
    return rows.map(toOrder);
  }

  /** Locks the row for the rest of the transaction, so concurrent transitions serialize. */
  async findByIdForUpdate(id: number): Promise<Order | null> {
    const row = await this.db<OrderRow>('orders').where({ id }).forUpdate().first();
    return row ? toOrder(row) : null;
  }

  /** The order a tracking link's code names, with its secret's hash to check the link against. */
  async findByTrackingCode(code: string): Promise<{ order: Order; secretHash: string } | null> {
    const row = await this.db<OrderRow>('orders').where({ tracking_code: code }).first();
    return row ? { order: toOrder(row), secretHash: row.tracking_secret_hash } : null;
  }

  /** A new code and secret for the order's link; the old link stops working. Returns the new link's path. */
  async rotateTrackingLink(id: number): Promise<string> {
    const token = newTrackingLinkToken();
    await this.db('orders').where({ id }).update({ tracking_code: token.code, tracking_secret_hash: hashTrackingSecret(token.secret) });
    return trackingLinkPath(token);
  }

  /** The windows and status of the source's orders with these references, by reference (an import's current orders). */
  async windowsBySourceRefs(source: string, externalRefs: string[]): Promise<Map<string, { timeWindows: Order['timeWindows']; status: OrderStatus }>> {
    if (externalRefs.length === 0) return new Map();
    const rows = await this.db<OrderRow>('orders').where({ source }).whereIn('external_ref', externalRefs);
    return new Map(rows.map((row) => [row.external_ref, { timeWindows: toOrder(row).timeWindows, status: row.status as OrderStatus }]));
  }

  async findBySourceRef(source: string, externalRef: string): Promise<Order | null> {
    const row = await this.db<OrderRow>('orders').where({ source, external_ref: externalRef }).first();
    return row ? toOrder(row) : null;
  }

  async list(filter: OrderFilter, page: PageRequest): Promise<Page<Order>> {
    return (await this.listWithTimeZones(filter, page)).page;
  }

  /** A page of orders and the time zones of their depots (for presenting their times), in one round trip. */
  async listWithTimeZones(filter: OrderFilter, page: PageRequest): Promise<{ page: Page<Order>; timeZones: Map<number, string> }> {
    const query = this.db<OrderRow>('orders')
      .select('orders.*', this.db.raw('(select time_zone from depots where depots.id = orders.depot_id) as depot_time_zone'))
      .orderBy('id')
      .limit(page.limit + 1);
    if (page.cursor) query.where('id', '>', decodeCursor(page.cursor));
    if (filter.status?.length) query.whereIn('status', filter.status);
    if (filter.depotId !== undefined) query.where('depot_id', filter.depotId);
    if (filter.assignedVehicleId !== undefined) query.where('assigned_vehicle_id', filter.assignedVehicleId);
    if (filter.windowToEpoch !== undefined) query.where('window_start_epoch', '<', filter.windowToEpoch);
    if (filter.windowFromEpoch !== undefined) query.where('window_end_epoch', '>', filter.windowFromEpoch);
    if (filter.text) {
      // The text is matched literally: LIKE's wildcards in it are escaped.
      const pattern = `%${filter.text.replace(/[\\%_]/g, (character) => `\\${character}`)}%`;
      query.where((text) => {
        for (const column of ['customer_name', 'address_text', 'external_ref', 'display_id']) text.orWhereRaw(`?? ilike ? escape '\\'`, [column, pattern]);
      });
    }
    const rows = await rowsAsJson<OrderRow & { depot_time_zone: string | null }>(this.db, query, ['id']);
    const timeZones = new Map(rows.flatMap((row) => (row.depot_id !== null && row.depot_time_zone !== null ? [[row.depot_id, row.depot_time_zone] as const] : [])));
    return { page: toPage(rows.map(toOrder), page.limit), timeZones };
  }

  /**
   * Inserts one new order in status `received`, with the path of its tracking link (which exists only now);
   * null when its (source, externalRef) is already taken.
   */
  async insert(draft: OrderDraft, depotId: number | null): Promise<{ order: Order; trackingLink: string } | null> {
    const [id] = await this.allocateIds(1);
    const { row, trackingLink } = this.newRow(id!, draft, depotId);
    const rows = await this.db('orders').insert(row).onConflict(['source', 'external_ref']).ignore().returning('*');
    return rows[0] ? { order: toOrder(rows[0] as OrderRow), trackingLink } : null;
  }

  async updateContent(id: number, content: OrderContent): Promise<Order> {
    const [row] = await this.db<OrderRow>('orders')
      .where({ id })
      .update({ ...contentRow(content), updated_at: this.db.fn.now() } as never)
      .returning('*');
    return toOrder(row as OrderRow);
  }

  async setStatusMany(ids: number[], status: OrderStatus): Promise<void> {
    await this.db('orders').whereIn('id', ids).update({ status, updated_at: this.db.fn.now() });
  }

  /** The new status and the vehicle it is assigned to (null: none), in one write. */
  async setStatusAndVehicle(id: number, status: OrderStatus, vehicleId: number | null): Promise<Order> {
    const [row] = await this.db<OrderRow>('orders').where({ id }).update({ status, assigned_vehicle_id: vehicleId, updated_at: this.db.fn.now() } as never).returning('*');
    return toOrder(row as OrderRow);
  }

  async setAssignedVehicle(id: number, vehicleId: number | null): Promise<void> {
    await this.db('orders').where({ id }).update({ assigned_vehicle_id: vehicleId, updated_at: this.db.fn.now() });
  }

  async delete(id: number): Promise<void> {
    await this.db('orders').where({ id }).delete();
  }

  /**
   * The depot's orders per exact window span starting in [fromEpoch, toEpoch), by "start-end" epoch seconds: what the
   * slot calendar's windows already hold. Orders cancelled or returned hold none.
   */
  async countByWindow(depotId: number, fromEpoch: number, toEpoch: number): Promise<Map<string, number>> {
    const rows: { window_start_epoch: string | number; window_end_epoch: string | number; count: string | number }[] = await this.db('orders')
      .select('window_start_epoch', 'window_end_epoch')
      .count({ count: '*' })
      .where({ depot_id: depotId })
      .where('window_start_epoch', '>=', fromEpoch)
      .where('window_start_epoch', '<', toEpoch)
      .whereNotIn('status', ['cancelled', 'returned'])
      .groupBy('window_start_epoch', 'window_end_epoch');
    return new Map(rows.map((row) => [slotKey(Number(row.window_start_epoch), Number(row.window_end_epoch)), Number(row.count)]));
  }

  /**
   * The depot's orders still to be driven in windows starting in [fromEpoch, toEpoch), id and last change only: what
   * a day's delivery promise holds, read on every quote to see whether its forecast is current.
   */
  async promisedVersions(depotId: number, fromEpoch: number, toEpoch: number): Promise<Map<number, number>> {
    const rows: { id: number; updated_at: Date | string }[] = await this.db('orders')
      .select('id', 'updated_at')
      .where({ depot_id: depotId })
      .where('window_start_epoch', '>=', fromEpoch)
      .where('window_start_epoch', '<', toEpoch)
      .whereNotIn('status', undrivenStatuses);
    return new Map(rows.map((row) => [row.id, new Date(row.updated_at).getTime()]));
  }

  /** Returns and exchanges made of an order so far. */
  async countReturnsOf(orderId: number): Promise<number> {
    const [{ count }] = (await this.db('orders').where({ return_of_order_id: orderId }).count({ count: '*' })) as [{ count: number }];
    return Number(count);
  }

  async countByVehicle(vehicleId: number): Promise<number> {
    const [{ count }] = (await this.db('orders').where({ assigned_vehicle_id: vehicleId }).count({ count: '*' })) as [{ count: number }];
    return Number(count);
  }

  /**
   * Creates or updates many orders by (source, externalRef), idempotently, and writes an order event
   * for each created or updated one. Results come back in the order of `drafts`; when a batch repeats
   * a key, the last draft wins and every occurrence reports that outcome.
   * Call it inside a transaction.
   */
  async upsertMany(drafts: OrderDraft[], options: { actor: string; depotId?: number | null }): Promise<UpsertResult[]> {
    const byKey = new Map<string, OrderDraft>();
    for (const draft of drafts) byKey.set(keyOf(draft.source, draft.externalRef), draft);
    const unique = [...byKey.values()];
    const results = new Map<string, { id: number; outcome: UpsertOutcome; trackingLink?: string }>();

    for (let start = 0; start < unique.length; start += insertChunkRows) {
      const chunk = unique.slice(start, start + insertChunkRows);
      for (const [key, result] of await this.upsertChunk(chunk, options)) results.set(key, result);
    }
    return drafts.map((draft) => {
      const result = results.get(keyOf(draft.source, draft.externalRef))!;
      return { id: result.id, externalRef: draft.externalRef, outcome: result.outcome, ...(result.trackingLink ? { trackingLink: result.trackingLink } : {}) };
    });
  }

  private async upsertChunk(chunk: OrderDraft[], options: { actor: string; depotId?: number | null }) {
    const results = new Map<string, { id: number; outcome: UpsertOutcome; trackingLink?: string }>();
    // One "source = ? and external_ref in (…)" per source: both columns reach the unique index, whatever the statistics.
    const refsBySource = new Map<string, string[]>();
    for (const draft of chunk) {
      const refs = refsBySource.get(draft.source) ?? [];
      refs.push(draft.externalRef);
      refsBySource.set(draft.source, refs);
    }
    const existing = await this.db<OrderRow & { content_hash: string }>('orders')
      .select('id', 'source', 'external_ref', 'status', 'content_hash')
      .where((query) => {
        for (const [source, refs] of refsBySource) query.orWhere((bySource) => bySource.where('source', source).whereIn('external_ref', refs));
      });
    const existingByKey = new Map(existing.map((row) => [keyOf(row.source, row.external_ref), row]));

    const toWrite: OrderDraft[] = [];
    for (const draft of chunk) {
      const key = keyOf(draft.source, draft.externalRef);
      const row = existingByKey.get(key);
      if (!row) toWrite.push(draft);
      else if (row.content_hash === contentHash(draft)) results.set(key, { id: row.id, outcome: 'unchanged' });
      else if (!editableStatuses.includes(row.status as OrderStatus)) results.set(key, { id: row.id, outcome: 'locked' });
      else toWrite.push(draft);
    }
    if (toWrite.length === 0) return results;

    const ids = await this.allocateIds(toWrite.length);
    const made = toWrite.map((draft, index) => this.newRow(ids[index]!, draft, options.depotId ?? null));
    const rows = made.map(({ row }) => row);
    const linkOf = new Map(made.map(({ row, trackingLink }) => [row.id, trackingLink]));
    const merge = Object.fromEntries([
      ...contentColumns.map((column) => [column, this.db.raw('excluded.??', [column])]),
      ['updated_at', this.db.fn.now()],
    ]);
    const upsert = this.db('orders')
      .insert(rows)
      .onConflict(['source', 'external_ref'])
      .merge(merge)
      .where('orders.content_hash', '<>', this.db.raw('excluded.content_hash'))
      .whereIn('orders.status', editableStatuses as OrderStatus[]);
    const written = await this.db.raw<{ rows: { id: number; source: string; external_ref: string; status: string; inserted: boolean }[] }>(
      '? returning id, source, external_ref, status, (xmax = 0) as inserted',
      [upsert],
    );

    const events: OrderEventInput[] = [];
    for (const row of written.rows) {
      const outcome: UpsertOutcome = row.inserted ? 'created' : 'updated';
      results.set(keyOf(row.source, row.external_ref), { id: row.id, outcome, ...(row.inserted ? { trackingLink: linkOf.get(row.id)! } : {}) });
      events.push(
        row.inserted
          ? { orderId: row.id, type: 'created', actor: options.actor, toStatus: 'received', data: { source: row.source } }
          : { orderId: row.id, type: 'updated', actor: options.actor, data: { source: row.source } },
      );
    }
    // A row another transaction wrote meanwhile with the same content is not returned: unchanged.
    for (const draft of toWrite) {
      const key = keyOf(draft.source, draft.externalRef);
      if (!results.has(key)) {
        const row = (await this.findBySourceRef(draft.source, draft.externalRef))!;
        results.set(key, { id: row.id, outcome: editableStatuses.includes(row.status) ? 'unchanged' : 'locked' });
      }
    }
    await new OrderEventsRepository(this.db, this.clock).insertMany(events);
    return results;
  }

  private newRow(id: number, draft: OrderDraft, depotId: number | null) {
    const token = newTrackingLinkToken();
    const row = {
      id,
      display_id: displayIdFor(id),
      tracking_code: token.code,
      tracking_secret_hash: hashTrackingSecret(token.secret),
      source: draft.source,
      external_ref: draft.externalRef,
      status: 'received',
      depot_id: depotId,
      kind: draft.kind ?? 'delivery',
      pickup_amounts: draft.pickup ? JSON.stringify(draft.pickup) : null,
      return_of_order_id: draft.returnOfOrderId ?? null,
      ...contentRow(draft),
      created_at: this.now(),
    };
    return { row, trackingLink: trackingLinkPath(token) };
  }

  /** Ids come from the sequence up front, so display ids can be derived before the insert. */
  private async allocateIds(count: number): Promise<number[]> {
    const result = await this.db.raw<{ rows: { id: number }[] }>(
      "select nextval(pg_get_serial_sequence('orders', 'id'))::integer as id from generate_series(1, ?)",
      [count],
    );
    return result.rows.map((row) => row.id);
  }
}

function keyOf(source: string, externalRef: string): string {
  return `${source}\u0000${externalRef}`;
}
