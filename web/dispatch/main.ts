/**
 * The dispatch console: orders (table, clustered map, filters), the fleet, planning with live progress,
 * routes drawn with stop numbers, unassigned orders with reasons, moves previewed before confirming,
 * locks, dispatch, "Plan again" on a day under way (a proposal to accept or discard); then the day live: moving vehicles, ETAs, alerts and the KPI strip.
 *
 * This file only puts it together: the state (state.ts) is changed by the actions (server calls) and the
 * live updates (socket); the panels (panels/) and the map layers (../layers/) render from it.
 */
import L from 'leaflet';
import '../common/style.css';
import './dispatch.css';
import { Api, ApiError } from '../common/api';
import { $, say } from '../common/dom';
import { createMap, latLng } from '../common/map';
import { ClusterLayer } from '../layers/clusters';
import { DepotsLayer } from '../layers/depots';
import { RoutesLayer } from '../layers/routes';
import { StopsLayer } from '../layers/stops';
import { VehiclesLayer } from '../layers/vehicles';
import { ConsoleActions } from './actions';
import { OrderActions } from './order-actions';
import { LiveUpdates } from './live';
import { depots, orderPoints, planStops, routeLines, vehiclePositions } from './on-map';
import { mountAlerts } from './panels/alerts';
import { mountFleet } from './panels/fleet';
import { mountSlots } from './panels/slots';
import { mountKpis } from './panels/kpis';
import { mountMessages } from './panels/messages';
import { mountMove } from './panels/move';
import { mountOrderDrawer } from './panels/order-drawer';
import { mountOrderForm } from './panels/order-form';
import { mountOrders } from './panels/orders';
import { mountReplan } from './panels/replan';
import { mountRoutes } from './panels/routes';
import { mountSession } from './panels/session';
import { mountTabs } from './panels/tabs';
import { mountToolbar } from './panels/toolbar';
import { ConsoleState } from './state';

const tokenKey = 'lastmile.dispatch.token';
const api = new Api(localStorage.getItem(tokenKey));
const state = new ConsoleState();
const actions = new ConsoleActions(api, state);
const orderActions = new OrderActions(api, state, actions);
const live = new LiveUpdates(state, actions, () => localStorage.getItem(tokenKey) ?? '');
let map: L.Map | null = null;

const tabs = mountTabs(() => map?.invalidateSize());
mountToolbar(state, {
  depotChanged(depotId) {
    state.selectDepot(depotId);
    live.connect();
    void actions.loadDay();
  },
  dateChanged(date) {
    state.selectDate(date);
    void actions.loadDay();
  },
  // On a dispatched day, "Plan again" proposes a change to the live routes instead of a new plan.
  plan: (timeLimitSeconds, objective) =>
    void (state.plan?.status === 'dispatched' ? actions.proposeReplan() : actions.startPlan(timeLimitSeconds, objective)).then((done) => {
      if (done) tabs.select('routes');
    }),
  dispatch: () => void actions.dispatchPlan(),
});
mountKpis(state, api);
mountOrders(state, orderActions, { moveOrders: (orderIds, status) => void actions.moveOrders(orderIds, status) });
mountOrderDrawer(state, orderActions, {
  // The pin to confirm, brought into view left of the drawer.
  show(location, dropped) {
    if (!map) return () => {};
    const icon = L.divIcon({ className: 'confirm-pin', iconSize: [24, 24], iconAnchor: [12, 12] });
    const marker = L.marker(latLng(location), { draggable: true, title: 'Pin to confirm', icon }).addTo(map);
    marker.on('dragend', () => {
      const { lng, lat } = marker.getLatLng();
      dropped([lng, lat]);
    });
    // The drawer covers the map's right side: the pin goes in the half left of it, unless it shows there already.
    const shown = map;
    const covered = document.querySelector('#order-drawer')?.clientWidth ?? 0;
    const point = shown.latLngToContainerPoint(marker.getLatLng());
    const size = shown.getSize();
    if (point.x < 20 || point.y < 20 || point.y > size.y - 20 || point.x > size.x - covered - 20) {
      shown.setView(marker.getLatLng(), Math.max(shown.getZoom(), 15), { animate: false });
      shown.panBy([covered / 2, 0], { animate: false });
    }
    return () => marker.remove();
  },
});
mountOrderForm(state, orderActions, (picked) => {
  if (!map) return;
  const shown = map;
  shown.getContainer().classList.add('picking');
  shown.once('click', (event: L.LeafletMouseEvent) => {
    shown.getContainer().classList.remove('picking');
    picked([event.latlng.lng, event.latlng.lat]);
  });
});
const move = mountMove(state, actions);
mountRoutes(state, { edit: (edit) => void actions.applyEdit(edit), move: (edit) => void move.preview(edit) });
mountReplan(state, { accept: () => void actions.acceptProposal(), discard: () => void actions.discardProposal() });
mountFleet(state);
mountSlots(api, state);
mountAlerts(state, { acknowledge: (alertId) => void actions.acknowledgeAlert(alertId) });
mountMessages(api, state, (orderId) => void orderActions.open(orderId));
const session = mountSession(api, tokenKey, start, () => live.disconnect());

function openOrder(orderId: number): void {
  void orderActions.open(orderId).catch((error: Error) => say(`Order could not be read: ${error.message}`, true));
}

/** The map opens on the first depot; each layer follows the part of the state it shows. */
function showMap(center: [number, number] | undefined): L.Map {
  const shown = createMap($('#map'), center);
  new RoutesLayer(state.feed(['routeLines', 'fleet'], () => routeLines(state))).addTo(shown);
  new StopsLayer(state.feed(['plan', 'fleet'], () => planStops(state)), openOrder).addTo(shown);
  new ClusterLayer(state.feed(['orders', 'filter', 'plan', 'fleet'], () => orderPoints(state)), openOrder).addTo(shown);
  new VehiclesLayer(state.feed(['positions'], () => vehiclePositions(state))).addTo(shown);
  new DepotsLayer(state.feed(['fleet'], () => depots(state))).addTo(shown);
  return shown;
}

async function start(): Promise<void> {
  session.showConsole();
  try {
    await actions.loadFleet();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) return session.showLogin();
    throw error;
  }
  map ??= showMap(state.depots[0]?.location);
  if (!state.date) state.selectDate(await actions.firstOpenDay());
  live.connect();
  await actions.loadDay();
}

if (localStorage.getItem(tokenKey)) void start();
else session.showLogin();
