/**
 * The latest position of every vehicle, kept in memory for the realtime path (snapshots, ETAs):
 * loaded from the database at start, then advanced by `vehicle.moved` events.
 */
import type { Repositories } from '../db/repositories';
import type { EventBus } from '../domain/events';
import type { Position } from '../domain/model/position';

export class LivePositions {
  private readonly latest = new Map<number, Position>();
  private unsubscribe: (() => void) | null = null;

  static async load(repos: Repositories, events: EventBus): Promise<LivePositions> {
    const live = new LivePositions();
    for (const position of await repos.positions.listLatest()) live.latest.set(position.vehicleId, position);
    live.unsubscribe = events.on('vehicle.moved', ({ position }) => live.update(position));
    return live;
  }

  update(position: Position): void {
    const current = this.latest.get(position.vehicleId);
    if (!current || current.recordedAt < position.recordedAt) this.latest.set(position.vehicleId, position);
  }

  get(vehicleId: number): Position | undefined {
    return this.latest.get(vehicleId);
  }

  all(): Position[] {
    return [...this.latest.values()];
  }

  close(): void {
    this.unsubscribe?.();
  }
}
