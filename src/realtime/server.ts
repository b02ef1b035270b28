/**
 * The typed socket.io server on the service's HTTP server. Authentication happens on connect;
 * each connection joins its one room and first receives its snapshot. Requests from clients are
 * rate-limited per connection and always answered: a result, or the one error shape.
 * Rooms span server processes through Redis Streams when a Redis client is given (made for fan-out, and it survives
 * a Redis restart by resuming the stream), else through PostgreSQL's LISTEN/NOTIFY when a pool is given. Either way
 * the numbers come from the database (room_sequences), so every process numbers one room's events in one sequence.
 */
import type { Server as HttpServer } from 'node:http';
import { createAdapter as postgresAdapter } from '@socket.io/postgres-adapter';
import { createAdapter as redisStreamsAdapter } from '@socket.io/redis-streams-adapter';
import type { createClient } from 'redis';
import type { Pool } from 'pg';
import { Server } from 'socket.io';
import { reads, type CommandContext } from '../commands/context';
import { monotonicClock, type Clock } from '../domain/clock';
import { arriveAtStop } from '../commands/arrive-at-stop';
import { completeStop } from '../commands/complete-stop';
import { failStop } from '../commands/fail-stop';
import { reportPositions } from '../commands/report-positions';
import { forbidden, invalidInput, tooManyRequests } from '../errors';
import { toAppError } from '../error-mapper';
import type { Logger } from '../logger';
import {
  positionReportsSchema,
  type ClientToServerEvents,
  type ErrorBody,
  type Sequenced,
  type ServerToClientEvents,
} from '../protocol/socket';
import { arriveRequestSchema, completeRequestSchema, failRequestSchema } from '../protocol/stop-actions';
import { PositionBatcher } from '../commands/position-sink';
import { defaultTrackingLinkTtlSeconds } from '../tracking/tracking-link';
import { RateLimiters } from '../auth/rate-limits';
import { subscriberFor, type Subscriber } from './auth';
import { connectBroadcaster } from './broadcaster';
import { RoomFeed, type FeedOptions } from './feed';
import { BroadcastHolds, type AdapterFactory } from './holds';
import { TokenBucket } from './rate-limit';
import { roomSnapshots } from './snapshot';

interface SocketData {
  subscriber: Subscriber;
  bucket: TokenBucket;
  /** Where a returning client left off; undefined for a first join. */
  afterSeq: number | undefined;
}

export type RedisClient = ReturnType<typeof createClient>;

export type RealtimeServer = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeOptions {
  commands: CommandContext;
  logger: Logger;
  /** Redis: share rooms with other server processes through Redis Streams (preferred when both are given). */
  redisClient?: RedisClient;
  /** PostgreSQL: share rooms with other server processes on the same database. */
  adapterPool?: Pool;
  /** Channel (PostgreSQL) or stream (Redis) prefix; processes that share rooms use the same one. */
  adapterChannel?: string;
  feed?: FeedOptions;
  /** Requests per second per connection, and the burst above it. */
  rateLimit?: { perSecond: number; burst: number };
  /** Times the per-connection rate and the customers' position throttle; monotonic unless a test steps it. */
  intervals?: Clock;
  /** How long a customer's tracking link stays open after the order is finished (as the tracking page). */
  trackingLinkTtlSeconds?: number;
  /** Tracking-token lookups per address, shared with the tracking page's API. */
  rateLimiters?: RateLimiters;
}

export interface Realtime {
  io: RealtimeServer;
  feed: RoomFeed;
  close(): Promise<void>;
}

export async function startRealtime(httpServer: HttpServer, options: RealtimeOptions): Promise<Realtime> {
  const { commands, logger } = options;
  const rateLimit = options.rateLimit ?? { perSecond: 5, burst: 20 };
  const intervals = options.intervals ?? monotonicClock;
  const repos = reads(commands);
  const trackingLinks = {
    linkTtlSeconds: options.trackingLinkTtlSeconds ?? defaultTrackingLinkTtlSeconds,
    clock: commands.clock,
  };
  if (options.adapterPool) guardPool(options.adapterPool, logger);
  const holds = new BroadcastHolds();
  const io: RealtimeServer = new Server(httpServer, {
    serveClient: false,
    // A delivery proof (photo and signature in base64) fits, as over HTTP.
    maxHttpBufferSize: 4 * 1024 * 1024,
    adapter: holds.adapter(roomAdapter(options, logger)),
  });

  const positionSink = new PositionBatcher(commands.db);
  const emit = (event: Sequenced) => {
    (io.to(event.room).emit as (name: string, payload: Sequenced) => boolean)(event.event, event);
  };
  const feed = new RoomFeed(repos.roomEvents, commands.clock, emit, roomSnapshots(repos), logger, options.feed);
  const broadcasting = connectBroadcaster(commands.events, feed, repos, logger, intervals);

  /**
   * The events the client missed and `room:resumed`, or the state now when the log no longer has them all; resolves
   * with the number the client is at then.
   */
  const joinOrResume = async (socket: { emit: RealtimeServer['emit'] }, room: string, afterSeq: number | undefined) => {
    const missed = afterSeq === undefined ? null : await feed.missedSince(room, afterSeq);
    if (missed === null) {
      const snapshot = await feed.snapshotOf(room);
      socket.emit('room:joined', snapshot);
      return snapshot.seq;
    }
    for (const event of missed) (socket.emit as (name: string, payload: Sequenced) => boolean)(event.event, event);
    const seq = missed.at(-1)?.seq ?? afterSeq!;
    socket.emit('room:resumed', { room, seq, replayed: missed.length });
    return seq;
  };

  const limiters = options.rateLimiters ?? new RateLimiters();
  io.use((socket, next) => {
    const limitLookups = () => limiters.consume('trackingPerAddress', socket.handshake.address);
    const joining = async () => {
      const afterSeq = afterSeqOf(socket.handshake.auth);
      const subscriber = await subscriberFor(repos, socket.handshake.auth, trackingLinks, limitLookups);
      socket.data = { subscriber, bucket: new TokenBucket(rateLimit.perSecond, rateLimit.burst, intervals), afterSeq };
    };
    joining().then(
      () => next(),
      (error: unknown) => {
        const body = errorBody(error, logger);
        next(Object.assign(new Error(body.error.message), { data: body }));
      },
    );
  });

  io.on('connection', (socket) => {
    const { subscriber, bucket } = socket.data;
    // Joined before reading the log, so nothing falls between the replay and the live events; what comes live
    // meanwhile is held, then sent less what the replay or snapshot already has.
    holds.hold(socket.id);
    socket.once('disconnect', () => holds.drop(socket.id));
    void socket.join(subscriber.room);
    joinOrResume(socket, subscriber.room, socket.data.afterSeq).then(
      (seq) => holds.release(socket.id, seq),
      (error: unknown) => {
        // The client sees a gap in the numbers and joins again.
        holds.release(socket.id, 0);
        logger.error({ err: error, room: subscriber.room }, 'joining the room failed');
      },
    );

    /** Runs one request: rate limit, parse, act, and answer exactly once. */
    const handle = <T>(ack: unknown, work: () => Promise<T>) => {
      const reply = typeof ack === 'function' ? (ack as (body: T | ErrorBody) => void) : () => {};
      if (!bucket.take()) {
        reply(tooManyRequests(`More than ${rateLimit.perSecond} requests per second from this connection; slow down`).toBody());
        return;
      }
      work().then(reply, (error: unknown) => reply(errorBody(error, logger)));
    };

    socket.on('position:report', (reports, ack) =>
      handle(ack, async () => {
        if (!subscriber.principal) throw forbidden('Only drivers report positions');
        const result = await reportPositions(commands, positionReportsSchema.parse(reports), subscriber.principal, { sink: positionSink });
        // Acknowledged once the consoles' events are stored too: a fix acknowledged is a fix every console gets.
        await broadcasting.queued(subscriber.principal.vehicleId!);
        await feed.stored();
        return result;
      }),
    );
    // Over the socket the same commands as over HTTP; a customer has no principal and no stops.
    const staff = () => {
      if (!subscriber.principal) throw forbidden('Only drivers and the office act on stops');
      return subscriber.principal;
    };
    socket.on('stop:arrive', (request, ack) =>
      handle(ack, async () => {
        const { stopId, ...input } = arriveRequestSchema.parse(request);
        return arriveAtStop(commands, stopId, input, staff());
      }),
    );
    socket.on('stop:complete', (request, ack) =>
      handle(ack, async () => {
        const { stopId, ...input } = completeRequestSchema.parse(request);
        return completeStop(commands, stopId, input, staff());
      }),
    );
    socket.on('stop:fail', (request, ack) =>
      handle(ack, async () => {
        const { stopId, ...input } = failRequestSchema.parse(request);
        return failStop(commands, stopId, input, staff());
      }),
    );
  });

  return {
    io,
    feed,
    async close() {
      broadcasting.disconnect();
      await positionSink.close();
      await feed.close();
      await io.close();
    },
  };
}

function roomAdapter(options: RealtimeOptions, logger: Logger): AdapterFactory | undefined {
  const prefix = options.adapterChannel ?? 'lastmile';
  if (options.redisClient) return redisStreamsAdapter(options.redisClient, { streamName: `${prefix}:rooms`, channelPrefix: prefix, onlyPlaintext: true });
  if (options.adapterPool) {
    return postgresAdapter(options.adapterPool, { channelPrefix: prefix, errorHandler: (error) => logger.error({ err: error }, 'socket.io postgres adapter') });
  }
  return undefined;
}

/**
 * node-postgres emits 'error' on the pool for an idle client and on a checked-out client (the adapter's LISTEN
 * connection); unheard, that event throws and ends the process. Logged instead: the adapter connects again by itself.
 */
function guardPool(pool: Pool, logger: Logger): void {
  pool.on('error', (error) => logger.warn({ err: error }, 'socket.io adapter: idle database connection lost'));
  pool.on('connect', (client) => {
    client.on('error', (error) => logger.warn({ err: error }, 'socket.io adapter: database connection lost'));
  });
}

/** `auth.afterSeq`: a whole number ≥ 0, else refused naming the field. */
function afterSeqOf(auth: Record<string, unknown>): number | undefined {
  const { afterSeq } = auth;
  if (afterSeq === undefined || afterSeq === null) return undefined;
  if (typeof afterSeq !== 'number' || !Number.isSafeInteger(afterSeq) || afterSeq < 0) {
    throw invalidInput('auth.afterSeq must be the last sequence number the client applied', [{ path: 'auth.afterSeq', message: 'must be a whole number ≥ 0' }]);
  }
  return afterSeq;
}

function errorBody(error: unknown, logger: Logger): ErrorBody {
  const { error: answer, known } = toAppError(error);
  if (!known || (answer.status >= 500 && answer.code !== 'database_unavailable')) logger.error({ err: error }, 'socket request failed');
  else if (answer.code === 'database_unavailable') logger.warn({ err: error }, 'socket request failed: database unavailable');
  return answer.toBody();
}
