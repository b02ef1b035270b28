/**
 * Registers an integrator's webhook after Onfleet's verification handshake: a GET to the URL with `?check=CHALLENGE`
 * must answer 2xx with the challenge as its body, proving the URL belongs to whoever registers it. The secret that
 * signs every delivery is made here and shown once.
 */
import { randomBytes } from 'node:crypto';
import type { Principal } from '../auth/principal';
import { invalidInput } from '../errors';
import type { Webhook } from '../domain/model/notification';
import type { WebhookInput } from '../protocol/notifications';
import { inTransaction, type CommandContext } from './context';

const handshakeTimeoutMs = 5000;

export async function registerWebhook(context: CommandContext, input: WebhookInput, by: Principal): Promise<Webhook> {
  const challenge = randomBytes(16).toString('hex');
  const url = new URL(input.url);
  url.searchParams.set('check', challenge);
  const failed = (reason: string) => invalidInput('The webhook URL did not pass verification', [{ path: 'url', message: `verification failed: ${reason}` }]);
  let answer: string;
  try {
    const response = await fetch(url, { signal: AbortSignal.timeout(handshakeTimeoutMs), redirect: 'manual' });
    answer = (await response.text()).trim();
    if (response.status < 200 || response.status >= 300) throw failed(`GET answered HTTP ${response.status}`);
  } catch (error) {
    if (error instanceof Error && error.name === 'AppError') throw error;
    throw failed(`GET failed (${(error as Error).message})`);
  }
  if (answer !== challenge) throw failed('the answer did not echo the check parameter');
  return inTransaction(context, (repos) => repos.webhooks.insert({ url: input.url, events: [...new Set(input.events)].sort(), secret: randomBytes(32).toString('hex'), createdBy: by.actor, nowMs: context.clock.nowMs() }));
}
