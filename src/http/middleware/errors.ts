/**
 * The one error exit over HTTP: every failure becomes `{ error: { code, message, details } }` (src/error-mapper.ts).
 * Unknown errors answer 500 internal_error with the request id and are logged, never echoed.
 */
import type { ErrorRequestHandler, RequestHandler } from 'express';
import type {} from 'pino-http'; // types req.log and req.id
import { toAppError } from '../../error-mapper';
import { AppError, notFound } from '../../errors';

export const errorHandler: ErrorRequestHandler = (error, req, res, _next) => {
  const { error: answer, known } = toAppError(error);
  if (!known) {
    req.log.error({ err: error }, 'unhandled error');
    res.status(500).json(new AppError(500, 'internal_error', `Internal error; quote request id ${String(req.id)} when reporting it`).toBody());
    return;
  }
  if (answer.status >= 500) req.log.error({ err: error }, answer.message);
  if (answer.retryAfterSeconds !== undefined) res.setHeader('Retry-After', String(Math.max(1, Math.ceil(answer.retryAfterSeconds))));
  res.status(answer.status).json(answer.toBody());
};

export const routeNotFound: RequestHandler = (req, _res, next) => {
  next(notFound('Route', `${req.method} ${req.path}`));
};
