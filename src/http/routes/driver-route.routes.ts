/**
 * The driver app's day: the driver's dispatched route with each stop's address, window and times, notes and
 * phone, and the next leg — from where the vehicle is — with its road geometry and turn-by-turn text.
 */
import { z } from 'zod';
import { reads, type CommandContext } from '../../commands/context';
import { AppError } from '../../errors';
import { instructionsFor } from '../../routing/instructions';
import { RoutingError, type RoutingProvider } from '../../routing/provider';
import { presentInstructions } from '../presenters/tracking.presenter';
import { presentReloads } from '../presenters/plan.presenter';
import { presentStopTimes } from '../presenters/stop-times.presenter';
import { apiMount, type Mount } from '../mount';
import { ApiRouter } from '../endpoint';
import { driverDaySchema, type DriverDay, type DriverStop } from '../../protocol/driver-route';
import type { LonLat } from '../../domain/model/geometry';


function declare(api: ApiRouter, context: CommandContext, routing: RoutingProvider): void {
  const repos = reads(context);
  api.endpoint(
    {
      method: 'get',
      path: '/driver/route',
      operationId: 'getDriverRoute',
      summary: "The driver's dispatched route: stops in order, and the next leg with turn-by-turn instructions",
      tag: 'tracking',
      roles: ['driver'],
      query: z.object({ language: z.string().min(2).max(10).default('en') }),
      response: driverDaySchema,
    },
    async ({ principal, query }): Promise<DriverDay> => {
      if (principal.vehicleId === null) throw new AppError(403, 'forbidden', 'You have no vehicle assigned, so there is no route to follow');
      const route = await repos.etas.activeRoute(principal.vehicleId);
      if (!route) return { route: null, nextLeg: null };
      const plan = await repos.plans.findById(route.planId);
      const timeZone = (plan && (await repos.depots.findById(plan.depotId))?.timeZone) ?? 'UTC';
      const stops: DriverStop[] = [];
      const instructions = await repos.deliveryInstructions.findMany(route.stops.map((stop) => stop.orderId));
      for (const stop of route.stops) {
        const order = await repos.orders.findById(stop.orderId);
        if (!order) continue;
        stops.push({
          stopId: stop.id,
          orderId: order.id,
          displayId: order.displayId,
          sequence: stop.sequence,
          status: stop.status,
          customerName: order.customerName,
          customerPhone: order.customerPhone,
          address: order.addressText,
          notes: order.notes,
          instructions: instructions.has(order.id) ? presentInstructions(instructions.get(order.id)!) : null,
          location: stop.location,
          times: presentStopTimes(stop, timeZone),
          kind: order.kind,
          deliver: order.kind === 'pickup' ? null : order.demand,
          collect: order.kind === 'delivery' ? null : order.pickup,
        });
      }

      const nextIndex = route.stops.findIndex((stop) => stop.status === 'pending' || stop.status === 'arrived');
      if (nextIndex < 0) return { route: { id: route.id, vehicleId: route.vehicleId, status: route.status, timeZone, stops, reloads: presentReloads(route.reloads, timeZone) }, nextLeg: null };
      const next = route.stops[nextIndex]!;
      const position = (await repos.positions.listLatest([route.vehicleId]))[0];
      const from: LonLat = position?.location ?? (nextIndex > 0 ? route.stops[nextIndex - 1]!.location : route.startLocation);
      return { route: { id: route.id, vehicleId: route.vehicleId, status: route.status, timeZone, stops, reloads: presentReloads(route.reloads, timeZone) }, nextLeg: await leg(routing, from, next.location, next.id, query.language) };
    },
  );
}

/** The road leg to the next stop; null when the road network cannot route it (the list still works). */
async function leg(routing: RoutingProvider, from: LonLat, to: LonLat, stopId: number, language: string): Promise<DriverDay['nextLeg']> {
  try {
    const { route } = await routing.route({ coordinates: [from, to], steps: true, overview: 'full' });
    return {
      stopId,
      from,
      distanceMeters: Math.round(route.distance),
      durationSeconds: Math.round(route.duration),
      geometry: route.geometry ?? { type: 'LineString', coordinates: [from, to] },
      instructions: instructionsFor(route, language),
    };
  } catch (error) {
    if (error instanceof RoutingError) return null;
    throw error;
  }
}

export function driverRouteMount(context: CommandContext, routing: RoutingProvider): Mount {
  return apiMount((api) => declare(api, context, routing));
}
