/**
 * The delivery promise at checkout: which windows a depot can still promise an address, priced (`POST /slots/quote`),
 * holding one while the customer pays (`POST /slots/reserve`), and how full each window is for the console.
 */
import { reads } from '../../commands/context';
import { assertQuotableDate, reserveSlot, type SlotDeps } from '../../commands/reserve-slot';
import { nowEpochSeconds } from '../../domain/clock';
import type { Depot } from '../../domain/model/fleet';
import { localDate, nextDate } from '../../domain/time';
import { invalidInput, notFound } from '../../errors';
import { PlacementError, placeOrder, type Geocoding } from '../../geocoding/place-order';
import type { PromiseProbe } from '../../planning/promise-day';
import { quoteWindows, windowLoads } from '../../planning/slot-quote';
import { idParamsSchema } from '../../protocol/common';
import { slotLoadsQuerySchema, slotLoadsSchema, slotQuoteInputSchema, slotQuoteSchema, slotReservationSchema, slotReserveInputSchema, type SlotReserveInput } from '../../protocol/slots';
import type { ApiRouter } from '../endpoint';
import { apiMount, type Mount } from '../mount';
import { presentLoads, presentQuote, presentReservation } from '../presenters/slots.presenter';

const office = ['admin', 'dispatcher'] as const;

export interface SlotsOptions extends SlotDeps {
  geocoding: Geocoding;
}

export function slotsMount(options: SlotsOptions): Mount {
  return apiMount((api) => declare(api, options), { limit: '64kb', paths: ['/slots'] });
}

const datesFrom = (from: string, to: string) => {
  const dates = [from];
  while (dates.at(-1)! < to) dates.push(nextDate(dates.at(-1)!));
  return dates;
};

function declare(api: ApiRouter, options: SlotsOptions): void {
  const repos = reads(options.context);
  const now = () => nowEpochSeconds(options.context.clock);

  const depotOf = async (depotId: number): Promise<Depot> => {
    const depot = await repos.depots.findById(depotId);
    if (!depot) throw invalidInput('Unknown depot', [{ path: 'body.depotId', message: `depot ${depotId} does not exist` }]);
    return depot;
  };

  /** Where and what: the address geocoded and held to the depot's service area, as an order is. */
  const probeOf = async (input: SlotReserveInput | Pick<SlotReserveInput, 'location' | 'address' | 'addressText' | 'serviceSeconds' | 'amounts' | 'skills'>, depot: Depot): Promise<PromiseProbe> => {
    const address = input.addressText === undefined && input.address === undefined ? { addressText: 'given location' } : { addressText: input.addressText, address: input.address };
    try {
      const placement = await placeOrder({ ...address, location: input.location }, options.geocoding, depot.serviceArea);
      return { location: placement.location, serviceSeconds: input.serviceSeconds, demand: input.amounts, requiredSkills: [...new Set(input.skills.map((skill) => skill.toLowerCase()))].sort() };
    } catch (error) {
      // The checkout's fields are under body.
      if (error instanceof PlacementError) throw new PlacementError(['body', ...error.path], error.message, error.unavailable);
      throw error;
    }
  };

  api.endpoint(
    {
      method: 'post',
      path: '/slots/quote',
      operationId: 'quoteSlots',
      summary: "The depot's windows on each date for an address: available or why not, and what the order would cost that day",
      description: 'Priced by cheapest insertion into the day as planned, or a forecast of the orders already promised that day, on the road network and constraints planning uses; no solve.',
      tag: 'slots',
      roles: office,
      body: slotQuoteInputSchema,
      response: slotQuoteSchema,
    },
    async ({ body }) => {
      const depot = await depotOf(body.depotId);
      const nowEpoch = now();
      const dates = body.dates ? [...new Set(body.dates)].sort() : datesFrom(body.dateRange!.from, body.dateRange!.to);
      const asked = body.dates ? body.dates.map((date, index) => [date, `body.dates[${index}]`] as const) : ([[body.dateRange!.from, 'body.dateRange.from'], [body.dateRange!.to, 'body.dateRange.to']] as const);
      for (const [date, path] of asked) assertQuotableDate(depot, date, nowEpoch, path);
      const probe = await probeOf(body, depot);
      const windows = await quoteWindows(repos, options.days, depot, probe, dates, nowEpoch);
      return presentQuote(depot, probe.location, dates, windows);
    },
  );

  api.endpoint(
    {
      method: 'post',
      path: '/slots/reserve',
      operationId: 'reserveSlot',
      summary: 'Holds a window for the order while the customer pays; POST /orders with reservationId gives the order that window',
      description: 'Refused with 409 naming the reason when the window is full, past its cut-off or no route can take the order; the hold ends at expiresAt and then frees the capacity.',
      tag: 'slots',
      roles: office,
      body: slotReserveInputSchema,
      response: slotReservationSchema,
      status: 201,
    },
    async ({ body, principal }) => {
      const depot = await depotOf(body.depotId);
      const probe = await probeOf(body, depot);
      const { reservation, depot: locked, insertion } = await reserveSlot(options, { depotId: body.depotId, date: body.date, start: body.start, end: body.end, probe }, principal);
      return presentReservation(locked, reservation, insertion);
    },
  );

  api.endpoint(
    {
      method: 'get',
      path: '/depots/:id/slots',
      operationId: 'listDepotSlotLoads',
      summary: "How full the depot's windows are per day: promised orders and held reservations against capacity",
      tag: 'slots',
      roles: office,
      params: idParamsSchema,
      query: slotLoadsQuerySchema,
      response: slotLoadsSchema,
    },
    async ({ params, query }) => {
      const depot = await repos.depots.findById(params.id);
      if (!depot) throw notFound('Depot', params.id);
      const nowEpoch = now();
      const from = query.from ?? localDate(depot.timeZone, nowEpoch);
      const dates = [from];
      while (dates.length < query.days) dates.push(nextDate(dates.at(-1)!));
      return presentLoads(depot, dates, await windowLoads(repos, depot, dates, nowEpoch));
    },
  );
}
