#!/usr/bin/env node
// Runs the CLI compiled to JavaScript (dist/cli, built on npm install by bin/build-cli.mjs), rebuilt first when
// a source is newer than the build, so an edit never runs stale code. Without esbuild or a writable dist/,
// the TypeScript runs through tsx instead (a few seconds slower to start).
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

const root = `${dirname(import.meta.dirname)}/`;
const compiled = `${root}dist/cli/lastmile.mjs`;
const inputsFile = `${root}dist/cli/inputs.json`;

function isFresh() {
  if (!existsSync(compiled) || !existsSync(inputsFile)) return false;
  const builtMs = statSync(compiled).mtimeMs;
  const inputs = JSON.parse(readFileSync(inputsFile, 'utf8'));
  return inputs.every((input) => {
    try {
      return statSync(`${root}${input}`).mtimeMs <= builtMs;
    } catch {
      return false;
    }
  });
}

let ready = isFresh();
if (!ready) {
  try {
    await (await import('./build-cli.mjs')).buildCli();
    ready = true;
  } catch (error) {
    process.stderr.write(`lastmile: running from TypeScript (could not compile the CLI: ${error instanceof Error ? error.message.split('\n')[0] : error})\n`);
  }
}
if (ready) {
  await import(compiled);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/cli/main.ts');
}
