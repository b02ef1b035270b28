/** A way to reach someone. The sender worker calls `send` once per attempt; a thrown DeliveryError says why it failed. */
import type { ChannelName, OutboxMessage } from '../domain/model/notification';

export interface DeliveryReceipt {
  /** The provider's HTTP status, where there is one. */
  statusCode?: number;
}

export interface Channel {
  readonly name: ChannelName;
  send(message: OutboxMessage): Promise<DeliveryReceipt | void>;
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

/** A fetch that fails as a DeliveryError, with the status and the start of the body. */
export async function postOrFail(url: string, init: RequestInit): Promise<DeliveryReceipt> {
  let response: Response;
  try {
    response = await fetch(url, { ...init, method: 'POST', signal: AbortSignal.timeout(deliveryTimeoutMs), redirect: 'manual' });
  } catch (error) {
    throw new DeliveryError(`request failed: ${(error as Error).message}`);
  }
  const body = await response.text().catch(() => '');
  if (response.status >= 200 && response.status < 300) return { statusCode: response.status };
  throw new DeliveryError(`HTTP ${response.status}${body ? `: ${body.slice(0, 200)}` : ''}`, response.status, retryableStatus(response.status));
}
