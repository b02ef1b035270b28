/**
 * The numbered, persisted event stream of every room. Facts are queued, and every few milliseconds
 * one batch (a room's positions in it merged into one frame) reserves consecutive numbers per room in PostgreSQL (atomic across server processes),
 * stores the events, then emits them. While the database is away a batch stays queued, in order, and is
 * written when it answers again: no number is skipped and no event lost (up to `maxQueued`). A client that sees a gap in the numbers joins again and gets a
 * snapshot numbered with the last event it includes.
 */
import type { RoomEventsRepository } from '../db/repos/room-events.repo';
import type { Clock } from '../domain/clock';
import { isDatabaseUnavailable } from '../errors';
import type { Logger } from '../logger';
import type { RoomEventName, RoomFacts, RoomSnapshot, Sequenced, VehiclePositionView } from '../protocol/socket';

export interface FeedOptions {
  /** How long a fact may wait for its batch; bounds the added latency, and is how often a room gets a frame of positions. */
  flushIntervalMs?: number;
  /** Events are kept this long in the log (by the service's clock, which also stamps them). */
  retentionSeconds?: number;
  /** Events held while the database is away; beyond, the oldest are dropped (clients then join again). */
  maxQueued?: number;
  /** A client that missed more than this gets the state now instead of the events. */
  maxReplay?: number;
}

interface Pending {
  room: string;
  event: RoomEventName;
  data: unknown;
}

interface Catching {
  room: string;
  afterSeq: number;
  resolve(events: Sequenced[] | null): void;
  reject(error: unknown): void;
}

export class RoomFeed {
  private queue: Pending[] = [];
  private flushing: Promise<void> | null = null;
  private readonly timer: NodeJS.Timeout;
  private readonly pruneTimer: NodeJS.Timeout;
  private readonly maxQueued: number;
  private readonly maxReplay: number;
  private readonly retentionSeconds: number;
  /** Whether batches are being held for the database (logged once per outage). */
  private holding = false;
  /** Callers of `stored` waiting for what is queued now to be written. */
  private storedWaiters: (() => void)[] = [];
  /** Clients catching up, read together: a reconnect storm costs one read per batch, not queries per socket. */
  private catching: Catching[] = [];
  private reading: Promise<void> | null = null;

  constructor(
    private readonly repo: RoomEventsRepository,
    private readonly clock: Clock,
    private readonly emit: (event: Sequenced) => void,
    private readonly snapshot: (room: string) => Promise<Omit<RoomSnapshot, 'seq'>>,
    private readonly logger: Logger,
    options: FeedOptions = {},
  ) {
    this.maxQueued = options.maxQueued ?? 50_000;
    this.maxReplay = options.maxReplay ?? 1000;
    this.timer = setInterval(() => void this.flush(), options.flushIntervalMs ?? 50);
    this.retentionSeconds = options.retentionSeconds ?? 3600;
    this.pruneTimer = setInterval(() => void this.prune(), Math.min(60_000, this.retentionSeconds * 250));
  }

  publish<K extends RoomEventName>(room: string, event: K, data: RoomFacts[K]): void {
    this.queue.push({ room, event, data });
  }

  /** Writes and emits everything queued so far; resolves when done (used by close and tests). */
  async flush(): Promise<void> {
    while (this.flushing) await this.flushing;
    if (this.queue.length === 0) return;
    const batch = coalescePositions(this.queue);
    const waiters = this.storedWaiters;
    this.queue = [];
    this.storedWaiters = [];
    this.flushing = this.write(batch, waiters).finally(() => {
      this.flushing = null;
    });
    await this.flushing;
  }

  /**
   * Resolves once everything published so far is stored and emitted (or dropped as unstorable): a driver's fix is
   * acknowledged only then, so a process that dies in between leaves it unacknowledged and the device sends it again.
   */
  stored(): Promise<void> {
    if (this.queue.length === 0) return this.flushing ?? Promise.resolve();
    return new Promise((resolve) => this.storedWaiters.push(resolve));
  }

  private async write(batch: Pending[], waiters: (() => void)[]): Promise<void> {
    try {
      const events = (await this.repo.append(batch, new Date(this.clock.nowMs()))) as Sequenced[];
      if (this.holding) this.logger.info({ events: events.length }, 'room events: database back, held events written');
      this.holding = false;
      for (const event of events) this.emit(event);
      for (const waiter of waiters) waiter();
    } catch (error) {
      if (isDatabaseUnavailable(error)) {
        // Nothing was numbered (one transaction): the batch goes back in front and is written at a later flush.
        this.queue = batch.concat(this.queue);
        this.storedWaiters = waiters.concat(this.storedWaiters);
        const excess = this.queue.length - this.maxQueued;
        if (excess > 0) {
          this.queue.splice(0, excess);
          this.logger.error({ dropped: excess }, 'room events: database away too long; oldest events dropped');
        }
        if (!this.holding) this.logger.warn({ err: error, queued: this.queue.length }, 'room events held until the database answers');
        this.holding = true;
        return;
      }
      // Clients notice the gap in numbers and join again for a snapshot.
      this.logger.error({ err: error, events: batch.length }, 'room events could not be stored; dropped');
      for (const waiter of waiters) waiter();
    }
  }

  /** The room's state now, numbered with the last event it includes. */
  async snapshotOf(room: string): Promise<RoomSnapshot> {
    await this.flush();
    const seq = await this.repo.lastSeq(room);
    return { ...(await this.snapshot(room)), seq };
  }

  /**
   * What a client that applied everything up to `afterSeq` missed, oldest first, read from the log every process
   * shares; null when the log no longer holds all of it (pruned, too many, or a number from another database).
   * Clients asking while a read is under way are read together in the next one.
   */
  missedSince(room: string, afterSeq: number): Promise<Sequenced[] | null> {
    return new Promise((resolve, reject) => {
      this.catching.push({ room, afterSeq, resolve, reject });
      this.reading ??= this.readMissed();
    });
  }

  private async readMissed(): Promise<void> {
    // Lets the sockets of one burst ask before the read starts.
    await new Promise((resolve) => setImmediate(resolve));
    while (this.catching.length > 0) {
      const batch = this.catching;
      this.catching = [];
      try {
        await this.flush();
        const from = new Map<string, number>();
        for (const { room, afterSeq } of batch) from.set(room, Math.min(afterSeq, from.get(room) ?? afterSeq));
        const found = await this.repo.sinceMany([...from].map(([room, afterSeq]) => ({ room, afterSeq })), this.maxReplay);
        for (const client of batch) {
          const { lastSeq, events } = found.get(client.room) ?? { lastSeq: 0, events: [] };
          client.resolve(this.missedOf(client.afterSeq, lastSeq, events as Sequenced[]));
        }
      } catch (error) {
        for (const client of batch) client.reject(error);
      }
    }
    this.reading = null;
  }

  /** The events after `afterSeq` when the log holds every one of them up to `lastSeq`, else null. */
  private missedOf(afterSeq: number, lastSeq: number, events: Sequenced[]): Sequenced[] | null {
    if (afterSeq > lastSeq || lastSeq - afterSeq > this.maxReplay) return null;
    const missed = events.filter((event) => event.seq > afterSeq);
    const complete = missed.length === lastSeq - afterSeq && missed.every((event, index) => event.seq === afterSeq + index + 1);
    return complete ? missed : null;
  }

  /** Drops the events older than the retention (a database that does not answer is tried again next time). */
  async prune(): Promise<void> {
    try {
      await this.repo.pruneOlderThan(new Date(this.clock.nowMs() - this.retentionSeconds * 1000));
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

/**
 * A room's `vehicles:moved` facts in one batch become one frame, at the place of the first: one number, one stored row
 * and one emit per room and flush instead of one per fix (a console watching 200 vans would otherwise get 200 a second).
 */
function coalescePositions(batch: Pending[]): Pending[] {
  const frames = new Map<string, VehiclePositionView[]>();
  const merged: Pending[] = [];
  for (const item of batch) {
    if (item.event !== 'vehicles:moved') {
      merged.push(item);
      continue;
    }
    const { positions } = item.data as RoomFacts['vehicles:moved'];
    const frame = frames.get(item.room);
    if (frame) {
      frame.push(...positions);
      continue;
    }
    const own = [...positions];
    frames.set(item.room, own);
    merged.push({ ...item, data: { positions: own } });
  }
  return merged;
}
