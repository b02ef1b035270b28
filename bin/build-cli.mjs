#!/usr/bin/env node
// Compiles the CLI and its solver worker to JavaScript in dist/cli, so `lastmile` starts without transpiling.
// Runs on `npm install` / `npm ci` (prepare) and `npm run build:cli`; bin/lastmile.js rebuilds when a source is newer.
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = `${dirname(import.meta.dirname)}/`;
export const outdir = `${root}dist/cli`;
/** The sources the build read, relative to the package root: bin/lastmile.js compares their times with the build's. */
export const inputsFile = `${outdir}/inputs.json`;

export async function buildCli() {
  const { build } = await import('esbuild');
  // Built aside, then each file renamed into place: a CLI started meanwhile (or a second build) never reads half a file.
  const staging = `${outdir}.${process.pid}`;
  rmSync(staging, { recursive: true, force: true });
  const result = await build({
    absWorkingDir: root,
    // The worker's name is the one solver/worker.ts points piscina at in compiled code.
    entryPoints: { lastmile: 'src/cli/main.ts', 'solver-worker': 'solver/worker.ts' },
    outdir: staging,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    // Code loaded with import() (routing, for VROOM files without matrices) stays out of the start-up path.
    splitting: true,
    // Dependencies load from node_modules as they are; only the project's TypeScript is compiled.
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    metafile: true,
    logLevel: 'warning',
  });
  writeFileSync(`${staging}/inputs.json`, JSON.stringify(Object.keys(result.metafile.inputs)));
  mkdirSync(outdir, { recursive: true });
  const built = readdirSync(staging);
  // The entries last, so the chunks they import are there first; the inputs list after them marks the build done.
  const order = (name) => (name === 'inputs.json' ? 2 : /^(lastmile|solver-worker)\./.test(name) ? 1 : 0);
  for (const name of built.sort((a, b) => order(a) - order(b))) renameSync(`${staging}/${name}`, `${outdir}/${name}`);
  rmSync(staging, { recursive: true, force: true });
  // Chunk names carry a content hash: an older build's would pile up.
  for (const name of readdirSync(outdir)) if (!built.includes(name)) rmSync(`${outdir}/${name}`, { force: true });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await buildCli();
