/**
 * The driver app: log in, today's stops in order, the next leg with directions on a map, and the
 * stop actions (arrived, delivered with proof, failed with a reason). Actions and positions go through
 * the outbox, so they survive a spotty network and replay in order with their idempotency keys.
 */
import L from 'leaflet';
import '../common/style.css';
import './driver.css';
import { Api } from '../common/api';
import { $, el, say } from '../common/dom';
import { clock, km, localIso, statusText, stopTimeLine } from '../common/format';
import { timesWithEta, timesWithStatus } from '../common/stop-times';
import { createMap, latLng, numberedIcon } from '../common/map';
import { bindLoginForm, forgetSession, logout } from '../common/session';
import { joinRoom, type LiveRoom } from '../common/socket';
import type { DriverDay, DriverStop } from '../../src/protocol/driver-route';
import { newIdempotencyKey, Outbox } from './outbox';
import { SignaturePad } from './signature';

const tokenKey = 'lastmile.driver.token';
const api = new Api(localStorage.getItem(tokenKey));
const outbox = new Outbox(api, ({ sent, rejected, waiting }) => {
  showNetwork(waiting);
  if (rejected) say(`Not accepted (${rejected.request.label}): ${rejected.error.message}`, true);
  if ((sent && sent.label !== 'position') || (routeStale && waiting === 0)) {
    routeStale = false;
    void loadDay();
  }
});
const signature = new SignaturePad($('#signature') as HTMLCanvasElement);
let day: DriverDay | null = null;
let map: L.Map | null = null;
let legLayer: L.LayerGroup | null = null;
let watchId: number | null = null;
let room: LiveRoom | null = null;
/** The office changed the route while the driver's own actions were unsent: re-read it once they are out. */
let routeStale = false;

function showNetwork(waiting = outbox.waiting.length): void {
  const online = navigator.onLine ? 'online' : 'offline';
  $('#network').textContent = waiting > 0 ? `${online}, ${waiting} waiting to send` : online;
}

/** The stop the driver works on: the first not yet finished. Actions on it are applied locally at once. */
function nextStop(): DriverStop | null {
  return day?.route?.stops.find((stop) => stop.status === 'pending' || stop.status === 'arrived') ?? null;
}

async function loadDay(): Promise<void> {
  try {
    day = await api.get<DriverDay>('/driver/route');
  } catch (error) {
    if ((error as { status?: number }).status === 401) return showLogin();
    say(navigator.onLine ? (error as Error).message : 'Offline: showing the stops as last loaded.', true);
  }
  render();
}

/** "Collect 2 items, 4 kg" for a return; an exchange names both sides; a plain delivery nothing extra. */
function taskLines(stop: DriverStop): string[] {
  const what = (amounts: NonNullable<DriverStop['collect']>) => [`${amounts.items} item${amounts.items === 1 ? '' : 's'}`, ...(amounts.weightKg > 0 ? [`${amounts.weightKg} kg`] : []), ...(amounts.volumeL > 0 ? [`${amounts.volumeL} l`] : [])].join(', ');
  if (stop.kind === 'delivery') return [];
  return [...(stop.deliver ? [`Deliver ${what(stop.deliver)}`] : []), ...(stop.collect ? [`Collect ${what(stop.collect)} and bring it back to the depot`] : [])];
}

type Reload = NonNullable<DriverDay['route']>['reloads'][number];

/** A reload between two trips, confirmed by the driver at the depot (arrived), then loaded (reloaded). */
function reloadCard(reload: Reload): HTMLElement {
  const route = day!.route!;
  // Its turn once the trip before is done (and any reload before it).
  const due =
    route.stops.every((stop) => stop.sequence > reload.afterSequence || stop.status !== 'pending') &&
    route.reloads.every((earlier) => earlier.trip >= reload.trip || earlier.reloadedAt !== null);
  const confirm = (step: 'arrived' | 'reloaded', label: string) => {
    const button = el('button', { type: 'button', 'data-step': step }, label);
    button.addEventListener('click', () => {
      outbox.push({ path: `/routes/${route.id}/reloads/${reload.trip}`, body: { step }, label: `${label} (trip ${reload.trip})` });
      say(`${label}: trip ${reload.trip}`);
      button.disabled = true;
    });
    return button;
  };
  const state = reload.reloadedAt
    ? [el('div', { class: 'status completed' }, `✓ Reloaded at ${clock(reload.reloadedAt)}`)]
    : [
        ...(reload.arrivedAt ? [el('div', { class: 'status arrived' }, `At the depot since ${clock(reload.arrivedAt)}`)] : []),
        ...(due ? [el('div', { class: 'actions' }, ...(reload.arrivedAt ? [] : [confirm('arrived', 'At the depot')]), confirm('reloaded', 'Reloaded'))] : []),
      ];
  return el(
    'li',
    { class: 'card reload', 'data-trip': String(reload.trip) },
    el('strong', {}, `↻ Reload at the depot ${clock(reload.arrival)}–${clock(reload.departure)}`),
    el('div', { class: 'muted' }, `then trip ${reload.trip}: ${reload.load.items} item${reload.load.items === 1 ? '' : 's'} on board`),
    ...state,
  );
}

function render(): void {
  const stops = day?.route?.stops ?? [];
  if (!day?.route) say('No route dispatched to you yet.');
  const reloads = day?.route?.reloads ?? [];
  $('#stops').replaceChildren(
    ...stops.flatMap((stop) => [
      el(
        'li',
        { class: 'card', 'data-stop-id': String(stop.stopId) },
        el('strong', {}, `${stop.sequence}. ${stop.customerName} `),
        el('span', { class: `status ${stop.status}` }, statusText(stop.status)),
        el('div', {}, stop.address),
        el('div', { class: 'muted times' }, stopTimeLine(stop.times, stop.status)),
        ...taskLines(stop).map((line) => el('div', { class: 'task' }, line)),
        ...(stop.notes ? [el('div', {}, `Note: ${stop.notes}`)] : []),
        ...(stop.instructions ? [el('div', { class: 'instructions' }, `Customer: ${instructionsText(stop.instructions)}`)] : []),
        ...(stop.customerPhone ? [el('a', { href: `tel:${stop.customerPhone}`, 'aria-label': `Call ${stop.customerName}` }, `Call ${stop.customerPhone}`)] : []),
      ),
      // Multi-trip: the van goes back to the depot to load its next trip.
      ...reloads.filter((reload) => reload.afterSequence === stop.sequence).map(reloadCard),
    ]),
  );
  const next = nextStop();
  $('#next').classList.toggle('hidden', !next);
  if (!next) return;
  if (stops.length > 0 && stops.every((stop) => stop.status === 'completed' || stop.status === 'failed')) say('All stops done.');
  $('#next-details').replaceChildren(
    el('p', {}, el('strong', {}, `${next.sequence}. ${next.customerName}`), ` — ${next.address}`),
    el('p', { class: 'muted times' }, `${stopTimeLine(next.times, next.status)} · ${next.displayId}`),
    ...taskLines(next).map((line) => el('p', { class: 'task' }, el('strong', {}, line))),
    ...(next.notes ? [el('p', {}, `Note: ${next.notes}`)] : []),
    ...(next.instructions ? [el('p', { class: 'instructions', id: 'next-instructions' }, `Customer: ${instructionsText(next.instructions)}`)] : []),
    ...(next.customerPhone ? [el('p', {}, el('a', { href: `tel:${next.customerPhone}` }, `Call ${next.customerName}`))] : []),
  );
  ($('#arrive') as HTMLButtonElement).disabled = next.status === 'arrived';
  $('#deliver').textContent = next.kind === 'pickup' ? 'Collected…' : next.kind === 'exchange' ? 'Exchanged…' : 'Delivered…';
  drawLeg(next);
}

/** The customer's instructions in one line, as the driver reads them at the door. */
function instructionsText(instructions: NonNullable<DriverStop['instructions']>): string {
  return [
    instructions.gateCode ? `gate code ${instructions.gateCode}` : null,
    instructions.safePlace ? `safe place: ${instructions.safePlace}` : null,
    instructions.leaveWithNeighbour ? `may leave with neighbour ${instructions.neighbourName}` : null,
    instructions.note ? `“${instructions.note}”` : null,
  ]
    .filter((part) => part !== null)
    .join(' · ');
}

let drawnLeg = '';

/** Redraws the map only when the leg changed: a re-render after each action must stay instant. */
function drawLeg(next: DriverStop): void {
  const leg = day?.nextLeg?.stopId === next.stopId ? day.nextLeg : null;
  const key = `${next.stopId}:${leg?.from.join(',') ?? ''}`;
  if (key === drawnLeg) return;
  drawnLeg = key;
  if (!map) map = createMap($('#leg-map'), next.location, 15);
  legLayer?.remove();
  legLayer = L.layerGroup().addTo(map);
  L.marker(latLng(next.location), { icon: numberedIcon(String(next.sequence), '#0b5cad'), title: next.address }).addTo(legLayer);
  $('#instructions').replaceChildren(...(leg?.instructions ?? []).map((step) => el('li', {}, `${step.text}${step.distanceMeters > 0 ? ` (${Math.round(step.distanceMeters)} m)` : ''}`)));
  $('#leg-summary').textContent = leg ? `${km(leg.distanceMeters)}, ${Math.round(leg.durationSeconds / 60)} min` : '';
  if (leg) {
    const line = L.polyline(leg.geometry.coordinates.map(latLng), { color: '#0b5cad', weight: 5 }).addTo(legLayer);
    L.circleMarker(latLng(leg.from), { radius: 7, color: '#1d2630', fillOpacity: 0.8 }).addTo(legLayer).bindTooltip('You');
    map.fitBounds(line.getBounds().pad(0.2), { animate: false });
  } else {
    map.setView(latLng(next.location), 15, { animate: false });
  }
}

/** Queues a stop action and applies it to the list at once, so the driver can go on offline. */
function act(action: 'arrive' | 'complete' | 'fail', body: Record<string, unknown>, localStatus: DriverStop['status'], label: string): void {
  const next = nextStop();
  if (!next) return;
  outbox.push({ path: `/stops/${next.stopId}/${action}`, body: { idempotencyKey: newIdempotencyKey(), ...body }, label: `${label} ${next.displayId}` });
  next.status = localStatus;
  say(`${label}: ${next.customerName}`);
  render();
}

async function photoBase64(file: File): Promise<{ contentType: 'image/jpeg'; base64: string }> {
  // A phone photo is several MB: scaled to 1280 px and JPEG-compressed it fits the 2 MB limit.
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, 1280 / Math.max(bitmap.width, bitmap.height));
  const canvas = el('canvas', { width: String(Math.round(bitmap.width * scale)), height: String(Math.round(bitmap.height * scale)) });
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  return { contentType: 'image/jpeg', base64: canvas.toDataURL('image/jpeg', 0.8).split(',')[1]! };
}

function showForm(id: '#deliver-form' | '#fail-form' | null): void {
  for (const form of ['#deliver-form', '#fail-form']) $(form).classList.toggle('hidden', form !== id);
  if (id) ($(id).querySelector('input, select') as HTMLElement).focus();
}

/** Re-reads the route now, unless the driver's unsent actions would be undone on screen by it. */
function reloadRoute(): void {
  if (outbox.waiting.length > 0) {
    routeStale = true;
    return;
  }
  void loadDay();
}

/**
 * The office's changes arrive over the socket, in the vehicle's room, in order: a changed route is re-read at once,
 * ETAs and stop statuses are applied in place. No polling: joining the room re-reads the route, and a reconnect
 * resumes after the last fact applied (or joins afresh, re-reading the route, when the server no longer has them).
 */
function connectRouteUpdates(): void {
  room?.close();
  room = joinRoom({ token: localStorage.getItem(tokenKey) ?? '' }, () => reloadRoute(), {
    'route:changed': () => reloadRoute(),
    'eta:updated': (event) => {
      const stop = day?.route?.stops.find((candidate) => candidate.stopId === event.data.stopId);
      if (!stop || !day?.route) return;
      stop.times = timesWithEta(stop.times, event.data, day.route.timeZone);
      render();
    },
    'reload:status': (event) => {
      const reload = day?.route?.id === event.data.routeId ? day.route.reloads.find((candidate) => candidate.trip === event.data.trip) : undefined;
      if (!reload || !day?.route) return;
      reload.arrivedAt = localIso(event.data.arrivedAtEpoch, day.route.timeZone);
      reload.reloadedAt = event.data.reloadedAtEpoch === null ? null : localIso(event.data.reloadedAtEpoch, day.route.timeZone);
      render();
    },
    'stop:status': (event) => {
      const stop = day?.route?.stops.find((candidate) => candidate.stopId === event.data.stopId);
      if (!stop || !day?.route || stop.status === event.data.status) return;
      stop.status = event.data.status;
      stop.times = timesWithStatus(stop.times, event.data, stop.times.window ? [stop.times.window] : [], day.route.timeZone);
      render();
    },
  });
}

function showLogin(): void {
  forgetSession(api, tokenKey);
  room?.close();
  room = null;
  $('#login-form').classList.remove('hidden');
  for (const id of ['#day', '#logout', '#duty-label']) $(id).classList.add('hidden');
}

function showDay(): void {
  $('#login-form').classList.add('hidden');
  for (const id of ['#day', '#logout', '#duty-label']) $(id).classList.remove('hidden');
  showNetwork();
  void outbox.flush().then(loadDay);
  connectRouteUpdates();
}

/** While on duty the device reports where it is; fixes queue like actions when offline. */
function setOnDuty(onDuty: boolean): void {
  if (watchId !== null) navigator.geolocation.clearWatch(watchId);
  watchId = null;
  if (!onDuty || !('geolocation' in navigator)) return;
  watchId = navigator.geolocation.watchPosition(
    (fix) =>
      outbox.pushPosition({
        location: [fix.coords.longitude, fix.coords.latitude],
        accuracyMeters: Math.min(fix.coords.accuracy, 10_000),
        speedMetersPerSecond: fix.coords.speed ?? null,
        headingDegrees: fix.coords.heading ?? null,
        recordedAt: fix.timestamp / 1000,
      }),
    (error) => say(`Location unavailable: ${error.message}`, true),
    { enableHighAccuracy: true, maximumAge: 5_000 },
  );
}

bindLoginForm(api, tokenKey, showDay);
$('#logout').addEventListener('click', () => {
  // Logging out forgets the outbox: never with deliveries still unsent.
  const waiting = outbox.waiting.length;
  if (waiting > 0) return say(`${waiting} update(s) still waiting to be sent: go online before logging out.`, true);
  logout(api);
  setOnDuty(false);
  outbox.clear();
  showLogin();
});
$('#on-duty').addEventListener('change', (event) => setOnDuty((event.target as HTMLInputElement).checked));
$('#arrive').addEventListener('click', () => act('arrive', {}, 'arrived', 'Arrived'));
$('#deliver').addEventListener('click', () => showForm('#deliver-form'));
$('#fail').addEventListener('click', () => showForm('#fail-form'));
$('#clear-signature').addEventListener('click', () => signature.clear());
for (const cancel of document.querySelectorAll('button.cancel')) cancel.addEventListener('click', () => showForm(null));

$('#deliver-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const photoFile = ($('#photo') as HTMLInputElement).files?.[0];
  const body: Record<string, unknown> = { recipientName: ($('#recipient') as HTMLInputElement).value.trim() };
  if (!signature.isEmpty) body.signature = { contentType: 'image/png', base64: signature.toBase64Png() };
  if (photoFile) body.photo = await photoBase64(photoFile);
  act('complete', body, 'completed', 'Delivered');
  (event.target as HTMLFormElement).reset();
  signature.clear();
  showForm(null);
});
$('#fail-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const reason = ($('#reason') as HTMLSelectElement).value;
  const note = ($('#note') as HTMLTextAreaElement).value.trim();
  if (reason === 'other' && !note) {
    say('Please describe the problem in the note.', true);
    $('#note').focus();
    return;
  }
  act('fail', { reason, ...(note ? { note } : {}) }, 'failed', 'Failed');
  (event.target as HTMLFormElement).reset();
  showForm(null);
});

window.addEventListener('online', () => void outbox.flush());
window.addEventListener('offline', () => showNetwork());
setInterval(() => void outbox.flush(), 15_000);

if (localStorage.getItem(tokenKey)) showDay();
else showLogin();
