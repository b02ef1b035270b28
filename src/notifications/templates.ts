/**
 * What customers read: a subject and a text per event and locale, composed at send time from the payload captured
 * with the event. Times are the order's windows in its depot's time zone. Every variable a template uses is
 * checked to exist, so a template naming an unknown one fails in the tests instead of sending "{{x}}".
 */
import type { Locale, MessagePayload, NotificationKind } from '../domain/model/notification';

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
    delivered: {
      subject: 'Order {{displayId}} was delivered',
      text: 'Hello {{customerName}},\n\nyour order {{displayId}} was delivered ({{proof}}).\nTell us how it went: {{trackingUrl}}',
    },
    failed: {
      subject: 'We could not deliver order {{displayId}}',
      text: 'Hello {{customerName}},\n\nwe could not deliver your order {{displayId}} today ({{reason}}).\nNext step: we will contact you with a new delivery date; you can follow it here: {{trackingUrl}}',
    },
    rescheduled: {
      subject: 'New delivery time for order {{displayId}}',
      text: 'Hello {{customerName}},\n\nyour order {{displayId}} now arrives {{window}}.\nFollow it here: {{trackingUrl}}',
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
    delivered: {
      subject: 'Bestellung {{displayId}} wurde zugestellt',
      text: 'Hallo {{customerName}},\n\nIhre Bestellung {{displayId}} wurde zugestellt ({{proof}}).\nWie war die Lieferung? {{trackingUrl}}',
    },
    failed: {
      subject: 'Bestellung {{displayId}} konnte nicht zugestellt werden',
      text: 'Hallo {{customerName}},\n\nwir konnten Ihre Bestellung {{displayId}} heute nicht zustellen ({{reason}}).\nNächster Schritt: Wir melden uns mit einem neuen Liefertermin; den Stand sehen Sie hier: {{trackingUrl}}',
    },
    rescheduled: {
      subject: 'Neuer Liefertermin für Bestellung {{displayId}}',
      text: 'Hallo {{customerName}},\n\nIhre Bestellung {{displayId}} kommt jetzt {{window}}.\nSendungsverfolgung: {{trackingUrl}}',
    },
  },
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

/** `publicUrl`: where the service is reached, for the tracking link. */
export function composeMessage(payload: MessagePayload, locale: Locale, publicUrl: string): ComposedMessage {
  const template = templates[locale][payload.kind];
  const variables = {
    displayId: payload.displayId,
    customerName: payload.customerName,
    window: windowText(payload, locale),
    trackingUrl: payload.trackingLink ? `${publicUrl.replace(/\/$/, '')}${payload.trackingLink}` : words[locale].noLink,
    proof: proofText(payload.proof, locale),
    reason: payload.reason ?? words[locale].noReason,
  };
  return { subject: fill(template.subject, variables), text: fill(template.text, variables) };
}

/** Every template of every locale, for the test that each uses only known variables. */
export const allTemplates = templates;
