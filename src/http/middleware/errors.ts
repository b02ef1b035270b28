/**
 * The one error exit: every failure becomes `{ error: { code, message, details } }`.
 * Unknown errors answer 500 internal_error with the request id and are logged, never echoed.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type {} from 'pino-http'; // types req.log and req.id
import { ZodError, type z } from 'zod';
import { AppError, conflict, invalidInput, notFound, payloadTooLarge, unsupportedMediaType } from '../../errors';

/** "timeWindows[0].end" from zod's ["timeWindows", 0, "end"]. */
export function formatPath(path: readonly PropertyKey[], prefix?: string): string {
  const parts = prefix ? [prefix] : [];
  let text = parts.join('');
  for (const key of path) text += typeof key === 'number' ? `[${key}]` : `${text ? '.' : ''}${String(key)}`;
  return text;
}

export function zodToAppError(error: z.ZodError, where?: string): AppError {
  const details = error.issues.map((issue) => ({ path: formatPath(issue.path, where), message: issue.message, code: issue.code }));
  const summary = details.map((detail) => (detail.path ? `${detail.path}: ${detail.message}` : detail.message)).join('; ');
  return invalidInput(`Invalid ${where ?? 'input'}: ${summary}`, details);
}

interface HttpError {
  type?: string;
  status?: number;
  code?: string;
  message?: string;
}

function toAppError(error: unknown): AppError | null {
  if (error instanceof AppError) return error;
  if (error instanceof ZodError) return zodToAppError(error);
  const http = error as HttpError;
  switch (http?.type) {
    case 'entity.parse.failed':
      return new AppError(400, 'invalid_json', `Malformed JSON body: ${http.message}`);
    case 'entity.too.large':
      return payloadTooLarge('The request body is larger than this endpoint accepts');
    case 'encoding.unsupported':
    case 'charset.unsupported':
      return unsupportedMediaType(http.message ?? 'Unsupported body encoding');
  }
  // A concurrent insert won the race on a unique index.
  if (http?.code === '23505') return conflict('A record with the same unique key already exists');
  // PostgreSQL data exceptions (class 22: out of range, NUL in text, …) are bad input that slipped past the schema.
  if (typeof http?.code === 'string' && http.code.startsWith('22')) return invalidInput(`The database refused a value: ${http.message}`);
  return null;
}

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const known = toAppError(error);
  if (known) {
    if (known.status >= 500) req.log.error({ err: error }, known.message);
    res.status(known.status).json(known.toBody());
    return;
  }
  req.log.error({ err: error }, 'unhandled error');
  res.status(500).json(new AppError(500, 'internal_error', `Internal error; quote request id ${String(req.id)} when reporting it`).toBody());
};

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(notFound('Route', `${req.method} ${req.path}`));
};
