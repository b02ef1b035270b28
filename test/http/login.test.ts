import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Clock } from '../../src/domain/clock';
import { testDatabases, type TestBackend } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';

describe.each(testDatabases())('login hardening on $engine', (backend: TestBackend) => {
  let app: TestApp;
  let nowMs = Date.parse('2026-11-23T08:00:00Z');
  const clock: Clock = { nowMs: () => nowMs };
  beforeAll(async () => {
    app = await startTestApp(backend, { clock, lockout: { attempts: 3, minutes: 10 } });
    expect((await app.request('POST', '/api/v1/users', { body: { username: 'erin', name: 'Erin', role: 'dispatcher', password: 'right-password' } })).status).toBe(201);
  });
  afterAll(() => app.close());

  const login = (password: string, headers: Record<string, string> = {}) => app.request('POST', '/api/v1/auth/login', { token: null, headers, body: { username: 'erin', password } });

  it('locks an account after repeated wrong passwords, saying until when, and opens it again after', async () => {
    expect((await login('wrong-1')).status).toBe(401);
    expect((await login('wrong-2')).status).toBe(401);
    const locked = await login('wrong-3');
    expect(locked.status).toBe(423);
    expect(locked.body.error.code).toBe('account_locked');
    expect(locked.body.error.message).toContain('locked until 2026-11-23T08:10:00.000Z');
    // Even the right password waits for the lock to end.
    expect((await login('right-password')).status).toBe(423);
    nowMs += 10 * 60_000 + 1000;
    expect((await login('right-password')).status).toBe(200);
  });

  it('counts failures again from zero after a good login', async () => {
    expect((await login('wrong-a')).status).toBe(401);
    expect((await login('wrong-b')).status).toBe(401);
    expect((await login('right-password')).status).toBe(200);
    expect((await login('wrong-c')).status).toBe(401);
    expect((await login('wrong-d')).status).toBe(401);
    expect((await login('right-password')).status).toBe(200);
  });

  it('lets a bad Authorization header through on public routes, and refuses it where a caller is needed', async () => {
    const signedIn = await login('right-password', { authorization: 'Bearer null' });
    expect(signedIn.status).toBe(200);
    const health = await app.request('GET', '/api/v1/health', { headers: { authorization: 'Bearer null' }, token: null });
    expect(health.status).toBe(200);
    const orders = await app.request('GET', '/api/v1/orders', { token: 'null' });
    expect(orders.status).toBe(401);
    expect(orders.body.error.code).toBe('invalid_token');
  });
});
