/**
 * Alerts raised and resolved from what happened, stored so a reloaded console still shows them:
 * - a vehicle's live ETAs put stops' expected service start past their windows (`domain/stop-times.ts`, the rule every
 *   page shows) → `delay` per stop, resolved when it is back inside the
 *   window, the stop is served or failed, or it left the vehicle's remaining stops;
 * - a vehicle off its planned road → `deviation`, resolved when it is back;
 * - a vehicle the road network cannot route from where it is → `unroutable`, resolved when it can again;
 * - an order failed → `failed_delivery`, resolved when it leaves `failed` (re-attempted, returned);
 * - a plan left orders unassigned → `unassigned`, updated as edits place them, resolved when none is left or the plan
 *   gives way (superseded, cancelled).
 * Work about one subject runs in the order its events came, so a raise and its resolution never swap.
 */
import { raiseAlert } from '../commands/raise-alert';
import { resolveAlert } from '../commands/resolve-alert';
import { reads, type CommandContext } from '../commands/context';
import type { DomainEvents } from '../domain/events';
import type { Logger } from '../logger';
import { failureText } from '../domain/failure-reasons';
import { minutesLate } from '../domain/stop-times';

export interface AlertReactions {
  /** Resolves once every alert change queued so far is stored (tests, shutdown). */
  idle(): Promise<void>;
  stop(): void;
}

export function raiseAndResolveAlerts(context: CommandContext, log?: Logger): AlertReactions {
  const repos = reads(context);
  const chains = new Map<string, Promise<void>>();

  /** Runs `work` after the work queued under the same key. */
  const serially = (key: string, what: string, work: () => Promise<unknown>) => {
    const previous = chains.get(key) ?? Promise.resolve();
    const next = previous
      .then(work)
      .then(
        () => undefined,
        (error: unknown) => log?.error({ err: error, key }, `${what} failed`),
      )
      .finally(() => {
        if (chains.get(key) === next) chains.delete(key);
      });
    chains.set(key, next);
  };

  const vehicleOf = async (vehicleId: number) => {
    const vehicle = await repos.vehicles.findById(vehicleId);
    return vehicle ? { depotId: vehicle.startDepotId, name: vehicle.name } : null;
  };

  const delaysChanged = async ({ vehicleId, lateStops }: DomainEvents['vehicle.delays_changed']) => {
    const late = new Set(lateStops.map((stop) => stop.stopId));
    for (const alert of await repos.alerts.listUnresolvedDelaysOfVehicle(vehicleId)) {
      if (!late.has(alert.subject.id)) await resolveAlert(context, 'delay', alert.subject);
    }
    if (lateStops.length === 0) return;
    const vehicle = await vehicleOf(vehicleId);
    if (!vehicle) return;
    const orders = new Map((await repos.orders.findByIds(lateStops.map((stop) => stop.orderId))).map((order) => [order.id, order]));
    for (const { stopId, orderId, secondsLate } of lateStops) {
      const lateBy = minutesLate(secondsLate);
      const displayId = orders.get(orderId)?.displayId ?? String(orderId);
      await raiseAlert(context, {
        depotId: vehicle.depotId,
        kind: 'delay',
        subject: { type: 'stop', id: stopId },
        message: `${vehicle.name}: order ${displayId} is expected ${lateBy} min after its promised window`,
        data: { vehicleId, orderId, displayId, minutesLate: lateBy },
      });
    }
  };

  const deviationChanged = async ({ vehicleId, offRoute, meters }: DomainEvents['vehicle.deviation_changed']) => {
    const subject = { type: 'vehicle' as const, id: vehicleId };
    if (!offRoute) return resolveAlert(context, 'deviation', subject);
    const vehicle = await vehicleOf(vehicleId);
    if (!vehicle) return;
    const rounded = Math.round(meters);
    await raiseAlert(context, { depotId: vehicle.depotId, kind: 'deviation', subject, message: `${vehicle.name} is ${rounded} m off its planned route`, data: { vehicleId, meters: rounded } });
  };

  const routabilityChanged = async ({ vehicleId, unroutable }: DomainEvents['vehicle.routability_changed']) => {
    const subject = { type: 'vehicle' as const, id: vehicleId };
    if (!unroutable) return resolveAlert(context, 'unroutable', subject);
    const vehicle = await vehicleOf(vehicleId);
    if (!vehicle) return;
    await raiseAlert(context, {
      depotId: vehicle.depotId,
      kind: 'unroutable',
      subject,
      message: `${vehicle.name} cannot be routed from where it is to its next stop (off the road network); ETAs use the planned times`,
      data: { vehicleId },
    });
  };

  const orderFailed = async ({ order, reason }: DomainEvents['order.status_changed']) => {
    const vehicleId = order.assignedVehicleId;
    const depotId = order.depotId ?? (vehicleId === null ? null : ((await vehicleOf(vehicleId))?.depotId ?? null));
    if (depotId === null) return;
    await raiseAlert(context, {
      depotId,
      kind: 'failed_delivery',
      subject: { type: 'order', id: order.id },
      message: `Failed delivery ${order.displayId}${reason ? `: ${failureText(reason)}` : ''}`,
      data: { orderId: order.id, displayId: order.displayId, vehicleId, reason },
    });
  };

  const unassignedChanged = async (planId: number, depotId: number) => {
    const subject = { type: 'plan' as const, id: planId };
    const unassigned = await repos.plans.listUnassigned(planId);
    if (unassigned.length === 0) return resolveAlert(context, 'unassigned', subject);
    const reasons: Record<string, number> = {};
    for (const { reason } of unassigned) reasons[reason] = (reasons[reason] ?? 0) + 1;
    const why = Object.entries(reasons)
      .map(([reason, count]) => `${count} ${reason}`)
      .join(', ');
    await raiseAlert(context, {
      depotId,
      kind: 'unassigned',
      subject,
      message: `Plan ${planId} leaves ${unassigned.length} order${unassigned.length === 1 ? '' : 's'} unassigned (${why})`,
      data: { planId, orderIds: unassigned.map((entry) => entry.orderId), reasons },
    });
  };

  const { events } = context;
  const unsubscribers = [
    events.on('vehicle.delays_changed', (change) => serially(`delay:vehicle:${change.vehicleId}`, 'raising delay alerts', () => delaysChanged(change))),
    events.on('stop.status_changed', ({ stopId, vehicleId, status }) => {
      // Served or failed: it can no longer be late.
      if (status === 'completed' || status === 'failed') serially(`delay:vehicle:${vehicleId}`, 'resolving a delay alert', () => resolveAlert(context, 'delay', { type: 'stop', id: stopId }));
    }),
    events.on('vehicle.deviation_changed', (change) => serially(`deviation:vehicle:${change.vehicleId}`, 'a deviation alert', () => deviationChanged(change))),
    events.on('vehicle.routability_changed', (change) => serially(`unroutable:vehicle:${change.vehicleId}`, 'an unroutable alert', () => routabilityChanged(change))),
    events.on('order.status_changed', (change) => {
      const key = `failed_delivery:order:${change.order.id}`;
      if (change.to === 'failed') serially(key, 'raising a failed delivery alert', () => orderFailed(change));
      // The policy's own next step leaves the alert for the dispatcher; a person moving the order on, or planning its re-attempt, resolves it.
      else if (!change.byPolicy && (change.from === 'failed' || change.from === 'rescheduled')) serially(key, 'resolving a failed delivery alert', () => resolveAlert(context, 'failed_delivery', { type: 'order', id: change.order.id }));
    }),
    events.on('plan.status_changed', ({ planId, depotId, status }) => {
      const key = `unassigned:plan:${planId}`;
      if (status === 'succeeded') serially(key, 'an unassigned orders alert', () => unassignedChanged(planId, depotId));
      else if (status === 'superseded' || status === 'cancelled' || status === 'failed') {
        serially(key, 'resolving an unassigned orders alert', () => resolveAlert(context, 'unassigned', { type: 'plan', id: planId }));
      }
    }),
    events.on('plan.changed', ({ planId, depotId }) => serially(`unassigned:plan:${planId}`, 'an unassigned orders alert', () => unassignedChanged(planId, depotId))),
  ];

  return {
    async idle() {
      while (chains.size > 0) await Promise.all([...chains.values()]);
    },
    stop() {
      for (const unsubscribe of unsubscribers) unsubscribe();
    },
  };
}
