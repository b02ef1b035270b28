/**
 * Writes positions from many drivers together: reports arriving within a few milliseconds share
 * one breadcrumb insert and one latest-position upsert, instead of two statements each. Every
 * caller still learns exactly what was new and whether its vehicle moved, after the write.
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

/** Two statements per call: for HTTP batches and tests. */
export function directSink(db: Knex): PositionSink {
  return {
    async write(_vehicleId, positions) {
      const repos = repositories(db);
      const inserted = await repos.positions.insertBreadcrumbs(positions);
      const newest = positions.reduce((a, b) => (b.recordedAt > a.recordedAt ? b : a));
      const moved = inserted.length > 0 && (await repos.positions.upsertLatest([newest])).length > 0;
      return { accepted: inserted.length, moved: moved ? newest : null };
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

  constructor(
    private readonly db: Knex,
    private readonly windowMs = 10,
  ) {}

  write(_vehicleId: number, positions: Position[]): Promise<PositionWrite> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ positions, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.windowMs);
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = [];
    this.timer = null;
    try {
      const repos = repositories(this.db);
      const inserted = new Set((await repos.positions.insertBreadcrumbs(batch.flatMap((entry) => entry.positions))).map(key));
      const newestPerVehicle = new Map<number, Position>();
      for (const entry of batch) {
        for (const position of entry.positions) {
          const current = newestPerVehicle.get(position.vehicleId);
          if (inserted.has(key(position)) && (!current || current.recordedAt < position.recordedAt)) newestPerVehicle.set(position.vehicleId, position);
        }
      }
      const moved = new Set((await repos.positions.upsertLatest([...newestPerVehicle.values()])).map(key));
      for (const entry of batch) {
        // A point sent twice in one batch is new for the first sender only.
        const accepted = entry.positions.filter((position) => inserted.delete(key(position))).length;
        const newest = entry.positions.find((position) => moved.delete(key(position))) ?? null;
        entry.resolve({ accepted, moved: newest });
      }
    } catch (error) {
      for (const entry of batch) entry.reject(error);
    }
  }

  /** Writes what is waiting now (shutdown). */
  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    if (this.waiting.length > 0) await this.flush();
  }
}
