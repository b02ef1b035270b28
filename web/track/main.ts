/**
 * The customer's tracking page /t/{code}.{secret}: status timeline, promised window, live ETA; the driver's
 * position only when close; after delivery the proof summary. The customer may move the delivery to another
 * window the depot offers, leave instructions for the driver, and after delivery rate it or ask for a return;
 * each form shows only while the view's `actions` allow it. Live: any fact in the order's room (the socket joins
 * it with the link token, `{code}.{secret}`) refreshes the view. The customer turns e-mail or SMS off or on there.
 */
import '../common/style.css';
import './track.css';
import { Api, ApiError } from '../common/api';
import { $, el } from '../common/dom';
import { clock, clockWithDay, failureReasonText, failureText, statusText, stopTimeLine } from '../common/format';
import { joinRoom } from '../common/socket';
import type { TrackingSlots, TrackingView } from '../../src/protocol/tracking';
import { mountPreferences } from './preferences';

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

  ($('#return-form') as HTMLFormElement).classList.toggle('hidden', !view.actions.requestReturn && !view.returnRequested);
  ($('#return-form button') as HTMLButtonElement).disabled = !view.actions.requestReturn;
  if (view.returnRequested) $('#return-status').textContent = `Return requested ${clockWithDay(view.returnRequested.at)}; we will be in touch.`;

  const instructionsForm = $('#instructions-form') as HTMLFormElement;
  instructionsForm.classList.toggle('hidden', !view.actions.instructions);
  if (view.instructions && !instructionsForm.contains(document.activeElement)) {
    ($('#gate-code') as HTMLInputElement).value = view.instructions.gateCode ?? '';
    ($('#safe-place') as HTMLInputElement).value = view.instructions.safePlace ?? '';
    ($('#leave-with-neighbour') as HTMLInputElement).checked = view.instructions.leaveWithNeighbour;
    ($('#neighbour-name') as HTMLInputElement).value = view.instructions.neighbourName ?? '';
    ($('#instructions-note') as HTMLTextAreaElement).value = view.instructions.note ?? '';
  }

  $('#slot-form').classList.toggle('hidden', !view.actions.reschedule);
  if (view.actions.reschedule) void loadSlots();

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

const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' });

/** The windows offered, as options "Wednesday 25 November, 12:00–16:00"; full ones shown but not choosable. */
async function loadSlots(): Promise<void> {
  const select = $('#slot') as HTMLSelectElement;
  if (select.contains(document.activeElement) || document.activeElement === select) return;
  const { slots } = await api.get<TrackingSlots>(`/track/${encodeURIComponent(token)}/slots?days=14`);
  const chosen = select.value;
  select.replaceChildren(
    ...slots.map((slot) => {
      const label = `${dayFormat.format(new Date(`${slot.date}T00:00:00Z`))}, ${slot.start}–${slot.end}${slot.current ? ' (your window)' : slot.full ? ' (full)' : ''}`;
      const option = el('option', { value: `${slot.date} ${slot.start} ${slot.end}` }, label) as HTMLOptionElement;
      option.disabled = slot.full || slot.current;
      return option;
    }),
  );
  if (chosen) select.value = chosen;
}

$('#slot-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const [date, start, end] = ($('#slot') as HTMLSelectElement).value.split(' ');
  try {
    render(await api.post<TrackingView>(`/track/${encodeURIComponent(token)}/reschedule`, { date, start, end }));
    $('#slot-status').textContent = 'Moved. We have sent you a confirmation.';
  } catch (error) {
    $('#slot-status').textContent = (error as Error).message;
  }
});

$('#instructions-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = (selector: string) => ($(selector) as HTMLInputElement).value.trim();
  try {
    render(
      await api.request<TrackingView>('PUT', `/track/${encodeURIComponent(token)}/instructions`, {
        gateCode: text('#gate-code'),
        safePlace: text('#safe-place'),
        leaveWithNeighbour: ($('#leave-with-neighbour') as HTMLInputElement).checked,
        neighbourName: text('#neighbour-name'),
        note: text('#instructions-note'),
      }),
    );
    $('#instructions-status').textContent = 'Saved; your driver will see them.';
  } catch (error) {
    $('#instructions-status').textContent = (error as Error).message;
  }
});

$('#return-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  try {
    render(await api.post<TrackingView>(`/track/${encodeURIComponent(token)}/return`, { reason: ($('#return-reason') as HTMLTextAreaElement).value.trim() }));
  } catch (error) {
    $('#return-status').textContent = (error as Error).message;
  }
});

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
mountPreferences(api, token);
// Each fact only says the view is stale: the page reads it again (joining, or resuming after a reconnect, too).
joinRoom({ token }, refreshSoon, { 'order:status': refreshSoon, 'stop:status': refreshSoon, 'eta:updated': refreshSoon, 'vehicles:moved': refreshSoon }).socket.on('connect', refreshSoon);
setInterval(() => void refresh(), 60_000);
