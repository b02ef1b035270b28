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

/** PostgreSQL's code when it broke a deadlock by rolling this transaction back: nothing of it stayed, it may run again. */
const DEADLOCK_DETECTED = '40P01';
const ATTEMPTS = 3;

/**
 * Runs `work` in one transaction with repositories bound to it. A transaction chosen to break a deadlock runs again
 * (up to ATTEMPTS in all): the other one has its locks by then, so the caller waits instead of getting a 500.
 */
export async function inTransaction<T>(context: CommandContext, work: (repos: Repositories) => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await context.db.transaction((trx) => work(repositories(trx, context.clock)));
    } catch (error) {
      if (attempt >= ATTEMPTS || (error as { code?: unknown } | null)?.code !== DEADLOCK_DETECTED) throw error;
    }
  }
}
