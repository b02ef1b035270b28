import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { allowedTransitions, assertTransition, canTransition, isTerminal } from '../../src/domain/order-lifecycle';
import { AppError } from '../../src/errors';
import { orderStatuses, type OrderStatus } from '../../src/domain/model/order';

const beforeOutForDelivery: OrderStatus[] = ['received', 'ready', 'planned', 'dispatched', 'rescheduled'];

describe('order lifecycle', () => {
  it('follows the delivery path from received to delivered', () => {
    const path: OrderStatus[] = ['received', 'ready', 'planned', 'dispatched', 'out_for_delivery', 'arrived', 'delivered'];
    for (let i = 1; i < path.length; i++) expect(canTransition(path[i - 1]!, path[i]!)).toBe(true);
  });

  it('ends a failed attempt in rescheduled or returned, and lets a rescheduled order be planned again', () => {
    expect(allowedTransitions('arrived')).toEqual(['delivered', 'failed']);
    expect(allowedTransitions('failed')).toEqual(['rescheduled', 'returned']);
    expect(canTransition('rescheduled', 'planned')).toBe(true);
  });

  it('allows cancelling exactly before out_for_delivery', () => {
    for (const status of orderStatuses) {
      expect(canTransition(status, 'cancelled'), status).toBe(beforeOutForDelivery.includes(status));
    }
  });

  it('has delivered, returned and cancelled as the only final states', () => {
    expect(orderStatuses.filter(isTerminal)).toEqual(['delivered', 'returned', 'cancelled']);
  });

  it('never skips ahead: no move from a state to itself, none into received', () => {
    fc.assert(
      fc.property(fc.constantFrom(...orderStatuses), (status) => {
        expect(canTransition(status, status)).toBe(false);
        expect(canTransition(status, 'received')).toBe(false);
      }),
    );
  });

  it('throws a 409 conflict naming the allowed targets for every illegal move', () => {
    fc.assert(
      fc.property(fc.constantFrom(...orderStatuses), fc.constantFrom(...orderStatuses), (from, to) => {
        if (canTransition(from, to)) {
          expect(assertTransition(from, to)).toBe(to);
          return;
        }
        try {
          assertTransition(from, to);
          expect.unreachable();
        } catch (error) {
          expect(error).toBeInstanceOf(AppError);
          const appError = error as AppError;
          expect(appError.status).toBe(409);
          expect(appError.details[0]!.allowed).toEqual([...allowedTransitions(from)]);
          for (const allowed of allowedTransitions(from)) expect(appError.message).toContain(allowed);
        }
      }),
    );
  });
});
