/**
 * Builds the web pages when web/dist is missing or older than any source (run before `npm start`),
 * then prints each page's JavaScript size. `--force` rebuilds regardless.
 */
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';

const root = join(import.meta.dirname, '..');
const webDir = join(root, 'web');
const distDir = join(webDir, 'dist');
export const pages = ['dispatch', 'driver', 'track', 'reports'] as const;

function newestSourceMs(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (path !== distDir) newest = Math.max(newest, newestSourceMs(path));
    } else newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

export function webBuildIsCurrent(): boolean {
  const built = pages.map((page) => join(distDir, page, 'index.html'));
  if (!built.every((file) => existsSync(file))) return false;
  const builtMs = Math.min(...built.map((file) => statSync(file).mtimeMs));
  const sourcesMs = Math.max(newestSourceMs(webDir), statSync(join(root, 'vite.config.ts')).mtimeMs, statSync(join(root, 'src/protocol')).mtimeMs);
  return builtMs >= sourcesMs;
}

export async function buildWeb(): Promise<void> {
  await build({ configFile: join(root, 'vite.config.ts') });
}

/** Each page's scripts loaded at start (its entry and the chunks it preloads), raw and gzipped; lazy chunks load later. */
export function pageScriptSizes(): { page: string; files: number; bytes: number; gzipBytes: number }[] {
  return pages.map((page) => {
    const html = readFileSync(join(distDir, page, 'index.html'), 'utf8');
    const scripts = [...html.matchAll(/(?:src|href)="(\/assets\/[^"]+\.js)"/g)].map((match) => join(distDir, match[1]!));
    let bytes = 0;
    let gzipBytes = 0;
    for (const file of scripts) {
      const content = readFileSync(file);
      bytes += content.length;
      gzipBytes += gzipSync(content).length;
    }
    return { page, files: scripts.length, bytes, gzipBytes };
  });
}

function printSizes(): void {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;
  console.log('JavaScript each page loads at start (lazy chunks, e.g. the tracking map, come later):');
  console.log('page       scripts  JavaScript   gzipped');
  for (const { page, files, bytes, gzipBytes } of pageScriptSizes()) {
    console.log(`${page.padEnd(10)} ${String(files).padStart(7)}  ${kb(bytes).padStart(10)}  ${kb(gzipBytes).padStart(8)}`);
  }
}

if (process.argv[1] && relative(process.argv[1], import.meta.filename) === '') {
  if (process.argv.includes('--force') || !webBuildIsCurrent()) {
    console.log('building web pages…');
    await buildWeb();
  }
  printSizes();
}
