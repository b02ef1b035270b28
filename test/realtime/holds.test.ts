/**
 * Broadcasts to a socket that is catching up: held while its replay is read, then sent less what the replay had, and
 * a numbered event the replay had that arrives later still (from another process, through the adapter) is not sent
 * again. Through a real socket.io server and client.
 */
import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { io as connectClient, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { BroadcastHolds } from '../../src/realtime/holds';

const room = 'depot:1';

describe('broadcast holds', () => {
  let http: HttpServer | null = null;
  let io: Server | null = null;
  let client: Socket | null = null;
  afterEach(async () => {
    client?.close();
    await io?.close();
    http?.close();
  });

  async function serve(onConnection: (socketId: string, holds: BroadcastHolds) => void) {
    const holds = new BroadcastHolds();
    http = createServer();
    io = new Server(http, { adapter: holds.adapter() });
    io.on('connection', (socket) => {
      holds.hold(socket.id);
      void socket.join(room);
      onConnection(socket.id, holds);
    });
    await new Promise<void>((resolve) => http!.listen(0, '127.0.0.1', resolve));
    return holds;
  }

  const fact = (seq: number) => ({ room, seq, data: { n: seq } });

  it('holds what comes live during the replay, drops what the replay had, and drops it when it comes late', async () => {
    let socketId = '';
    const holds = await serve((id) => (socketId = id));
    const seen: number[] = [];
    client = connectClient(`http://127.0.0.1:${(http!.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
    client.onAny((name: string, payload: { seq: number }) => seen.push(name === 'room:resumed' ? -payload.seq : payload.seq));
    await new Promise<void>((resolve) => client!.once('connect', () => resolve()));
    while (!socketId) await new Promise((resolve) => setTimeout(resolve, 5));
    const server = io!;
    const socket = server.of('/').sockets.get(socketId)!;

    // Live while the replay is read: 5 and 6, of which the replay (up to 5) has 5.
    server.to(room).emit('vehicles:moved', fact(5));
    server.to(room).emit('vehicles:moved', fact(6));
    // The replay, straight to the socket, then the release at its last number.
    socket.emit('vehicles:moved', fact(4));
    socket.emit('vehicles:moved', fact(5));
    socket.emit('room:resumed', { room, seq: 5, replayed: 2 });
    holds.release(socketId, 5);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([4, 5, -5, 6]);
  });

  it('after the release drops late events the client has until a newer one comes, then sends everything', async () => {
    let socketId = '';
    const holds = await serve((id) => (socketId = id));
    const seen: number[] = [];
    client = connectClient(`http://127.0.0.1:${(http!.address() as AddressInfo).port}`, { transports: ['websocket'], forceNew: true });
    client.onAny((_name: string, payload: { seq?: number; note?: string }) => seen.push(payload.seq ?? 0));
    await new Promise<void>((resolve) => client!.once('connect', () => resolve()));
    while (!socketId) await new Promise((resolve) => setTimeout(resolve, 5));
    const server = io!;

    holds.release(socketId, 10);
    server.to(room).emit('vehicles:moved', fact(9)); // stored before the replay, through the adapter only now
    server.to(room).emit('notice', { note: 'unnumbered' }); // not numbered: always sent
    server.to(room).emit('vehicles:moved', fact(11));
    server.to(room).emit('vehicles:moved', fact(12));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen).toEqual([0, 11, 12]);
  });
});
