/**
 * The customer's tracking page /t/{code}.{secret}: status timeline, promised window, live ETA; the driver's
 * position only when close; after delivery the proof summary. Live: any fact in the order's room
 * (the socket joins it with the link token, `{code}.{secret}`) refreshes the view.
 */
import '../common/style.css';
import './track.css';
import { Api, ApiError } from '../common/api';
import { $, el } from '../common/dom';
import { clock, clockWithDay, failureReasonText, failureText, statusText, stopTimeLine } from '../common/format';
import { connectLive } from '../common/socket';
import type { TrackingView } from '../../src/protocol/tracking';

const token = decodeURIComponent(location.pathname.split('/').pop() ?? '');
const api = new Api();

async function refresh(): Promise<void> {
  try {
    render(await api.get<TrackingView>(`/track/${encodeURIComponent(token)}`));
  } catch (error) {
    $('#summary').classList.add('hidden');
    $('#message').textContent = error instanceof ApiError && error.status === 410 ? 'This tracking link has expired.' : error instanceof ApiError && error.status === 404 ? 'This tracking link is unknown.' : 'Cannot reach the server; retrying…';
  }
}

function render(view: TrackingView): void {
  $('#message').textContent = '';
  $('#display-id').textContent = view.displayId;
  $('#summary').classList.remove('hidden');
  $('#status').textContent = statusText(view.status);
  $('#window').textContent = view.promisedWindow ? `${clockWithDay(view.promisedWindow.start)}–${clock(view.promisedWindow.end)}` : '–';
  $('#times').textContent = view.times ? stopTimeLine(view.times, view.status === 'failed' ? 'failed' : view.status) : '';
  $('#times-line').classList.toggle('hidden', view.times === null);
  $('#close-line').classList.toggle('hidden', !view.close);
  $('#stops-before').textContent = String(view.stopsBefore ?? '');

  const timeline = $('#timeline');
  timeline.replaceChildren(...view.timeline.map((entry) => el('li', {}, `${clock(entry.at)} ${statusText(entry.status)}${entry.status === 'failed' && entry.reason ? ` — ${failureText(entry.reason)}` : ''}`)));
  $('#timeline-card').classList.toggle('hidden', view.timeline.length === 0);

  const proof = view.proof;
  $('#proof').classList.toggle('hidden', !proof);
  if (proof) {
    $('#proof-text').textContent =
      proof.outcome === 'delivered'
        ? `Delivered at ${clock(proof.at)}${proof.recipientName ? ` to ${proof.recipientName}` : ''}${proof.signed ? ', signed' : ''}${proof.photographed ? ', with a photo' : ''}.`
        : `Not delivered at ${clock(proof.at)}: ${failureReasonText[proof.failureReason ?? ''] ?? proof.failureReason}.`;
  }

  const ratingForm = $('#rating-form') as HTMLFormElement;
  ratingForm.classList.toggle('hidden', view.status !== 'delivered');
  if (view.rating) {
    $('#rating-status').textContent = `Thank you: ${view.rating.stars} of 5.`;
    // Never overwrite what the customer is typing.
    if (!ratingForm.contains(document.activeElement)) {
      (ratingForm.querySelector(`input[value="${view.rating.stars}"]`) as HTMLInputElement).checked = true;
      ($('#comment') as HTMLTextAreaElement).value = view.rating.comment ?? '';
    }
  }

  $('#map-card').classList.toggle('hidden', !view.driverLocation);
  // The map (Leaflet) loads only when there is a driver to show: most visits never need it.
  if (view.driverLocation) {
    const [driver, destination] = [view.driverLocation, view.destination];
    void import('./driver-map').then(({ showDriver }) => showDriver($('#map'), driver, destination));
  }
}

// Facts arrive in bursts (a stop's status, the order's status, ETAs): one refresh per burst.
let pending: ReturnType<typeof setTimeout> | null = null;
const refreshSoon = () => {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void refresh();
  }, 150);
};

$('#rating-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = event.target as HTMLFormElement;
  const stars = Number((form.querySelector('input[name="stars"]:checked') as HTMLInputElement | null)?.value);
  const comment = ($('#comment') as HTMLTextAreaElement).value.trim();
  try {
    render(await api.post<TrackingView>(`/track/${encodeURIComponent(token)}/rating`, { stars, ...(comment ? { comment } : {}) }));
  } catch (error) {
    $('#rating-status').textContent = (error as Error).message;
  }
});

void refresh();
const socket = connectLive({ token });
for (const event of ['order:status', 'stop:status', 'eta:updated', 'vehicle:moved'] as const) socket.on(event, refreshSoon);
socket.on('connect', refreshSoon);
setInterval(() => void refresh(), 60_000);
