/**
 * Writes positions from many drivers together: reports arriving while a write is under way wait for the next one, so
 * a fleet's fixes share one transaction (a breadcrumb insert and a latest-position upsert) however many arrive, and the
 * batches grow when the database is slow instead of piling up connections. Every caller still learns exactly what was
 * new and whether its vehicle moved, after the write.
 */
import type { Knex } from 'knex';
import { repositories } from '../db/repositories';
import type { Position } from '../domain/model/position';

export interface PositionWrite {
  /** How many of the positions were not stored before. */
  accepted: number;
  /** The newest position, when it became the vehicle's latest. */
  moved: Position | null;
}

/** Where the report command writes: straight to the repository, or through a batcher. */
export interface PositionSink {
  write(vehicleId: number, positions: Position[]): Promise<PositionWrite>;
}

/** One transaction per call: for HTTP batches and tests. */
export function directSink(db: Knex): PositionSink {
  return {
    async write(_vehicleId, positions) {
      const { inserted, moved } = await repositories(db).positions.recordFixes(positions);
      return { accepted: inserted.length, moved: moved[0] ?? null };
    },
  };
}

interface Waiting {
  positions: Position[];
  resolve(write: PositionWrite): void;
  reject(error: unknown): void;
}

const key = (position: Position) => `${position.vehicleId}@${position.recordedAt}`;

export class PositionBatcher implements PositionSink {
  private waiting: Waiting[] = [];
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> | null = null;

  constructor(
    private readonly db: Knex,
    /** How long the first report of an idle batcher waits for company. */
    private readonly windowMs = 10,
  ) {}

  write(_vehicleId: number, positions: Position[]): Promise<PositionWrite> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ positions, resolve, reject });
      if (!this.writing) this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
    });
  }

  private async flush(): Promise<void> {
    this.timer = null;
    const batch = this.waiting;
    this.waiting = [];
    this.writing = this.store(batch);
    await this.writing;
    this.writing = null;
    // What came in meanwhile goes at once: it has waited for a whole write already.
    if (this.waiting.length > 0) await this.flush();
  }

  private async store(batch: Waiting[]): Promise<void> {
    try {
      const { inserted, moved } = await repositories(this.db).positions.recordFixes(batch.flatMap((entry) => entry.positions));
      const fresh = new Set(inserted.map(key));
      const latest = new Set(moved.map(key));
      for (const entry of batch) {
        // A point sent twice in one batch is new for the first sender only.
        const accepted = entry.positions.filter((position) => fresh.delete(key(position))).length;
        const newest = entry.positions.find((position) => latest.delete(key(position))) ?? null;
        entry.resolve({ accepted, moved: newest });
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  /** Writes what is waiting now (shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    while (this.writing) await this.writing;
    if (this.waiting.length > 0) await this.flush();
  }
}
