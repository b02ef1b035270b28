/**
 * The numbered, persisted event stream of every room. Facts are queued, and every few milliseconds
 * one batch reserves consecutive numbers per room in PostgreSQL (atomic across server processes),
 * stores the events, then emits them. A client that sees a gap in the numbers joins again and gets a
 * snapshot numbered with the last event it includes.
 */
import type { RoomEventsRepository } from '../db/repos/room-events.repo';
import type { Logger } from '../logger';
import type { RoomEventName, RoomFacts, RoomSnapshot, Sequenced } from '../protocol/socket';

export interface FeedOptions {
  /** How long a fact may wait for its batch; bounds the added latency. */
  flushIntervalMs?: number;
  /** Events are kept this long in the log. */
  retentionSeconds?: number;
}

interface Pending {
  room: string;
  event: RoomEventName;
  data: unknown;
}

export class RoomFeed {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;

  constructor(
    private readonly repo: RoomEventsRepository,
    private readonly emit: (event: Sequenced) => void,
    private readonly snapshot: (room: string) => Promise<Omit<RoomSnapshot, 'seq'>>,
    private readonly logger: Logger,
    options: FeedOptions = {},
  ) {
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 20);
    const retentionSeconds = options.retentionSeconds ?? 3600;
    this.pruneTimer = setInterval(() => void this.prune(retentionSeconds), Math.min(60_000, retentionSeconds * 250));
  }

  publish<K extends RoomEventName>(room: string, event: K, data: RoomFacts[K]): void {
    this.queue.push({ room, event, data });
  }

  /** Writes and emits everything queued so far; resolves when done (used by close and tests). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = this.queue;
    this.queue = [];
    this.flushing = this.write(batch).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  private async write(batch: Pending[]): Promise<void> {
    try {
      const counts = new Map<string, number>();
      for (const item of batch) counts.set(item.room, (counts.get(item.room) ?? 0) + 1);
      const last = await this.repo.reserve(counts);
      const next = new Map([...counts].map(([room, count]) => [room, last.get(room)! - count + 1]));
      const events = batch.map((item) => {
        const seq = next.get(item.room)!;
        next.set(item.room, seq + 1);
        return { room: item.room, seq, event: item.event, data: item.data } as Sequenced;
      });
      await this.repo.insertMany(events);
      for (const event of events) this.emit(event);
    } catch (error) {
      // Clients notice the gap in numbers and join again for a snapshot.
      this.logger.error({ err: error, events: batch.length }, 'room events could not be stored; dropped');
    }
  }

  /** The room's state now, numbered with the last event it includes. */
  async snapshotOf(room: string): Promise<RoomSnapshot> {
    await this.flush();
    const seq = await this.repo.lastSeq(room);
    return { ...(await this.snapshot(room)), seq };
  }

  private async prune(retentionSeconds: number): Promise<void> {
    try {
      await this.repo.pruneOlderThan(new Date(Date.now() - retentionSeconds * 1000));
    } catch (error) {
      this.logger.warn({ err: error }, 'pruning room events failed');
    }
  }

  async close(): Promise<void> {
    clearInterval(this.timer);
    clearInterval(this.pruneTimer);
    await this.flush();
  }
}
