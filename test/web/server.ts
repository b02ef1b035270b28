/**
 * The real service for browser tests: `tsx src/main.ts` on a fresh PGlite data directory with the demo
 * seeded, on a free loopback port, on the suite's clock (TEST_CLOCK). The road graph and address index are shared
 * between runs so start-up stays short.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DemoCredentials } from '../../src/seed/credentials';
import { buildWeb, webBuildIsCurrent } from '../../web/build';
import { suiteClockEnv } from '../helpers/clock';

const root = join(import.meta.dirname, '..', '..');
const sharedCaches = [
  ['routing-cache', join(tmpdir(), 'lastmile-test-routing-cache')],
  ['geocoder-cache', join(tmpdir(), 'lastmile-test-geocoder-cache')],
] as const;

export interface RunningService {
  url: string;
  credentials: DemoCredentials;
  /** Calls the API as the admin. */
  api<T = any>(method: string, path: string, body?: unknown): Promise<T>; // eslint-disable-line @typescript-eslint/no-explicit-any
  stop(): Promise<void>;
}

/** The web build current, and a fresh data directory holding the road graph and address index of earlier runs. */
export async function prepareDataDir(): Promise<string> {
  if (!webBuildIsCurrent()) await buildWeb();
  const dataDir = mkdtempSync(join(tmpdir(), 'lastmile-web-'));
  for (const [name, shared] of sharedCaches) {
    mkdirSync(shared, { recursive: true });
    const projectCache = join(root, 'var', name);
    if (readdirSync(shared).length === 0 && existsSync(projectCache)) cpSync(projectCache, shared, { recursive: true });
    cpSync(shared, join(dataDir, name), { recursive: true });
  }
  return dataDir;
}

/** Keeps what a started service built for the next run. */
export function keepCaches(dataDir: string): void {
  for (const [name, shared] of sharedCaches) {
    if (readdirSync(shared).length === 0 && existsSync(join(dataDir, name))) cpSync(join(dataDir, name), shared, { recursive: true });
  }
}

export async function startService(env: Record<string, string> = {}): Promise<RunningService> {
  const dataDir = await prepareDataDir();

  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { ...process.env, DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'warn', SOLVER_THREADS: '1', ...suiteClockEnv(), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`service did not start in time:\n${output}`)), 120_000);
    const read = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /listening on (http:\/\/localhost:\d+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!.replace('localhost', '127.0.0.1'));
      }
    };
    child.stdout!.on('data', read);
    child.stderr!.on('data', read);
    child.on('exit', (code) => reject(new Error(`service exited with ${code}:\n${output}`)));
  });
  keepCaches(dataDir);
  const credentials: DemoCredentials = JSON.parse(readFileSync(join(dataDir, 'demo-credentials.json'), 'utf8'));
  return {
    url,
    credentials,
    async api(method, path, body) {
      const response = await fetch(url + path, {
        method,
        headers: { authorization: `Bearer ${credentials.admin.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
      return text ? JSON.parse(text) : undefined;
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
