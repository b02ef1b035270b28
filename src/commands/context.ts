/** What every command needs: the database to open its transaction on, the bus to publish after commit, the clock. */
import type { Knex } from 'knex';
import { repositories, type Repositories } from '../db/repositories';
import type { Clock } from '../domain/clock';
import type { EventBus } from '../domain/events';

export interface CommandContext {
  db: Knex;
  events: EventBus;
  clock: Clock;
}

/**
 * Repositories on the pool, outside any transaction: how routes, the realtime server and tracking read.
 * They never write through them; writes are commands.
 */
export function reads(context: CommandContext): Repositories {
  return repositories(context.db, context.clock);
}

/** Runs `work` in one transaction with repositories bound to it. */
export function inTransaction<T>(context: CommandContext, work: (repos: Repositories) => Promise<T>): Promise<T> {
  return context.db.transaction((trx) => work(repositories(trx, context.clock)));
}
