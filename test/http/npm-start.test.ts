/** `npm start` as a newcomer runs it: request logs are one short line each, and SIGTERM to npm stops the server. */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it, onTestFinished } from 'vitest';

describe('npm start', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-npm-start-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('logs a request as method, path, status and ms, and exits when npm gets SIGTERM', async () => {
    const child = spawn('npm', ['start', '--silent'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: 'npm-start-admin-token-0123', SEED_DEMO: 'false', ROUTING: 'haversine', LOG_LEVEL: 'info', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise<string>((resolve) => child.on('exit', () => resolve('exited')));
    onTestFinished(() => {
      child.kill('SIGKILL');
    });
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const nextLine = async (match: (line: string) => boolean) => {
      for (;;) {
        const { value, done } = await lines.next();
        if (done) throw new Error('the server stopped writing');
        if (match(value)) return value as string;
      }
    };
    const listening = await nextLine((line) => /listening on http:\/\/\S+/.test(line));
    const url = /listening on (http:\/\/\S+)/.exec(listening)![1]!;
    expect((await fetch(`${url}/api/v1/health?probe=1`)).status).toBe(200);
    const logged = JSON.parse(await nextLine((line) => line.startsWith('{') && line.includes('/api/v1/health')));
    expect(logged.msg).toMatch(/^GET \/api\/v1\/health 200 \d+ ms$/);
    expect(logged.req).toBeUndefined();
    expect(logged.res).toBeUndefined();

    child.kill('SIGTERM');
    // npm ends with the signal it was sent, once the server it started has stopped.
    expect(await Promise.race([exited, new Promise<string>((resolve) => setTimeout(() => resolve('still running'), 20_000))])).toBe('exited');
    await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
  }, 120_000);
});
