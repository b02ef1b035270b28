import type { Knex } from 'knex';

/** A repository runs on the root connection or inside a command's transaction alike. */
export type Executor = Knex | Knex.Transaction;
