/**
 * The depot's room: vehicles' positions, order and stop statuses, ETAs, alerts and plan progress arrive
 * over the socket and go into the state; a reconnect brings a fresh snapshot of the vehicles.
 */
import { $, say } from '../common/dom';
import { connectLive, type LiveSocket } from '../common/socket';
import type { AlertResponse } from '../../src/protocol/alerts';
import { sayProgress, type ConsoleActions } from './actions';
import type { ConsoleState } from './state';

const unavailable = 'Live updates unavailable';

export class LiveUpdates {
  private socket: LiveSocket | null = null;

  constructor(
    private readonly state: ConsoleState,
    private readonly actions: ConsoleActions,
    private readonly token: () => string,
  ) {}

  /** Joins the selected depot's room (leaving the one joined before). */
  connect(): void {
    this.disconnect();
    const { state, actions } = this;
    const socket = connectLive({ token: this.token(), depotId: state.depotId ?? 0 });
    this.socket = socket;
    socket.on('room:joined', (snapshot) => {
      state.setPositions(snapshot.vehicles);
      // Joining (at start, on another depot, after a reconnect): the open alerts as the server keeps them.
      void actions.loadAlerts();
    });
    socket.on('vehicle:moved', ({ data }) => {
      state.moveVehicle(data);
      actions.refreshDrivenSoon();
    });
    socket.on('plan:progress', ({ data }) => {
      if (state.plan === null || data.planId !== state.plan.id) sayProgress(data);
    });
    socket.on('order:status', ({ data }) => state.setOrderStatus(data.orderId, data.status));
    socket.on('stop:status', ({ data }) => state.setStopStatus(data));
    socket.on('eta:updated', ({ data }) => state.setStopEta(data));
    const putAlert = ({ data }: { data: AlertResponse }) => state.putAlert(data);
    socket.on('alert:raised', putAlert);
    socket.on('alert:updated', putAlert);
    socket.on('alert:resolved', putAlert);
    socket.on('alert:acknowledged', putAlert);
    socket.on('connect_error', (error) => say(`${unavailable}: ${error.message}`, true));
    socket.on('connect', () => {
      if ($('#message').textContent?.startsWith(unavailable)) say('Live updates back.');
    });
  }

  disconnect(): void {
    this.socket?.disconnect();
    this.socket = null;
  }
}
