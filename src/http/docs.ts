/**
 * /docs: the interactive API reference, Swagger UI (swagger-ui-dist) served from the package, so it works
 * offline. Its page, style and start-up script are files, so it runs under the Content-Security-Policy
 * (script-src 'self', no inline script); the online validator badge is off, so it calls nothing but this service.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { Router } from 'express';
import { apiPrefix } from './mount';

const swaggerUiDir = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
/** The package's files the page loads; nothing else of the package is served. */
const assets = { 'swagger-ui.css': 'text/css', 'swagger-ui-bundle.js': 'text/javascript' } as const;

const page = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lastmile API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/swagger-ui.css">
<script src="/docs/swagger-ui-bundle.js" defer></script>
<script src="/docs/start.js" defer></script>
</head><body><div id="swagger-ui"><p>Loading <a href="${apiPrefix}/openapi.json">openapi.json</a>…</p></div></body></html>`;

const start = `window.ui = SwaggerUIBundle({
  url: '${apiPrefix}/openapi.json',
  dom_id: '#swagger-ui',
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
  deepLinking: true,
  persistAuthorization: true,
  displayOperationId: true,
  filter: true,
  validatorUrl: null,
});
`;

export function docsRouter(): Router {
  const router = Router();
  router.get(['/docs', `${apiPrefix}/docs`], (_req, res) => {
    res.type('html').send(page);
  });
  router.get('/docs/start.js', (_req, res) => {
    res.type('text/javascript').send(start);
  });
  for (const [file, type] of Object.entries(assets)) {
    router.get(`/docs/${file}`, (_req, res) => {
      res.type(type).sendFile(join(swaggerUiDir, file), { maxAge: '1d' });
    });
  }
  return router;
}
