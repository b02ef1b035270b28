import { describe, expect, it } from 'vitest';
import { EventBus } from '../../src/domain/events';

describe('event bus', () => {
  it('delivers to every listener until it unsubscribes', () => {
    const bus = new EventBus();
    const seen: number[] = [];
    const off = bus.on('order.deleted', ({ orderId }) => seen.push(orderId));
    bus.on('order.deleted', ({ orderId }) => seen.push(-orderId));
    bus.publish('order.deleted', { orderId: 1, actor: 'test' });
    off();
    bus.publish('order.deleted', { orderId: 2, actor: 'test' });
    expect(seen).toEqual([1, -1, -2]);
  });

  it('reports a failing listener without stopping the others', () => {
    const failures: string[] = [];
    const bus = new EventBus((error, event) => failures.push(`${event}: ${(error as Error).message}`));
    const seen: number[] = [];
    bus.on('order.deleted', () => {
      throw new Error('boom');
    });
    bus.on('order.deleted', ({ orderId }) => seen.push(orderId));
    expect(() => bus.publish('order.deleted', { orderId: 7, actor: 'test' })).not.toThrow();
    expect(seen).toEqual([7]);
    expect(failures).toEqual(['order.deleted: boom']);
  });
});
