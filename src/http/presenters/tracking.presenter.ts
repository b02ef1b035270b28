/** Delivery instructions leave the service in this shape, for the customer who gave them and the driver. */
import type { DeliveryInstructions } from '../../domain/model/order';

export function presentInstructions(instructions: DeliveryInstructions) {
  return {
    gateCode: instructions.gateCode,
    safePlace: instructions.safePlace,
    leaveWithNeighbour: instructions.leaveWithNeighbour,
    neighbourName: instructions.neighbourName,
    note: instructions.note,
  };
}
