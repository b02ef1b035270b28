import type { Knex } from 'knex';

/** A repository runs on the root connection or inside a command's transaction alike. */
export type Executor = Knex | Knex.Transaction;

/**
 * Queries one after another, in order. A transaction holds one connection, and node-postgres deprecates (pg 9
 * refuses) a query sent while another is running on the same client, which Promise.all would do.
 */
export async function inSequence<T, R>(items: Iterable<T>, run: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const item of items) results.push(await run(item));
  return results;
}
