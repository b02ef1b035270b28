/**
 * The import parser: a request body in, validated order rows out, one at a time. Pure (no database),
 * so the command decides batching and storage, and tests can feed it anything.
 */
import { unsupportedMediaType } from '../errors';
import { csvOrderRows } from './csv';
import { jsonArrayElements } from './json-array';
import { validateFeatureRow, validateJsonRow, type ParsedRow } from './rows';

export type { ParsedRow, FieldError } from './rows';
export type ImportFormat = 'csv' | 'json' | 'geojson';

const FORMAT_BY_MEDIA_TYPE: Record<string, ImportFormat> = {
  'text/csv': 'csv',
  'application/json': 'json',
  'application/geo+json': 'geojson',
};

/** Picks the parser from the Content-Type header; anything else is 415 naming what is accepted. */
export function importFormatFromContentType(contentType: string | undefined): ImportFormat {
  const mediaType = (contentType ?? '').split(';', 1)[0]!.trim().toLowerCase();
  const format = FORMAT_BY_MEDIA_TYPE[mediaType];
  if (format === undefined) {
    const accepted = Object.keys(FORMAT_BY_MEDIA_TYPE).join(', ');
    throw unsupportedMediaType(mediaType === '' ? `Content-Type is required; send one of ${accepted}` : `Content-Type ${mediaType} is not importable; send one of ${accepted}`);
  }
  return format;
}

export async function* parseOrderRows(body: AsyncIterable<Buffer | string>, format: ImportFormat): AsyncGenerator<ParsedRow> {
  if (format === 'csv') {
    yield* csvOrderRows(body);
    return;
  }
  let row = 0;
  if (format === 'json') {
    for await (const source of jsonArrayElements(body, { expected: 'a JSON array of orders' })) yield validateJsonRow(++row, source);
    return;
  }
  const features = jsonArrayElements(body, { key: 'features', requiredType: 'FeatureCollection', expected: 'a GeoJSON FeatureCollection of Point features' });
  for await (const source of features) yield validateFeatureRow(++row, source);
}
