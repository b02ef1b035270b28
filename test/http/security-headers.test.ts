import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileSource } from '../../src/http/middleware/security-headers';
import { osrmRouter } from '../../src/http/routes/osrm.routes';
import { createHaversineProvider } from '../../src/routing/haversine';
import { testDatabases } from '../helpers/database';
import { startTestApp, type TestApp } from '../helpers/http';

const directives = (header: string | null) =>
  Object.fromEntries((header ?? '').split(';').map((part) => part.trim().split(/\s+/)).filter((words) => words[0]).map(([name, ...values]) => [name, values]));

describe('tile hosts in the Content-Security-Policy', () => {
  it('turns a tile URL template into the source its images come from', () => {
    expect(tileSource('https://tile.openstreetmap.org/{z}/{x}/{y}.png')).toBe('https://tile.openstreetmap.org');
    expect(tileSource('https://{s}.tile.example:8443/{z}/{x}/{y}.png?key=1')).toBe('https://*.tile.example:8443');
    expect(tileSource('http://tiles-{s}.example/{z}/{x}/{y}.png')).toBe('http:');
    expect(tileSource('not a url')).toBeNull();
  });
});

describe.each(testDatabases())('security headers and CORS on $engine', (backend) => {
  let plain: TestApp;
  let configured: TestApp;
  beforeAll(async () => {
    const osrm = { path: '/', router: osrmRouter(createHaversineProvider()) };
    plain = await startTestApp(backend, { mounts: [osrm] });
    configured = await startTestApp(backend, {
      mounts: [osrm],
      trustProxy: true,
      security: { tileUrl: 'https://{s}.tile.example/{z}/{x}/{y}.png', hsts: true, corsOrigins: ['https://console.example'] },
    });
  });
  afterAll(async () => {
    await plain.close();
    await configured.close();
  });

  it('sends a CSP without inline script or style, no framing, nosniff, and no HSTS without a proxy', async () => {
    const reply = await fetch(`${plain.url}/api/v1/health`);
    const csp = directives(reply.headers.get('content-security-policy'));
    expect(csp['script-src']).toEqual(["'self'"]);
    expect(csp['style-src']).toEqual(["'self'"]);
    expect(csp['frame-ancestors']).toEqual(["'none'"]);
    expect(csp['object-src']).toEqual(["'none'"]);
    expect(csp['connect-src']).toEqual(["'self'", 'ws:', 'wss:']);
    expect(csp['img-src']).toEqual(["'self'", 'data:', 'blob:']);
    expect(JSON.stringify(csp)).not.toContain('unsafe');
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff');
    expect(reply.headers.get('x-frame-options')).toBe('DENY');
    expect(reply.headers.get('strict-transport-security')).toBeNull();
    expect(reply.headers.get('x-powered-by')).toBeNull();
    // Errors carry them too.
    const missing = await fetch(`${plain.url}/api/v1/nothing-here`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
  });

  it('behind a proxy adds HSTS, and lets the maps load tiles from the tile host', async () => {
    const reply = await fetch(`${configured.url}/api/v1/health`);
    expect(reply.headers.get('strict-transport-security')).toMatch(/max-age=\d+/);
    expect(directives(reply.headers.get('content-security-policy'))['img-src']).toContain('https://*.tile.example');
  });

  it('answers any origin on the OSRM endpoints only; the API only the configured origins', async () => {
    const origin = { origin: 'https://elsewhere.example' };
    const route = await fetch(`${plain.url}/route/v1/driving/8.68,49.41;8.69,49.42`, { headers: origin });
    expect(route.status).toBe(200);
    expect(route.headers.get('access-control-allow-origin')).toBe('*');
    const api = await fetch(`${plain.url}/api/v1/health`, { headers: origin });
    expect(api.headers.get('access-control-allow-origin')).toBeNull();
    const docs = await fetch(`${plain.url}/api/v1/openapi.json`, { headers: origin });
    expect(docs.headers.get('access-control-allow-origin')).toBeNull();

    const allowed = await fetch(`${configured.url}/api/v1/health`, { headers: { origin: 'https://console.example' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect((await fetch(`${configured.url}/api/v1/health`, { headers: origin })).headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${configured.url}/api/v1/orders`, {
      method: 'OPTIONS',
      headers: { origin: 'https://console.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('https://console.example');
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('serves the API docs with their script and style as files', async () => {
    const html = await (await fetch(`${plain.url}/docs`)).text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(html).not.toContain('<style');
    const script = await fetch(`${plain.url}/docs/start.js`);
    expect(script.headers.get('content-type')).toContain('javascript');
    expect(await script.text()).toContain('openapi.json');
    expect((await fetch(`${plain.url}/docs/swagger-ui-bundle.js`)).headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${plain.url}/docs/swagger-ui.css`)).headers.get('content-type')).toContain('text/css');
    // Only the files the page loads: nothing else of the package.
    expect((await fetch(`${plain.url}/docs/index.html`)).status).toBe(404);
  });
});
