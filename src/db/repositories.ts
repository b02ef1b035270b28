/** Every repository over one executor: the root connection, or a command's transaction. */
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

export function repositories(db: Executor) {
  return {
    depots: new DepotsRepository(db),
    vehicles: new VehiclesRepository(db),
    drivers: new DriversRepository(db),
    users: new UsersRepository(db),
    orders: new OrdersRepository(db),
    orderEvents: new OrderEventsRepository(db),
    plans: new PlansRepository(db),
    routes: new RoutesRepository(db),
    proposals: new ProposalsRepository(db),
    positions: new PositionsRepository(db),
    roomEvents: new RoomEventsRepository(db),
    etas: new EtaRepository(db),
    proofs: new ProofsRepository(db),
    trackingLinks: new TrackingLinksRepository(db),
    deliveryInstructions: new DeliveryInstructionsRepository(db),
    alerts: new AlertsRepository(db),
    outbox: new OutboxRepository(db),
    webhooks: new WebhooksRepository(db),
    optimizeJobs: new OptimizeJobsRepository(db),
    optOuts: new OptOutsRepository(db),
    reportFacts: new ReportFactsRepository(db),
    slotReservations: new SlotReservationsRepository(db),
  };
}

export type Repositories = ReturnType<typeof repositories>;
