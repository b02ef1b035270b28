/** The typed socket.io client: the same event maps as the server (src/protocol/socket.ts). */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ServerToClientEvents, SocketAuth } from '../../src/protocol/socket';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export function connectLive(auth: SocketAuth): LiveSocket {
  return io({ auth: { ...auth }, transports: ['websocket', 'polling'] });
}
