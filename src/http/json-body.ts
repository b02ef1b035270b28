/**
 * The one JSON body parser: express.json, plus a scan of the raw bytes before JSON.parse sees them. It refuses
 * invalid UTF-8 (the decoder would store U+FFFD instead), nesting deeper than MAX_JSON_DEPTH (code that walks
 * the value recursively would overflow the stack) and strings longer than the endpoint allows.
 */
import { isUtf8 } from 'node:buffer';
import express, { type RequestHandler } from 'express';
import { AppError } from '../errors';

/** Deeper than any body the API takes (a VROOM problem is about 5 levels deep). */
export const MAX_JSON_DEPTH = 64;
/** Longest string, in bytes as sent (escapes included); delivery proofs raise it on their endpoints. */
export const DEFAULT_MAX_JSON_STRING_BYTES = 64 * 1024;

export interface JsonBodyOptions {
  /** Largest body, as express.json takes it ('1mb'). */
  limit: string | number;
  maxStringBytes?: number;
}

export function jsonBody({ limit, maxStringBytes = DEFAULT_MAX_JSON_STRING_BYTES }: JsonBodyOptions): RequestHandler {
  return express.json({
    limit,
    verify: (_req, _res, body, encoding) => checkJsonBytes(body, encoding, maxStringBytes),
  });
}

const invalidJson = (message: string) => new AppError(400, 'invalid_json', message, [{ path: 'body', message }]);

/** Throws the 4xx a body deserves before it is parsed; the parse itself reports syntax errors. */
export function checkJsonBytes(body: Buffer, encoding: string, maxStringBytes: number): void {
  if (encoding.toLowerCase() !== 'utf-8') {
    throw new AppError(415, 'unsupported_charset', `JSON bodies are UTF-8 (RFC 8259), not ${encoding.toUpperCase()}`);
  }
  if (!isUtf8(body)) {
    const message = 'The body is not valid UTF-8';
    throw new AppError(400, 'invalid_utf8', message, [{ path: 'body', message }]);
  }
  let depth = 0;
  let stringStart = -1;
  for (let index = 0; index < body.length; index++) {
    const byte = body[index]!;
    if (stringStart >= 0) {
      if (byte === 0x5c) index++; // the escaped byte cannot end the string
      else if (byte === 0x22) stringStart = -1;
      if (stringStart >= 0 && index - stringStart > maxStringBytes) {
        throw invalidJson(`A string in the JSON body is longer than ${maxStringBytes} bytes`);
      }
    } else if (byte === 0x22) {
      stringStart = index;
    } else if (byte === 0x5b || byte === 0x7b) {
      if (++depth > MAX_JSON_DEPTH) throw invalidJson(`The JSON body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    } else if (byte === 0x5d || byte === 0x7d) {
      depth--;
    }
  }
}
