/** E-mail over SMTP with nodemailer. The Message-ID is the message's idempotency key, so a resend after a crash is recognisable. */
import nodemailer from 'nodemailer';
import { idempotencyKey, type ClaimedMessage } from '../domain/model/notification';
import { DeliveryError, type Channel } from './channel';
import { composeMessage, trackingUrl, unsubscribeUrl } from './templates';

export interface EmailOptions {
  smtpUrl: string;
  from: string;
  publicUrl: string;
}

export function emailChannel(options: EmailOptions): Channel & { close(): void } {
  // Pooled: one SMTP handshake per connection, not per message.
  const url = new URL(options.smtpUrl);
  url.searchParams.set('pool', 'true');
  url.searchParams.set('maxConnections', url.searchParams.get('maxConnections') ?? '8');
  url.searchParams.set('maxMessages', url.searchParams.get('maxMessages') ?? 'Infinity');
  const transport = nodemailer.createTransport(url.toString(), { from: options.from });
  const domain = options.from.split('@')[1]?.replace(/>$/, '') ?? 'lastmile.invalid';
  return {
    name: 'email',
    async send(message: ClaimedMessage) {
      const composed = composeMessage(message.payload, message.locale, options.publicUrl, 'email');
      const link = trackingUrl(options.publicUrl, message.payload);
      try {
        await transport.sendMail({
          to: message.recipient,
          subject: composed.subject,
          text: composed.text,
          messageId: `<${idempotencyKey(message)}@${domain}>`,
          headers: { 'X-Lastmile-Event-Id': `evt_${message.eventId}`, 'Content-Language': message.locale },
          // Mail clients show their own unsubscribe button for it; it opens the tracking page, which asks first.
          ...(link ? { list: { unsubscribe: unsubscribeUrl(link, 'email') } } : {}),
        });
      } catch (error) {
        const code = (error as { responseCode?: number }).responseCode ?? null;
        // 5xx replies are permanent (unknown mailbox); 4xx and connection errors are worth another try.
        throw new DeliveryError(`SMTP: ${(error as Error).message}`, code, code === null || code < 500);
      }
    },
    close: () => transport.close(),
  };
}
