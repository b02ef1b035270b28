/**
 * The one mapping from anything thrown to the one error shape, for HTTP responses and socket acks alike.
 * A known failure keeps its status (bad input, a parser's 4xx, a unique-key race, the road network or the database
 * down); an unknown one is a 500 internal_error that the caller logs and never echoes.
 */
import { ZodError, type z } from 'zod';
import { AppError, conflict, DatabaseUnavailableError, invalidInput, isDatabaseUnavailable, payloadTooLarge, routingUnavailable, unsupportedMediaType } from './errors';
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

interface ThrownFields {
  type?: string;
  status?: number;
  code?: string;
  message?: string;
}

/** The AppError a failure answers with; `known: false` means a bug: log it, and answer the generic 500. */
export function toAppError(error: unknown): { error: AppError; known: boolean } {
  const known = knownError(error);
  return known ? { error: known, known: true } : { error: new AppError(500, 'internal_error', 'Internal error'), known: false };
}

function knownError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return zodToAppError(error);
  if (error instanceof RoutingError) return routingErrorToAppError(error);
  // A lost connection is the database's fault, not the request's: 503 with Retry-After, never 500.
  if (isDatabaseUnavailable(error)) return new DatabaseUnavailableError(error);
  const thrown = error as ThrownFields | null;
  switch (thrown?.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', `Malformed JSON body: ${thrown.message}`);
    case 'entity.too.large':
      return payloadTooLarge('The request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedMediaType(thrown.message ?? 'Unsupported body encoding');
  }
  // A concurrent insert won the race on a unique index.
  if (thrown?.code === '23505') return conflict('A record with the same unique key already exists');
  // PostgreSQL data exceptions (class 22: out of range, NUL in text, …) are bad input that slipped past the schema.
  if (typeof thrown?.code === 'string' && thrown.code.startsWith('22')) return invalidInput(`The database refused a value: ${thrown.message}`);
  return null;
}
