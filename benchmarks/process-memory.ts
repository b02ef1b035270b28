/**
 * Where a Linux process's resident memory is, read from `/proc/PID/smaps`: heap used and external say nothing about
 * memory outside JavaScript's objects, so a soak whose RSS grows needs these to tell which part grows.
 *
 * - `wasmMb`: WebAssembly memories (PGlite's PostgreSQL runs in one): the readable part of a reservation whose
 *   inaccessible tail is ≥ 1 GiB, which is how V8 maps a wasm memory (it grows, never shrinks).
 * - `arenasMb`: glibc malloc's thread arenas, 64 MiB aligned reservations (one per thread that mallocs, up to
 *   8 × cores unless `MALLOC_ARENA_MAX` says otherwise).
 * - `brkMb`: the main malloc arena (`[heap]`).
 * - `otherAnonMb`: every other anonymous mapping (V8's heap and code, large malloc blocks, thread stacks).
 * - `filesMb`: mapped files (the node binary, shared libraries).
 */
import { readFileSync } from 'node:fs';

export interface ResidentParts {
  wasmMb: number;
  arenasMb: number;
  brkMb: number;
  otherAnonMb: number;
  filesMb: number;
}

interface Mapping {
  start: bigint;
  end: bigint;
  readable: boolean;
  path: string;
  rssKb: number;
}

const mib = 2n ** 20n;
const arenaSize = 64n * mib;

export function residentParts(pid: number): ResidentParts {
  const mappings = parseSmaps(readFileSync(`/proc/${pid}/smaps`, 'utf8'));
  const parts: ResidentParts = { wasmMb: 0, arenasMb: 0, brkMb: 0, otherAnonMb: 0, filesMb: 0 };
  // Runs of contiguous anonymous mappings: a reservation is one run whose pages were made accessible in part.
  let run: Mapping[] = [];
  const closeRun = () => {
    if (run.length === 0) return;
    const size = run.at(-1)!.end - run[0]!.start;
    const tail = run.at(-1)!;
    const rssMb = run.reduce((sum, mapping) => sum + mapping.rssKb, 0) / 1024;
    if (!tail.readable && tail.end - tail.start >= 1024n * mib) parts.wasmMb += rssMb;
    else if (size === arenaSize && run[0]!.start % arenaSize === 0n) parts.arenasMb += rssMb;
    else parts.otherAnonMb += rssMb;
    run = [];
  };
  for (const mapping of mappings) {
    if (mapping.path === '[heap]') {
      closeRun();
      parts.brkMb += mapping.rssKb / 1024;
    } else if (mapping.path === '' ) {
      // A readable mapping after an inaccessible one starts a new reservation.
      if (run.length > 0 && (run.at(-1)!.end !== mapping.start || (!run.at(-1)!.readable && mapping.readable))) closeRun();
      run.push(mapping);
    } else {
      closeRun();
      if (mapping.path.startsWith('[')) parts.otherAnonMb += mapping.rssKb / 1024;
      else parts.filesMb += mapping.rssKb / 1024;
    }
  }
  closeRun();
  return parts;
}

function parseSmaps(text: string): Mapping[] {
  const mappings: Mapping[] = [];
  for (const line of text.split('\n')) {
    const header = /^([0-9a-f]+)-([0-9a-f]+) (\S{4}) \S+ \S+ \S+\s*(.*)$/.exec(line);
    if (header) {
      mappings.push({ start: BigInt(`0x${header[1]}`), end: BigInt(`0x${header[2]}`), readable: header[3]![0] === 'r', path: header[4]!.trim(), rssKb: 0 });
      continue;
    }
    const rss = /^Rss:\s+(\d+) kB/.exec(line);
    if (rss && mappings.length > 0) mappings.at(-1)!.rssKb = Number(rss[1]);
  }
  return mappings;
}
