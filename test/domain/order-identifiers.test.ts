import { describe, expect, it } from 'vitest';
import { displayIdFor, newTrackingToken } from '../../src/domain/order-identifiers';

describe('order identifiers', () => {
  it('gives distinct six-character display ids to distinct order ids', () => {
    const ids = new Set<string>();
    for (let id = 1; id <= 200_000; id++) ids.add(displayIdFor(id));
    expect(ids.size).toBe(200_000);
    expect(displayIdFor(1)).toMatch(/^[0-9A-HJKMNP-TV-Z]{6}$/);
    expect(displayIdFor(2 ** 30 - 1)).toMatch(/^[0-9A-Z]{6}$/);
  });

  it('does not look sequential', () => {
    expect(displayIdFor(1).slice(0, 4)).not.toBe(displayIdFor(2).slice(0, 4));
  });

  it('refuses ids beyond its range instead of colliding', () => {
    expect(() => displayIdFor(2 ** 30)).toThrow(RangeError);
  });

  it('makes tracking tokens of at least 128 random bits', () => {
    const tokens = new Set(Array.from({ length: 1000 }, newTrackingToken));
    expect(tokens.size).toBe(1000);
    for (const token of tokens) expect(Buffer.from(token, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
  });
});
