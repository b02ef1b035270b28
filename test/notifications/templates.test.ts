import { describe, expect, it } from 'vitest';
import { toE164 } from '../../src/domain/phone';
import { locales, notificationKinds, type MessagePayload } from '../../src/domain/model/notification';
import { localeFor } from '../../src/notifications/notification-rules';
import { composeMessage, fill } from '../../src/notifications/templates';
import { signWebhook, verifyWebhook, webhookBody } from '../../src/notifications/webhook';

const payload = (kind: MessagePayload['kind']): MessagePayload => ({
  kind,
  eventId: 7,
  occurredAt: '2026-11-24T08:00:00.000Z',
  orderId: 3,
  displayId: 'LM-3',
  externalRef: 'ref-3',
  customerName: 'Ada',
  trackingLink: '/t/ABCDEFGHJK.secret',
  timeZone: 'Europe/Berlin',
  // 2026-11-24 09:00–12:00 in Berlin (UTC+1).
  windows: [[Date.parse('2026-11-24T08:00:00Z') / 1000, Date.parse('2026-11-24T11:00:00Z') / 1000]],
  status: 'delivered',
  reason: null,
  proof: { recipientName: 'Neighbour', signature: true, photo: false },
});

describe('message templates', () => {
  it('compose every event in every locale with known variables only', () => {
    for (const locale of locales) {
      for (const kind of notificationKinds) {
        const composed = composeMessage(payload(kind), locale, 'https://x.example/');
        expect(composed.subject).toContain('LM-3');
        expect(composed.text).not.toMatch(/\{\{/);
        expect(composed.text).toContain('https://x.example/t/ABCDEFGHJK.secret');
        // A message of an order whose current link was never sent says where the link is, not a broken one.
        expect(composeMessage({ ...payload(kind), trackingLink: null }, locale, 'https://x.example/').text).toMatch(/the link in your confirmation|der Link aus Ihrer Bestätigung/);
      }
    }
    expect(composeMessage(payload('delivered'), 'en', 'https://x').text).toContain('received by Neighbour, signed');
    expect(composeMessage(payload('confirmed'), 'en', 'https://x').text).toContain('on Tue 24 Nov between 09:00 and 12:00');
  });

  it("tells the arriving-soon ETA on the depot's clock and ends a customer's message with its channel's unsubscribe link", () => {
    // 09:42 in Berlin.
    const soon = { ...payload('arriving_soon'), etaEpoch: Date.parse('2026-11-24T08:42:00Z') / 1000 };
    expect(composeMessage(soon, 'en', 'https://x.example').text).toContain('around 09:42');
    expect(composeMessage(soon, 'de', 'https://x.example').text).toContain('gegen 09:42 Uhr');
    for (const locale of locales) {
      expect(composeMessage(soon, locale, 'https://x.example', 'email').text.split('\n').at(-1)).toMatch(/https:\/\/x\.example\/t\/ABCDEFGHJK\.secret\?unsubscribe=email$/);
      expect(composeMessage(soon, locale, 'https://x.example', 'sms').text.split('\n').at(-1)).toMatch(/https:\/\/x\.example\/t\/ABCDEFGHJK\.secret\?unsubscribe=sms$/);
      expect(composeMessage(soon, locale, 'https://x.example').text).not.toContain('unsubscribe');
    }
  });

  it('refuses an unknown template variable', () => {
    expect(() => fill('Hello {{nobody}}', { name: 'x' })).toThrow('Template variable {{nobody}} is unknown');
  });

  it('speaks German to German-speaking numbers and domains', () => {
    expect(localeFor({ customerPhone: '+496221123456', customerEmail: null })).toBe('de');
    expect(localeFor({ customerPhone: null, customerEmail: 'a@b.at' })).toBe('de');
    expect(localeFor({ customerPhone: '+442079460958', customerEmail: 'a@b.com' })).toBe('en');
  });
});

describe('phones and signatures', () => {
  it('normalises phones to E.164 and refuses impossible ones', () => {
    expect(toE164('06221 1234567')).toBe('+4962211234567');
    expect(toE164('+44 20 7946 0958')).toBe('+442079460958');
    expect(toE164('12')).toBeNull();
  });

  it('signs the timestamp and the raw body; a changed body or an old timestamp fails', () => {
    const body = webhookBody(payload('delivered'));
    const signature = signWebhook('secret', 1000, body);
    expect(verifyWebhook('secret', { signature, timestamp: '1000' }, body, 1100)).toBe(true);
    expect(verifyWebhook('secret', { signature, timestamp: '1000' }, body.replace('Ada', 'Eve'), 1100)).toBe(false);
    expect(verifyWebhook('secret', { signature, timestamp: '1000' }, body, 2000)).toBe(false);
    expect(JSON.parse(body)).toMatchObject({ id: 'evt_7', type: 'order.delivered', data: { orderId: 3 } });
  });
});
