/**
 * Migrations as a static list of imported modules: no directory scanning, so they load the same
 * under tsx, vitest and a bundler. Append new migrations here, never reorder.
 */
import type { Knex } from 'knex';
import * as fleet from './001_fleet';
import * as orders from './002_orders';

const migrations: Record<string, Knex.Migration> = {
  '001_fleet': fleet,
  '002_orders': orders,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
