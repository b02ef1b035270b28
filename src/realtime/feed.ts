/**
 * The numbered, persisted event stream of every room. Facts are queued, and every few milliseconds
 * one batch reserves consecutive numbers per room in PostgreSQL (atomic across server processes),
 * stores the events, then emits them. A reconnecting client asks for what followed its last number
 * and gets the stored events, or a snapshot when it is too far behind or the events were pruned.
 */
import type { RoomEventsRepository } from '../db/repos/room-events.repo';
import type { Logger } from '../logger';
import type { ResumeResult, RoomEventName, RoomFacts, RoomSnapshot, Sequenced } from '../protocol/socket';

export interface FeedOptions {
  /** How long a fact may wait for its batch; bounds the added latency. */
  flushIntervalMs?: number;
  /** More missed events than this and the client gets a snapshot instead. */
  maxReplayEvents?: number;
  /** Events are kept this long for replay. */
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
  private readonly maxReplayEvents: number;

  constructor(
    private readonly repo: RoomEventsRepository,
    private readonly emit: (event: Sequenced) => void,
    private readonly snapshot: (room: string) => Promise<Omit<RoomSnapshot, 'seq'>>,
    private readonly logger: Logger,
    options: FeedOptions = {},
  ) {
    this.maxReplayEvents = options.maxReplayEvents ?? 1000;
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
      // Clients notice the gap in numbers and resume, which ends in a snapshot if need be.
      this.logger.error({ err: error, events: batch.length }, 'room events could not be stored; dropped');
    }
  }

  /** The room's state now, numbered with the last event it includes. */
  async snapshotOf(room: string): Promise<RoomSnapshot> {
    await this.flush();
    const seq = await this.repo.lastSeq(room);
    return { ...(await this.snapshot(room)), seq };
  }

  async resume(room: string, sinceSeq: number): Promise<ResumeResult> {
    await this.flush();
    const lastSeq = await this.repo.lastSeq(room);
    if (sinceSeq >= lastSeq) return { events: [] };
    const firstSeq = await this.repo.firstSeq(room);
    const pruned = firstSeq === null || firstSeq > sinceSeq + 1;
    if (pruned || lastSeq - sinceSeq > this.maxReplayEvents) return { snapshot: await this.snapshotOf(room) };
    return { events: (await this.repo.since(room, sinceSeq, this.maxReplayEvents)) as Sequenced[] };
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
