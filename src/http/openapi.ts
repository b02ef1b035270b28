/** The OpenAPI 3.1 document, generated from the endpoints' own zod schemas, and an offline docs page. */
import { OpenApiGeneratorV31, type OpenAPIRegistry } from '@asteasolutions/zod-to-openapi';
import { z } from 'zod';
import { apiPrefix } from './mount';

export function openApiDocument(registry: OpenAPIRegistry) {
  registry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description: 'A session token from POST /api/v1/auth/login, or an integration API key',
  });
  registry.registerComponent('securitySchemes', 'apiKey', { type: 'apiKey', in: 'header', name: 'X-API-Key' });
  registry.registerPath({
    method: 'get',
    path: `${apiPrefix}/openapi.json`,
    operationId: 'getOpenApiDocument',
    summary: 'This document',
    tags: ['docs'],
    security: [],
    responses: { 200: { description: 'OpenAPI 3.1', content: { 'application/json': { schema: z.object({ openapi: z.literal('3.1.0') }).catchall(z.unknown()) } } } },
  });
  return new OpenApiGeneratorV31(registry.definitions).generateDocument({
    openapi: '3.1.0',
    info: {
      title: 'Lastmile API',
      version: '1',
      description: 'Orders, fleet and depots of a last-mile delivery service. Errors always look like { error: { code, message, details } }.',
    },
    servers: [{ url: '/' }],
  });
}

/** A self-contained page (no CDN, works offline) that renders /api/v1/openapi.json; script and style are files (CSP). */
export const docsPage = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lastmile API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/api/v1/docs.css">
<script src="/api/v1/docs.js" defer></script>
</head><body>
<h1>Lastmile API</h1><p id="intro">Loading <a href="/api/v1/openapi.json">openapi.json</a>…</p><div id="ops"></div>
</body></html>`;

export const docsStyle = `body{font:15px/1.45 system-ui,sans-serif;max-width:980px;margin:2rem auto;padding:0 1rem;color:#1d2330}
h1{margin-bottom:.2rem}h2{margin-top:2rem;border-bottom:1px solid #dde;text-transform:capitalize}
details{border:1px solid #dde;border-radius:6px;margin:.4rem 0;padding:.3rem .6rem}
summary{cursor:pointer}code,pre{font:13px ui-monospace,monospace}pre{background:#f5f6fa;padding:.6rem;overflow:auto;border-radius:4px}
.m{display:inline-block;width:4.2rem;font-weight:700;text-transform:uppercase}.get{color:#1769aa}.post{color:#2e7d32}.patch{color:#b26a00}.delete{color:#c62828}
.lock{color:#777;font-size:12px}
`;

export const docsScript = `const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]);
const block = (title, value) => value ? '<p><b>' + title + '</b></p><pre>' + esc(JSON.stringify(value, null, 2)) + '</pre>' : '';
fetch('/api/v1/openapi.json').then((r) => r.json()).then((doc) => {
  document.getElementById('intro').innerHTML = esc(doc.info.description) + ' — <a href="/api/v1/openapi.json">openapi.json</a>';
  const byTag = {};
  for (const [path, ops] of Object.entries(doc.paths)) for (const [method, op] of Object.entries(ops)) (byTag[op.tags?.[0] ?? 'other'] ??= []).push({ path, method, op });
  let html = '';
  for (const [tag, list] of Object.entries(byTag)) {
    html += '<h2>' + esc(tag) + '</h2>';
    for (const { path, method, op } of list) {
      const params = (op.parameters ?? []).map((p) => ({ in: p.in, name: p.name, required: !!p.required, schema: p.schema, description: p.description }));
      const body = op.requestBody?.content?.['application/json']?.schema;
      const responses = Object.fromEntries(Object.entries(op.responses).map(([code, r]) => [code, r.content?.['application/json']?.schema ?? r.description]));
      html += '<details><summary><span class="m ' + method + '">' + method + '</span><code>' + esc(path) + '</code> — ' + esc(op.summary ?? '') +
        (op.security?.length ? ' <span class="lock">🔒</span>' : '') + '</summary>' +
        block('Parameters', params.length ? params : null) + block('Body', body) + block('Responses', responses) + '</details>';
    }
  }
  html += block('Schemas', doc.components?.schemas);
  document.getElementById('ops').innerHTML = html;
});
`;
