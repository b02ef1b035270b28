/** A way to reach someone. The sender worker calls `send` once per attempt; a thrown DeliveryError says why it failed. */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ChannelName, ClaimedMessage } from '../domain/model/notification';

export interface DeliveryReceipt {
  /** The provider's HTTP status, where there is one. */
  statusCode?: number;
}

export interface Channel {
  readonly name: ChannelName;
  send(message: ClaimedMessage): Promise<DeliveryReceipt | void>;
}

export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly statusCode: number | null = null,
    /** False: trying again cannot help (the provider refused the number), the message is given up at once. */
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** HTTP answers worth another try: timeouts, throttling and server errors. */
export const retryableStatus = (status: number) => status === 408 || status === 429 || status >= 500;

export const deliveryTimeoutMs = 10_000;

// Kept-alive connections: a TCP (and TLS) handshake per provider connection, not per message.
const agents = { 'http:': new HttpAgent({ keepAlive: true, maxSockets: 32 }), 'https:': new HttpsAgent({ keepAlive: true, maxSockets: 32 }) };

/** A POST that fails as a DeliveryError, with the status and the start of the body. Redirects are not followed. */
export function postOrFail(url: string, init: { headers: Record<string, string>; body: string }): Promise<DeliveryReceipt> {
  const target = new URL(url);
  const request = target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : null;
  if (!request) return Promise.reject(new DeliveryError(`unsupported URL scheme ${target.protocol}`, null, false));
  const agent = agents[target.protocol as keyof typeof agents];
  const body = Buffer.from(init.body);
  const attempt = (firstTry: boolean) =>
    new Promise<DeliveryReceipt>((resolve, reject) => {
      let answered = false;
      const req = request(target, { method: 'POST', agent, headers: { ...init.headers, 'content-length': String(body.length) }, timeout: deliveryTimeoutMs }, (res: IncomingMessage) => {
        answered = true;
        const chunks: Buffer[] = [];
        let length = 0;
        res.on('data', (chunk: Buffer) => {
          // Only the start of an answer is kept for the log.
          if (length < 200) chunks.push(chunk);
          length += chunk.length;
        });
        res.on('error', (error) => reject(new DeliveryError(`request failed: ${error.message}`)));
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ statusCode: status });
          const text = Buffer.concat(chunks).toString('utf8').slice(0, 200);
          reject(new DeliveryError(`HTTP ${status}${text ? `: ${text}` : ''}`, status, retryableStatus(status)));
        });
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${deliveryTimeoutMs} ms`)));
      req.on('error', (error: Error & { code?: string }) => {
        // A kept-alive connection the receiver closed as it was reused, before any answer: once more on a fresh one.
        if (firstTry && !answered && req.reusedSocket && error.code === 'ECONNRESET') return void attempt(false).then(resolve, reject);
        if (!answered) reject(new DeliveryError(`request failed: ${error.message}`));
      });
      req.end(body);
    });
  return attempt(true);
}
