/**
 * Bearer tokens for sessions and integrations: 256 random bits, recognisable by prefix.
 * Only a SHA-256 is stored; a fast hash is enough because the token itself cannot be guessed.
 */
import { createHash, randomBytes } from 'node:crypto';

export const sessionTokenPrefix = 'lms_';
export const apiKeyPrefix = 'lmk_';

export function newToken(prefix: string): string {
  return prefix + randomBytes(32).toString('base64url');
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
