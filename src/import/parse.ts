/**
 * The import parser: a request body in, validated order rows out, one at a time. Pure (no database),
 * so the command decides batching and storage, and tests can feed it anything.
 */
import { unsupportedMediaType } from '../errors';
import { csvOrderRows } from './csv';
import { jsonArrayElements } from './json-array';
import { validateFeatureRow, validateJsonRow, type ParsedRow } from './rows';
import { decodeText } from './text';

export type { ParsedRow, FieldError } from './rows';
export type ImportFormat = 'csv' | 'json' | 'geojson';

const FORMAT_BY_MEDIA_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/geo+json': 'geojson',
};
// What browsers and older tools label .csv files with (Windows with Excel installed: vnd.ms-excel).
const CSV_ALIASES = new Set(['application/csv', 'text/comma-separated-values', 'application/vnd.ms-excel']);

/** Picks the parser from the Content-Type header; anything else is 415 naming what is accepted. */
export function importFormatFromContentType(contentType: string | undefined): ImportFormat {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const format = CSV_ALIASES.has(mediaType) ? 'csv' : FORMAT_BY_MEDIA_TYPE[mediaType];
  if (format === undefined) {
    const accepted = Object.keys(FORMAT_BY_MEDIA_TYPE).join(', ');
    throw unsupportedMediaType(mediaType === '' ? `Content-Type is required; send one of ${accepted}` : `Content-Type ${mediaType} is not importable; send one of ${accepted}`);
  }
  return format;
}

/** The charset parameter of Content-Type (UTF-8 when absent); one TextDecoder cannot read is 415. */
export function importCharsetFromContentType(contentType: string | undefined): string {
  const parameter = /;\s*charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '');
  const charset = parameter?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(charset).encoding;
  } catch {
    throw unsupportedMediaType(`charset ${charset} is not supported; send UTF-8 or name the encoding, e.g. charset=windows-1252`);
  }
}

export interface ParseOptions {
  /** Text encoding of the body; UTF-8 when absent. */
  charset?: string;
  /** IANA zone for CSV/GeoJSON window times written without an offset (the depot's); without it they are refused. */
  timeZone?: string;
}

export async function* parseOrderRows(body: AsyncIterable<Buffer | string>, format: ImportFormat, options: ParseOptions = {}): AsyncGenerator<ParsedRow> {
  const text = decodeText(body, options.charset);
  if (format === 'csv') {
    yield* csvOrderRows(text, options.timeZone);
    return;
  }
  let row = 0;
  if (format === 'json') {
    for await (const source of jsonArrayElements(text, { expected: 'a JSON array of orders' })) yield validateJsonRow(++row, source);
    return;
  }
  const features = jsonArrayElements(text, { key: 'features', requiredType: 'FeatureCollection', expected: 'a GeoJSON FeatureCollection of Point features' });
  for await (const source of features) yield validateFeatureRow(++row, source, options.timeZone);
}
