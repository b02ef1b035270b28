/**
 * What customers read: a subject and a text per event and locale, composed at send time from the payload captured
 * with the event. Times are the order's windows in its depot's time zone. Every variable a template uses is
 * checked to exist, so a template naming an unknown one fails in the tests instead of sending "{{x}}".
 */
import type { CustomerChannel, Locale, MessagePayload, NotificationKind } from '../domain/model/notification';

export interface ComposedMessage {
  subject: string;
  text: string;
}

type Strings = Record<NotificationKind, { subject: string; text: string }>;

const templates: Record<Locale, Strings> = {
  en: {
    confirmed: {
      subject: 'Your order {{displayId}} is confirmed',
      text: 'Hello {{customerName}},\n\nwe have your order {{displayId}}. We deliver {{window}}.\nFollow it here: {{trackingUrl}}',
    },
    out_for_delivery: {
      subject: 'Order {{displayId}} is out for delivery',
      text: 'Hello {{customerName}},\n\nyour order {{displayId}} is on its way and arrives {{window}}.\nSee the van live: {{trackingUrl}}',
    },
    arriving_soon: {
      subject: 'Order {{displayId}} arrives soon',
      text: 'Hello {{customerName}},\n\nthe van with your order {{displayId}} expects to be with you around {{eta}}.\nSee it live: {{trackingUrl}}',
    },
    delivered: {
      subject: 'Order {{displayId}} was delivered',
      text: 'Hello {{customerName}},\n\nyour order {{displayId}} was delivered ({{proof}}).\nTell us how it went: {{trackingUrl}}',
    },
    failed: {
      subject: 'We could not deliver order {{displayId}}',
      text: 'Hello {{customerName}},\n\nwe could not deliver your order {{displayId}} today ({{reason}}).\nNext step: {{nextStep}}.\nFollow it here: {{trackingUrl}}',
    },
    rescheduled: {
      subject: 'New delivery time for order {{displayId}}',
      text: 'Hello {{customerName}},\n\nyour order {{displayId}} now arrives {{window}}.\nFollow it here: {{trackingUrl}}',
    },
    return_scheduled: {
      subject: 'We collect your return {{displayId}}',
      text: 'Hello {{customerName}},\n\nwe collect your return {{displayId}} {{window}}; please have it ready.\nFollow it here: {{trackingUrl}}',
    },
  },
  de: {
    confirmed: {
      subject: 'Ihre Bestellung {{displayId}} ist bestätigt',
      text: 'Hallo {{customerName}},\n\nwir haben Ihre Bestellung {{displayId}} erhalten. Wir liefern {{window}}.\nSendungsverfolgung: {{trackingUrl}}',
    },
    out_for_delivery: {
      subject: 'Bestellung {{displayId}} ist unterwegs',
      text: 'Hallo {{customerName}},\n\nIhre Bestellung {{displayId}} ist unterwegs und kommt {{window}}.\nDas Fahrzeug live: {{trackingUrl}}',
    },
    arriving_soon: {
      subject: 'Bestellung {{displayId}} kommt gleich',
      text: 'Hallo {{customerName}},\n\ndas Fahrzeug mit Ihrer Bestellung {{displayId}} ist voraussichtlich gegen {{eta}} Uhr bei Ihnen.\nLive verfolgen: {{trackingUrl}}',
    },
    delivered: {
      subject: 'Bestellung {{displayId}} wurde zugestellt',
      text: 'Hallo {{customerName}},\n\nIhre Bestellung {{displayId}} wurde zugestellt ({{proof}}).\nWie war die Lieferung? {{trackingUrl}}',
    },
    failed: {
      subject: 'Bestellung {{displayId}} konnte nicht zugestellt werden',
      text: 'Hallo {{customerName}},\n\nwir konnten Ihre Bestellung {{displayId}} heute nicht zustellen ({{reason}}).\nNächster Schritt: {{nextStep}}.\nDen Stand sehen Sie hier: {{trackingUrl}}',
    },
    rescheduled: {
      subject: 'Neuer Liefertermin für Bestellung {{displayId}}',
      text: 'Hallo {{customerName}},\n\nIhre Bestellung {{displayId}} kommt jetzt {{window}}.\nSendungsverfolgung: {{trackingUrl}}',
    },
    return_scheduled: {
      subject: 'Wir holen Ihre Rücksendung {{displayId}} ab',
      text: 'Hallo {{customerName}},\n\nwir holen Ihre Rücksendung {{displayId}} {{window}} ab; bitte halten Sie sie bereit.\nSendungsverfolgung: {{trackingUrl}}',
    },
  },
};

/** The last line of every message to a customer: how to stop this channel. */
const unsubscribeLines: Record<Locale, Record<CustomerChannel, string>> = {
  en: { email: 'No more e-mails about your deliveries: {{unsubscribeUrl}}', sms: 'No more SMS: {{unsubscribeUrl}}' },
  de: { email: 'Keine E-Mails mehr zu Ihren Lieferungen: {{unsubscribeUrl}}', sms: 'Keine SMS mehr: {{unsubscribeUrl}}' },
};

const words: Record<Locale, { between: string; and: string; signed: string; photo: string; receivedBy: string; noReason: string; noLink: string; tag: string }> = {
  en: { between: 'between', and: 'and', signed: 'signed', photo: 'photo taken', receivedBy: 'received by', noReason: 'no reason given', noLink: 'the link in your confirmation', tag: 'en-GB' },
  de: { between: 'zwischen', and: 'und', signed: 'unterschrieben', photo: 'Foto aufgenommen', receivedBy: 'entgegengenommen von', noReason: 'ohne Angabe', noLink: 'der Link aus Ihrer Bestätigung', tag: 'de-DE' },
};

// Building an Intl.DateTimeFormat costs milliseconds, formatting with one microseconds: one pair per locale and zone.
const formats = new Map<string, { day: Intl.DateTimeFormat; time: Intl.DateTimeFormat }>();

function formatsFor(locale: Locale, timeZone: string) {
  const key = `${locale}@${timeZone}`;
  let found = formats.get(key);
  if (!found) {
    const tag = words[locale].tag;
    found = {
      day: new Intl.DateTimeFormat(tag, { timeZone, weekday: 'short', day: 'numeric', month: 'short' }),
      time: new Intl.DateTimeFormat(tag, { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }),
    };
    formats.set(key, found);
  }
  return found;
}

/** "on Tue 24 Nov between 09:00 and 12:00" in the depot's zone. */
export function windowText(payload: Pick<MessagePayload, 'windows' | 'timeZone'>, locale: Locale): string {
  const w = words[locale];
  const { day, time } = formatsFor(locale, payload.timeZone);
  return payload.windows
    .map(([start, end]) => `${locale === 'de' ? 'am' : 'on'} ${day.format(start * 1000)} ${w.between} ${time.format(start * 1000)} ${w.and} ${time.format(end * 1000)}`)
    .join(locale === 'de' ? ' oder ' : ' or ');
}

const nextStepWords: Record<Locale, { reattempt: string; return: string; office: string }> = {
  en: { reattempt: 'we try again', return: 'your order goes back to our depot', office: 'we will contact you with a new date' },
  de: { reattempt: 'wir versuchen es erneut', return: 'Ihre Bestellung geht an unser Depot zurück', office: 'wir melden uns mit einem neuen Termin' },
};

/** "we try again on Fri 4 Dec between 09:00 and 12:00", or the return to the depot. */
function nextStepText(payload: MessagePayload, locale: Locale): string {
  const step = payload.nextStep;
  const w = nextStepWords[locale];
  if (!step || step.action === 'office') return w.office;
  if (step.action === 'return') return w.return;
  return `${w.reattempt} ${windowText({ windows: step.windows, timeZone: payload.timeZone }, locale)}`;
}

function proofText(proof: MessagePayload['proof'], locale: Locale): string {
  const w = words[locale];
  if (!proof) return w.receivedBy + ' —';
  return [proof.recipientName ? `${w.receivedBy} ${proof.recipientName}` : null, proof.signature ? w.signed : null, proof.photo ? w.photo : null].filter(Boolean).join(', ');
}

export function fill(template: string, variables: Record<string, string>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (_match, name: string) => {
    const value = variables[name];
    if (value === undefined) throw new Error(`Template variable {{${name}}} is unknown`);
    return value;
  });
}

/** The link the message carries: issued with it, or copied from the order's last message; null when none is on record. */
export const trackingUrl = (publicUrl: string, payload: Pick<MessagePayload, 'trackingLink'>): string | null =>
  payload.trackingLink ? `${publicUrl.replace(/\/$/, '')}${payload.trackingLink}` : null;

/** Where a customer turns a channel off: the tracking page, which asks before it does. */
export const unsubscribeUrl = (trackingUrl: string, channel: CustomerChannel) => `${trackingUrl}?unsubscribe=${channel}`;

/**
 * `publicUrl`: where the service is reached, for the tracking link. `channel`: a customer's channel gets the
 * unsubscribe line; a webhook's or the preview's nothing.
 */
export function composeMessage(payload: MessagePayload, locale: Locale, publicUrl: string, channel?: CustomerChannel): ComposedMessage {
  const template = templates[locale][payload.kind];
  const link = trackingUrl(publicUrl, payload);
  const variables = {
    displayId: payload.displayId,
    customerName: payload.customerName,
    window: windowText(payload, locale),
    trackingUrl: link ?? words[locale].noLink,
    proof: proofText(payload.proof, locale),
    reason: payload.reason ?? words[locale].noReason,
    eta: payload.etaEpoch ? formatsFor(locale, payload.timeZone).time.format(payload.etaEpoch * 1000) : '–',
    unsubscribeUrl: channel && link ? unsubscribeUrl(link, channel) : '',
    nextStep: nextStepText(payload, locale),
  };
  const text = fill(template.text, variables);
  // Without a link on record there is no page to turn the channel off on; the line would point nowhere.
  return { subject: fill(template.subject, variables), text: channel && link ? `${text}\n\n${fill(unsubscribeLines[locale][channel], variables)}` : text };
}

/** Every unsubscribe line, for the same test. */
export const allUnsubscribeLines = unsubscribeLines;

/** Every template of every locale, for the test that each uses only known variables. */
export const allTemplates = templates;
