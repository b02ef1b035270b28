import { z } from 'zod';
import { reads } from '../../commands/context';
import { createOrder } from '../../commands/create-order';
import { createReturn } from '../../commands/create-return';
import { deleteOrder } from '../../commands/delete-order';
import { transitionOrder } from '../../commands/transition-order';
import { transitionOrders } from '../../commands/transition-orders';
import { updateOrder } from '../../commands/update-order';
import type { Principal } from '../../auth/principal';
import { canSeeOrder } from '../../auth/visibility';
import { localDayRange, toIsoInZone } from '../../domain/time';
import { stopOfOrder } from '../../tracking/tracking-link';
import { notFound } from '../../errors';
import { idParamsSchema, pageOf, pageQuerySchema } from '../../protocol/common';
import { bulkTransitionInputSchema, bulkTransitionResultSchema, createOrderSchema, createdOrderSchema, orderEventSchema, orderListQuerySchema, orderOutcomeSchema, orderPatchSchema, orderSchema, returnInputSchema, transitionInputSchema, type OrderOutcomeResponse } from '../../protocol/orders-api';
import type { AppDeps } from '../app';
import type { ApiRouter } from '../endpoint';
import { presentOrder, presentOrderEvent } from '../presenters/order.presenter';
import type { Order } from '../../domain/model/order';

const office = ['admin', 'dispatcher'] as const;
const everyone = ['admin', 'dispatcher', 'driver'] as const;

export function ordersRoutes(api: ApiRouter, deps: AppDeps): void {
  const repos = reads(deps.commands);

  /** Times are shown in each order's depot time zone. */
  const presentIn = (orders: Order[], zones: Map<number, string>) => orders.map((order) => presentOrder(order, (order.depotId !== null && zones.get(order.depotId)) || 'UTC'));
  const present = async (orders: Order[]) => presentIn(orders, await repos.depots.timeZones(orders.flatMap((order) => (order.depotId === null ? [] : [order.depotId]))));

  const visibleOrder = async (principal: Principal, id: number) => {
    const order = await repos.orders.findById(id);
    if (!order || !canSeeOrder(principal, order)) throw notFound('Order', id);
    return order;
  };

  api.endpoint(
    {
      method: 'get',
      path: '/orders',
      operationId: 'listOrders',
      summary: 'List orders by status, date, depot, vehicle or text (a driver sees only their vehicle\'s)',
      tag: 'orders',
      roles: everyone,
      query: pageQuerySchema.extend(orderListQuerySchema.shape),
      response: pageOf(orderSchema),
    },
    async ({ query, principal }) => {
      if (principal.role === 'driver' && principal.vehicleId === null) return { items: [], nextCursor: null };
      let window: [number, number] | [] = [];
      if (query.date) {
        const depotId = query.depotId ?? (await repos.depots.soleDepotId());
        const depotZone = depotId === null ? undefined : (await repos.depots.findById(depotId))?.timeZone;
        window = localDayRange(query.date, query.timeZone ?? depotZone ?? 'UTC');
      }
      const { page, timeZones } = await repos.orders.listWithTimeZones(
        {
          status: query.status,
          depotId: query.depotId,
          assignedVehicleId: principal.role === 'driver' ? principal.vehicleId! : query.vehicleId,
          windowFromEpoch: window[0],
          windowToEpoch: window[1],
          text: query.q,
        },
        query,
      );
      return { items: presentIn(page.items, timeZones), nextCursor: page.nextCursor };
    },
  );

  api.endpoint(
    { method: 'get', path: '/orders/:id', operationId: 'getOrder', summary: 'Get an order', tag: 'orders', roles: everyone, params: idParamsSchema, response: orderSchema },
    async ({ params, principal }) => (await present([await visibleOrder(principal, params.id)]))[0],
  );

  api.endpoint(
    { method: 'get', path: '/orders/:id/events', operationId: 'listOrderEvents', summary: 'The order\'s timeline: every change with time, actor and reason', tag: 'orders', roles: everyone, params: idParamsSchema, response: z.object({ items: z.array(orderEventSchema) }) },
    async ({ params, principal }) => {
      await visibleOrder(principal, params.id);
      return { items: (await repos.orderEvents.listForOrder(params.id)).map(presentOrderEvent) };
    },
  );

  api.endpoint(
    { method: 'get', path: '/orders/:id/outcome', operationId: 'getOrderOutcome', summary: "The order's delivery: its stop, proof of delivery or failure, the customer's rating", tag: 'orders', roles: office, params: idParamsSchema, response: orderOutcomeSchema },
    async ({ params, principal }): Promise<OrderOutcomeResponse> => {
      const order = await visibleOrder(principal, params.id);
      const timeZone = (order.depotId !== null && (await repos.depots.timeZones([order.depotId])).get(order.depotId)) || 'UTC';
      const iso = (epoch: number | null) => (epoch === null ? null : toIsoInZone(epoch, timeZone));
      const found = await stopOfOrder(repos, order);
      const outcome = found ? await repos.proofs.findOutcome(found.stop.id) : null;
      const attachments = outcome ? await repos.proofs.findAttachments(found!.stop.id) : null;
      const dataUrl = (attachment: { contentType: string; bytes: Buffer } | null | undefined) => (attachment ? `data:${attachment.contentType};base64,${attachment.bytes.toString('base64')}` : null);
      const rating = (await repos.trackingLinks.find(order.id))?.rating ?? null;
      return {
        stop: found
          ? { id: found.stop.id, status: found.stop.status, vehicleId: found.vehicleId, serviceStart: iso(found.stop.serviceStartEpoch)!, actualArrival: iso(found.stop.actualArrivalEpoch), completedAt: iso(found.stop.completedAtEpoch) }
          : null,
        proof: outcome
          ? {
              outcome: outcome.outcome,
              at: iso(outcome.recordedAtEpoch)!,
              actor: outcome.actor,
              recipientName: outcome.recipientName ?? null,
              failureReason: outcome.failureReason ?? null,
              note: outcome.note ?? null,
              signature: dataUrl(attachments?.signature),
              photo: dataUrl(attachments?.photo),
            }
          : null,
        rating: rating ? { stars: rating.stars, comment: rating.comment, ratedAt: iso(Math.floor(rating.ratedAt.getTime() / 1000))! } : null,
        attempts: (await repos.proofs.listAttempts(order.id)).map((attempt) => ({
          attempt: attempt.attempt,
          stopId: attempt.stopId,
          outcome: attempt.outcome,
          at: iso(attempt.recordedAtEpoch)!,
          actor: attempt.actor,
          recipientName: attempt.recipientName,
          failureReason: attempt.failureReason,
          note: attempt.note,
          signature: attempt.signatureBytes > 0,
          photo: attempt.photoBytes > 0,
        })),
      };
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders',
      operationId: 'createOrder',
      summary: 'Create an order (status received); without location its address is geocoded',
      description: 'The answer carries the tracking link, which is not shown again: only its hash is stored (POST /orders/{id}/tracking/link issues a new one).',
      tag: 'orders',
      roles: office,
      body: createOrderSchema,
      response: createdOrderSchema,
      status: 201,
    },
    async ({ body, principal }) => {
      const created = await createOrder(deps.commands, body, principal, deps.geocoding);
      return { ...(await present([created]))[0]!, trackingLink: created.trackingLink };
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders/:id/return',
      operationId: 'createOrderReturn',
      summary: 'Return or exchange a delivered order: a new pickup (or delivery + pickup) task at its address, ready on its day',
      description:
        'A return (`kind: "return"`) is a pickup of `pickup` (default: the delivered demand) brought back to the depot; an exchange (`kind: "exchange"`) also delivers `delivery` in the same visit. Both are planned with the fleet\'s capacities, by vehicles whose route ends at the depot. Without `timeWindows` the task lands on the depot\'s next working day in the delivered order\'s time of day. 409 unless the order is delivered.',
      tag: 'orders',
      roles: office,
      params: idParamsSchema,
      body: returnInputSchema,
      response: orderSchema,
      status: 201,
    },
    async ({ params, body, principal }) => (await present([await createReturn(deps.commands, params.id, body, principal)]))[0],
  );

  api.endpoint(
    { method: 'patch', path: '/orders/:id', operationId: 'updateOrder', summary: 'Edit a received or ready order', tag: 'orders', roles: office, params: idParamsSchema, body: orderPatchSchema, response: orderSchema },
    async ({ params, body, principal }) => (await present([await updateOrder(deps.commands, params.id, body, principal, deps.geocoding)]))[0],
  );

  api.endpoint(
    { method: 'delete', path: '/orders/:id', operationId: 'deleteOrder', summary: 'Delete an order that never reached a route', tag: 'orders', roles: office, params: idParamsSchema, status: 204 },
    async ({ params, principal }) => deleteOrder(deps.commands, params.id, principal),
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders/transitions',
      operationId: 'transitionOrders',
      summary: 'Move many orders to one status in one transaction (orderIds, or a filter); those that cannot move are listed with why',
      description: 'Partial: every order that may take the step moves; the others are answered in `refused` and stay as they are.',
      tag: 'orders',
      roles: office,
      body: bulkTransitionInputSchema,
      response: bulkTransitionResultSchema,
    },
    async ({ body, principal }) => transitionOrders(deps.commands, body, principal),
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders/:id/transitions',
      operationId: 'transitionOrder',
      summary: 'Move an order through its lifecycle (cancel included); 409 names the allowed targets',
      tag: 'orders',
      roles: everyone,
      params: idParamsSchema,
      body: transitionInputSchema,
      response: orderSchema,
    },
    async ({ params, body, principal }) => (await present([await transitionOrder(deps.commands, params.id, body, principal)]))[0],
  );
}
