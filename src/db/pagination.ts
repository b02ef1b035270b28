/** Keyset pagination over ascending integer ids, with an opaque cursor. */
import { invalidInput } from '../errors';

export interface Page<T> {
  items: T[];
  /** Pass back as `cursor` for the next page; null on the last page. */
  nextCursor: string | null;
}

export interface PageRequest {
  cursor?: string;
  limit: number;
}

export function encodeCursor(lastId: number): string {
  return Buffer.from(JSON.stringify({ after: lastId })).toString('base64url');
}

export function decodeCursor(cursor: string): number {
  try {
    const { after } = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as { after: unknown };
    if (typeof after === 'number' && Number.isInteger(after) && after >= 0 && after <= 2_147_483_647) return after;
  } catch {
    // fall through to the error below
  }
  throw invalidInput('Invalid cursor', [{ path: 'cursor', message: 'not a cursor returned by this API' }]);
}

/** Fetches limit + 1 rows to know whether another page follows. */
export function toPage<T extends { id: number }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  const more = rows.length > limit;
  return { items, nextCursor: more ? encodeCursor(items[items.length - 1]!.id) : null };
}
