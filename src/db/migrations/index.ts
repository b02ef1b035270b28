/**
 * Migrations as a static list of imported modules: no directory scanning, so they load the same
 * under tsx, vitest and a bundler. Append new migrations here, never reorder.
 */
import type { Knex } from 'knex';
import * as fleet from './001_fleet';
import * as orders from './002_orders';
import * as plans from './003_plans';
import * as tracking from './004_tracking';
import * as stopOutcomes from './005_stop_outcomes';
import * as trackingLinks from './006_tracking_links';
import * as planReplacement from './007_plan_replacement';
import * as authHardening from './008_auth_hardening';
import * as geocoding from './009_geocoding';
import * as unroutableOrders from './010_unroutable_orders';
import * as replanProposals from './011_replan_proposals';
import * as alerts from './012_alerts';
import * as notifications from './013_notifications';
import * as trackingLinkHashes from './014_tracking_link_hashes';
import * as notificationPreferences from './015_notification_preferences';
import * as customerActions from './016_customer_actions';
import * as returns from './017_returns';
import * as reportFacts from './019_report_facts';
import * as optimizeJobs from './020_optimize_jobs';
import * as slotReservations from './026_slot_reservations';
import * as geocodeAlternatives from './028_geocode_alternatives';
import * as vehicleReload from './029_vehicle_reload';
import * as routeEvents from './030_route_events';

const migrations: Record<string, Knex.Migration> = {
  '001_fleet': fleet,
  '002_orders': orders,
  '003_plans': plans,
  '004_tracking': tracking,
  '005_stop_outcomes': stopOutcomes,
  '006_tracking_links': trackingLinks,
  '007_plan_replacement': planReplacement,
  '008_auth_hardening': authHardening,
  '009_geocoding': geocoding,
  '010_unroutable_orders': unroutableOrders,
  '011_replan_proposals': replanProposals,
  '012_alerts': alerts,
  '013_notifications': notifications,
  '014_tracking_link_hashes': trackingLinkHashes,
  '015_notification_preferences': notificationPreferences,
  '016_customer_actions': customerActions,
  '017_returns': returns,
  '019_report_facts': reportFacts,
  '020_optimize_jobs': optimizeJobs,
  '026_slot_reservations': slotReservations,
  '028_geocode_alternatives': geocodeAlternatives,
  '029_vehicle_reload': vehicleReload,
  '030_route_events': routeEvents,
};

export const migrationSource: Knex.MigrationSource<string> = {
  getMigrations: async () => Object.keys(migrations),
  getMigrationName: (name) => name,
  getMigration: async (name) => migrations[name]!,
};
