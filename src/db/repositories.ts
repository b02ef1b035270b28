/** Every repository over one executor: the root connection, or a command's transaction. */
import { systemClock, type Clock } from '../domain/clock';
import type { Executor } from './executor';
import { AlertsRepository } from './repos/alerts.repo';
import { DeliveryInstructionsRepository } from './repos/delivery-instructions.repo';
import { DepotsRepository } from './repos/depots.repo';
import { DriversRepository } from './repos/drivers.repo';
import { OptimizeJobsRepository } from './repos/optimize-jobs.repo';
import { OptOutsRepository } from './repos/opt-outs.repo';
import { OrderEventsRepository } from './repos/order-events.repo';
import { OrdersRepository } from './repos/orders.repo';
import { OutboxRepository } from './repos/outbox.repo';
import { PlansRepository } from './repos/plans.repo';
import { RoutesRepository } from './repos/routes.repo';
import { SlotReservationsRepository } from './repos/slot-reservations.repo';
import { EtaRepository } from './repos/eta.repo';
import { ProposalsRepository } from './repos/proposals.repo';
import { PositionsRepository } from './repos/positions.repo';
import { ProofsRepository } from './repos/proofs.repo';
import { ReportFactsRepository } from './repos/report-facts.repo';
import { RoomEventsRepository } from './repos/room-events.repo';
import { TrackingLinksRepository } from './repos/tracking-links.repo';
import { UsersRepository } from './repos/users.repo';
import { VehiclesRepository } from './repos/vehicles.repo';
import { WebhooksRepository } from './repos/webhooks.repo';

/**
 * `clock` stamps the rows written (events' occurred_at, created_at, a run's start and finish): commands pass theirs
 * through inTransaction, so stored times are the service's clock, not the database's; reads may leave it out.
 * `updated_at` stays the database's: a change marker that caches compare (promiseDigest), distinct per transaction
 * even when a test's clock stands still.
 */
export function repositories(db: Executor, clock: Clock = systemClock) {
  return {
    depots: new DepotsRepository(db, clock),
    vehicles: new VehiclesRepository(db, clock),
    drivers: new DriversRepository(db, clock),
    users: new UsersRepository(db, clock),
    orders: new OrdersRepository(db, clock),
    orderEvents: new OrderEventsRepository(db, clock),
    plans: new PlansRepository(db, clock),
    routes: new RoutesRepository(db),
    proposals: new ProposalsRepository(db),
    positions: new PositionsRepository(db),
    roomEvents: new RoomEventsRepository(db),
    etas: new EtaRepository(db),
    proofs: new ProofsRepository(db, clock),
    trackingLinks: new TrackingLinksRepository(db),
    deliveryInstructions: new DeliveryInstructionsRepository(db),
    alerts: new AlertsRepository(db),
    outbox: new OutboxRepository(db, clock),
    webhooks: new WebhooksRepository(db),
    optimizeJobs: new OptimizeJobsRepository(db),
    optOuts: new OptOutsRepository(db),
    reportFacts: new ReportFactsRepository(db),
    slotReservations: new SlotReservationsRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
