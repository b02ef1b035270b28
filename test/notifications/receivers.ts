/**
 * Local receivers for the notification tests and the benchmark: a real SMTP server, an SMS API, a webhook endpoint.
 * Each keeps everything it accepted, duplicates included, and deduplicates on the key a real provider would: the
 * Message-ID for mail, `Idempotency-Key` for SMS and webhook requests (`unique*` below).
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../src/notifications/webhook';

export interface SmtpReceiver {
  url: string;
  /** Every mail accepted (answered 250), in arrival order. */
  mails: ParsedMail[];
  /** Accepted mails by Message-ID, the first of each. */
  unique(): Map<string, ParsedMail>;
  close(): Promise<void>;
}

export async function startSmtpReceiver(): Promise<SmtpReceiver> {
  const mails: ParsedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, callback) {
      simpleParser(stream).then(
        (mail) => {
          mails.push(mail);
          callback();
        },
        (error: Error) => callback(error),
      );
    },
  });
  // A client killed mid-session resets its connection; that is the sender's business, not the receiver's.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return {
    url: `smtp://127.0.0.1:${port}`,
    mails,
    unique: () => firstBy(mails, (mail) => mail.messageId ?? ''),
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
  });

export interface SmsRequest {
  to: string;
  from: string;
  body: string;
  authorization: string | undefined;
  idempotencyKey: string | undefined;
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  orderId: number;
  validSignature: boolean;
  idempotencyKey: string | undefined;
  body: string;
}

export interface HttpReceiver {
  url: string;
  /** Every SMS request accepted, in arrival order. */
  sms: SmsRequest[];
  /** Every accepted webhook POST, in arrival order. */
  deliveries: WebhookDelivery[];
  /** Accepted SMS and webhook requests by Idempotency-Key, the first of each. */
  uniqueSms(): Map<string, SmsRequest>;
  uniqueDeliveries(): Map<string, WebhookDelivery>;
  /** Webhook POSTs refused so far (failNext, down). */
  refused: number;
  /** Answer the next N webhook POSTs with 503. */
  failNext(count: number): void;
  /** While set, every webhook POST is refused: `503` answers 503, `closed` drops the connection unanswered. */
  down: '503' | 'closed' | null;
  /** Delay every answer by this many milliseconds. */
  delayMs: number;
  /**
   * Once this many SMS and webhook requests were accepted, the ones after are read but not answered until
   * `release()`: the sender is then stuck with sends in flight, some of its batch delivered and not yet recorded.
   */
  holdAfter(accepted: number): Promise<void>;
  release(): void;
  /** Answer the handshake with something else than the challenge. */
  wrongChallenge: boolean;
  /** The signing secret, set once the webhook is registered. */
  secret: string;
  close(): Promise<void>;
}

/** `nowSeconds`: the receiver's clock for the timestamp check (the tests pin one). */
export async function startHttpReceiver(nowSeconds: () => number): Promise<HttpReceiver> {
  let failing = 0;
  let holdAt = Infinity;
  let held: (() => void)[] = [];
  let onHold: (() => void) | null = null;
  const receiver: HttpReceiver = {
    url: '',
    sms: [],
    deliveries: [],
    uniqueSms: () => firstBy(receiver.sms, (sms) => sms.idempotencyKey ?? ''),
    uniqueDeliveries: () => firstBy(receiver.deliveries, (delivery) => delivery.idempotencyKey ?? ''),
    refused: 0,
    failNext: (count) => {
      failing = count;
    },
    down: null,
    delayMs: 0,
    holdAfter: (accepted) => {
      holdAt = accepted;
      return new Promise((resolve) => (onHold = resolve));
    },
    release: () => {
      holdAt = Infinity;
      for (const answer of held) answer();
      held = [];
    },
    wrongChallenge: false,
    secret: '',
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
  const untilAnswerable = () => {
    if (receiver.sms.length + receiver.deliveries.length < holdAt) return Promise.resolve();
    onHold?.();
    onHold = null;
    return new Promise<void>((resolve) => held.push(resolve));
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    if (receiver.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
    if (url.pathname === '/sms' && req.method === 'POST') {
      await untilAnswerable();
      const form = new URLSearchParams(body);
      receiver.sms.push({ to: form.get('To')!, from: form.get('From')!, body: form.get('Body')!, authorization: req.headers.authorization, idempotencyKey: header(req, 'idempotency-key') });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${receiver.sms.length}`, status: 'queued' }));
      return;
    }
    if (url.pathname === '/hook' && req.method === 'GET') {
      res.end(receiver.wrongChallenge ? 'nope' : (url.searchParams.get('check') ?? ''));
      return;
    }
    if (url.pathname === '/hook' && req.method === 'POST') {
      if (receiver.down === 'closed') {
        receiver.refused++;
        req.socket.destroy();
        return;
      }
      if (failing > 0 || receiver.down === '503') {
        failing = Math.max(0, failing - 1);
        receiver.refused++;
        res.writeHead(503).end('down');
        return;
      }
      await untilAnswerable();
      const parsed = JSON.parse(body) as { id: string; type: string; data: { orderId: number } };
      const validSignature = verifyWebhook(receiver.secret, { signature: String(req.headers['x-lastmile-signature']), timestamp: String(req.headers['x-lastmile-timestamp']) }, body, nowSeconds());
      receiver.deliveries.push({
        eventId: String(req.headers['x-lastmile-event-id']),
        type: parsed.type,
        orderId: parsed.data.orderId,
        validSignature: validSignature && parsed.id === req.headers['x-lastmile-event-id'],
        idempotencyKey: header(req, 'idempotency-key'),
        body,
      });
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}

const header = (req: IncomingMessage, name: string) => {
  const value = req.headers[name];
  return Array.isArray(value) ? value[0] : value;
};

function firstBy<T>(items: T[], key: (item: T) => string): Map<string, T> {
  const first = new Map<string, T>();
  for (const item of items) if (!first.has(key(item))) first.set(key(item), item);
  return first;
}
