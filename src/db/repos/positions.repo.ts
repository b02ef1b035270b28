/** All SQL over `positions` (breadcrumbs) and `vehicle_positions` (the latest point per vehicle). */
import type { Executor } from '../executor';
import type { Position, TrailFix } from '../../domain/model/position';

interface PositionRow {
  vehicle_id: number;
  recorded_at: number;
  lon: number;
  lat: number;
  accuracy_meters: number;
  speed_meters_per_second: number | null;
  heading_degrees: number | null;
}

const columns = 'vehicle_id, recorded_at, lon, lat, accuracy_meters, speed_meters_per_second, heading_degrees';

/** The fixes travel as one JSON parameter: a statement with thousands of bind parameters fails on PGlite. */
const recordFixesSql = `
  with fixes as (
    select * from jsonb_to_recordset(?::jsonb) as f(vehicle_id integer, recorded_at double precision, lon double precision,
      lat double precision, accuracy_meters double precision, speed_meters_per_second double precision, heading_degrees double precision)
  ), inserted as (
    insert into positions (${columns}) select ${columns} from fixes
    on conflict (vehicle_id, recorded_at) do nothing
    returning ${columns}
  ), newest as (
    select distinct on (vehicle_id) * from inserted order by vehicle_id, recorded_at desc
  ), moved as (
    insert into vehicle_positions (${columns}) select ${columns} from newest
    on conflict (vehicle_id) do update set recorded_at = excluded.recorded_at, lon = excluded.lon, lat = excluded.lat,
      accuracy_meters = excluded.accuracy_meters, speed_meters_per_second = excluded.speed_meters_per_second, heading_degrees = excluded.heading_degrees
    where vehicle_positions.recorded_at < excluded.recorded_at
    returning ${columns}
  ), again as (
    select ${columns.split(', ').map((column) => `f.${column}`).join(', ')} from fixes f
    join vehicle_positions v on v.vehicle_id = f.vehicle_id and v.recorded_at = f.recorded_at
  )
  select 'inserted' as kind, ${columns} from inserted
  union all
  select 'moved' as kind, ${columns} from moved
  union all
  select 'moved' as kind, ${columns} from again`;

// PGlite fails on very large statements; 500 rows of 7 columns stay well below.
const insertChunkRows = 500;

function toRow(position: Position): PositionRow {
  return {
    vehicle_id: position.vehicleId,
    recorded_at: position.recordedAt,
    lon: position.location[0],
    lat: position.location[1],
    accuracy_meters: position.accuracyMeters,
    speed_meters_per_second: position.speedMetersPerSecond,
    heading_degrees: position.headingDegrees,
  };
}

function fromRow(row: PositionRow): Position {
  return {
    vehicleId: row.vehicle_id,
    recordedAt: row.recorded_at,
    location: [row.lon, row.lat],
    accuracyMeters: row.accuracy_meters,
    speedMetersPerSecond: row.speed_meters_per_second,
    headingDegrees: row.heading_degrees,
  };
}

export class PositionsRepository {
  constructor(private readonly db: Executor) {}

  /** Stores breadcrumbs; a point already stored (same vehicle and fix time) is ignored. Returns the new ones. */
  async insertBreadcrumbs(positions: Position[]): Promise<Position[]> {
    const inserted: Position[] = [];
    for (let start = 0; start < positions.length; start += insertChunkRows) {
      const rows: PositionRow[] = await this.db('positions')
        .insert(positions.slice(start, start + insertChunkRows).map(toRow))
        .onConflict(['vehicle_id', 'recorded_at'])
        .ignore()
        .returning(['vehicle_id', 'recorded_at', 'lon', 'lat', 'accuracy_meters', 'speed_meters_per_second', 'heading_degrees']);
      inserted.push(...rows.map(fromRow));
    }
    return inserted;
  }

  /**
   * Stores a batch of fixes and makes each vehicle's newest new one its latest, in one statement: one round trip
   * however many drivers share the batch, and atomic (a retry converges on the same rows). Returns what was new and
   * what moved; a fix sent again that is still its vehicle's latest counts as moved again, since the process that
   * stored it may have died before telling anyone (the device sends again what was not acknowledged).
   */
  async recordFixes(positions: Position[]): Promise<{ inserted: Position[]; moved: Position[] }> {
    if (positions.length === 0) return { inserted: [], moved: [] };
    const result: { rows: (PositionRow & { kind: 'inserted' | 'moved' })[] } = await this.db.raw(recordFixesSql, [JSON.stringify(positions.map(toRow))]);
    const inserted: Position[] = [];
    const moved: Position[] = [];
    for (const row of result.rows) (row.kind === 'inserted' ? inserted : moved).push(fromRow(row));
    return { inserted, moved };
  }

  /**
   * Makes each point its vehicle's latest unless a newer one is already there (one point per
   * vehicle); returns the points that became latest.
   */
  async upsertLatest(positions: Position[]): Promise<Position[]> {
    if (positions.length === 0) return [];
    const moved: Position[] = [];
    for (let start = 0; start < positions.length; start += insertChunkRows) {
      const rows: PositionRow[] = await this.db('vehicle_positions')
        .insert(positions.slice(start, start + insertChunkRows).map(toRow))
        .onConflict('vehicle_id')
        .merge()
        .where('vehicle_positions.recorded_at', '<', this.db.raw('excluded.recorded_at'))
        .returning('*');
      moved.push(...rows.map(fromRow));
    }
    return moved;
  }

  /** The latest point of every vehicle, or of the vehicles given. */
  async listLatest(vehicleIds?: number[]): Promise<Position[]> {
    const query = this.db('vehicle_positions').select('*').orderBy('vehicle_id');
    const rows: PositionRow[] = await (vehicleIds ? query.whereIn('vehicle_id', vehicleIds) : query);
    return rows.map(fromRow);
  }

  /**
   * The fixes of each vehicle in [from, to) no vaguer than `maxAccuracyMeters`, in time order, one per
   * `sampleSeconds` (the most accurate, the newest of equals). Read as one row of arrays per vehicle: a day
   * of fixes arrives several times faster than row by row.
   */
  async trails(vehicleIds: number[], fromEpoch: number, toEpoch: number, maxAccuracyMeters: number, sampleSeconds: number): Promise<Map<number, TrailFix[]>> {
    if (vehicleIds.length === 0) return new Map();
    const sampled = this.db('positions')
      .select(this.db.raw('distinct on (vehicle_id, bucket) vehicle_id, recorded_at, lon, lat, accuracy_meters, floor(recorded_at / ?) as bucket', [sampleSeconds]))
      .whereIn('vehicle_id', vehicleIds)
      .andWhere('recorded_at', '>=', fromEpoch)
      .andWhere('recorded_at', '<', toEpoch)
      .andWhere('accuracy_meters', '<=', maxAccuracyMeters)
      .orderByRaw('vehicle_id, bucket, accuracy_meters, recorded_at desc');
    const rows: { vehicle_id: number; recorded_at: number[]; lon: number[]; lat: number[]; accuracy_meters: number[] }[] = await this.db
      .from(sampled.as('sampled'))
      .select(
        'vehicle_id',
        ...['recorded_at', 'lon', 'lat', 'accuracy_meters'].map((column) => this.db.raw('array_agg(?? order by recorded_at) as ??', [column, column])),
      )
      .groupBy('vehicle_id');
    return new Map(
      rows.map((row) => [row.vehicle_id, row.recorded_at.map((recordedAt, index) => ({ recordedAt, location: [row.lon[index]!, row.lat[index]!], accuracyMeters: row.accuracy_meters[index]! }))]),
    );
  }

  async breadcrumbs(vehicleId: number, fromEpoch: number, toEpoch: number): Promise<Position[]> {
    const rows: PositionRow[] = await this.db('positions')
      .select('vehicle_id', 'recorded_at', 'lon', 'lat', 'accuracy_meters', 'speed_meters_per_second', 'heading_degrees')
      .where('vehicle_id', vehicleId)
      .andWhere('recorded_at', '>=', fromEpoch)
      .andWhere('recorded_at', '<', toEpoch)
      .orderBy('recorded_at');
    return rows.map(fromRow);
  }
}
