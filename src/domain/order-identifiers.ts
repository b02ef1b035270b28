/**
 * How orders are named outside the database: a short display id people can read out on the phone,
 * and the customer's tracking link: a short code to find it by and a secret that nobody can guess.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const crockford = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const idBits = 30;
const idMask = (1 << idBits) - 1;

/**
 * Six characters from the numeric id through a bijection on 30 bits: unique by construction
 * (no retries, no collisions) yet not visibly sequential. Good for the first 2^30 orders.
 */
export function displayIdFor(id: number): string {
  if (!Number.isInteger(id) || id < 0 || id > idMask) throw new RangeError(`order id ${id} outside the display id range`);
  let value = id;
  value = Math.imul(value, 0x2545f49) & idMask; // odd multiplier: invertible modulo 2^30
  value ^= value >>> 15; // xorshift: invertible at fixed width
  value = Math.imul(value, 0x1b873593 | 1) & idMask;
  value ^= value >>> 13;
  let text = '';
  for (let i = 0; i < idBits / 5; i++) {
    text = crockford[value & 31] + text;
    value >>>= 5;
  }
  return text;
}

/**
 * A customer's tracking link is `/t/{code}.{secret}`: the code (10 Crockford base32 characters, 50 random bits) is
 * the index the row is found by, the secret (128 random bits, base64url: 22 characters) proves the link. Only the
 * secret's SHA-256 is stored, like session tokens, so the raw link exists only when it is issued. One path segment
 * (neither alphabet has a dot), so it is copied, typed and percent-encoded as one piece.
 */
export interface TrackingLinkToken {
  code: string;
  secret: string;
}

const codeLength = 10;

export function newTrackingLinkToken(): TrackingLinkToken {
  const bytes = randomBytes(codeLength);
  let code = '';
  for (const byte of bytes) code += crockford[byte & 31];
  return { code, secret: randomBytes(16).toString('base64url') };
}

/** The link's path, relative to where the service is reached (PUBLIC_URL). */
export function trackingLinkPath({ code, secret }: TrackingLinkToken): string {
  return `/t/${code}.${secret}`;
}

/** `{code}.{secret}` as the page, its API and the socket receive it (secrets of links from before 014 are 32 characters); null when it cannot be one. */
export function parseTrackingLinkToken(token: string): TrackingLinkToken | null {
  const match = /^([0-9A-HJKMNP-TV-Z]{10})\.([A-Za-z0-9_-]{22,64})$/.exec(token);
  return match ? { code: match[1]!, secret: match[2]! } : null;
}

export function hashTrackingSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Compares a presented secret with the stored hash in constant time. */
export function trackingSecretMatches(secret: string, storedHash: string): boolean {
  const presented = Buffer.from(hashTrackingSecret(secret), 'hex');
  const stored = Buffer.from(storedHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}
