import { describe, expect, it } from 'vitest';
import { displayIdFor, hashTrackingSecret, newTrackingLinkToken, parseTrackingLinkToken, trackingLinkPath, trackingSecretMatches } from '../../src/domain/order-identifiers';

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

  it('makes tracking links of a short code and a secret of at least 128 random bits, as one path segment', () => {
    const tokens = Array.from({ length: 1000 }, newTrackingLinkToken);
    expect(new Set(tokens.map((token) => token.code)).size).toBe(1000);
    expect(new Set(tokens.map((token) => token.secret)).size).toBe(1000);
    for (const token of tokens) {
      expect(token.code).toMatch(/^[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(Buffer.from(token.secret, 'base64url').length * 8).toBeGreaterThanOrEqual(128);
      const path = trackingLinkPath(token);
      expect(path).toMatch(/^\/t\/[^/]+$/);
      expect(parseTrackingLinkToken(path.slice(3))).toEqual(token);
    }
  });

  it('refuses link tokens that cannot be one, and checks a secret against its hash only', () => {
    const token = newTrackingLinkToken();
    for (const bad of ['', token.code, `${token.code}.`, `${token.code}/${token.secret}`, `${token.code.toLowerCase()}.${token.secret}`, `${token.code}.${token.secret}.x`, `ILOU000000.${token.secret}`]) {
      expect(parseTrackingLinkToken(bad), bad).toBeNull();
    }
    const hash = hashTrackingSecret(token.secret);
    expect(hash).not.toContain(token.secret);
    expect(trackingSecretMatches(token.secret, hash)).toBe(true);
    expect(trackingSecretMatches(newTrackingLinkToken().secret, hash)).toBe(false);
    expect(trackingSecretMatches(token.secret, 'abc')).toBe(false);
  });
});
