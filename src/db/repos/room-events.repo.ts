/** All SQL over `room_sequences` and `room_events`: the numbered event log of every socket room. */
import type { Executor } from '../executor';

export interface RoomEvent {
  room: string;
  seq: number;
  event: string;
  data: unknown;
}

interface RoomEventRow {
  room: string;
  seq: number;
  event: string;
  data: unknown;
}

/**
 * Reserves each room's block and stores the events numbered within it (a data-modifying CTE runs whether or not it is
 * read). Events travel as JSON: thousands of bind parameters fail on PGlite.
 */
const appendSql = `
  with reserved as (
    insert into room_sequences (room, last_seq)
    select room, count from jsonb_to_recordset(?::jsonb) as r(room text, count bigint)
    on conflict (room) do update set last_seq = room_sequences.last_seq + excluded.last_seq
    returning room, last_seq
  ), stored as (
    insert into room_events (room, seq, event, data, created_at)
    select e.room, reserved.last_seq - e.count + e.index, e.event, e.data, ?::timestamptz
    from jsonb_to_recordset(?::jsonb) as e(room text, index bigint, count bigint, event text, data jsonb)
    join reserved using (room)
  )
  select room, last_seq from reserved`;

export class RoomEventsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Numbers and stores a batch in one statement: either every event is stored with consecutive numbers or none is
   * and no number was used, so a failed write (the connection lost) leaves no gap and can simply be tried again. One
   * round trip holds each room's counter only as long as the statement runs. `createdAt` comes from the service's
   * clock, the one pruning reads.
   */
  async append(batch: Omit<RoomEvent, 'seq'>[], createdAt: Date): Promise<RoomEvent[]> {
    if (batch.length === 0) return [];
    const counts = new Map<string, number>();
    const rows = batch.map((item) => {
      const index = (counts.get(item.room) ?? 0) + 1;
      counts.set(item.room, index);
      return { room: item.room, index, event: item.event, data: item.data };
    });
    const rooms = [...counts].map(([room, count]) => ({ room, count }));
    const numbered = rows.map((row) => ({ ...row, count: counts.get(row.room)! }));
    const result: { rows: { room: string; last_seq: string | number }[] } = await this.db.raw(appendSql, [JSON.stringify(rooms), createdAt, JSON.stringify(numbered)]);
    const first = new Map(result.rows.map((row) => [row.room, Number(row.last_seq) - counts.get(row.room)!]));
    return rows.map((row) => ({ room: row.room, seq: first.get(row.room)! + row.index, event: row.event, data: row.data }));
  }

  async lastSeq(room: string): Promise<number> {
    const row: { last_seq: number } | undefined = await this.db('room_sequences').where({ room }).first('last_seq');
    return row ? Number(row.last_seq) : 0;
  }

  /**
   * For many rooms in one statement: each room's last number and its events after `afterSeq` up to that number,
   * oldest first; a room further behind than `limit` gets its number and no events.
   */
  async sinceMany(wanted: { room: string; afterSeq: number }[], limit: number): Promise<Map<string, { lastSeq: number; events: RoomEvent[] }>> {
    const found = new Map<string, { lastSeq: number; events: RoomEvent[] }>();
    if (wanted.length === 0) return found;
    const result: { rows: (Partial<RoomEventRow> & { wanted_room: string; last_seq: string | number | null })[] } = await this.db.raw(
      `with wanted as (
         select w.room, w.after_seq, coalesce(s.last_seq, 0) as last_seq
         from jsonb_to_recordset(?::jsonb) as w(room text, after_seq bigint) left join room_sequences s using (room)
       )
       select wanted.room as wanted_room, wanted.last_seq, e.room, e.seq, e.event, e.data
       from wanted left join room_events e
         on e.room = wanted.room and e.seq > wanted.after_seq and e.seq <= wanted.last_seq and wanted.last_seq - wanted.after_seq <= ?
       order by wanted.room, e.seq`,
      [JSON.stringify(wanted.map(({ room, afterSeq }) => ({ room, after_seq: afterSeq }))), limit],
    );
    for (const row of result.rows) {
      let entry = found.get(row.wanted_room);
      if (!entry) found.set(row.wanted_room, (entry = { lastSeq: Number(row.last_seq ?? 0), events: [] }));
      if (row.seq !== null && row.seq !== undefined) entry.events.push({ room: row.room!, seq: Number(row.seq), event: row.event!, data: row.data });
    }
    return found;
  }

  async pruneOlderThan(cutoff: Date): Promise<void> {
    await this.db('room_events').where('created_at', '<', cutoff).delete();
  }
}
