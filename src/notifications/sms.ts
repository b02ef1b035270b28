/**
 * SMS through an HTTP provider, in the request shape of Twilio's Messages API: POST form-encoded To, From and Body
 * with basic auth to SMS_URL (https://ACCOUNT_SID:AUTH_TOKEN@api.twilio.com/2010-04-01/Accounts/ACCOUNT_SID/Messages.json).
 * Credentials ride in the URL's user info and are sent as the Authorization header, never in the URL. Every attempt
 * of a message carries the same `Idempotency-Key` (the IETF httpapi draft's header), so a provider that deduplicates
 * on it sends one SMS when a send is repeated after a crash.
 */
import { idempotencyKey, type ClaimedMessage } from '../domain/model/notification';
import { postOrFail, type Channel } from './channel';
import { composeMessage } from './templates';

export interface SmsOptions {
  smsUrl: string;
  from: string;
  publicUrl: string;
}

export function smsChannel(options: SmsOptions): Channel {
  const url = new URL(options.smsUrl);
  const authorization = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : null;
  url.username = '';
  url.password = '';
  const endpoint = url.toString();
  return {
    name: 'sms',
    send(message: ClaimedMessage) {
      const composed = composeMessage(message.payload, message.locale, options.publicUrl, 'sms');
      const body = new URLSearchParams({ To: message.recipient, From: options.from, Body: `${composed.subject}. ${composed.text.split('\n').slice(2).join(' ')}` });
      return postOrFail(endpoint, {
        headers: { 'content-type': 'application/x-www-form-urlencoded', 'idempotency-key': idempotencyKey(message), ...(authorization ? { authorization } : {}) },
        body: body.toString(),
      });
    },
  };
}
