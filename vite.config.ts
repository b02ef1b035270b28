/** The web pages, bundled into web/dist: one entry per page, shared code split into chunks. */
import { resolve } from 'node:path';
import { defineConfig } from 'vite';

const web = resolve(import.meta.dirname, 'web');

export default defineConfig({
  root: web,
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: resolve(web, 'dist'),
    emptyOutDir: true,
    target: 'es2022',
    rollupOptions: {
      input: {
        dispatch: resolve(web, 'dispatch/index.html'),
        driver: resolve(web, 'driver/index.html'),
        track: resolve(web, 'track/index.html'),
        reports: resolve(web, 'reports/index.html'),
      },
    },
  },
});
