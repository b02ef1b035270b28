/**
 * The depot's room: vehicles' positions, order and stop statuses, ETAs, alerts and plan progress arrive
 * over the socket, in order, and go into the state; a reconnect resumes after the last one applied.
 */
import { $, say } from '../common/dom';
import { joinRoom, type LiveRoom } from '../common/socket';
import type { AlertResponse } from '../../src/protocol/alerts';
import { sayProgress, type ConsoleActions } from './actions';
import type { ConsoleState } from './state';

const unavailable = 'Live updates unavailable';

export class LiveUpdates {
  private room: LiveRoom | null = null;

  constructor(
    private readonly state: ConsoleState,
    private readonly actions: ConsoleActions,
    private readonly token: () => string,
  ) {}

  /** Joins the selected depot's room (leaving the one joined before). */
  connect(): void {
    this.disconnect();
    const { state, actions } = this;
    const putAlert = ({ data }: { data: AlertResponse }) => state.putAlert(data);
    const room = joinRoom(
      { token: this.token(), depotId: state.depotId ?? 0 },
      (snapshot) => {
        state.setPositions(snapshot.vehicles);
        // Joining (at start, on another depot, after a reconnect that could not resume): the open alerts as the server keeps them.
        void actions.loadAlerts();
      },
      {
        'vehicles:moved': ({ data }) => {
          state.moveVehicles(data.positions);
          actions.refreshDrivenSoon();
        },
        'plan:progress': ({ data }) => {
          if (state.plan === null || data.planId !== state.plan.id) sayProgress(data);
        },
        'order:status': ({ data }) => state.setOrderStatus(data.orderId, data.status),
        'stop:status': ({ data }) => state.setStopStatus(data),
        'reload:status': ({ data }) => state.setReloadStatus(data),
        'eta:updated': ({ data }) => state.setStopEta(data),
        'alert:raised': putAlert,
        'alert:updated': putAlert,
        'alert:resolved': putAlert,
        'alert:acknowledged': putAlert,
      },
    );
    this.room = room;
    room.socket.on('connect_error', (error) => say(`${unavailable}: ${error.message}`, true));
    room.socket.on('connect', () => {
      if ($('#message').textContent?.startsWith(unavailable)) say('Live updates back.');
    });
  }

  disconnect(): void {
    this.room?.close();
    this.room = null;
  }
}
