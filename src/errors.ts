/**
 * The one error shape: every failure leaves the service as `{ error: { code, message, details } }`.
 * Commands throw these factories; one middleware turns them into responses (and socket acks use the same shape).
 */

export interface ErrorDetail {
  /** Where the problem is: a field path ("orders[3].location"), a row, a coordinate index. */
  path?: string;
  message: string;
  [extra: string]: unknown;
}

export class AppError extends Error {
  /** Seconds a client should wait before trying again (sent as Retry-After), for 429 and 503. */
  retryAfterSeconds?: number;

  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: ErrorDetail[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  toBody(): { error: { code: string; message: string; details: ErrorDetail[] } } {
    return { error: { code: this.code, message: this.message, details: this.details } };
  }
}

export const invalidInput = (message: string, details: ErrorDetail[] = []) => new AppError(400, 'invalid_input', message, details);
export const unauthorized = (message = 'Authentication required: send "Authorization: Bearer <token>"') =>
  new AppError(401, 'unauthorized', message);
export const forbidden = (message: string) => new AppError(403, 'forbidden', message);
export const notFound = (what: string, id: string | number) => new AppError(404, 'not_found', `${what} ${id} not found`);
export const conflict = (message: string, details: ErrorDetail[] = []) => new AppError(409, 'conflict', message, details);
export const payloadTooLarge = (message: string) => new AppError(413, 'payload_too_large', message);
export const unsupportedMediaType = (message: string) => new AppError(415, 'unsupported_media_type', message);
export function tooManyRequests(message: string, retryAfterSeconds?: number): AppError {
  const error = new AppError(429, 'rate_limited', message);
  error.retryAfterSeconds = retryAfterSeconds;
  return error;
}
export const routingUnavailable = (message: string) => new AppError(503, 'routing_unavailable', message);
export const geocoderUnavailable = (message: string, details: ErrorDetail[] = []) => new AppError(503, 'geocoder_unavailable', message, details);

/** The database does not answer (connection refused, terminated, timed out): the request may be retried. */
export class DatabaseUnavailableError extends AppError {
  constructor(cause?: unknown) {
    super(503, 'database_unavailable', 'The database is not answering; retry in a few seconds');
    this.cause = cause;
    this.name = 'DatabaseUnavailableError';
    this.retryAfterSeconds = databaseRetryAfterSeconds;
  }
}

export const databaseRetryAfterSeconds = 5;

/** PostgreSQL SQLSTATEs of a connection that is gone or a server that is going away. */
const unavailableSqlStates = new Set([
  '57P01', // admin_shutdown (pg_terminate_backend, fast shutdown)
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, shutting down)
  '08000', '08001', '08003', '08004', '08006', // connection exceptions
  '53300', // too_many_connections
]);
const unavailableSystemCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);
// node-postgres and knex say these in words only.
const unavailableMessages = [
  /connection terminated/i,
  /terminating connection/i,
  /client has encountered a connection error/i,
  /not queryable/i,
  /timeout acquiring a connection/i,
  /timeout exceeded when trying to connect/i,
  /connection timeout/i,
];

/**
 * Whether a failure means the database is unreachable rather than that the request was wrong: the process keeps
 * running, the request answers 503, background work retries. Follows `cause` and AggregateError's `errors`.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (error instanceof DatabaseUnavailableError) return true;
  if (!error || typeof error !== 'object' || depth > 5) return false;
  const { code, message, name, cause, errors } = error as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string' && (unavailableSqlStates.has(code) || unavailableSystemCodes.has(code))) return true;
  if (name === 'KnexTimeoutError') return true;
  if (typeof message === 'string' && unavailableMessages.some((pattern) => pattern.test(message))) return true;
  if (Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1))) return true;
  return cause !== undefined && isDatabaseUnavailable(cause, depth + 1);
}
