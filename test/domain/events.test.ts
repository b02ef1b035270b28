import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/domain/events';

describe('event bus', () => {
  it('delivers to every listener until it unsubscribes', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    const off = bus.on('fleet.changed', ({ id }) => seen.push(id));
    bus.on('fleet.changed', ({ id }) => seen.push(-id));
    bus.publish('fleet.changed', { entity: 'depot', id: 1, change: 'deleted', actor: 'test' });
    off();
    bus.publish('fleet.changed', { entity: 'depot', id: 2, change: 'deleted', actor: 'test' });
    expect(seen).toEqual([1, -1, -2]);
  });

  it('reports a failing listener without stopping the others', () => {
    const failures: string[] = [];
    const bus = new EventBus((error, event) => failures.push(`${event}: ${(error as Error).message}`));
    const seen: number[] = [];
    bus.on('fleet.changed', () => {
      throw new Error('boom');
    });
    bus.on('fleet.changed', ({ id }) => seen.push(id));
    expect(() => bus.publish('fleet.changed', { entity: 'depot', id: 7, change: 'deleted', actor: 'test' })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(failures).toEqual(['fleet.changed: boom']);
  });
});
