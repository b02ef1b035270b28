/**
 * Multi-trip: the driver confirms a reload, the step between two trips that is no order's: at the depot, then loaded
 * and on the way again. Written to the route and its event log in one transaction, published after commit; nothing
 * goes out to customers (their ETAs follow from the stops).
 */
import type { Principal } from '../auth/principal';
import { nowEpochSeconds } from '../domain/clock';
import type { DomainEvents } from '../domain/events';
import { toIsoInZone } from '../domain/time';
import { AppError, conflict, notFound } from '../errors';
import type { ReloadInput, ReloadResult } from '../protocol/stop-actions';
import { inTransaction, type CommandContext } from './context';

export async function confirmReload(context: CommandContext, routeId: number, trip: number, input: ReloadInput, by: Principal): Promise<ReloadResult> {
  const nowEpoch = nowEpochSeconds(context.clock);
  let published: DomainEvents['route.reload_changed'] | null = null;
  const result = await inTransaction(context, async (repos) => {
    // The plan first, as edits and plan again lock it: a confirmation is never overwritten by a rewrite read before it.
    const planId = await repos.routes.planIdOf(routeId);
    if (planId === null) throw notFound('Route', routeId);
    const plan = (await repos.plans.findByIdForUpdate(planId))!;
    const route = (await repos.routes.findByIdForUpdate(routeId))!;
    if (by.role === 'driver' && route.vehicleId !== by.vehicleId) throw new AppError(403, 'forbidden', `Route ${routeId} is not yours`, [{ path: 'id', message: `route ${routeId} belongs to another vehicle` }]);
    if (route.status !== 'dispatched' && route.status !== 'in_progress') {
      throw conflict(`Route ${routeId} is ${route.status}, not under way`, [{ path: 'status', message: `route is ${route.status}` }]);
    }
    const { timeZone } = (await repos.depots.findById(plan.depotId))!;
    const reload = route.reloads[trip - 2];
    if (!reload) {
      throw new AppError(404, 'not_found', `Route ${routeId} has no reload before trip ${trip}`, [{ path: 'trip', message: `route ${routeId} has ${route.reloads.length + 1} trip${route.reloads.length === 0 ? '' : 's'}` }]);
    }
    // The previous trip comes first: its stops are all done (delivered or failed) before the van reloads.
    const open = route.stops.filter((stop) => stop.sequence <= reload.afterSequence && stop.status === 'pending');
    if (open.length > 0) {
      throw conflict(`Trip ${trip - 1} still has ${open.length} stop${open.length === 1 ? '' : 's'} to do`, [{ path: 'trip', message: `stops ${open.map((stop) => stop.sequence).join(', ')} before the reload are pending` }]);
    }
    const earlier = route.reloads.slice(0, trip - 2).findIndex((candidate) => candidate.reloadedEpochSeconds === undefined);
    if (earlier >= 0) throw conflict(`The reload before trip ${earlier + 2} is not confirmed yet`, [{ path: 'trip', message: `trip ${earlier + 2} has not started` }]);
    if (reload.reloadedEpochSeconds !== undefined) {
      throw conflict(`Trip ${trip} was already loaded`, [{ path: 'step', message: `reloaded at ${toIsoInZone(reload.reloadedEpochSeconds, timeZone)}` }]);
    }
    if (input.step === 'arrived' && reload.arrivedEpochSeconds !== undefined) {
      throw conflict(`Already at the depot for trip ${trip}`, [{ path: 'step', message: `arrived at ${toIsoInZone(reload.arrivedEpochSeconds, timeZone)}` }]);
    }
    // "Reloaded" alone says the van came too, as "delivered" does without "arrived".
    const arrivedEpochSeconds = reload.arrivedEpochSeconds ?? nowEpoch;
    const confirmed = { ...reload, arrivedEpochSeconds, ...(input.step === 'reloaded' ? { reloadedEpochSeconds: nowEpoch } : {}) };
    await repos.routes.setReloads(routeId, route.reloads.map((candidate) => (candidate === reload ? confirmed : candidate)));
    await repos.routes.insertEvent({ routeId, vehicleId: route.vehicleId, type: input.step === 'arrived' ? 'reload_arrived' : 'reloaded', data: { trip }, actor: by.actor, atEpoch: nowEpoch });
    published = { routeId, planId: route.planId, vehicleId: route.vehicleId, trip, arrivedAtEpoch: arrivedEpochSeconds, reloadedAtEpoch: confirmed.reloadedEpochSeconds ?? null, actor: by.actor };
    return {
      routeId,
      trip,
      arrivedAt: toIsoInZone(arrivedEpochSeconds, timeZone),
      reloadedAt: confirmed.reloadedEpochSeconds === undefined ? null : toIsoInZone(confirmed.reloadedEpochSeconds, timeZone),
    };
  });
  if (published) context.events.publish('route.reload_changed', published);
  return result;
}
