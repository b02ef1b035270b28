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
export const tooManyRequests = (message: string) => new AppError(429, 'rate_limited', message);
export const routingUnavailable = (message: string) => new AppError(503, 'routing_unavailable', message);
export const geocoderUnavailable = (message: string, details: ErrorDetail[] = []) => new AppError(503, 'geocoder_unavailable', message, details);
