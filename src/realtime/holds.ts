/**
 * Room broadcasts held for a socket while it catches up. A joining socket is in its room before the log is read (so
 * nothing falls between), but an event stored before that read can still reach this process afterwards: through the
 * room adapter, from another process, a few milliseconds (or, under load, seconds) after it was stored. Sent as it
 * comes, the client would get it twice (in the replay and live) or before the events it follows. So until the replay
 * or snapshot is out, the socket's broadcasts wait here; then those it already has are dropped and the rest follow,
 * and the ones it has that come even later are dropped too, until the first newer one arrives.
 */
import { Adapter } from 'socket.io-adapter';
import type { BroadcastOptions } from 'socket.io-adapter';
import type { Namespace } from 'socket.io';

interface Held {
  seq: number | undefined;
  deliver: () => void;
}

interface Packet {
  data?: unknown[];
}

interface Visited {
  id: string;
}

/** The two methods every broadcast goes through (`_encode` is the in-memory adapter's own). */
interface Broadcasting {
  _encode(packet: Packet, options: unknown): unknown;
  apply(options: BroadcastOptions, visit: (socket: Visited) => void): void;
}

/** What socket.io's `adapter` option takes: a class, or a factory it calls with `new`. */
export type AdapterFactory = typeof Adapter | ((nsp: Namespace) => Adapter);

interface Catching {
  /** Broadcasts waiting for the replay; null once it is out. */
  held: Held[] | null;
  /** The number the client is at after the replay: events up to it are not sent again. */
  seq: number;
}

/** The sockets catching up: their held broadcasts, and the hold's start and release. */
export class BroadcastHolds {
  private readonly held = new Map<string, Catching>();

  /** Broadcasts to this socket wait until `release`. */
  hold(socketId: string): void {
    this.held.set(socketId, { held: [], seq: Infinity });
  }

  /** Sends what was held, less the numbered events up to `seq` (the client has them). */
  release(socketId: string, seq: number): void {
    const catching = this.held.get(socketId);
    if (!catching) return;
    const held = catching.held ?? [];
    catching.held = null;
    catching.seq = seq;
    for (const packet of held) if (packet.seq === undefined || packet.seq > seq) packet.deliver();
    if (held.some((packet) => packet.seq !== undefined && packet.seq > seq)) this.held.delete(socketId);
  }

  /** Forgets a socket that went away while held. */
  drop(socketId: string): void {
    this.held.delete(socketId);
  }

  /**
   * The room adapter (in memory, Redis Streams or PostgreSQL) with holds: every broadcast, local or from another
   * process, encodes its packet and then visits the room's sockets through `apply`; a held socket's visit is kept.
   */
  adapter(Base: AdapterFactory = Adapter): AdapterFactory {
    const holds = this.held;
    // A plain function: socket.io calls it with `new`, and the adapter factories return their instance.
    return function HoldingAdapter(nsp: Namespace) {
      const instance = new (Base as typeof Adapter)(nsp);
      const adapter = instance as unknown as Broadcasting;
      const encode = adapter._encode.bind(adapter);
      const apply = adapter.apply.bind(adapter);
      let encoding: Packet | undefined;
      adapter._encode = (packet, options) => {
        encoding = packet;
        return encode(packet, options);
      };
      adapter.apply = (options, visit) => {
        // Set only by a broadcast, which encodes and then applies at once; other uses (joins, fetches) pass through.
        const packet = encoding;
        encoding = undefined;
        if (!packet || holds.size === 0) return apply(options, visit);
        const seq = seqOf(packet);
        apply(options, (socket) => {
          const catching = holds.get(socket.id);
          if (!catching) return visit(socket);
          if (catching.held) return void catching.held.push({ seq, deliver: () => visit(socket) });
          if (seq === undefined) return visit(socket);
          if (seq <= catching.seq) return;
          // Past the replay now: this socket's broadcasts go straight again.
          holds.delete(socket.id);
          visit(socket);
        });
      };
      return instance;
    } as unknown as AdapterFactory;
  }
}

function seqOf(packet: Packet): number | undefined {
  const payload = packet.data?.[1] as { seq?: unknown } | undefined;
  return typeof payload?.seq === 'number' ? payload.seq : undefined;
}
