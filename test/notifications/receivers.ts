/** Local receivers for the notification tests and the benchmark: a real SMTP server, an SMS API, a webhook endpoint. */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { verifyWebhook } from '../../src/notifications/webhook';

export interface SmtpReceiver {
  url: string;
  mails: ParsedMail[];
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
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.server.address() as AddressInfo).port;
  return { url: `smtp://127.0.0.1:${port}`, mails, close: () => new Promise((resolve) => server.close(() => resolve())) };
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
}

export interface WebhookDelivery {
  eventId: string;
  type: string;
  orderId: number;
  validSignature: boolean;
}

export interface HttpReceiver {
  url: string;
  sms: SmsRequest[];
  /** Every accepted webhook POST, in arrival order. */
  deliveries: WebhookDelivery[];
  /** Answer the next N webhook POSTs with 503. */
  failNext(count: number): void;
  /** Delay every answer by this many milliseconds. */
  delayMs: number;
  /** Answer the handshake with something else than the challenge. */
  wrongChallenge: boolean;
  /** The signing secret, set once the webhook is registered. */
  secret: string;
  close(): Promise<void>;
}

/** `nowSeconds`: the receiver's clock for the timestamp check (the tests pin one). */
export async function startHttpReceiver(nowSeconds: () => number): Promise<HttpReceiver> {
  let failing = 0;
  const receiver: HttpReceiver = {
    url: '',
    sms: [],
    deliveries: [],
    failNext: (count) => {
      failing = count;
    },
    delayMs: 0,
    wrongChallenge: false,
    secret: '',
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const body = await readBody(req);
    if (receiver.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, receiver.delayMs));
    if (url.pathname === '/sms' && req.method === 'POST') {
      const form = new URLSearchParams(body);
      receiver.sms.push({ to: form.get('To')!, from: form.get('From')!, body: form.get('Body')!, authorization: req.headers.authorization });
      res.writeHead(201, { 'content-type': 'application/json' }).end(JSON.stringify({ sid: `SM${receiver.sms.length}`, status: 'queued' }));
      return;
    }
    if (url.pathname === '/hook' && req.method === 'GET') {
      res.end(receiver.wrongChallenge ? 'nope' : (url.searchParams.get('check') ?? ''));
      return;
    }
    if (url.pathname === '/hook' && req.method === 'POST') {
      if (failing > 0) {
        failing--;
        res.writeHead(503).end('down');
        return;
      }
      const parsed = JSON.parse(body) as { id: string; type: string; data: { orderId: number } };
      const validSignature = verifyWebhook(receiver.secret, { signature: String(req.headers['x-lastmile-signature']), timestamp: String(req.headers['x-lastmile-timestamp']) }, body, nowSeconds());
      receiver.deliveries.push({ eventId: String(req.headers['x-lastmile-event-id']), type: parsed.type, orderId: parsed.data.orderId, validSignature: validSignature && parsed.id === req.headers['x-lastmile-event-id'] });
      res.writeHead(204).end();
      return;
    }
    res.writeHead(404).end();
  });
  server.keepAliveTimeout = 100;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return receiver;
}
