/**
 * The service as it starts (src/main.ts in a child process) on a DATA_DIR it cannot use: it exits non-zero with one
 * message naming the directory and the cause, instead of PGlite's "failed to initialize properly".
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

function start(env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: { ...process.env, PORT: '0', HOST: '127.0.0.1', SEED_DEMO: 'false', ROUTING: 'haversine', LOG_LEVEL: 'warn', DATABASE_URL: '', ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
  return new Promise((resolve) => child.on('exit', (code) => (clearTimeout(timer), resolve({ code, stderr }))));
}

describe('starting on a DATA_DIR the embedded database cannot use', () => {
  const root = mkdtempSync(join(tmpdir(), 'lastmile-data-dir-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('exits 1 naming the directory and the live process that holds it', async () => {
    const dataDir = join(root, 'held');
    const pgliteDir = join(dataDir, 'pglite');
    mkdirSync(pgliteDir, { recursive: true });
    // This test's process is alive and is not the child: the directory is held by another process.
    writeFileSync(join(pgliteDir, 'lastmile.lock'), String(process.pid));
    const { code, stderr } = await start({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toContain(`The embedded database cannot start in ${pgliteDir}: it is locked by another process (pid ${process.pid}`);
    expect(stderr).not.toContain('failed to initialize');
  }, 120_000);

  it('exits 1 naming a DATA_DIR that is a file, not a directory', async () => {
    const dataDir = join(root, 'a-file');
    writeFileSync(dataDir, 'not a directory');
    const { code, stderr } = await start({ DATA_DIR: dataDir });
    expect(code).toBe(1);
    expect(stderr).toContain('The embedded database cannot start in');
    expect(stderr).toContain(dataDir);
  }, 120_000);
});
