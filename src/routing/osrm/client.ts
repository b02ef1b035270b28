/**
 * One GET against an OSRM server: a timeout per attempt, retries with exponential backoff and jitter on
 * network errors and 5xx (never on 4xx: the same query would fail the same way), and OSRM's error bodies
 * turned into RoutingError codes.
 */
import { RoutingError, type RoutingErrorCode } from '../provider';

export interface OsrmClientOptions {
  baseUrl: string;
  timeoutMs: number;
  /** Extra attempts after the first one fails. */
  retries: number;
  /** First backoff; doubles per attempt, with jitter so many clients do not retry in lockstep. */
  retryBaseDelayMs: number;
}

/** An OSRM success body: `code` is "Ok", the rest depends on the service. */
export type OsrmOkBody = { code: 'Ok' } & Record<string, unknown>;

export async function osrmGet(path: string, options: OsrmClientOptions): Promise<OsrmOkBody> {
  const url = options.baseUrl.replace(/\/+$/, '') + path;
  let lastFailure = '';
  for (let attempt = 0; attempt <= options.retries; attempt++) {
    if (attempt > 0) await sleep(options.retryBaseDelayMs * 2 ** (attempt - 1) * (0.5 + Math.random() / 2));
    let response: Response;
    let text: string;
    try {
      // The timeout covers reading the body too: a 1,000 × 1,000 table is about 13 MB.
      response = await fetch(url, { signal: AbortSignal.timeout(options.timeoutMs) });
      text = await response.text();
    } catch (error) {
      lastFailure = describeNetworkError(error, options.timeoutMs);
      continue;
    }
    if (response.status >= 500) {
      lastFailure = `answered HTTP ${response.status}`;
      continue;
    }
    const body = parseJson(text);
    if (isOsrmBody(body) && body.code === 'Ok') return body as OsrmOkBody;
    throw toRoutingError(response.status, body);
  }
  throw new RoutingError('RoutingUnavailable', `OSRM server at ${options.baseUrl} ${lastFailure} (${options.retries + 1} attempts)`);
}

/** OSRM's own codes folded into the five the service speaks (InvalidUrl, InvalidOptions … are all bad queries). */
const CODE_MAP: Record<string, RoutingErrorCode> = {
  InvalidValue: 'InvalidValue',
  NoSegment: 'NoSegment',
  TooBig: 'TooBig',
  NoRoute: 'NoRoute',
  NoTable: 'NoRoute',
};

function toRoutingError(status: number, body: unknown): RoutingError {
  if (!isOsrmBody(body)) return new RoutingError('InvalidQuery', `OSRM answered HTTP ${status} without an OSRM error body`);
  const message = typeof body.message === 'string' ? body.message : `OSRM answered ${body.code}`;
  const coordinateIndex = /coordinate (\d+)/i.exec(message)?.[1];
  return new RoutingError(CODE_MAP[body.code] ?? 'InvalidQuery', message, coordinateIndex === undefined ? undefined : Number(coordinateIndex));
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isOsrmBody(body: unknown): body is { code: string; message?: unknown } {
  return typeof body === 'object' && body !== null && typeof (body as { code?: unknown }).code === 'string';
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && (error.name === 'TimeoutError' || error.name === 'AbortError')) {
    return `did not answer within ${timeoutMs} ms`;
  }
  // fetch wraps the socket error (ECONNREFUSED, ENOTFOUND …) in `cause`.
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return `is unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
