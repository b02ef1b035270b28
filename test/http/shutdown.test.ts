import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { orderInput } from '../helpers/orders';

const adminToken = 'shutdown-test-admin-token-0123';

describe('the service process', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-shutdown-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts from an empty DATA_DIR, prints its URL, and on SIGTERM finishes the request in flight before exiting', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      env: { ...process.env, PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, ADMIN_TOKEN: adminToken, SEED_DEMO: 'false', ROUTING: 'haversine', LOG_LEVEL: 'silent', DATABASE_URL: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let url = '';
    for await (const line of createInterface({ input: child.stdout! })) {
      const match = /listening on (http:\/\/\S+)/.exec(line);
      if (match) {
        url = match[1]!;
        break;
      }
    }
    expect(url).toMatch(/^http:\/\/localhost:\d+$/);
    const health = await fetch(`${url}/api/v1/health`);
    expect(await health.json()).toEqual({ status: 'ok', database: 'pglite' });

    // Send half a request, stop the service, then send the rest: the answer must still arrive.
    const body = JSON.stringify(orderInput(1));
    const pending = request(`${url}/api/v1/orders`, {
      method: 'POST',
      headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
    });
    const response = new Promise<{ status: number; text: string }>((resolve, reject) => {
      pending.on('response', (res) => {
        let text = '';
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode!, text }));
      });
      pending.on('error', reject);
    });
    pending.write(body.slice(0, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    const exited = once(child, 'exit');
    child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 300));
    pending.end(body.slice(20));

    const answer = await response;
    expect(answer.status).toBe(201);
    expect(JSON.parse(answer.text).externalRef).toBe('ref-1');
    const [code] = await exited;
    expect(code).toBe(0);
  }, 120_000);
});
