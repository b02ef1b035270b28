/**
 * A small OSM PBF reader: protobuf wire format + zlib, nothing else.
 * Format: https://wiki.openstreetmap.org/wiki/PBF_Format (BlobHeader/Blob → PrimitiveBlock → groups of
 * dense nodes, ways and relations). Ids can exceed 2^32, so varints are decoded into doubles (exact to 2^53).
 */
import { inflateSync } from 'node:zlib';

export type Tags = Record<string, string>;

export interface RelationMember {
  type: 'node' | 'way' | 'relation';
  id: number;
  role: string;
}

export interface OsmHandlers {
  /** Called for every node; tags is null when the node has none (most do not). */
  node?(id: number, lon: number, lat: number, tags: Tags | null): void;
  way?(id: number, nodeIds: number[], tags: Tags): void;
  relation?(id: number, members: RelationMember[], tags: Tags): void;
}

/** Protobuf reader over one buffer; positions are absolute. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Uint8Array,
    start = 0,
    readonly end = buf.length,
  ) {
    this.pos = start;
  }

  varint(): number {
    let result = 0;
    let shift = 1;
    for (;;) {
      const byte = this.buf[this.pos++]!;
      result += (byte & 0x7f) * shift;
      if (byte < 0x80) return result;
      shift *= 128;
    }
  }

  svarint(): number {
    const value = this.varint();
    return value % 2 === 1 ? -(value + 1) / 2 : value / 2;
  }

  /** Returns [fieldNumber, wireType]. */
  key(): [number, number] {
    const key = this.varint();
    return [Math.floor(key / 8), key & 7];
  }

  bytes(): Uint8Array {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    return this.buf.subarray(start, this.pos);
  }

  string(): string {
    return textDecoder.decode(this.bytes());
  }

  /** A length-delimited field as a sub-reader. */
  message(): Reader {
    const length = this.varint();
    const start = this.pos;
    this.pos += length;
    return new Reader(this.buf, start, this.pos);
  }

  packedVarints(signed: boolean): number[] {
    const sub = this.message();
    const values: number[] = [];
    while (sub.pos < sub.end) values.push(signed ? sub.svarint() : sub.varint());
    return values;
  }

  skip(wireType: number): void {
    if (wireType === 0) this.varint();
    else if (wireType === 1) this.pos += 8;
    else if (wireType === 2) {
      const length = this.varint();
      this.pos += length;
    }
    else if (wireType === 5) this.pos += 4;
    else throw new Error(`Unsupported protobuf wire type ${wireType}`);
  }

  get done(): boolean {
    return this.pos >= this.end;
  }
}

const textDecoder = new TextDecoder();
const memberTypes = ['node', 'way', 'relation'] as const;

/** Decodes an OSM PBF file's contents, calling the handlers in file order. */
export function readOsmPbf(file: Uint8Array, handlers: OsmHandlers): void {
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let pos = 0;
  while (pos < file.length) {
    const headerLength = view.getUint32(pos);
    pos += 4;
    const header = new Reader(file, pos, pos + headerLength);
    let type = '';
    let dataSize = 0;
    while (!header.done) {
      const [field, wire] = header.key();
      if (field === 1) type = header.string();
      else if (field === 3) dataSize = header.varint();
      else header.skip(wire);
    }
    pos += headerLength;
    const blob = decodeBlob(new Reader(file, pos, pos + dataSize));
    pos += dataSize;
    if (type === 'OSMData') readPrimitiveBlock(blob, handlers);
  }
}

function decodeBlob(reader: Reader): Uint8Array {
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) return reader.bytes();
    if (field === 3) return inflateSync(reader.bytes());
    if (field !== 2) throw new Error(`Unsupported PBF blob compression (field ${field})`);
    reader.skip(wire);
  }
  throw new Error('Empty PBF blob');
}

interface BlockContext {
  strings: string[];
  granularity: number;
  lonOffset: number;
  latOffset: number;
}

function readPrimitiveBlock(data: Uint8Array, handlers: OsmHandlers): void {
  const reader = new Reader(data);
  const context: BlockContext = { strings: [], granularity: 100, lonOffset: 0, latOffset: 0 };
  const groups: Reader[] = [];
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) {
      const table = reader.message();
      while (!table.done) {
        const [f, w] = table.key();
        if (f === 1) context.strings.push(table.string());
        else table.skip(w);
      }
    } else if (field === 2) groups.push(reader.message());
    else if (field === 17) context.granularity = reader.varint();
    else if (field === 19) context.latOffset = reader.svarint();
    else if (field === 20) context.lonOffset = reader.svarint();
    else reader.skip(wire);
  }
  for (const group of groups) {
    while (!group.done) {
      const [field, wire] = group.key();
      if (field === 1 && handlers.node) readNode(group.message(), context, handlers.node);
      else if (field === 2 && handlers.node) readDenseNodes(group.message(), context, handlers.node);
      else if (field === 3 && handlers.way) readWay(group.message(), context, handlers.way);
      else if (field === 4 && handlers.relation) readRelation(group.message(), context, handlers.relation);
      else group.skip(wire);
    }
  }
}

function tagsOf(keys: number[], values: number[], strings: string[]): Tags {
  const tags: Tags = {};
  for (let i = 0; i < keys.length; i++) tags[strings[keys[i]!]!] = strings[values[i]!]!;
  return tags;
}

function readNode(reader: Reader, context: BlockContext, onNode: NonNullable<OsmHandlers['node']>): void {
  let id = 0;
  let lat = 0;
  let lon = 0;
  let keys: number[] = [];
  let values: number[] = [];
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) id = reader.svarint();
    else if (field === 2) keys = reader.packedVarints(false);
    else if (field === 3) values = reader.packedVarints(false);
    else if (field === 8) lat = reader.svarint();
    else if (field === 9) lon = reader.svarint();
    else reader.skip(wire);
  }
  onNode(
    id,
    1e-9 * (context.lonOffset + context.granularity * lon),
    1e-9 * (context.latOffset + context.granularity * lat),
    keys.length > 0 ? tagsOf(keys, values, context.strings) : null,
  );
}

function readDenseNodes(reader: Reader, context: BlockContext, onNode: NonNullable<OsmHandlers['node']>): void {
  let ids: number[] = [];
  let lats: number[] = [];
  let lons: number[] = [];
  let keysValues: number[] = [];
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) ids = reader.packedVarints(true);
    else if (field === 8) lats = reader.packedVarints(true);
    else if (field === 9) lons = reader.packedVarints(true);
    else if (field === 10) keysValues = reader.packedVarints(false);
    else reader.skip(wire);
  }
  let id = 0;
  let lat = 0;
  let lon = 0;
  let kv = 0;
  const { strings, granularity, lonOffset, latOffset } = context;
  for (let i = 0; i < ids.length; i++) {
    id += ids[i]!;
    lat += lats[i]!;
    lon += lons[i]!;
    let tags: Tags | null = null;
    // keys_vals: (key, value)* 0 per node, only present when some node in the block has tags.
    if (kv < keysValues.length) {
      while (keysValues[kv] !== 0) {
        tags ??= {};
        tags[strings[keysValues[kv]!]!] = strings[keysValues[kv + 1]!]!;
        kv += 2;
      }
      kv++;
    }
    onNode(id, 1e-9 * (lonOffset + granularity * lon), 1e-9 * (latOffset + granularity * lat), tags);
  }
}

function readWay(reader: Reader, context: BlockContext, onWay: NonNullable<OsmHandlers['way']>): void {
  let id = 0;
  let keys: number[] = [];
  let values: number[] = [];
  let refs: number[] = [];
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) id = reader.varint();
    else if (field === 2) keys = reader.packedVarints(false);
    else if (field === 3) values = reader.packedVarints(false);
    else if (field === 8) refs = reader.packedVarints(true);
    else reader.skip(wire);
  }
  for (let i = 1; i < refs.length; i++) refs[i]! += refs[i - 1]!;
  onWay(id, refs, tagsOf(keys, values, context.strings));
}

function readRelation(reader: Reader, context: BlockContext, onRelation: NonNullable<OsmHandlers['relation']>): void {
  let id = 0;
  let keys: number[] = [];
  let values: number[] = [];
  let roles: number[] = [];
  let memberIds: number[] = [];
  let types: number[] = [];
  while (!reader.done) {
    const [field, wire] = reader.key();
    if (field === 1) id = reader.varint();
    else if (field === 2) keys = reader.packedVarints(false);
    else if (field === 3) values = reader.packedVarints(false);
    else if (field === 8) roles = reader.packedVarints(false);
    else if (field === 9) memberIds = reader.packedVarints(true);
    else if (field === 10) types = reader.packedVarints(false);
    else reader.skip(wire);
  }
  let memberId = 0;
  const members: RelationMember[] = memberIds.map((delta, i) => {
    memberId += delta;
    return { type: memberTypes[types[i]!]!, id: memberId, role: context.strings[roles[i]!]! };
  });
  onRelation(id, members, tagsOf(keys, values, context.strings));
}
