/** Socket rooms: each connection joins exactly one, and every fact is numbered within its room. */
export const depotRoom = (depotId: number) => `depot:${depotId}`;
export const vehicleRoom = (vehicleId: number) => `vehicle:${vehicleId}`;
export const orderRoom = (orderId: number) => `order:${orderId}`;

export type ParsedRoom = { kind: 'depot' | 'vehicle' | 'order'; id: number };

export function parseRoom(room: string): ParsedRoom {
  const [kind, id] = room.split(':');
  if ((kind !== 'depot' && kind !== 'vehicle' && kind !== 'order') || !id) throw new Error(`not a room name: ${room}`);
  return { kind, id: Number(id) };
}
