import type { Repositories } from '../db/repositories';
import type { Principal } from '../auth/principal';
import { nowEpochSeconds } from '../domain/clock';
import { haversineMeters } from '../routing/haversine';
import type { SlotReservation } from '../domain/model/slot-reservation';
import { toIsoInZone } from '../domain/time';
import { conflict, invalidInput } from '../errors';
import { placeOrder, type Geocoding } from '../geocoding/place-order';
import type { CreateOrderInput } from '../protocol/orders-api';
import { toOrderDraft, type OrderPlacement } from '../protocol/orders';
import { inTransaction, reads, type CommandContext } from './context';
import type { Order } from '../domain/model/order';
import { writeOrderEvents } from './order-timeline';
import { bookWindow } from './window-capacity';

/** A new order with its tracking link's path, which exists only now: the secret is stored hashed. */
export type CreatedOrder = Order & { trackingLink: string };

/** How far the order may be from where its reservation was quoted (the same doorstep, geocoded twice). */
const reservationToleranceMeters = 100;

/**
 * Geocodes an order sent without a location first (outside the transaction), then stores it. With a reservation the
 * order takes its window and uses it up, in the same transaction: a second use or an expired one is a 409. Without
 * one, an order in a calendar window takes its capacity (window-capacity.ts): a full window is a 409 unless the
 * dispatcher overrides it, which the order's timeline records.
 */
export async function createOrder(context: CommandContext, input: CreateOrderInput, by: Principal, geocoding: Geocoding = {}): Promise<CreatedOrder> {
  const { depots, slotReservations } = reads(context);
  const reservationDepot = input.reservationId !== undefined ? (await slotReservations.findById(input.reservationId))?.depotId : undefined;
  const depotId = input.depotId ?? reservationDepot;
  const depot = depotId !== undefined ? await depots.findById(depotId) : await soleDepot(depots);
  if (input.depotId !== undefined && !depot) throw unknownDepot(input.depotId);
  const placement = await placeOrder(input, geocoding, depot?.serviceArea ?? null);

  const order = await inTransaction(context, async (repos) => {
    if (input.depotId !== undefined && !(await repos.depots.findById(input.depotId))) throw unknownDepot(input.depotId);
    const reservation = input.reservationId === undefined ? null : await repos.slotReservations.findByIdForUpdate(input.reservationId);
    if (input.reservationId !== undefined) assertUsable(reservation, input, placement, nowEpochSeconds(context.clock), depot?.timeZone ?? 'UTC');
    const timeWindows = reservation ? [reservation.window] : undefined;
    const orderDepotId = depotId ?? (await repos.depots.soleDepotId());
    const draft = toOrderDraft(input.source, { ...input, timeWindows: input.timeWindows ?? [] }, placement);
    // Without a reservation, a calendar window is booked here, under the lock reservations take.
    const overbooked = reservation ? undefined : await bookWindow(repos, orderDepotId, { timeWindows: draft.timeWindows }, nowEpochSeconds(context.clock), input.overrideCapacity);
    const created = await repos.orders.insert(timeWindows ? { ...draft, timeWindows } : draft, orderDepotId);
    if (!created) {
      throw conflict(`An order with source "${input.source}" and externalRef "${input.externalRef}" already exists`, [
        { path: 'externalRef', message: 'already used by another order of this source' },
      ]);
    }
    const { order: stored, trackingLink } = created;
    if (reservation) await repos.slotReservations.markUsed(reservation.id, stored.id, nowEpochSeconds(context.clock));
    // The confirmation carries the link: this transaction is the only moment it is known.
    await writeOrderEvents(
      repos,
      [{ orderId: stored.id, type: 'created', actor: by.actor, toStatus: stored.status, data: { source: input.source, geocodeConfidence: placement.geocodeConfidence, ...(reservation ? { reservationId: reservation.id } : {}), ...(overbooked ? { overbooked } : {}) } }],
      new Map([[stored.id, trackingLink]]),
    );
    return { ...stored, trackingLink };
  });
  return order;
}

const unknownDepot = (depotId: number) => invalidInput('Unknown depot', [{ path: 'depotId', message: `depot ${depotId} does not exist` }]);

/** The reservation exists, is unused and unexpired, and was quoted for this order (its depot, place and needs). */
function assertUsable(reservation: SlotReservation | null, input: CreateOrderInput, placement: OrderPlacement, nowEpoch: number, timeZone: string): asserts reservation is SlotReservation {
  const path = 'reservationId';
  if (!reservation) throw invalidInput('Unknown reservation', [{ path, message: `reservation ${input.reservationId} does not exist` }]);
  if (reservation.orderId !== null || reservation.usedAtEpoch !== null) throw conflict(`Reservation ${reservation.id} was already used`, [{ path, message: `already used${reservation.orderId === null ? '' : ` by order ${reservation.orderId}`}`, reason: 'used' }]);
  if (nowEpoch >= reservation.expiresAtEpoch) throw conflict(`Reservation ${reservation.id} expired at ${toIsoInZone(reservation.expiresAtEpoch, timeZone)}`, [{ path, message: 'expired', reason: 'expired' }]);
  if (input.depotId !== undefined && input.depotId !== reservation.depotId) throw invalidInput('The reservation is for another depot', [{ path: 'depotId', message: `the reservation is for depot ${reservation.depotId}` }]);
  const offMeters = haversineMeters(placement.location, reservation.location);
  if (offMeters > reservationToleranceMeters) throw conflict('The order is not where its reservation was quoted', [{ path: 'location', message: `${Math.round(offMeters)} m from the reserved location` }]);
  if (input.serviceSeconds > reservation.serviceSeconds) throw conflict('The order needs more time than was reserved', [{ path: 'serviceSeconds', message: `more than the ${reservation.serviceSeconds} s reserved` }]);
  const more = (['weightKg', 'volumeL', 'items'] as const).find((unit) => input.demand[unit] > reservation.demand[unit]);
  if (more) throw conflict('The order carries more than was reserved', [{ path: `demand.${more}`, message: `more than the ${reservation.demand[more]} reserved` }]);
  const skill = input.requiredSkills.map((name) => name.toLowerCase()).find((name) => !reservation.requiredSkills.includes(name));
  if (skill) throw conflict('The order needs a skill that was not reserved', [{ path: 'requiredSkills', message: `${skill} was not reserved` }]);
}

async function soleDepot(depots: Repositories['depots']) {
  const id = await depots.soleDepotId();
  return id === null ? null : depots.findById(id);
}
