/**
 * What the console asks of the server. Each action calls the API and writes what it learns into the state
 * through the state's named functions; the panels render from there. Failures are said in the status line.
 */
import type { z } from 'zod';
import { ApiError, type Api } from '../common/api';
import { say } from '../common/dom';
import type { editResultSchema, PlanEdit, PlanObjective } from '../../src/protocol/plans';
import type { Alert, ConsoleState, Depot, Driver, Order, Plan, Proposal, RouteLine, Vehicle } from './state';

export type EditResult = z.infer<typeof editResultSchema>;

/** The vans' breadcrumbs grow with every fix: the plan's km driven is re-read at most this often while they move. */
const drivenRefreshMs = 10_000;
/** How often a queued plan run is asked how it is going. */
const planPollMs = 700;

export class ConsoleActions {
  private drivenReadAtMs = 0;
  private drivenRead: ReturnType<typeof setTimeout> | null = null;
  /** Counts day reads: an answer to an older one (another depot or date chosen since) is dropped. */
  private dayRead = 0;

  constructor(
    private readonly api: Api,
    private readonly state: ConsoleState,
  ) {}

  /** Depots, vehicles and drivers; the first depot is shown. An ApiError 401 means the session is gone. */
  async loadFleet(): Promise<void> {
    const depots = await this.api.all<Depot>('/depots');
    const [vehicles, drivers] = await Promise.all([this.api.all<Vehicle>('/vehicles'), this.api.all<Driver>('/drivers')]);
    this.state.setFleet(depots, vehicles, drivers);
    this.state.selectDepot(depots[0]?.id ?? null);
  }

  /** The first day with orders waiting to be planned, else today (where the depot is). */
  async firstOpenDay(): Promise<string> {
    const waiting = await this.api.get<{ items: Order[] }>(`/orders?status=ready,planned,dispatched,out_for_delivery&limit=1`);
    return waiting.items[0]?.timeWindows[0]?.start.slice(0, 10) ?? new Date().toISOString().slice(0, 10);
  }

  /** The selected depot's open alerts. */
  async loadAlerts(): Promise<void> {
    const depotId = this.state.depotId;
    if (depotId === null) return;
    try {
      const alerts = await this.api.all<Alert>(`/alerts?depotId=${depotId}&status=open`);
      // Another depot may have been chosen meanwhile.
      if (this.state.depotId === depotId) this.state.setAlerts(alerts);
    } catch (error) {
      say(`Alerts unavailable: ${(error as Error).message}`, true);
    }
  }

  async acknowledgeAlert(alertId: number): Promise<void> {
    try {
      this.state.putAlert(await this.api.post<Alert>(`/alerts/${alertId}/acknowledge`));
    } catch (error) {
      say(`Acknowledge failed: ${(error as Error).message}`, true);
    }
  }

  /** The selected day's orders and its current plan, if any. */
  async loadDay(): Promise<void> {
    // Before the first day and depot are chosen (one picked while the console starts) there is no day to read.
    if (!this.state.date || this.state.depotId === null) return;
    const day = `depotId=${this.state.depotId}&date=${this.state.date}`;
    const read = ++this.dayRead;
    const stillWanted = () => read === this.dayRead;
    const [orders, plans] = await Promise.all([this.api.all<Order>(`/orders?${day}`), this.api.get<{ items: { id: number; status: string }[] }>(`/plans?${day}`)]);
    if (!stillWanted()) return;
    this.state.setOrders(orders);
    const current = plans.items.find((plan) => ['succeeded', 'dispatched', 'running', 'queued'].includes(plan.status));
    if (current) await this.showPlan(current.id, stillWanted);
    else this.state.setPlan(null);
  }

  async showPlan(planId: number, stillWanted: () => boolean = () => true): Promise<void> {
    const plan = await this.api.get<Plan>(`/plans/${planId}`);
    if (!stillWanted()) return;
    this.state.setPlan(plan);
    const geojson = await this.api.request<GeoJSON.FeatureCollection>('GET', `/plans/${planId}?format=geojson`);
    const lines: RouteLine[] = geojson.features
      .filter((feature) => feature.properties?.kind === 'route' && feature.geometry.type === 'LineString')
      .map((feature) => ({ vehicleId: Number(feature.properties!.vehicleId), coordinates: (feature.geometry as GeoJSON.LineString).coordinates as [number, number][] }));
    // Another plan may have been shown meanwhile.
    if (this.state.plan?.id === planId) this.state.setRouteLines(lines);
  }

  /** Queues a plan run for the day and follows it; true once its plan is shown. */
  async startPlan(timeLimitSeconds: number, objective: PlanObjective = 'cost'): Promise<boolean> {
    say('Planning…');
    try {
      const replacesPlanId = this.state.plan?.status === 'succeeded' ? this.state.plan.id : undefined;
      const created = await this.api.post<{ id: number }>('/plans', { date: this.state.date, depotId: this.state.depotId ?? 0, timeLimitSeconds, options: { minimize: objective }, replacesPlanId });
      this.state.planQueued(created.id);
      for (;;) {
        await new Promise((resolve) => setTimeout(resolve, planPollMs));
        const plan = await this.api.get<{ status: string; progress: { unassigned: number; elapsedMs: number; bestCost: number } | null; error: { message: string } | null }>(`/plans/${created.id}`);
        if (plan.progress) sayProgress(plan.progress);
        if (plan.status === 'failed' || plan.status === 'cancelled') throw new Error(plan.error?.message ?? `plan ${plan.status}`);
        if (plan.status === 'succeeded') break;
      }
      await this.showPlan(created.id);
      say(`Plan ready: ${this.state.plan?.routes.length} routes, ${this.state.plan?.unassigned.length} unassigned.`);
      return true;
    } catch (error) {
      say(`Planning failed: ${(error as Error).message}`, true);
      return false;
    }
  }

  /**
   * "Plan again" on the dispatched plan: the proposal is shown; nothing changes until it is accepted. The search
   * takes the server's short default (the answer comes within seconds), not the plan's search time.
   */
  async proposeReplan(): Promise<boolean> {
    if (!this.state.plan) return false;
    say('Planning again the stops not yet started…');
    try {
      const proposal = await this.api.post<Proposal>(`/plans/${this.state.plan.id}/replan`, {});
      this.state.setProposal(proposal);
      say('Proposal ready: accept or discard it.');
      return true;
    } catch (error) {
      say(`Planning again failed: ${(error as Error).message}`, true);
      return false;
    }
  }

  async acceptProposal(): Promise<void> {
    const proposal = this.state.proposal;
    if (!proposal) return;
    try {
      await this.api.post(`/plans/${proposal.planId}/replan/${proposal.proposalId}/accept`);
      this.state.setProposal(null);
      await this.loadDay();
      say('Plan changed: drivers have their new routes.');
    } catch (error) {
      say(`Accept refused: ${(error as Error).message}`, true);
    }
  }

  async discardProposal(): Promise<void> {
    const proposal = this.state.proposal;
    if (!proposal) return;
    this.state.setProposal(null);
    // Already gone (expired, or decided elsewhere): nothing to undo.
    await this.api.request('DELETE', `/plans/${proposal.planId}/replan/${proposal.proposalId}`).catch(() => undefined);
    say('Proposal discarded.');
  }

  /** What the edit would do, changing nothing; null (and said why) when it cannot be done. */
  async previewEdit(edit: PlanEdit): Promise<EditResult | null> {
    if (!this.state.plan) return null;
    try {
      return await this.api.post<EditResult>(`/plans/${this.state.plan.id}/edits?preview=true`, edit);
    } catch (error) {
      say(`Cannot move: ${(error as Error).message}`, true);
      return null;
    }
  }

  async applyEdit(edit: PlanEdit): Promise<void> {
    if (!this.state.plan) return;
    const planId = this.state.plan.id;
    try {
      await this.api.post(`/plans/${planId}/edits`, edit);
      await this.showPlan(planId);
      say('Plan changed.');
    } catch (error) {
      say(`Change refused: ${(error as Error).message}`, true);
      await this.showPlan(planId);
    }
  }

  /** Dispatches; a plan with violations or unassigned orders is listed and dispatched only once confirmed. */
  async dispatchPlan(confirm = false): Promise<void> {
    if (!this.state.plan) return;
    try {
      await this.api.post(`/plans/${this.state.plan.id}/dispatch`, { confirm });
      await this.showPlan(this.state.plan.id);
      await this.loadDay();
      say('Dispatched: drivers have their routes.');
    } catch (error) {
      const warnings = error instanceof ApiError && error.status === 409 ? error.details.filter((detail) => detail.path === 'violations' || detail.path === 'unassigned') : [];
      if (!confirm && warnings.length > 0) {
        const shown = warnings.slice(0, 20).map((warning) => `• ${warning.message}`);
        if (warnings.length > shown.length) shown.push(`… and ${warnings.length - shown.length} more`);
        if (window.confirm(`${error instanceof ApiError ? error.message.split(' (')[0] : ''}\n\n${shown.join('\n')}\n\nDispatch anyway?`)) return this.dispatchPlan(true);
        say('Not dispatched.');
        return;
      }
      say(`Dispatch failed: ${(error as Error).message}`, true);
    }
  }

  /** Many orders to one status at once; those that could not move are named in the status line. */
  async moveOrders(orderIds: number[], status: 'ready'): Promise<void> {
    try {
      const result = await this.api.post<{ moved: number[]; refused: { orderId: number; message: string }[] }>('/orders/transitions', { orderIds, status });
      await this.loadDay();
      const refused = result.refused;
      say(`${result.moved.length} order${result.moved.length === 1 ? '' : 's'} now ${status}${refused.length > 0 ? `; not moved: ${refused.map((entry) => `${entry.orderId} (${entry.message})`).join(', ')}` : ''}.`, refused.length > 0);
    } catch (error) {
      say(`Moving orders failed: ${(error as Error).message}`, true);
    }
  }

  /** Re-reads the dispatched plan's km driven soon: at most every 10 s, however many fixes arrive. */
  refreshDrivenSoon(): void {
    if (!this.state.plan?.dispatchedAt || this.drivenRead) return;
    this.drivenRead = setTimeout(() => {
      this.drivenReadAtMs = Date.now();
      const planId = this.state.plan?.id;
      void this.api
        .get<Plan>(`/plans/${planId}`)
        .then((plan) => this.state.setDrivenMeters(plan.id, plan.drivenMeters))
        // A failed read is tried again with the next fix.
        .catch(() => undefined)
        .finally(() => {
          this.drivenRead = null;
        });
    }, Math.max(0, this.drivenReadAtMs + drivenRefreshMs - Date.now()));
  }
}

/** A plan run's best solution so far, in the status line. */
export function sayProgress(progress: { elapsedMs: number; bestCost: number; unassigned: number }): void {
  say(`Planning… ${(progress.elapsedMs / 1000).toFixed(1)} s, cost ${Math.round(progress.bestCost)}, ${progress.unassigned} unassigned`);
}
