/**
 * The container files against the service they run: .env.example names exactly the variables src/config.ts
 * reads, each with its default; compose.yaml has PostgreSQL, two replicas on it behind a sticky balancer, and
 * healthchecks; the Dockerfile is multi-stage, non-root, exposes the port and checks readiness. (Images cannot be
 * pulled here, so this is what can be checked without building them.)
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema, loadConfig } from '../src/config';

const root = join(import.meta.dirname, '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

/** KEY=value lines as docker compose and dotenv read them (no quotes used). */
function envFile(text: string): { values: Record<string, string>; commented: string[] } {
  const values: Record<string, string> = {};
  const commented: string[] = [];
  const lines = text.split('\n');
  lines.forEach((line, index) => {
    const match = /^([A-Z][A-Z0-9_]*)=(.*)$/.exec(line);
    if (!match) return;
    values[match[1]!] = match[2]!;
    // Its comment: the nearest line above that is not another variable of the same group.
    const above = lines.slice(0, index).reverse().find((other) => !/^[A-Z][A-Z0-9_]*=/.test(other));
    if (above?.startsWith('# ')) commented.push(match[1]!);
  });
  return { values, commented };
}

describe('.env.example', () => {
  const { values, commented } = envFile(read('.env.example'));

  it('names exactly the variables src/config.ts reads, each under a comment', () => {
    expect(Object.keys(values).sort()).toEqual(Object.keys(configSchema.shape).sort());
    expect(commented.sort()).toEqual(Object.keys(values).sort());
  });

  it('gives each variable its default: the example means what an empty environment means', () => {
    expect(loadConfig(values)).toEqual(loadConfig({}));
  });
});

interface Service {
  image?: string;
  build?: string;
  environment?: Record<string, string>;
  healthcheck?: { test: string[] };
  depends_on?: Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

describe('compose.yaml', () => {
  const compose = parse(read('compose.yaml'), { merge: true }) as { services: Record<string, Service> };
  const { services } = compose;
  const replicas = Object.entries(services).filter(([, service]) => service.build === '.');
  const nginx = read('deploy/nginx.conf');

  it('runs PostgreSQL and two replicas of the image on it, each with a healthcheck', () => {
    expect(services.postgres?.image).toMatch(/^postgres:15/);
    expect(replicas.map(([name]) => name)).toEqual(['lastmile-1', 'lastmile-2']);
    for (const [, service] of replicas) {
      expect(service.environment?.DATABASE_URL).toMatch(/^postgres:\/\/[^@]+@postgres:5432\//);
      expect(service.environment?.ADMIN_TOKEN).toMatch(/^\$\{ADMIN_TOKEN:\?/);
      expect(service.healthcheck?.test.join(' ')).toContain('/api/v1/health/ready');
      expect(Object.keys(configSchema.shape)).toEqual(expect.arrayContaining(Object.keys(service.environment ?? {})));
    }
    for (const service of Object.values(services)) expect(service.healthcheck?.test.length).toBeGreaterThan(0);
    // One replica seeds the demo and migrates first; the other waits for it to be ready.
    expect(services['lastmile-1']!.depends_on?.postgres?.condition).toBe('service_healthy');
    expect(services['lastmile-2']!.depends_on?.['lastmile-1']?.condition).toBe('service_healthy');
    expect(services['lastmile-2']!.environment?.SEED_DEMO).toBe('false');
  });

  it('puts a balancer with sticky sessions and WebSocket upgrades in front of both replicas', () => {
    const balancer = services.balancer!;
    expect(balancer.image).toMatch(/^nginx:/);
    expect(balancer.volumes).toContain('./deploy/nginx.conf:/etc/nginx/nginx.conf:ro');
    expect(Object.keys(balancer.depends_on ?? {}).sort()).toEqual(replicas.map(([name]) => name).sort());
    const upstream = /upstream lastmile \{([^}]*)\}/.exec(nginx)?.[1] ?? '';
    expect(upstream).toMatch(/^\s*ip_hash;/m);
    expect([...upstream.matchAll(/server ([\w-]+):(\d+)/g)].map((match) => `${match[1]}:${match[2]}`)).toEqual(['lastmile-1:3000', 'lastmile-2:3000']);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade;/);
    expect(nginx).toMatch(/proxy_set_header Connection \$connection_upgrade;/);
    expect(nginx).toMatch(/proxy_pass http:\/\/lastmile;/);
    // The replicas trust that one hop for client addresses.
    for (const [, service] of replicas) expect(service.environment?.TRUST_PROXY).toBe('1');
  });
});

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile');
  const instructions = dockerfile.split('\n').filter((line) => /^[A-Z]+\s/.test(line));

  it('builds in stages with npm ci and the web pages, and runs as a non-root user', () => {
    expect(instructions.filter((line) => line.startsWith('FROM ')).length).toBeGreaterThanOrEqual(2);
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/RUN npm run build:web/);
    const user = instructions.filter((line) => line.startsWith('USER ')).at(-1);
    expect(user).toBeDefined();
    expect(user).not.toMatch(/USER (root|0)\b/);
    // The last stage is the image: USER comes after its FROM.
    expect(dockerfile.lastIndexOf('\nUSER ')).toBeGreaterThan(dockerfile.lastIndexOf('\nFROM '));
  });

  it('limits malloc to two arenas, as npm start does', () => {
    const start = (JSON.parse(read('package.json')) as { scripts: Record<string, string> }).scripts.start;
    expect(start).toMatch(/^MALLOC_ARENA_MAX=\$\{MALLOC_ARENA_MAX:-2\} exec node /);
    expect(dockerfile).toMatch(/^\s+MALLOC_ARENA_MAX=2$/m);
  });

  it("exposes the service's port and checks readiness", () => {
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${loadConfig({}).PORT}$`, 'm'));
    expect(dockerfile).toMatch(/^HEALTHCHECK [\s\S]*\/api\/v1\/health\/ready/m);
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "src\/main.ts"\]$/m);
  });

  it('leaves local state and secrets out of the build context', () => {
    const ignored = read('.dockerignore').split('\n').map((line) => line.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.git', '.env', 'node_modules', 'var', 'web/dist']));
  });
});
