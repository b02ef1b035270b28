/**
 * The customer's tracking page API, public by tracking token: the order's status timeline, promised
 * window and live ETA; the driver's position and the stops before yours only when the driver is close;
 * after delivery a proof summary and the customer's 1–5 rating. Nothing about other customers. The link
 * expires a while after completion, and the office can revoke it.
 */
import { nowEpochSeconds } from '../../domain/clock';
import { z } from 'zod';
import { reads, type CommandContext } from '../../commands/context';
import type { Repositories } from '../../db/repositories';
import { chooseDeliverySlot, maxSlotDays } from '../../commands/choose-delivery-slot';
import { giveDeliveryInstructions } from '../../commands/give-delivery-instructions';
import { rateDelivery } from '../../commands/rate-delivery';
import { requestReturn } from '../../commands/request-return';
import { customerMay } from '../../domain/customer-actions';
import { comingDates } from '../../domain/slots';
import { PromiseDays, probeOfOrder } from '../../planning/promise-day';
import { quoteWindows } from '../../planning/slot-quote';
import { notFound } from '../../errors';
import { noPositions, type VehiclePositions } from '../../planning/live-routes';
import type { RoutingProvider } from '../../routing/provider';
import { presentInstructions } from '../presenters/tracking.presenter';
import { preferencesOf, setNotificationPreferences } from '../../commands/set-notification-preferences';
import { preferencesInputSchema, preferencesSchema } from '../../protocol/notifications';
import { presentPreferences } from '../presenters/notification.presenter';
import { issueTrackingLink } from '../../commands/issue-tracking-link';
import { revokeTrackingLink } from '../../commands/revoke-tracking-link';
import { stopTimes } from '../../domain/stop-times';
import { toIsoInZone } from '../../domain/time';
import { presentStopTimes } from '../presenters/stop-times.presenter';
import { finalStatuses, openTrackingLink, stopOfOrder } from '../../tracking/tracking-link';
import { idParamsSchema } from '../../protocol/common';
import {
  deliveryInstructionsInputSchema,
  ratingInputSchema,
  returnRequestSchema,
  slotChoiceSchema,
  slotsQuerySchema,
  trackingSlotsSchema,
  trackingViewSchema,
  type TrackingSlots,
  type TrackingView,
} from '../../protocol/tracking';
import { issuedTrackingLinkSchema } from '../../protocol/orders-api';
import { RateLimiters } from '../../auth/rate-limits';
import { apiMount, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';
import type { Order } from '../../domain/model/order';

/**
 * The driver is "close" within this many stops or seconds; only then is their position shown. The stops
 * rule needs the stop within a couple of hours (tomorrow's first stop is not close), and both need a
 * recent fix from the vehicle: a driver not on duty is nowhere near.
 */
export const closeStops = 3;
export const closeSeconds = 20 * 60;
export const closeStopsWithinSeconds = 2 * 3600;
export const freshPositionSeconds = 15 * 60;

export interface TrackingOptions {
  /** How long a link keeps working after the order is finished. */
  linkTtlSeconds: number;
  /** Lookups per address: a guessed token costs a request like any other. */
  limiters?: RateLimiters;
  /** A window the customer picks re-plans the order's day on these. */
  routing: RoutingProvider;
  positions?: VehiclePositions;
  /** Where customers reach the service (PUBLIC_URL): the base of the links issued here. */
  publicUrl: string;
  /** The days' delivery promise the checkout quotes from: the customer is offered the same windows. */
  days?: PromiseDays;
}

/** `{code}.{secret}`, the last segment of the link `/t/{code}.{secret}`. */
const tokenParamsSchema = z.object({ token: z.string().min(8).max(200).describe('The link token: `{code}.{secret}` as in `/t/{code}.{secret}`') });


function declare(api: ApiRouter, context: CommandContext, options: TrackingOptions): void {
  const repos = reads(context);
  const now = () => nowEpochSeconds(context.clock);
  const limiters = options.limiters ?? new RateLimiters();
  const days = options.days ?? new PromiseDays(options.routing);
  api.endpoint(
    {
      method: 'get',
      path: '/track/:token',
      operationId: 'getTracking',
      summary: "A customer's view of their delivery, by tracking token (no login)",
      tag: 'tracking',
      roles: 'public',
      params: tokenParamsSchema,
      response: trackingViewSchema,
    },
    async ({ params, req, res }) => {
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      res.setHeader('Cache-Control', 'no-store');
      await limiters.consume('trackingPerAddress', req.ip ?? 'unknown', res);
      const nowEpoch = now();
      return trackingView(repos, await openTrackingLink(repos, params.token, nowEpoch, options.linkTtlSeconds), nowEpoch);
    },
  );

  /** The customer's actions answer with the page's view after the change, read again through the link. */
  const customerAction = <B extends z.ZodType>(spec: { method: 'post' | 'put'; path: string; operationId: string; summary: string; body: B }, act: (token: string, body: z.output<B>) => Promise<unknown>) =>
    api.endpoint({ ...spec, tag: 'tracking', roles: 'public', params: tokenParamsSchema, response: trackingViewSchema }, async ({ params, body, req, res }) => {
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      res.setHeader('Cache-Control', 'no-store');
      await limiters.consume('trackingPerAddress', req.ip ?? 'unknown', res);
      await act(params.token, body as z.output<B>);
      const nowEpoch = now();
      return trackingView(repos, await openTrackingLink(repos, params.token, nowEpoch, options.linkTtlSeconds), nowEpoch);
    });

  customerAction(
    { method: 'post', path: '/track/:token/rating', operationId: 'rateDelivery', summary: 'The customer rates a delivered order, 1–5 stars with an optional comment (again to change it)', body: ratingInputSchema },
    (token, body) => rateDelivery(context, token, body, options.linkTtlSeconds),
  );

  customerAction(
    {
      method: 'put',
      path: '/track/:token/instructions',
      operationId: 'giveDeliveryInstructions',
      summary: 'The customer gives the driver delivery instructions (gate code, safe place, a neighbour, a note ≤ 500 characters); they replace earlier ones',
      body: deliveryInstructionsInputSchema,
    },
    (token, body) => giveDeliveryInstructions(context, token, body, options.linkTtlSeconds),
  );

  customerAction(
    {
      method: 'post',
      path: '/track/:token/reschedule',
      operationId: 'chooseDeliverySlot',
      summary: "The customer moves the delivery to another window the depot offers (GET …/slots); refused once it is out for delivery, past the day's cut-off or when the window is full",
      body: slotChoiceSchema,
    },
    (token, body) => chooseDeliverySlot({ context, routing: options.routing, positions: options.positions ?? noPositions }, days, token, body, options.linkTtlSeconds),
  );

  customerAction(
    { method: 'post', path: '/track/:token/return', operationId: 'requestReturn', summary: 'The customer asks to return a delivered order, with a reason (once)', body: returnRequestSchema },
    (token, body) => requestReturn(context, token, body, options.linkTtlSeconds),
  );

  api.endpoint(
    {
      method: 'get',
      path: '/track/:token/slots',
      operationId: 'listDeliverySlots',
      summary: "The windows the customer may move the delivery to: the depot's offer for the next days, days past their cut-off left out, full windows marked",
      tag: 'tracking',
      roles: 'public',
      params: tokenParamsSchema,
      query: slotsQuerySchema,
      response: trackingSlotsSchema,
    },
    async ({ params, query, req, res }) => {
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      res.setHeader('Cache-Control', 'no-store');
      await limiters.consume('trackingPerAddress', req.ip ?? 'unknown', res);
      const nowEpoch = now();
      const { order } = await openTrackingLink(repos, params.token, nowEpoch, options.linkTtlSeconds);
      return trackingSlots(repos, days, order, nowEpoch, Math.min(query.days, maxSlotDays));
    },
  );

  api.endpoint(
    {
      method: 'get',
      path: '/track/:token/preferences',
      operationId: 'getTrackingPreferences',
      summary: "Which of the customer's channels (e-mail, SMS) get messages about their deliveries",
      tag: 'tracking',
      roles: 'public',
      params: tokenParamsSchema,
      response: preferencesSchema,
    },
    async ({ params, req, res }) => {
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      res.setHeader('Cache-Control', 'no-store');
      await limiters.consume('trackingPerAddress', req.ip ?? 'unknown', res);
      const { order } = await openTrackingLink(repos, params.token, now(), options.linkTtlSeconds);
      return presentPreferences(order, await preferencesOf(repos, order));
    },
  );

  api.endpoint(
    {
      method: 'put',
      path: '/track/:token/preferences',
      operationId: 'setTrackingPreferences',
      summary: 'The customer opts out of (false) or back into (true) e-mail or SMS; kept for their address, recorded on the order',
      description: 'Messages on a channel turned off are still composed and listed for the dispatcher as `suppressed`, never sent.',
      tag: 'tracking',
      roles: 'public',
      params: tokenParamsSchema,
      body: preferencesInputSchema,
      response: preferencesSchema,
    },
    async ({ params, body, req, res }) => {
      res.setHeader('X-Robots-Tag', 'noindex, nofollow');
      await limiters.consume('trackingPerAddress', req.ip ?? 'unknown', res);
      const { order, preferences } = await setNotificationPreferences(context, params.token, body, options.linkTtlSeconds);
      return presentPreferences(order, preferences);
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders/:id/tracking/link',
      operationId: 'issueTrackingLink',
      summary: "Issue the order's tracking link again: a new link, the old one stops working (a revocation is lifted)",
      description:
        'Only a hash of the secret is stored, so an order created earlier has no link to show: this issues a new one, answers it once and sends it to the customer as a confirmation (e-mail, SMS, webhooks).',
      tag: 'tracking',
      roles: ['admin', 'dispatcher'],
      params: idParamsSchema,
      response: issuedTrackingLinkSchema,
      status: 201,
    },
    async ({ params, principal, res }) => {
      res.setHeader('Cache-Control', 'no-store');
      const { code, path } = await issueTrackingLink(context, params.id, principal);
      return { code, path, url: `${options.publicUrl.replace(/\/$/, '')}${path}` };
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/orders/:id/tracking/revoke',
      operationId: 'revokeTrackingLink',
      summary: "Revoke an order's tracking link: the page and its API answer 410 from now on",
      tag: 'tracking',
      roles: ['admin', 'dispatcher'],
      params: idParamsSchema,
      status: 204,
    },
    async ({ params, principal }) => {
      await revokeTrackingLink(context, params.id, principal);
    },
  );
}

export async function trackingView(
  repos: Repositories,
  { order, expiresAtEpoch }: { order: Order; expiresAtEpoch: number | null },
  nowEpoch: number,
): Promise<TrackingView> {
  const depot = order.depotId === null ? null : await repos.depots.findById(order.depotId);
  const timeZone = depot?.timeZone ?? 'UTC';
  const iso = (epoch: number) => toIsoInZone(epoch, timeZone);
  const events = (await repos.orderEvents.listForOrder(order.id)).filter((event) => event.toStatus !== null);
  const timeline = events.map((event) => ({ status: event.toStatus!, at: iso(Math.floor(event.occurredAt.getTime() / 1000)), reason: event.reason }));

  const stop = await stopOfOrder(repos, order);
  const window = stop?.stop.promisedWindows[0] ?? order.timeWindows[0] ?? null;
  // A stop still to come of an order that is over (cancelled, returned) expects nothing any more.
  const times = stop && (!finalStatuses.has(order.status) || stop.stop.status === 'completed' || stop.stop.status === 'failed') ? stopTimes(stop.stop) : null;
  const etaEpoch = times?.basis === 'expected' ? times.arrivalEpoch : null;
  const stopsBefore = stop ? stop.before.filter((other) => other.status === 'pending' || other.status === 'arrived').length : null;
  const onTheWay = ['out_for_delivery', 'arrived', 'dispatched'].includes(order.status);
  const position = stop && onTheWay ? (await repos.positions.listLatest([stop.vehicleId]))[0] : undefined;
  const secondsAway = etaEpoch === null ? Infinity : etaEpoch - nowEpoch;
  const close =
    !!position &&
    nowEpoch - position.recordedAt <= freshPositionSeconds &&
    stopsBefore !== null &&
    ((stopsBefore <= closeStops && secondsAway <= closeStopsWithinSeconds) || secondsAway <= closeSeconds);

  const outcome = stop ? await repos.proofs.findOutcome(stop.stop.id) : null;
  const rating = (await repos.trackingLinks.find(order.id))?.rating ?? null;
  const instructions = await repos.deliveryInstructions.find(order.id);
  const returnRequest = await repos.orderEvents.lastOfType(order.id, 'return_requested');
  const may = (action: Parameters<typeof customerMay>[0]) => customerMay(action, order.status, returnRequest !== null);
  return {
    displayId: order.displayId,
    status: order.status,
    timeline,
    promisedWindow: window ? { start: iso(window.startEpochSeconds), end: iso(window.endEpochSeconds) } : null,
    times: times && stop ? presentStopTimes(stop.stop, timeZone) : null,
    close,
    stopsBefore: close ? stopsBefore : null,
    driverLocation: close && position ? position.location : null,
    destination: order.location,
    proof: outcome
      ? {
          outcome: outcome.outcome,
          at: iso(outcome.recordedAtEpoch),
          recipientName: outcome.recipientName ?? null,
          signed: outcome.signatureBytes > 0,
          photographed: outcome.photoBytes > 0,
          failureReason: outcome.failureReason ?? null,
        }
      : null,
    expiresAt: expiresAtEpoch === null ? null : iso(expiresAtEpoch),
    rating: rating ? { stars: rating.stars, comment: rating.comment } : null,
    instructions: instructions ? presentInstructions(instructions) : null,
    returnRequested: returnRequest ? { at: iso(Math.floor(returnRequest.occurredAt.getTime() / 1000)), reason: returnRequest.reason ?? '' } : null,
    actions: { instructions: may('instructions'), reschedule: may('reschedule'), rate: may('rate'), requestReturn: may('requestReturn') },
  };
}

/**
 * The depot's windows for the order as the checkout's quote offers them (slot-quote.ts), days past their cut-off left
 * out and the one it is in marked; how full a window is stays the office's.
 */
export async function trackingSlots(repos: Repositories, days: PromiseDays, order: Order, nowEpoch: number, dayCount: number): Promise<TrackingSlots> {
  const depot = order.depotId === null ? null : await repos.depots.findById(order.depotId);
  if (!depot) throw notFound('Depot of order', order.displayId);
  const timeZone = depot.timeZone;
  const quoted = (await quoteWindows(repos, days, depot, probeOfOrder(order), comingDates(timeZone, nowEpoch, dayCount), nowEpoch)).filter((window) => window.reason !== 'cut_off_passed');
  const [current] = order.timeWindows;
  const isCurrent = (start: number, end: number) => order.timeWindows.length === 1 && current!.startEpochSeconds === start && current!.endEpochSeconds === end;
  const clockOf = (epoch: number) => toIsoInZone(epoch, timeZone).slice(11, 16);
  return {
    timeZone,
    current: current ? { start: toIsoInZone(current.startEpochSeconds, timeZone), end: toIsoInZone(current.endEpochSeconds, timeZone) } : null,
    slots: quoted.map((slot) => ({
      date: slot.date,
      start: clockOf(slot.startEpochSeconds),
      // A window to midnight ends at 24:00 of its day, not 00:00.
      end: slot.endEpochSeconds - slot.startEpochSeconds > 0 && clockOf(slot.endEpochSeconds) === '00:00' ? '24:00' : clockOf(slot.endEpochSeconds),
      startsAt: toIsoInZone(slot.startEpochSeconds, timeZone),
      endsAt: toIsoInZone(slot.endEpochSeconds, timeZone),
      full: slot.reason !== null,
      current: isCurrent(slot.startEpochSeconds, slot.endEpochSeconds),
    })),
  };
}

/** The order's stop in its plan, the stops driven before it, and the vehicle. */
export function trackingMount(context: CommandContext, options: TrackingOptions): Mount {
  return apiMount((api) => declare(api, context, options), { limit: '16kb', paths: ['/track'] });
}
