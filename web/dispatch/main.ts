/**
 * The dispatch console: orders (table, clustered map, filters), the fleet, planning with live progress,
 * routes drawn with stop numbers, unassigned orders with reasons, moves previewed before confirming,
 * locks, dispatch; then the day live: moving vehicles, ETAs, alerts and the KPI strip.
 */
import L from 'leaflet';
import type { z } from 'zod';
import '../common/style.css';
import './dispatch.css';
import { Api, ApiError } from '../common/api';
import { $, el, say } from '../common/dom';
import { clock, escapeHtml, failureText, km, localIso, statusText, windowText } from '../common/format';
import { createMap, latLng, numberedIcon, routeColors } from '../common/map';
import { bindLoginForm, forgetSession, logout } from '../common/session';
import { connectLive, type LiveSocket } from '../common/socket';
import { ClusterLayer } from '../layers/clusters';
import { VehicleLayer } from '../layers/vehicles';
import type { editResultSchema, planSchema, PlanEdit } from '../../src/protocol/plans';
import type { AlertView } from '../../src/protocol/socket';
import { orderStatuses } from '../../src/domain/model/order';

type Plan = z.infer<typeof planSchema>;
type PlanRoute = Plan['routes'][number];
type EditResult = z.infer<typeof editResultSchema>;
interface Order { id: number; displayId: string; status: string; customerName: string; addressText: string; location: [number, number]; timeWindows: { start: string; end: string }[]; priority: number; assignedVehicleId: number | null }
interface Vehicle { id: number; name: string; capacity: { weightKg: number; volumeL: number; items: number } }
interface Driver { id: number; name: string; vehicleId: number | null }
interface Depot { id: number; name: string; location: [number, number]; timeZone: string }

const tokenKey = 'lastmile.dispatch.token';
const api = new Api(localStorage.getItem(tokenKey));
const state = {
  depots: [] as Depot[],
  orders: new Map<number, Order>(),
  vehicles: [] as Vehicle[],
  drivers: [] as Driver[],
  plan: null as Plan | null,
  lastSeen: new Map<number, number>(),
  alerts: [] as string[],
};
let map: L.Map;
let clusters: ClusterLayer;
let vehicles: VehicleLayer;
const routeLayer = L.layerGroup();
let socket: LiveSocket | null = null;
let pendingEdit: PlanEdit | null = null;

const colorOfVehicle = (vehicleId: number) => routeColors[Math.max(0, state.vehicles.findIndex((vehicle) => vehicle.id === vehicleId)) % routeColors.length]!;
const nameOfVehicle = (vehicleId: number) => state.vehicles.find((vehicle) => vehicle.id === vehicleId)?.name ?? `Vehicle ${vehicleId}`;
const depotId = () => Number(($('#depot') as HTMLSelectElement).value);
/** Times are shown on the depot's wall clock, as the API's ISO strings are. */
const depotClock = (epochSeconds: number) => clock(localIso(epochSeconds, state.depots.find((depot) => depot.id === depotId())?.timeZone ?? 'UTC'));
const date = () => ($('#date') as HTMLInputElement).value;

// ---- orders -------------------------------------------------------------------------------------

function filteredOrders(): Order[] {
  const status = ($('#filter-status') as HTMLSelectElement).value;
  const from = ($('#filter-from') as HTMLInputElement).value;
  const to = ($('#filter-to') as HTMLInputElement).value;
  const priority = Number(($('#filter-priority') as HTMLInputElement).value) || 0;
  return [...state.orders.values()].filter((order) => {
    const window = order.timeWindows[0];
    if (status && order.status !== status) return false;
    if (order.priority < priority) return false;
    if (from && window && clock(window.end) < from) return false;
    if (to && window && clock(window.start) > to) return false;
    return true;
  });
}

function renderOrders(): void {
  const orders = filteredOrders();
  $('#order-count').textContent = `${orders.length} of ${state.orders.size} orders`;
  $('#orders').replaceChildren(
    ...orders.map((order) =>
      el(
        'tr',
        { 'data-order-id': String(order.id) },
        el('td', {}, order.displayId),
        el('td', {}, order.customerName, el('div', { class: 'muted' }, order.addressText)),
        el('td', {}, windowText(order.timeWindows[0])),
        el('td', {}, String(order.priority)),
        el('td', {}, el('span', { class: `status ${order.status}` }, statusText(order.status))),
      ),
    ),
  );
  // Orders on the plan's routes are drawn as numbered stops; the clusters show the rest.
  const routed = new Set(state.plan?.routes.flatMap((route) => route.stops.map((stop) => stop.orderId)) ?? []);
  clusters.setPoints(
    orders.filter((order) => !routed.has(order.id)).map((order) => ({
      id: order.id,
      location: order.location,
      label: `${order.displayId} ${order.customerName} (${statusText(order.status)})`,
      color: order.assignedVehicleId ? colorOfVehicle(order.assignedVehicleId) : '#5b6773',
    })),
  );
  renderKpis();
}

async function loadDay(): Promise<void> {
  const orders = await api.all<Order>(`/orders?depotId=${depotId()}&date=${date()}`);
  state.orders = new Map(orders.map((order) => [order.id, order]));
  renderOrders();
  const plans = (await api.get<{ items: { id: number; status: string }[] }>(`/plans?depotId=${depotId()}&date=${date()}`)).items;
  const current = plans.find((plan) => ['succeeded', 'dispatched', 'running', 'queued'].includes(plan.status));
  if (current) await showPlan(current.id);
  else {
    state.plan = null;
    renderPlan();
  }
}

// ---- fleet --------------------------------------------------------------------------------------

function renderFleet(): void {
  $('#fleet').replaceChildren(
    ...state.vehicles.map((vehicle) => {
      const driver = state.drivers.find((candidate) => candidate.vehicleId === vehicle.id);
      const seen = state.lastSeen.get(vehicle.id);
      return el(
        'tr',
        { 'data-vehicle-id': String(vehicle.id) },
        el('td', {}, el('span', { style: `color:${colorOfVehicle(vehicle.id)}` }, '■ '), vehicle.name),
        el('td', {}, driver?.name ?? '—'),
        el('td', {}, `${vehicle.capacity.items} items, ${vehicle.capacity.weightKg} kg`),
        el('td', {}, seen ? depotClock(seen) : '—'),
      );
    }),
  );
}

// ---- plan ---------------------------------------------------------------------------------------

async function showPlan(planId: number): Promise<void> {
  state.plan = await api.get<Plan>(`/plans/${planId}`);
  for (const order of state.orders.values()) order.assignedVehicleId = null;
  for (const route of state.plan.routes) for (const stop of route.stops) {
    const order = state.orders.get(stop.orderId);
    if (order) order.assignedVehicleId = route.vehicleId;
  }
  renderPlan();
  renderOrders();
  await drawRouteLines(planId);
}

async function drawRouteLines(planId: number): Promise<void> {
  const geojson = await api.request<GeoJSON.FeatureCollection>('GET', `/plans/${planId}?format=geojson`);
  routeLayer.clearLayers();
  for (const feature of geojson.features) {
    if (feature.properties?.kind !== 'route') continue;
    L.geoJSON(feature, { style: { color: colorOfVehicle(Number(feature.properties.vehicleId)), weight: 4, opacity: 0.8 } }).addTo(routeLayer);
  }
  for (const route of state.plan?.routes ?? []) {
    for (const stop of route.stops) {
      L.marker(latLng(stop.location), { icon: numberedIcon(String(stop.sequence), colorOfVehicle(route.vehicleId)), title: `${nameOfVehicle(route.vehicleId)} stop ${stop.sequence}` })
        .bindTooltip(escapeHtml(`${state.orders.get(stop.orderId)?.displayId ?? stop.orderId} · ETA ${clock(stop.liveEta ?? stop.plannedArrival)}`))
        .addTo(routeLayer);
    }
  }
}

function stopEta(stop: PlanRoute['stops'][number]): string {
  return stop.liveEta ?? stop.dispatchedEta ?? stop.plannedArrival;
}

function renderPlan(): void {
  const plan = state.plan;
  $('#plan-status').textContent = plan ? `#${plan.id} ${statusText(plan.status)}` : 'none';
  ($('#dispatch') as HTMLButtonElement).disabled = plan?.status !== 'succeeded';
  // A plan not yet dispatched can be planned again: the new one replaces it.
  $('#plan').textContent = plan?.status === 'succeeded' ? 'Plan again' : 'Plan';
  const routes = plan?.routes ?? [];
  $('#routes').replaceChildren(...routes.map(routeCard));
  $('#unassigned').replaceChildren(
    ...(plan?.unassigned ?? []).map((entry) => el('li', { 'data-order-id': String(entry.orderId) }, `${state.orders.get(entry.orderId)?.displayId ?? entry.orderId}: ${entry.reason}`)),
  );
  const orderOptions = routes.flatMap((route) => route.stops.map((stop) => el('option', { value: String(stop.orderId) }, `${state.orders.get(stop.orderId)?.displayId ?? stop.orderId} (${nameOfVehicle(route.vehicleId)} #${stop.sequence})`)));
  $('#move-order').replaceChildren(...orderOptions);
  $('#move-vehicle').replaceChildren(...state.vehicles.map((vehicle) => el('option', { value: String(vehicle.id) }, vehicle.name)));
  renderKpis();
}

function routeCard(route: PlanRoute): HTMLElement {
  const driver = state.drivers.find((candidate) => candidate.id === route.driverId || candidate.vehicleId === route.vehicleId);
  const list = el('ol', { 'data-vehicle-id': String(route.vehicleId) });
  for (const stop of route.stops) {
    const order = state.orders.get(stop.orderId);
    const lock = el('input', { type: 'checkbox', 'aria-label': `Lock ${order?.displayId ?? stop.orderId}` }) as HTMLInputElement;
    lock.checked = stop.locked;
    lock.addEventListener('change', () => void applyEdit({ type: lock.checked ? 'lock' : 'unlock', orderIds: [stop.orderId] }));
    const item = el(
      'li',
      { draggable: 'true', 'data-order-id': String(stop.orderId), 'data-stop-id': String(stop.id) },
      lock,
      ` ${order?.displayId ?? stop.orderId} `,
      el('span', { class: 'muted' }, `${windowText(stop.promisedWindows[0])} ETA `),
      el('span', { class: 'eta' }, clock(stopEta(stop))),
      ' ',
      el('span', { class: `status ${stop.status}` }, statusText(stop.status)),
      ...(stop.violations.length ? [el('span', { class: 'violation' }, ` ⚠ ${stop.violations.map((v) => v.cause).join(', ')}`)] : []),
    );
    item.addEventListener('dragstart', (event) => event.dataTransfer?.setData('text/plain', String(stop.orderId)));
    list.append(item);
  }
  // Dropping on a stop puts the dragged one at its position; on the list's free space, at the end.
  list.addEventListener('dragover', (event) => {
    event.preventDefault();
    for (const marked of document.querySelectorAll('.drop-target')) marked.classList.remove('drop-target');
    (event.target as HTMLElement).closest('li')?.classList.add('drop-target');
  });
  list.addEventListener('drop', (event) => {
    event.preventDefault();
    const orderId = Number(event.dataTransfer?.getData('text/plain'));
    const target = (event.target as HTMLElement).closest('li');
    const position = target ? [...list.children].indexOf(target) + 1 : list.children.length + 1;
    for (const marked of document.querySelectorAll('.drop-target')) marked.classList.remove('drop-target');
    if (orderId) void previewEdit({ type: 'move', orderId, vehicleId: route.vehicleId, position });
  });
  return el(
    'div',
    { class: 'card route', style: `--route-color:${colorOfVehicle(route.vehicleId)}`, 'data-route-vehicle': String(route.vehicleId) },
    el('strong', {}, nameOfVehicle(route.vehicleId)),
    el('span', { class: 'muted' }, ` ${driver?.name ?? ''} · ${route.stops.length} stops · ${km(route.distanceMeters)} · ${clock(route.departure)}–${clock(route.arrival)}`),
    list,
  );
}

async function startPlan(): Promise<void> {
  say('Planning…');
  try {
    const replacesPlanId = state.plan?.status === 'succeeded' ? state.plan.id : undefined;
    const created = await api.post<{ id: number }>('/plans', { date: date(), depotId: depotId(), timeLimitSeconds: Number(($('#time-limit') as HTMLInputElement).value) || 5, replacesPlanId });
    $('#plan-status').textContent = `#${created.id} queued`;
    for (;;) {
      await new Promise((resolve) => setTimeout(resolve, 700));
      const plan = await api.get<{ status: string; progress: { unassigned: number; elapsedMs: number; bestCost: number } | null; error: { message: string } | null }>(`/plans/${created.id}`);
      if (plan.progress) say(`Planning… ${(plan.progress.elapsedMs / 1000).toFixed(1)} s, cost ${Math.round(plan.progress.bestCost)}, ${plan.progress.unassigned} unassigned`);
      if (plan.status === 'failed' || plan.status === 'cancelled') throw new Error(plan.error?.message ?? `plan ${plan.status}`);
      if (plan.status === 'succeeded') break;
    }
    await showPlan(created.id);
    say(`Plan ready: ${state.plan?.routes.length} routes, ${state.plan?.unassigned.length} unassigned.`);
    selectTab('routes');
  } catch (error) {
    say(`Planning failed: ${(error as Error).message}`, true);
  }
}

async function previewEdit(edit: PlanEdit): Promise<void> {
  if (!state.plan) return;
  try {
    const result = await api.post<EditResult>(`/plans/${state.plan.id}/edits?preview=true`, edit);
    pendingEdit = edit;
    const before = new Map(state.plan.routes.flatMap((route) => route.stops.map((stop) => [stop.orderId, stopEta(stop)] as const)));
    const changed = result.routes.flatMap((route) =>
      route.stops
        .filter((stop) => before.get(stop.orderId) !== stop.plannedArrival)
        .map((stop) => el('li', {}, `${state.orders.get(stop.orderId)?.displayId ?? stop.orderId} (${nameOfVehicle(route.vehicleId)} #${stop.sequence}): ETA ${clock(before.get(stop.orderId))} → ${clock(stop.plannedArrival)}${stop.violations.length ? ` ⚠ ${stop.violations.map((v) => v.cause).join(', ')}` : ''}`)),
    );
    $('#preview-body').replaceChildren(
      el('p', { class: result.violations.length ? 'violation' : 'ok' }, result.violations.length ? `Violations: ${result.violations.map((v) => v.cause).join(', ')}` : 'No violations.'),
      el('ul', {}, ...changed),
    );
    $('#preview').classList.remove('hidden');
    $('#preview-confirm').focus();
  } catch (error) {
    say(`Cannot move: ${(error as Error).message}`, true);
  }
}

async function applyEdit(edit: PlanEdit): Promise<void> {
  if (!state.plan) return;
  try {
    await api.post(`/plans/${state.plan.id}/edits`, edit);
    await showPlan(state.plan.id);
    say('Plan changed.');
  } catch (error) {
    say(`Change refused: ${(error as Error).message}`, true);
    await showPlan(state.plan.id);
  }
}

async function dispatchPlan(): Promise<void> {
  if (!state.plan) return;
  try {
    await api.post(`/plans/${state.plan.id}/dispatch`);
    await showPlan(state.plan.id);
    await loadDay();
    say('Dispatched: drivers have their routes.');
  } catch (error) {
    say(`Dispatch failed: ${(error as Error).message}`, true);
  }
}

// ---- live ---------------------------------------------------------------------------------------

function findStop(stopId: number): PlanRoute['stops'][number] | undefined {
  return state.plan?.routes.flatMap((route) => route.stops).find((stop) => stop.id === stopId);
}

function addAlert(text: string): void {
  state.alerts.unshift(`${depotClock(Date.now() / 1000)} ${text}`);
  $('#alerts').replaceChildren(...state.alerts.slice(0, 100).map((alert) => el('li', {}, alert)));
  $('#alert-count').textContent = `(${state.alerts.length})`;
}

function connect(): void {
  socket?.disconnect();
  socket = connectLive({ token: localStorage.getItem(tokenKey) ?? '', depotId: depotId() });
  socket.on('room:joined', (snapshot) => {
    vehicles.keepOnly(new Set(snapshot.vehicles.map((vehicle) => vehicle.vehicleId)));
    for (const vehicle of snapshot.vehicles) {
      vehicles.move(vehicle.vehicleId, vehicle.location);
      state.lastSeen.set(vehicle.vehicleId, vehicle.recordedAt);
    }
    renderFleet();
  });
  socket.on('vehicle:moved', ({ data }) => {
    vehicles.move(data.vehicleId, data.location);
    state.lastSeen.set(data.vehicleId, data.recordedAt);
    refreshDrivenSoon();
  });
  socket.on('plan:progress', ({ data }) => {
    if (state.plan === null || data.planId !== state.plan.id) say(`Planning… ${(data.elapsedMs / 1000).toFixed(1)} s, cost ${Math.round(data.bestCost)}, ${data.unassigned} unassigned`);
  });
  socket.on('order:status', ({ data }) => {
    const order = state.orders.get(data.orderId);
    if (order) order.status = data.status;
    if (data.status === 'failed') addAlert(`Failed delivery ${data.displayId}: ${failureText(data.reason)}`);
    renderOrders();
  });
  socket.on('stop:status', ({ data }) => {
    const stop = findStop(data.stopId);
    if (!stop) return;
    stop.status = data.status;
    const row = document.querySelector(`li[data-stop-id="${data.stopId}"] .status`);
    if (row) {
      row.className = `status ${data.status}`;
      row.textContent = statusText(data.status);
    }
    if (data.completedAtEpoch) stop.completedAt = new Date(data.completedAtEpoch * 1000).toISOString();
    renderKpis();
  });
  socket.on('eta:updated', ({ data }) => {
    const stop = findStop(data.stopId);
    if (!stop) return;
    stop.liveEta = localIso(data.etaEpoch, state.depots.find((depot) => depot.id === depotId())?.timeZone ?? 'UTC');
    const cell = document.querySelector(`li[data-stop-id="${data.stopId}"] .eta`);
    if (cell) cell.textContent = clock(stop.liveEta);
  });
  socket.on('alert:raised', ({ data }: { data: AlertView }) => addAlert(`${data.kind === 'delay' ? 'Late' : 'Off route'} — ${nameOfVehicle(data.vehicleId)}: ${data.message}`));
  socket.on('connect_error', (error) => say(`Live updates unavailable: ${error.message}`, true));
  socket.on('connect', () => {
    if ($('#message').textContent?.startsWith('Live updates unavailable')) say('Live updates back.');
  });
}

function renderKpis(): void {
  const stops = state.plan?.routes.flatMap((route) => route.stops) ?? [];
  const done = stops.filter((stop) => stop.status === 'completed' || stop.status === 'failed');
  const delivered = stops.filter((stop) => stop.status === 'completed' && stop.completedAt);
  const onTime = delivered.filter((stop) => Date.parse(stop.completedAt!) <= Date.parse(stop.promisedWindows[0]?.end ?? stop.completedAt!));
  $('#kpi-on-time').textContent = delivered.length ? `${Math.round((100 * onTime.length) / delivered.length)} %` : '–';
  $('#kpi-done').textContent = String(done.length);
  $('#kpi-remaining').textContent = String(stops.length - done.length);
  // Driven: measured by the server on the vans' GPS breadcrumbs since dispatch.
  const drivenMeters = state.plan?.drivenMeters ?? null;
  $('#kpi-km').textContent = drivenMeters === null ? '–' : km(drivenMeters);
}

/** The vans' breadcrumbs grow with every fix: the plan's km driven is re-read at most this often while they move. */
const drivenRefreshMs = 10_000;
let drivenReadAtMs = 0;
let drivenRead: ReturnType<typeof setTimeout> | null = null;

function refreshDrivenSoon(): void {
  if (!state.plan?.dispatchedAt || drivenRead) return;
  drivenRead = setTimeout(() => {
    drivenReadAtMs = Date.now();
    const planId = state.plan?.id;
    void api
      .get<Plan>(`/plans/${planId}`)
      .then((plan) => {
        if (state.plan?.id !== plan.id) return;
        state.plan.drivenMeters = plan.drivenMeters;
        renderKpis();
      })
      // A failed read is tried again with the next fix.
      .catch(() => undefined)
      .finally(() => {
        drivenRead = null;
      });
  }, Math.max(0, drivenReadAtMs + drivenRefreshMs - Date.now()));
}

// ---- start --------------------------------------------------------------------------------------

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    const selected = tab.id === `tab-${name}-button`;
    tab.setAttribute('aria-selected', String(selected));
    $(`#${tab.getAttribute('aria-controls')}`).classList.toggle('hidden', !selected);
  }
  map.invalidateSize();
}

async function start(): Promise<void> {
  $('#login-form').classList.add('hidden');
  $('#controls').classList.remove('hidden');
  $('#console').classList.remove('hidden');
  try {
    state.depots = await api.all<Depot>('/depots');
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return showLogin();
    throw error;
  }
  [state.vehicles, state.drivers] = await Promise.all([api.all<Vehicle>('/vehicles'), api.all<Driver>('/drivers')]);
  $('#depot').replaceChildren(...state.depots.map((depot) => el('option', { value: String(depot.id) }, depot.name)));
  const depot = state.depots[0];
  if (!map) {
    map = createMap($('#map'), depot?.location);
    routeLayer.addTo(map);
    clusters = new ClusterLayer(map);
    vehicles = new VehicleLayer(map, nameOfVehicle, colorOfVehicle);
  }
  if (depot) L.circleMarker(latLng(depot.location), { radius: 9, color: '#1d2630', fillColor: '#fff', fillOpacity: 1, weight: 3 }).bindTooltip(escapeHtml(depot.name)).addTo(map);
  if (!date()) ($('#date') as HTMLInputElement).value = await firstOpenDay();
  renderFleet();
  connect();
  await loadDay();
}

/** The first day with orders waiting to be planned, else today (where the depot is). */
async function firstOpenDay(): Promise<string> {
  const waiting = await api.get<{ items: Order[] }>(`/orders?status=ready,planned,dispatched,out_for_delivery&limit=1`);
  return waiting.items[0]?.timeWindows[0]?.start.slice(0, 10) ?? new Date().toISOString().slice(0, 10);
}

function showLogin(): void {
  forgetSession(api, tokenKey);
  socket?.disconnect();
  $('#login-form').classList.remove('hidden');
  $('#controls').classList.add('hidden');
  $('#console').classList.add('hidden');
}

$('#filter-status').append(...orderStatuses.map((status) => el('option', { value: status }, statusText(status))));
for (const id of ['#filter-status', '#filter-from', '#filter-to', '#filter-priority']) $(id).addEventListener('input', renderOrders);
for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) tab.addEventListener('click', () => selectTab(tab.id.replace(/^tab-|-button$/g, '')));
bindLoginForm(api, tokenKey, start);
$('#logout').addEventListener('click', () => {
  logout(api);
  showLogin();
});
$('#plan').addEventListener('click', () => void startPlan());
$('#dispatch').addEventListener('click', () => void dispatchPlan());
$('#depot').addEventListener('change', () => {
  connect();
  void loadDay();
});
$('#date').addEventListener('change', () => void loadDay());
$('#move-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void previewEdit({ type: 'move', orderId: Number(($('#move-order') as HTMLSelectElement).value), vehicleId: Number(($('#move-vehicle') as HTMLSelectElement).value), position: Number(($('#move-position') as HTMLInputElement).value) || 1 });
});
$('#preview-confirm').addEventListener('click', () => {
  $('#preview').classList.add('hidden');
  if (pendingEdit) void applyEdit(pendingEdit);
  pendingEdit = null;
});
$('#preview-cancel').addEventListener('click', () => {
  $('#preview').classList.add('hidden');
  pendingEdit = null;
});

if (localStorage.getItem(tokenKey)) void start();
else showLogin();
