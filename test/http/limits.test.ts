import { createHaversineProvider } from '../../src/routing/haversine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultRateLimits, type RateLimits } from '../../src/auth/rate-limits';
import { apiPrefix } from '../../src/http/mount';
import { trackingMount } from '../../src/http/routes/tracking.routes';
import { RateLimiters } from '../../src/auth/rate-limits';
import { testDatabases, type TestBackend } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';
import type { RequestHandler } from 'express';

const tight: RateLimits = {
  ...defaultRateLimits,
  loginPerUser: { points: 3, durationSeconds: 60 },
  loginPerAddress: { points: 5, durationSeconds: 60 },
  trackingPerAddress: { points: 4, durationSeconds: 60 },
  apiPerToken: { points: 8, durationSeconds: 60 },
};

function expectLimited(reply: { status: number; headers: Headers; body: { error: { code: string; message: string; details: unknown[] } } }) {
  expect(reply.status).toBe(429);
  expect(reply.body.error).toMatchObject({ code: 'rate_limited', details: [] });
  expect(Number(reply.headers.get('retry-after'))).toBeGreaterThan(0);
  expect(reply.headers.get('ratelimit-remaining')).toBe('0');
  expect(reply.headers.get('ratelimit-limit')).not.toBeNull();
}

describe.each(testDatabases())('rate limits on $engine', (backend: TestBackend) => {
  let app: TestApp;
  beforeAll(async () => {
    // The tracking mount needs the app's context, which exists once the app does.
    let tracking: RequestHandler = (_req, _res, next) => next();
    app = await startTestApp(backend, { limits: tight, mounts: [{ path: apiPrefix, router: (req, res, next) => tracking(req, res, next) }] });
    tracking = trackingMount(app.commands, { linkTtlSeconds: 3600, limiters: new RateLimiters(tight), routing: createHaversineProvider(), publicUrl: 'http://lastmile.example' }).router;
  });
  afterAll(() => app.close());

  it('limits login attempts per username, whatever the password', async () => {
    const attempt = () => app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'Somebody', password: 'wrong-password' } });
    for (let k = 0; k < 3; k++) expect((await attempt()).status).toBe(401);
    const limited = await attempt();
    expectLimited(limited);
    expect(limited.body.error.message).toContain('login attempts for this username');
    // Another username from the same address is still heard (until the address limit).
    expect((await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'other', password: 'wrong-password' } })).status).toBe(401);
  });

  it('limits login attempts per address across usernames', async () => {
    // 5 per address, all used by the test above (the refused one counts too): a fresh username is refused as well.
    const limited = await app.request('POST', '/api/v1/auth/login', { token: null, body: { username: 'fourth', password: 'wrong-password' } });
    expectLimited(limited);
    expect(limited.body.error.message).toContain('from this address');
  });

  it('limits tracking-token guesses per address', async () => {
    for (let k = 0; k < 4; k++) expect((await app.request('GET', `/api/v1/track/guess-${k}-aaaaaaaa`, { token: null })).status).toBe(404);
    expectLimited(await app.request('GET', '/api/v1/track/guess-x-aaaaaaaa', { token: null }));
  });

  it('limits the API per token, with RateLimit headers on every answer', async () => {
    const first = await app.request('GET', '/api/v1/depots');
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-limit')).toBe('8');
    expect(Number(first.headers.get('ratelimit-remaining'))).toBeLessThan(8);
    let last = first;
    for (let k = 0; k < 10 && last.status === 200; k++) last = await app.request('GET', '/api/v1/depots');
    expectLimited(last);
    expect(last.body.error.message).toContain('requests with this token');
  });
});

describe('positions per driver', () => {
  it('refuses a driver flooding positions, and not another driver', async () => {
    const limiters = new RateLimiters({ ...defaultRateLimits, positionsPerDriver: { points: 2, durationSeconds: 60 } });
    const consume = (driver: string) => limiters.consume('positionsPerDriver', driver).then(() => 'ok', (error: { status: number; code: string }) => `${error.status} ${error.code}`);
    expect([await consume('driver:1'), await consume('driver:1'), await consume('driver:1'), await consume('driver:2')]).toEqual(['ok', 'ok', '429 rate_limited', 'ok']);
  });
});
