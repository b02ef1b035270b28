/** The typed socket.io client: the same event maps as the server (src/protocol/socket.ts). */
import { io, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, RoomEventName, RoomSnapshot, Sequenced, ServerToClientEvents, SocketAuth } from '../../src/protocol/socket';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

/**
 * A room's facts applied once each and in their numbered order, whichever server process sent them: repeats are
 * dropped, an early one waits for the ones before it, and a gap that stays open asks for what is missing.
 */
export class RoomStream {
  private lastApplied = 0;
  private readonly early = new Map<number, Sequenced>();
  private gapTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly apply: (event: Sequenced) => void,
    /** The gap did not close in time: fetch what came after `last` (the caller reconnects with it). */
    private readonly catchUp: (last: number) => void,
    private readonly gapWaitMs = 2000,
  ) {}

  /** The last number applied; what a reconnect asks to resume after. */
  get last(): number {
    return this.lastApplied;
  }

  /** A snapshot numbered `seq` replaced the state: later facts apply on top of it. */
  reset(seq: number): void {
    this.lastApplied = seq;
    for (const pending of this.early.keys()) if (pending <= seq) this.early.delete(pending);
    this.drain();
  }

  receive(event: Sequenced): void {
    if (event.seq <= this.lastApplied) return;
    this.early.set(event.seq, event);
    this.drain();
  }

  close(): void {
    if (this.gapTimer) clearTimeout(this.gapTimer);
    this.gapTimer = null;
  }

  private drain(): void {
    for (let next = this.early.get(this.lastApplied + 1); next; next = this.early.get(this.lastApplied + 1)) {
      this.early.delete(next.seq);
      this.lastApplied = next.seq;
      this.apply(next);
    }
    if (this.early.size === 0) this.close();
    else if (!this.gapTimer) {
      this.gapTimer = setTimeout(() => {
        this.gapTimer = null;
        if (this.early.size > 0) this.catchUp(this.lastApplied);
      }, this.gapWaitMs);
    }
  }
}

type Handlers = { [K in RoomEventName]?: (event: Sequenced<K>) => void };

export interface LiveRoom {
  socket: LiveSocket;
  close(): void;
}

/**
 * Joins the room `auth` opens. `joined` gets the state (at first, and whenever the server could not replay what was
 * missed); every fact after it reaches its handler once, in order. A reconnect resumes after the last fact applied.
 */
export function joinRoom(auth: SocketAuth, joined: (snapshot: RoomSnapshot) => void, handlers: Handlers): LiveRoom {
  const stream = new RoomStream(
    (event) => (handlers[event.event] as ((event: Sequenced) => void) | undefined)?.(event),
    () => socket.disconnect().connect(),
  );
  const socket: LiveSocket = io({
    auth: (send) => send({ ...auth, ...(stream.last > 0 ? { afterSeq: stream.last } : {}) }),
    transports: ['websocket', 'polling'],
  });
  socket.on('room:joined', (snapshot) => {
    stream.reset(snapshot.seq);
    joined(snapshot);
  });
  // Every numbered fact goes through the stream, handled or not: a number skipped would look like a gap.
  socket.onAny((name: string, payload: unknown) => {
    if (name !== 'room:joined' && name !== 'room:resumed' && typeof (payload as Sequenced | null)?.seq === 'number') stream.receive(payload as Sequenced);
  });
  return {
    socket,
    close() {
      stream.close();
      socket.disconnect();
    },
  };
}
