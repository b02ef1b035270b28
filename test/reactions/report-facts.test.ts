/** The report facts follow the events: a rating, a stop served later, a plan replaced; each rewrites what it touches. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/commands/context';
import { reads } from '../../src/commands/context';
import { systemClock } from '../../src/domain/clock';
import { EventBus } from '../../src/domain/events';
import { keepReportFacts, type ReportFactsReaction } from '../../src/reactions/report-facts';
import { testDatabases, type TestDatabase } from '../helpers/database';
import { buildReportHistory, type History } from '../helpers/report-history';

describe.each(testDatabases())('report facts as events arrive on $engine', (backend) => {
  let database: TestDatabase;
  let commands: CommandContext;
  let history: History;
  let facts: ReportFactsReaction;
  const slice = () => ({ from: history.days[0]!, to: history.days[0]!, depotId: history.depotId });

  beforeAll(async () => {
    database = await backend.open();
    commands = { db: database.knex, events: new EventBus(), clock: systemClock };
    history = await buildReportHistory(database.knex, { days: 1, vehicles: 2, ordersPerRoute: 10, seed: 3 });
    facts = keepReportFacts(commands);
    await facts.start();
  });

  afterAll(async () => {
    facts.stop();
    await database.dispose();
  });

  it('catches up every order and route at start', async () => {
    const [aggregate] = await reads(commands).reportFacts.orderAggregates(slice(), false);
    expect(aggregate!.orders).toBe(history.orders.length);
    expect(await reads(commands).reportFacts.routeFacts(slice())).toHaveLength(2);
  });

  it('takes in a new rating when the order is rated', async () => {
    const order = history.orders.find((candidate) => candidate.rating === null && candidate.stops.some((stop) => stop.outcome === 'delivered'))!;
    const before = (await reads(commands).reportFacts.orderAggregates(slice(), false))[0]!;
    await database.knex('tracking_links').insert({ order_id: order.id, rating: 5, rating_comment: 'late but friendly' });
    commands.events.publish('order.rated', { orderId: order.id, stars: 5 });
    await facts.idle();
    const after = (await reads(commands).reportFacts.orderAggregates(slice(), false))[0]!;
    expect(after.rated).toBe(before.rated + 1);
    expect(after.stars[4]).toBe(before.stars[4]! + 1);
    expect((await reads(commands).reportFacts.ratingComments(slice())).map((row) => row.comment)).toContain('late but friendly');
  });

  it('moves a delivery to late when its stop is served after the window, and its route with it', async () => {
    const order = history.orders.find((candidate) => candidate.stops.length === 1 && candidate.stops[0]!.outcome === 'delivered' && candidate.stops[0]!.completedAt <= candidate.windowEnd)!;
    const before = (await reads(commands).reportFacts.orderAggregates(slice(), false))[0]!;
    const [stop] = await database.knex('stops').where({ order_id: order.id }).update({ completed_at_epoch: order.windowEnd + 1200 }).returning('id');
    commands.events.publish('stop.status_changed', { stopId: (stop as { id: number }).id, orderId: order.id, vehicleId: order.vehicleId!, status: 'completed', actualArrivalEpoch: null, completedAtEpoch: order.windowEnd + 1200, actor: 'system' });
    await facts.idle();
    const after = (await reads(commands).reportFacts.orderAggregates(slice(), false))[0]!;
    expect(after.late).toBe(before.late + 1);
  });

  it('drops the route facts of a plan that gave way', async () => {
    const [plan] = await database.knex('plans').where({ depot_id: history.depotId }).select('id');
    commands.events.publish('plan.status_changed', { planId: (plan as { id: number }).id, depotId: history.depotId, status: 'superseded', actor: 'system' });
    await facts.idle();
    expect(await reads(commands).reportFacts.routeFacts(slice())).toHaveLength(0);
  });
});
