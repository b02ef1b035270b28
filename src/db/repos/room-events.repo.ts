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

const insertChunkRows = 500;

export class RoomEventsRepository {
  constructor(private readonly db: Executor) {}

  /**
   * Reserves `count` consecutive numbers per room in one statement; returns the last number
   * reserved per room (the block is last − count + 1 … last). Atomic across server processes.
   */
  async reserve(counts: Map<string, number>): Promise<Map<string, number>> {
    if (counts.size === 0) return new Map();
    const rows = [...counts].map(([room, count]) => ({ room, last_seq: count }));
    const result: { room: string; last_seq: number }[] = await this.db('room_sequences')
      .insert(rows)
      .onConflict('room')
      .merge({ last_seq: this.db.raw('room_sequences.last_seq + excluded.last_seq') })
      .returning(['room', 'last_seq']);
    return new Map(result.map((row) => [row.room, Number(row.last_seq)]));
  }

  /**
   * Numbers and stores a batch in one transaction: either every event is stored with consecutive numbers or none is
   * and no number was used, so a failed write (the connection lost) leaves no gap and can simply be tried again.
   * `createdAt` comes from the service's clock, the one pruning reads.
   */
  async append(batch: Omit<RoomEvent, 'seq'>[], createdAt: Date): Promise<RoomEvent[]> {
    return this.db.transaction(async (trx) => {
      const repo = new RoomEventsRepository(trx);
      const counts = new Map<string, number>();
      for (const item of batch) counts.set(item.room, (counts.get(item.room) ?? 0) + 1);
      const last = await repo.reserve(counts);
      const next = new Map([...counts].map(([room, count]) => [room, last.get(room)! - count + 1]));
      const events = batch.map((item) => {
        const seq = next.get(item.room)!;
        next.set(item.room, seq + 1);
        return { ...item, seq };
      });
      await repo.insertMany(events, createdAt);
      return events;
    });
  }

  async insertMany(events: RoomEvent[], createdAt: Date): Promise<void> {
    for (let start = 0; start < events.length; start += insertChunkRows) {
      const rows = events.slice(start, start + insertChunkRows).map((event) => ({ ...event, data: JSON.stringify(event.data), created_at: createdAt }));
      await this.db('room_events').insert(rows);
    }
  }

  async lastSeq(room: string): Promise<number> {
    const row: { last_seq: number } | undefined = await this.db('room_sequences').where({ room }).first('last_seq');
    return row ? Number(row.last_seq) : 0;
  }

  /** Events after `sinceSeq`, oldest first, at most `limit`. */
  async since(room: string, sinceSeq: number, limit: number): Promise<RoomEvent[]> {
    const rows: RoomEventRow[] = await this.db('room_events')
      .select('room', 'seq', 'event', 'data')
      .where({ room })
      .andWhere('seq', '>', sinceSeq)
      .orderBy('seq')
      .limit(limit);
    return rows.map((row) => ({ ...row, seq: Number(row.seq) }));
  }

  async pruneOlderThan(cutoff: Date): Promise<void> {
    await this.db('room_events').where('created_at', '<', cutoff).delete();
  }
}
