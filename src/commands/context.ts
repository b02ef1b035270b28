/** What every command needs: the database to open its transaction on, and the bus to publish after commit. */
import type { Knex } from 'knex';
import { repositories, type Repositories } from '../db/repositories';
import type { EventBus } from '../domain/events';

export interface CommandContext {
  db: Knex;
  events: EventBus;
}

/** Runs `work` in one transaction with repositories bound to it. */
export function inTransaction<T>(context: CommandContext, work: (repos: Repositories) => Promise<T>): Promise<T> {
  return context.db.transaction((trx) => work(repositories(trx)));
}
