/**
 * How orders are named outside the database: a short display id people can read out on the phone,
 * and a tracking token for the customer's link that nobody can guess.
 */
import { randomBytes } from 'node:crypto';

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

/** 192 random bits, base64url: 32 characters. */
export function newTrackingToken(): string {
  return randomBytes(24).toString('base64url');
}
