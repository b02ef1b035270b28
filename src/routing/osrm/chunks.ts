/**
 * Splitting a table so that no request exceeds OSRM's --max-table-size. Each chunk has at most
 * maxTableSize sources and maxTableSize destinations, so sources × destinations stays within the
 * server's limit (maxTableSize²), and chunks are evenly sized rather than one big and one sliver.
 */

export interface TableChunk {
  /** Caller's coordinate indexes used as this chunk's sources / destinations. */
  sources: number[];
  destinations: number[];
  /** Where the chunk's cells go in the full table. */
  rowOffset: number;
  columnOffset: number;
}

export function planTableChunks(sources: number[], destinations: number[], maxTableSize: number): TableChunk[] {
  if (!(Number.isInteger(maxTableSize) && maxTableSize >= 1)) throw new Error(`maxTableSize must be a positive integer, got ${maxTableSize}`);
  const rowBlocks = evenBlocks(sources.length, maxTableSize);
  const columnBlocks = evenBlocks(destinations.length, maxTableSize);
  return rowBlocks.flatMap(([rowOffset, rowEnd]) =>
    columnBlocks.map(([columnOffset, columnEnd]) => ({
      sources: sources.slice(rowOffset, rowEnd),
      destinations: destinations.slice(columnOffset, columnEnd),
      rowOffset,
      columnOffset,
    })),
  );
}

/** [start, end) ranges covering 0…count in as few blocks of at most maxSize as possible, sized evenly. */
function evenBlocks(count: number, maxSize: number): [number, number][] {
  const blockCount = Math.ceil(count / maxSize);
  const size = Math.ceil(count / blockCount);
  return Array.from({ length: blockCount }, (_, block) => [block * size, Math.min(count, (block + 1) * size)]);
}
