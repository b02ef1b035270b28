/**
 * The prepared graph on disk: one binary file of typed arrays behind a small JSON header, so a restart
 * maps it back in well under a second instead of re-reading the PBF and re-contracting.
 * Layout: "LMRG" | u32 header length | header JSON | padding to 8 | arrays, each 8-byte aligned.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

type Typed = Int32Array | Float64Array;
const constructors = { Int32Array, Float64Array } as const;
type TypedName = keyof typeof constructors;

interface Header {
  arrays: { name: string; type: TypedName; length: number; offset: number }[];
  meta: unknown;
}

const magic = 'LMRG';
const align = (n: number): number => Math.ceil(n / 8) * 8;

export function writeGraphCache(path: string, arrays: Record<string, Typed>, meta: unknown): void {
  const header: Header = { arrays: [], meta };
  let offset = 0;
  for (const [name, array] of Object.entries(arrays)) {
    header.arrays.push({ name, type: array.constructor.name as TypedName, length: array.length, offset });
    offset = align(offset + array.byteLength);
  }
  const headerBytes = Buffer.from(JSON.stringify(header));
  const dataStart = align(8 + headerBytes.length);
  const file = Buffer.alloc(dataStart + offset);
  file.write(magic, 0, 'latin1');
  file.writeUInt32LE(headerBytes.length, 4);
  headerBytes.copy(file, 8);
  header.arrays.forEach((entry, i) => {
    const array = Object.values(arrays)[i]!;
    file.set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength), dataStart + entry.offset);
  });
  mkdirSync(dirname(path), { recursive: true });
  // Write then rename, so a crash never leaves a half-written cache behind.
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, file);
  renameSync(temporary, path);
}

export function readGraphCache(path: string): { arrays: Record<string, Typed>; meta: unknown } {
  const file = readFileSync(path);
  if (file.toString('latin1', 0, 4) !== magic) throw new Error(`${path} is not a graph cache`);
  const headerLength = file.readUInt32LE(4);
  const header = JSON.parse(file.toString('utf8', 8, 8 + headerLength)) as Header;
  const dataStart = align(8 + headerLength);
  // Typed arrays need aligned memory; copy once into a fresh buffer if Node handed us an unaligned one.
  const bytes = file.byteOffset % 8 === 0 ? file : new Uint8Array(file);
  const arrays: Record<string, Typed> = {};
  for (const entry of header.arrays) {
    const Constructor = constructors[entry.type];
    arrays[entry.name] = new Constructor(bytes.buffer, bytes.byteOffset + dataStart + entry.offset, entry.length);
  }
  return { arrays, meta: header.meta };
}
