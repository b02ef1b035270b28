/**
 * The order drawer (a row of the list or a stop on the map opens it): the order's details, its tracking link
 * (copy, open, QR code), its delivery (stop, proof, rating), its timeline, every message sent (or kept, or held back
 * because the customer opted out) about it, and the dispatcher's actions —
 * edit, mark ready, cancel, reschedule or re-attempt a failed delivery —, each form showing the server's
 * errors beside the fields they name. An order placed on its street only (the number is not in the map) asks
 * to confirm its pin: drag it on the map, or pick one of the other places the address may be.
 */
import { $, el, say } from '../../common/dom';
import { clockWithDay, failureText, statusText, windowText, zonedIso } from '../../common/format';
import { editableStatuses, reschedulableStatuses } from '../../../src/domain/model/order';
import type { OrderPatch } from '../../../src/protocol/orders-api';
import type { OrderActions } from '../order-actions';
import type { ConsoleState, Order, OrderDetails } from '../state';
import { trackingLinkOf } from '../tracking-link';
import { clearErrors, showErrors } from './form-errors';
import { channelText, messageStatusText } from './messages';

/** Only the actions that can succeed are offered; the server decides. */
const editable = new Set<string>(editableStatuses);
const reschedulable = new Set<string>(reschedulableStatuses);

type FormName = 'edit' | 'cancel' | 'reschedule';

/** The map's part in confirming a pin. */
export interface PinOnMap {
  /** Shows a draggable pin at `location`; `dropped` hears where it is let go. Answers how to take it away. */
  show(location: [number, number], dropped: (location: [number, number]) => void): () => void;
}

export function mountOrderDrawer(state: ConsoleState, actions: OrderActions, pin: PinOnMap): void {
  const drawer = $('#order-drawer');
  const body = $('#drawer-body');
  let openForm: FormName | null = null;
  let shownOrderId: number | null = null;
  let removePin: (() => void) | null = null;
  /** Where the dispatcher dropped the pin, until it is confirmed. */
  let dropped: [number, number] | null = null;

  $('#drawer-close').addEventListener('click', () => actions.close());
  drawer.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') actions.close();
  });

  const render = () => {
    const details = state.drawer;
    drawer.classList.toggle('hidden', !details);
    removePin?.();
    removePin = null;
    if (!details) {
      shownOrderId = null;
      dropped = null;
      return;
    }
    if (details.order.id !== shownOrderId) {
      openForm = null;
      dropped = null;
    }
    const opened = shownOrderId !== details.order.id;
    shownOrderId = details.order.id;
    const { order } = details;
    const confirming = order.geocodeConfidence === 'street' && editable.has(order.status);
    if (confirming) {
      removePin = pin.show(dropped ?? order.location, (location) => {
        dropped = location;
        render();
      });
    }
    $('#drawer-title').replaceChildren(`Order ${order.displayId} `, el('span', { class: `status ${order.status}`, id: 'drawer-status' }, statusText(order.status)));
    body.replaceChildren(
      detailsList(state, order),
      ...(order.geocodeConfidence === 'street' ? [confirmSection(order)] : []),
      trackingSection(order, actions),
      deliverySection(state, details),
      actionsSection(order),
      ...(openForm ? [formFor(openForm, order)] : []),
      timelineSection(state, details),
      messagesSection(state, details),
    );
    if (opened) $('#drawer-close').focus();
  };

  /** The pin to confirm: this one (dragged or not) or one of the alternatives; confirming makes the location given. */
  const confirmSection = (order: Order) => {
    const heading = el('h2', {}, 'Location to confirm');
    const why = el('p', {}, `Placed on the street: ${order.addressText} is not a known address${order.geocodeAlternatives.length ? `, and the address also fits ${order.geocodeAlternatives.length === 1 ? 'another place' : `${order.geocodeAlternatives.length} other places`}` : ''}.`);
    if (!editable.has(order.status)) return el('section', { 'aria-label': 'Confirm location', id: 'drawer-confirm' }, heading, why, el('p', { class: 'muted' }, `The order is ${statusText(order.status)}; its location can no longer change.`));
    const confirm = (location: [number, number], button: HTMLButtonElement) => {
      button.disabled = true;
      actions.edit(order.id, { location }).then(
        () => say(`Location of order ${order.displayId} confirmed.`),
        (error: Error) => {
          button.disabled = false;
          say(`Not confirmed: ${error.message}`, true);
        },
      );
    };
    const here = dropped ?? order.location;
    const keep = el('button', { type: 'button', class: 'primary', 'data-action': 'confirm-pin' }, dropped ? 'Confirm the dropped pin' : 'Confirm this pin');
    keep.addEventListener('click', () => confirm(here, keep));
    const picks = order.geocodeAlternatives.map((alternative, index) => {
      const button = el('button', { type: 'button', 'data-action': 'pick-alternative', 'data-alternative': String(index) }, `Use ${alternative.addressText} (${alternative.location[0].toFixed(5)}, ${alternative.location[1].toFixed(5)})`);
      button.addEventListener('click', () => confirm(alternative.location, button));
      return el('li', {}, button);
    });
    return el(
      'section',
      { 'aria-label': 'Confirm location', id: 'drawer-confirm' },
      heading,
      why,
      el('p', { class: 'muted' }, `Drag the pin on the map, or pick a place. Pin at ${here[0].toFixed(5)}, ${here[1].toFixed(5)}.`),
      el('p', { class: 'actions' }, keep),
      ...(picks.length ? [el('ul', { class: 'alternatives' }, ...picks)] : []),
    );
  };

  const actionsSection = (order: Order) => {
    const buttons: HTMLButtonElement[] = [];
    const toggle = (name: FormName, label: string) => {
      const button = el('button', { type: 'button', 'data-action': name, 'aria-expanded': String(openForm === name) }, label);
      button.addEventListener('click', () => {
        openForm = openForm === name ? null : name;
        render();
      });
      buttons.push(button);
    };
    if (editable.has(order.status)) toggle('edit', 'Edit');
    if (order.status === 'received' && order.allowedTransitions.includes('ready')) {
      const ready = el('button', { type: 'button', 'data-action': 'ready' }, 'Mark ready');
      ready.addEventListener('click', () => void actions.transition(order.id, 'ready').catch((error: Error) => say(`Not ready: ${error.message}`, true)));
      buttons.push(ready);
    }
    if (reschedulable.has(order.status)) toggle('reschedule', order.status === 'failed' ? 'Re-attempt' : 'Reschedule');
    if (order.allowedTransitions.includes('cancelled')) toggle('cancel', 'Cancel order');
    return el('section', { 'aria-label': 'Actions' }, el('h2', {}, 'Actions'), buttons.length ? el('div', { class: 'actions' }, ...buttons) : el('p', { class: 'muted' }, `Nothing to do: the order is ${statusText(order.status)}.`));
  };

  const formFor = (name: FormName, order: Order): HTMLFormElement => {
    const form = name === 'edit' ? editForm(order) : name === 'cancel' ? cancelForm() : rescheduleForm(order);
    form.addEventListener('submit', (event) => {
      event.preventDefault();
      clearErrors(form);
      const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]')!;
      submit.disabled = true;
      const values = new FormData(form);
      const text = (field: string) => String(values.get(field) ?? '').trim();
      let work: Promise<void>;
      if (name === 'edit') work = actions.edit(order.id, patchOf(order, text));
      else if (name === 'cancel') work = actions.transition(order.id, 'cancelled', text('reason') || undefined);
      else {
        const zone = timeZone();
        work = actions.reschedule(order.id, { timeWindows: [{ start: zonedIso(text('date'), text('from'), zone), end: zonedIso(text('date'), text('to'), zone) }], reason: text('reason') || undefined });
      }
      work
        .then(() => {
          openForm = null;
          render();
          say(name === 'cancel' ? `Order ${order.displayId} cancelled.` : name === 'edit' ? `Order ${order.displayId} changed.` : `Order ${order.displayId} rescheduled.`);
        })
        .catch((error) => {
          submit.disabled = false;
          showErrors(form, error);
        });
    });
    return form;
  };

  const timeZone = () => state.depot()?.timeZone ?? 'UTC';
  state.subscribe('drawer', render);
}

function detailsList(state: ConsoleState, order: Order): HTMLElement {
  const rows: [string, string][] = [
    ['Customer', order.customerName],
    ['Phone', order.customerPhone ?? '–'],
    ['Email', order.customerEmail ?? '–'],
    ['Address', order.addressText],
    ['Location', `${order.location[0].toFixed(5)}, ${order.location[1].toFixed(5)}`],
    ['Windows', order.timeWindows.map((window) => `${window.start.slice(0, 10)} ${windowText(window)}`).join(', ')],
    ['Service', `${Math.round(order.serviceSeconds / 60)} min`],
    ['Demand', `${order.demand.items} items, ${order.demand.weightKg} kg, ${order.demand.volumeL} l`],
    ['Priority', String(order.priority)],
    ['Skills', order.requiredSkills.join(', ') || '–'],
    ['Vehicle', order.assignedVehicleId ? state.nameOfVehicle(order.assignedVehicleId) : '–'],
    ['Reference', `${order.source} / ${order.externalRef}`],
    ['Notes', order.notes ?? '–'],
  ];
  return el('dl', { id: 'drawer-details' }, ...rows.flatMap(([term, value]) => [el('dt', {}, term), el('dd', { 'data-detail': term.toLowerCase() }, value)]));
}

function trackingSection(order: Order, actions: OrderActions): HTMLElement {
  const issue = el('button', { type: 'button', 'data-action': 'issue-link' }, 'Issue a new link');
  issue.addEventListener('click', () => {
    issue.disabled = true;
    actions.issueTrackingLink(order.id).then(
      () => say('A new tracking link was issued and sent to the customer; the old one no longer opens.'),
      () => {
        issue.disabled = false;
        say('The link could not be issued; try again.');
      },
    );
  });
  const url = trackingLinkOf(order.id);
  const heading = el('h2', {}, 'Tracking link');
  if (!url) {
    // Only the secret's hash is stored: a link not issued in this console cannot be shown again.
    const note = el('p', { id: 'drawer-link-note' }, `Link ${order.trackingCode} went to the customer with the confirmation; it is kept only as a hash, so it cannot be shown here.`);
    return el('section', { 'aria-label': 'Tracking link' }, heading, note, el('p', { class: 'actions' }, issue));
  }
  const link = el('input', { id: 'drawer-link', readonly: '', 'aria-label': 'Tracking link', style: 'width: 100%;' });
  const open = el('a', { target: '_blank', rel: 'noopener', class: 'button-link' }, 'Open');
  const copy = el('button', { type: 'button' }, 'Copy');
  const canvas = el('canvas', { id: 'drawer-qr', 'aria-label': 'QR code of the tracking link', role: 'img' });
  link.value = url;
  open.setAttribute('href', url);
  // The QR code's library loads only when a drawer first shows one.
  void import('qrcode').then(({ toCanvas }) => toCanvas(canvas, url, { width: 132, margin: 1 }));
  copy.addEventListener('click', () => {
    void navigator.clipboard
      .writeText(link.value)
      .then(() => say('Tracking link copied.'))
      .catch(() => {
        link.select();
        say('Press Ctrl+C to copy the selected link.');
      });
  });
  return el('section', { 'aria-label': 'Tracking link' }, heading, link, el('p', { class: 'actions' }, copy, open, issue), canvas);
}

function deliverySection(state: ConsoleState, { outcome }: OrderDetails): HTMLElement {
  const items: Node[] = [];
  const { stop, proof, rating } = outcome;
  if (stop) {
    const done = stop.completedAt ? `done ${clockWithDay(stop.completedAt)}` : `service ${clockWithDay(stop.serviceStart)}`;
    items.push(el('p', {}, `${state.nameOfVehicle(stop.vehicleId)} · stop ${statusText(stop.status)} · ${done}`));
  } else items.push(el('p', { class: 'muted' }, 'Not on a plan.'));
  if (proof) {
    const what = proof.outcome === 'delivered' ? `Delivered ${clockWithDay(proof.at)}${proof.recipientName ? ` to ${proof.recipientName}` : ''}` : `Failed ${clockWithDay(proof.at)}: ${failureText(proof.failureReason)}`;
    items.push(el('p', { id: 'drawer-proof' }, what, ...(proof.note ? [el('br'), `Note: ${proof.note}`] : [])));
    if (proof.signature) items.push(el('img', { class: 'proof', src: proof.signature, alt: 'Signature' }));
    if (proof.photo) items.push(el('img', { class: 'proof', src: proof.photo, alt: 'Photo at delivery' }));
  }
  if (rating) items.push(el('p', { id: 'drawer-rating' }, `Rated ${'★'.repeat(rating.stars)}${'☆'.repeat(5 - rating.stars)} (${rating.stars}/5)${rating.comment ? `: “${rating.comment}”` : ''}`));
  return el('section', { 'aria-label': 'Delivery' }, el('h2', {}, 'Delivery'), ...items);
}

function timelineSection(state: ConsoleState, { events }: OrderDetails): HTMLElement {
  const zone = state.depot()?.timeZone ?? 'UTC';
  const line = (event: OrderDetails['events'][number]) => {
    const at = clockWithDay(state.depotIso(Date.parse(event.occurredAt) / 1000));
    return el('li', { 'data-event-type': event.type }, `${at} · ${eventText(event, zone, state.depotClock.bind(state))}${event.reason ? ` (${event.reason})` : ''} · ${event.actor}`);
  };
  return el('section', { 'aria-label': 'Timeline' }, el('h2', {}, 'Timeline'), el('ol', { class: 'timeline', id: 'drawer-timeline' }, ...events.map(line)));
}

function eventText(event: OrderDetails['events'][number], timeZone: string, depotClock: (epoch: number) => string): string {
  const data = event.data;
  switch (event.type) {
    case 'status_changed':
      return `${statusText(event.fromStatus ?? '')} → ${statusText(event.toStatus ?? '')}`;
    case 'rescheduled':
      return `rescheduled to ${rescheduledTo(data, timeZone)}`;
    case 'instructions_changed': {
      const given = (data.instructions ?? {}) as { gateCode?: string | null; safePlace?: string | null; leaveWithNeighbour?: boolean; neighbourName?: string | null; note?: string | null };
      const parts = [
        given.gateCode ? `gate code ${given.gateCode}` : null,
        given.safePlace ? `safe place: ${given.safePlace}` : null,
        given.leaveWithNeighbour ? `neighbour ${given.neighbourName}` : null,
        given.note ? `“${given.note}”` : null,
      ].filter((part) => part !== null);
      return `delivery instructions: ${parts.join(', ') || 'none'}`;
    }
    case 'rated':
      return `rated ${String(data.stars)}/5${data.comment ? `: “${String(data.comment)}”` : ''}`;
    case 'return_requested':
      return 'return requested';
    case 'tracking_link_issued':
      return 'new tracking link issued';
    case 'tracking_link_revoked':
      return 'tracking link revoked';
    case 'arriving_soon':
      return `arriving soon, ETA ${typeof data.etaEpoch === 'number' ? depotClock(data.etaEpoch) : '–'}`;
    case 'preferences_changed':
      return `messages ${Object.entries(data).map(([channel, on]) => `${channel === 'sms' ? 'SMS' : 'e-mail'} ${on ? 'on' : 'off'}`).join(', ')}`;
    default:
      return event.type;
  }
}

function messagesSection(state: ConsoleState, { messages }: OrderDetails): HTMLElement {
  const line = (message: OrderDetails['messages'][number]) => {
    const at = clockWithDay(state.depotIso(Date.parse(message.sentAt ?? message.createdAt) / 1000));
    const details = el(
      'details',
      {},
      el('summary', {}, `${at} · ${channelText[message.channel]} to ${message.recipient} · ${message.subject} · `, el('span', { class: `message-status ${message.status}` }, messageStatusText[message.status])),
      el('pre', { class: 'message-text' }, message.text),
      ...(message.lastError ? [el('p', { class: 'error' }, `Last error: ${message.lastError}`)] : []),
      el('p', { class: 'muted' }, `${message.attempts} attempt${message.attempts === 1 ? '' : 's'}`),
    );
    return el('li', { 'data-message-status': message.status, 'data-channel': message.channel }, details);
  };
  return el(
    'section',
    { 'aria-label': 'Messages' },
    el('h2', {}, 'Messages'),
    messages.length ? el('ol', { class: 'timeline', id: 'drawer-messages' }, ...messages.map(line)) : el('p', { class: 'muted', id: 'drawer-messages' }, 'No messages yet.'),
  );
}

function rescheduledTo(data: Record<string, unknown>, timeZone: string): string {
  const windows = (data.to as { start: string; end: string }[] | undefined) ?? [];
  const local = (iso: string) => new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
  return windows.map((window) => `${local(window.start)}–${local(window.end).slice(-5)}`).join(', ');
}

/** A labelled input that errors can name by `field`. */
function field(label: string, name: string, value: string, attributes: Record<string, string> = {}, errorField = name): HTMLElement {
  const id = `drawer-${name}`;
  return el('div', { class: attributes.wide ? 'wide' : '' }, el('label', { for: id }, label), el('input', { id, name, value, 'data-field': errorField, ...withoutWide(attributes) }));
}

function withoutWide(attributes: Record<string, string>): Record<string, string> {
  const { wide: _wide, ...rest } = attributes;
  return rest;
}

function formShell(label: string, submit: string, ...fields: HTMLElement[]): HTMLFormElement {
  return el('form', { class: 'card', 'aria-label': label, novalidate: '' }, el('div', { class: 'form-grid' }, ...fields), el('p', { class: 'form-error error', role: 'alert' }), el('p', {}, el('button', { class: 'primary', type: 'submit' }, submit)));
}

function editForm(order: Order): HTMLFormElement {
  return formShell(
    'Edit order',
    'Save changes',
    field('Customer', 'customerName', order.customerName, { wide: '1' }),
    field('Phone', 'customerPhone', order.customerPhone ?? ''),
    field('Email', 'customerEmail', order.customerEmail ?? '', { type: 'email' }),
    field('Address', 'addressText', order.addressText, { wide: '1' }),
    field('Longitude', 'lon', String(order.location[0]), { inputmode: 'decimal' }, 'location'),
    field('Latitude', 'lat', String(order.location[1]), { inputmode: 'decimal' }, 'location'),
    field('Service minutes', 'serviceMinutes', String(order.serviceSeconds / 60), { type: 'number', min: '0' }, 'serviceSeconds'),
    field('Priority', 'priority', String(order.priority), { type: 'number', min: '0', max: '100' }),
    field('Items', 'items', String(order.demand.items), { type: 'number', min: '0' }, 'demand'),
    field('Weight kg', 'weightKg', String(order.demand.weightKg), { type: 'number', min: '0', step: 'any' }, 'demand'),
    field('Notes', 'notes', order.notes ?? '', { wide: '1' }),
  );
}

/** Only what changed is sent; numbers stay as typed so the server names a bad one. */
function patchOf(order: Order, text: (field: string) => string): OrderPatch {
  const patch: Record<string, unknown> = {};
  const put = (key: string, value: unknown, current: unknown) => {
    if (JSON.stringify(value) !== JSON.stringify(current)) patch[key] = value;
  };
  const number = (value: string) => (value === '' || Number.isNaN(Number(value)) ? value : Number(value));
  const nullable = (value: string) => value || null;
  put('customerName', text('customerName'), order.customerName);
  put('customerPhone', nullable(text('customerPhone')), order.customerPhone);
  put('customerEmail', nullable(text('customerEmail')), order.customerEmail);
  put('addressText', text('addressText'), order.addressText);
  put('location', [number(text('lon')), number(text('lat'))], order.location);
  const minutes = number(text('serviceMinutes'));
  put('serviceSeconds', typeof minutes === 'number' ? Math.round(minutes * 60) : minutes, order.serviceSeconds);
  put('priority', number(text('priority')), order.priority);
  put('demand', { ...order.demand, items: number(text('items')), weightKg: number(text('weightKg')) }, order.demand);
  put('notes', nullable(text('notes')), order.notes);
  // Typed loosely on purpose: the server validates and names the field at fault.
  return patch as OrderPatch;
}

function cancelForm(): HTMLFormElement {
  return formShell('Cancel order', 'Confirm cancellation', field('Reason', 'reason', '', { wide: '1', placeholder: 'e.g. customer called' }));
}

function rescheduleForm(order: Order): HTMLFormElement {
  const window = order.timeWindows[0];
  return formShell(
    order.status === 'failed' ? 'Re-attempt delivery' : 'Reschedule order',
    order.status === 'failed' ? 'Re-attempt' : 'Reschedule',
    field('Date', 'date', window?.start.slice(0, 10) ?? '', { type: 'date', wide: '1' }, 'timeWindows'),
    field('From', 'from', window?.start.slice(11, 16) ?? '09:00', { type: 'time' }, 'timeWindows'),
    field('To', 'to', window?.end.slice(11, 16) ?? '12:00', { type: 'time' }, 'timeWindows'),
    field('Reason', 'reason', '', { wide: '1' }),
  );
}
