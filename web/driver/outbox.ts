/**
 * The device's outbox: stop actions and positions wait in localStorage and go out in order when the
 * network is back. Every action carries its idempotency key from the moment it is queued, so a replay
 * after a lost answer is applied once. A rejected action (4xx) is dropped and reported, never retried.
 */
import { Api, ApiError } from '../common/api';

export interface QueuedRequest {
  path: string;
  body: Record<string, unknown>;
  /** What the driver did, for messages. */
  label: string;
}

const storageKey = 'lastmile.driver.outbox';

export class Outbox {
  private flushing = false;

  constructor(
    private readonly api: Api,
    private readonly onChange: (event: { sent?: QueuedRequest; rejected?: { request: QueuedRequest; error: ApiError }; waiting: number }) => void,
  ) {}

  get waiting(): QueuedRequest[] {
    return JSON.parse(localStorage.getItem(storageKey) ?? '[]');
  }

  private save(queue: QueuedRequest[]): void {
    localStorage.setItem(storageKey, JSON.stringify(queue));
  }

  push(request: QueuedRequest): void {
    this.save([...this.waiting, request]);
    void this.flush();
  }

  /** Positions join the batch at the queue's tail, so hours offline replay as a few requests. */
  pushPosition(fix: Record<string, unknown>): void {
    const queue = this.waiting;
    const tail = queue[queue.length - 1];
    const positions = tail?.path === '/positions' ? (tail.body.positions as unknown[]) : null;
    if (positions && positions.length < 1000 && !this.flushing) positions.push(fix);
    else queue.push({ path: '/positions', body: { positions: [fix] }, label: 'position' });
    this.save(queue);
    void this.flush();
  }

  /** Sends the queue head first; stops at the first network failure and tries again later. */
  async flush(): Promise<void> {
    if (this.flushing) return;
    this.flushing = true;
    try {
      for (let head = this.waiting[0]; head; head = this.waiting[0]) {
        try {
          await this.api.post(head.path, head.body);
          this.save(this.waiting.slice(1));
          this.onChange({ sent: head, waiting: this.waiting.length });
        } catch (error) {
          if (error instanceof ApiError && error.status >= 400 && error.status < 500 && error.status !== 401 && error.status !== 429) {
            this.save(this.waiting.slice(1));
            this.onChange({ rejected: { request: head, error }, waiting: this.waiting.length });
            continue;
          }
          this.onChange({ waiting: this.waiting.length });
          return;
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  clear(): void {
    localStorage.removeItem(storageKey);
  }
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID ? crypto.randomUUID() : `${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 12)}`;
}
