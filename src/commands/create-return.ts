/**
 * A return or an exchange of a delivered order, as a task of its own: an order of kind `pickup` (collect at the
 * customer's address, bring back to the depot) or `exchange` (deliver the replacement and collect in one visit), at
 * the same address, ready to be planned on its day. The delivered order keeps its status and gets a
 * `return_scheduled` entry naming the new one; the new order's `created` entry tells the customer when it is collected.
 */
import type { Principal } from '../auth/principal';
import { nowEpochSeconds } from '../domain/clock';
import { defaultFailurePolicy, nextWorkingDay, windowsOnDay } from '../domain/failure-policy';
import type { Depot } from '../domain/model/fleet';
import type { Amounts } from '../domain/model/amounts';
import type { Order } from '../domain/model/order';
import type { EpochWindow } from '../domain/model/time-window';
import { localDate } from '../domain/time';
import { conflict, invalidInput, notFound } from '../errors';
import type { ReturnInput } from '../protocol/orders-api';
import { inTransaction, type CommandContext } from './context';
import { moveOrders, publishStatusChanges } from './move-orders';
import { writeOrderEvents } from './order-timeline';

const none: Amounts = { weightKg: 0, volumeL: 0, items: 0 };

export async function createReturn(context: CommandContext, orderId: number, input: ReturnInput, by: Principal): Promise<Order> {
  const nowEpoch = nowEpochSeconds(context.clock);
  const outcome = await inTransaction(context, async (repos) => {
    const original = await repos.orders.findByIdForUpdate(orderId);
    if (!original) throw notFound('Order', orderId);
    if (original.status !== 'delivered') {
      throw conflict(`Order ${orderId} is ${original.status}; only a delivered order can be returned or exchanged`, [{ path: 'status', message: `order is ${original.status}, not delivered` }]);
    }
    if (original.kind !== 'delivery') {
      throw conflict(`Order ${orderId} is itself a ${original.kind}; return the delivered order it comes from`, [{ path: 'orderId', message: `order is a ${original.kind}` }]);
    }
    const depot = original.depotId === null ? null : await repos.depots.findById(original.depotId);
    const timeWindows = input.timeWindows ? windowsOf(input.timeWindows, nowEpoch) : defaultWindows(original, depot, nowEpoch);
    const previous = await repos.orders.countReturnsOf(orderId);
    const inserted = await repos.orders.insert(
      {
        source: original.source,
        externalRef: `${original.externalRef}#${input.kind}-${previous + 1}`,
        customerName: original.customerName,
        customerPhone: original.customerPhone,
        customerEmail: original.customerEmail,
        addressText: original.addressText,
        location: original.location,
        geocodeConfidence: original.geocodeConfidence,
        timeWindows,
        serviceSeconds: input.serviceSeconds ?? original.serviceSeconds,
        demand: input.kind === 'exchange' ? input.delivery! : none,
        priority: original.priority,
        requiredSkills: original.requiredSkills,
        notes: input.reason ?? null,
        kind: input.kind === 'exchange' ? 'exchange' : 'pickup',
        pickup: input.pickup ?? original.demand,
        returnOfOrderId: original.id,
      },
      original.depotId,
    );
    if (!inserted) throw conflict(`A ${input.kind} of order ${orderId} is being created at the same time; try again`, [{ path: 'orderId', message: 'concurrent return' }]);
    const created = inserted.order;
    // The return's own link, known only now, goes with the message that tells its customer.
    const links = new Map([[created.id, inserted.trackingLink]]);
    await writeOrderEvents(repos, [
      { orderId: created.id, type: 'created', actor: by.actor, toStatus: created.status, reason: input.reason ?? null, data: { source: created.source, returnOfOrderId: original.id, kind: created.kind } },
      { orderId: original.id, type: 'return_scheduled', actor: by.actor, reason: input.reason ?? null, data: { returnOrderId: created.id, kind: created.kind } },
    ], links);
    // Ready at once: the address is the delivered order's, already confirmed.
    const changes = await moveOrders(repos, [{ order: created, path: ['ready'], reason: input.kind }], by.actor);
    return { order: changes.at(-1)?.order ?? created, changes };
  });
  publishStatusChanges(context.events, outcome.changes);
  return outcome.order;
}

function windowsOf(windows: NonNullable<ReturnInput['timeWindows']>, nowEpoch: number): EpochWindow[] {
  const epochs = windows
    .map((window) => ({ startEpochSeconds: Date.parse(window.start) / 1000, endEpochSeconds: Date.parse(window.end) / 1000 }))
    .sort((a, b) => a.startEpochSeconds - b.startEpochSeconds);
  const past = epochs.findIndex((window) => window.endEpochSeconds <= nowEpoch);
  if (past >= 0) throw invalidInput('A return window lies in the past', [{ path: `timeWindows[${past}].end`, message: 'lies in the past' }]);
  return epochs;
}

/** The depot's next working day, in the delivered order's time of day (or the depot's re-attempt window). */
function defaultWindows(original: Order, depot: Depot | null, nowEpoch: number): EpochWindow[] {
  const timeZone = depot?.timeZone ?? 'UTC';
  const date = nextWorkingDay(localDate(timeZone, nowEpoch), depot?.openingHours ?? {});
  return windowsOnDay(date, original.timeWindows, depot?.failurePolicy ?? defaultFailurePolicy, timeZone);
}
