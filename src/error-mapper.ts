/**
 * The one mapping from anything thrown to the one error shape, for HTTP responses and socket acks alike.
 * A known failure keeps its status (bad input, a parser's 4xx, a unique-key race, the road network or the database
 * down); an unknown one is a 500 internal_error that the caller logs and never echoes.
 */
import { ZodError, type z } from 'zod';
import { AppError, conflict, DatabaseUnavailableError, geocoderUnavailable, invalidInput, isDatabaseUnavailable, payloadTooLarge, routingUnavailable } from './errors';
import { PlacementError } from './geocoding/place-order';
import { RoutingError } from './routing/provider';

/** "timeWindows[0].end" from zod's ["timeWindows", 0, "end"]. */
export function formatPath(path: readonly PropertyKey[], prefix?: string): string {
  let text = prefix ?? '';
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}

export function zodToAppError(error: z.ZodError, where?: string): AppError {
  const details = error.issues.map((issue) => ({ path: formatPath(issue.path, where), message: issue.message, code: issue.code }));
  const summary = details.map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message)).join('; ');
  return invalidInput(`Invalid ${where ?? 'input'}: ${summary}`, details);
}

/**
 * 503 routing_unavailable when the road network is down; otherwise the request's coordinates are to blame:
 * 400 invalid_input naming the coordinate and OSRM's code.
 */
export function routingErrorToAppError(error: RoutingError): AppError {
  if (error.code === 'RoutingUnavailable') return routingUnavailable(error.message);
  const path = error.coordinateIndex === undefined ? undefined : `coordinates[${error.coordinateIndex}]`;
  return invalidInput(error.message, [{ ...(path ? { path } : {}), message: error.message, routingCode: error.code }]);
}

/** An order that cannot be placed: 400 naming the field; 503 when the external geocoder did not answer. */
export function placementErrorToAppError(error: PlacementError): AppError {
  const path = formatPath(error.path);
  const details = [{ path, message: error.message }];
  if (error.unavailable) return geocoderUnavailable(`The geocoder is unavailable: ${error.message}`, details);
  return invalidInput(`${path}: ${error.message}`, details);
}

interface ThrownFields {
  type?: string;
  status?: number;
  statusCode?: number;
  /** http-errors' flag: the message is meant for the client. */
  expose?: boolean;
  code?: string;
  message?: string;
}

/** Codes for the statuses that body parsers, the router and static serving give their own errors. */
const httpErrorCodes: Record<number, string> = {
  400: 'invalid_input',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  408: 'request_timeout',
  411: 'length_required',
  412: 'precondition_failed',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  416: 'range_not_satisfiable',
  431: 'headers_too_large',
};

/** The AppError a failure answers with; `known: false` means a bug: log it, and answer the generic 500. */
export function toAppError(error: unknown): { error: AppError; known: boolean } {
  const known = knownError(error);
  return known ? { error: known, known: true } : { error: new AppError(500, 'internal_error', 'Internal error'), known: false };
}

function knownError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return zodToAppError(error);
  if (error instanceof RoutingError) return routingErrorToAppError(error);
  if (error instanceof PlacementError) return placementErrorToAppError(error);
  // A lost connection is the database's fault, not the request's: 503 with Retry-After, never 500.
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError(error);
  const thrown = error as ThrownFields | null;
  switch (thrown?.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', `Malformed JSON body: ${thrown.message}`);
    case 'entity.too.large':
      return payloadTooLarge('The request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
      return new AppError(415, 'unsupported_encoding', `${thrown.message ?? 'Unsupported Content-Encoding'}; send gzip, deflate, br or none`);
    case 'charset.unsupported':
      return new AppError(415, 'unsupported_charset', thrown.message ?? 'Unsupported body charset');
    case 'request.aborted':
      return new AppError(400, 'request_aborted', 'The client closed the request before its body arrived');
    case 'request.size.invalid':
      return invalidInput('The body is not as long as Content-Length says');
  }
  // A compressed body that does not inflate (body parsers set 400 on zlib's error): Z_* from gzip and deflate, ERR__ERROR_* from brotli.
  if (typeof thrown?.code === 'string' && /^(Z_|ERR__ERROR_)/.test(thrown.code)) {
    return new AppError(400, 'invalid_encoding', `The body does not decode as its Content-Encoding says: ${thrown.message}`, [{ path: 'body', message: String(thrown.message) }]);
  }
  // The router's URIError on a path parameter with broken percent-encoding.
  if (error instanceof URIError && thrown?.status === 400) {
    return invalidInput(`Invalid path: ${error.message}`, [{ path: 'path', message: error.message }]);
  }
  // Any other http-errors 4xx (static files, the router) says what it means; 5xx stay unknown.
  const status = thrown?.status ?? thrown?.statusCode;
  if (thrown?.expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return new AppError(status, httpErrorCodes[status] ?? 'invalid_request', thrown.message || 'Invalid request');
  }
  // A concurrent insert won the race on a unique index.
  if (thrown?.code === '23505') return conflict('A record with the same unique key already exists');
  // PostgreSQL data exceptions (class 22: out of range, NUL in text, …) are bad input that slipped past the schema.
  if (typeof thrown?.code === 'string' && thrown.code.startsWith('22')) return invalidInput(`The database refused a value: ${thrown.message}`);
  return null;
}
