/**
 * The Redis connection that carries socket rooms between processes. It reconnects by itself (the adapter then
 * resumes its stream where it left off); a Redis that does not answer at start is a configuration error, named.
 */
import { createClient } from 'redis';
import type { Logger } from '../logger';
import type { RedisClient } from './server';

export async function connectRedis(url: string, logger: Logger, timeoutMs = 5000): Promise<RedisClient> {
  const client: RedisClient = createClient({ url, socket: { connectTimeout: timeoutMs, reconnectStrategy: (retries) => Math.min(100 * 2 ** retries, 5000) } });
  let connected = false;
  // Unheard, an 'error' event ends the process; while connected it only means "reconnecting".
  client.on('error', (error: unknown) => {
    if (connected) logger.warn({ err: error }, 'redis connection lost; reconnecting');
  });
  const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`REDIS_URL: no answer from ${redactedUrl(url)} within ${timeoutMs} ms`)), timeoutMs).unref());
  try {
    await Promise.race([client.connect(), timeout]);
  } catch (error) {
    client.destroy();
    throw error;
  }
  connected = true;
  return client;
}

function redactedUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
