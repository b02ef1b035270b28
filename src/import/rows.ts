/**
 * One import row validated by the POST /orders schema, whatever file it came from. A bad row becomes
 * data (every problem, named by the field the user wrote), never an exception.
 */
import { formatPath } from '../error-mapper';
import type { z } from 'zod';
import { checkedOrderInputSchema, orderInputSchema, type OrderInputParsed } from '../protocol/orders';
import { columnFor, mapColumns, normalizeColumnName, type ColumnRecord, type FieldError } from './columns';

export type { FieldError } from './columns';

/**
 * `row` is the 1-based number of the data record in the file (header not counted). A valid row keeps `fieldFor`,
 * so a problem found later (its address not found) is named by the field the file used too.
 */
export type ParsedRow =
  | { row: number; ok: true; input: OrderInputParsed; fieldFor: (path: readonly PropertyKey[]) => string }
  | { row: number; ok: false; errors: FieldError[] };

/** The field a whole-row problem is reported on (not an object, not parseable, wrong field count). */
export const WHOLE_ROW = 'row';

const rejected = (row: number, field: string, message: string): ParsedRow => ({ row, ok: false, errors: [{ field, message }] });

/** API paths as users write them (timeWindows[0].start); the whole row when the path is empty. */
const fieldOf = (path: readonly PropertyKey[]): string => formatPath(path) || WHOLE_ROW;

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function messageFor(issue: z.core.$ZodIssue, candidate: unknown): string {
  const value = valueAt(candidate, issue.path);
  if (issue.code === 'invalid_type' && value === undefined) return 'is required';
  if (issue.code === 'too_small' && Array.isArray(value) && value.length === 0 && issue.path[0] === 'timeWindows') {
    return 'is required: at least one delivery time window';
  }
  return issue.message;
}

function validate(row: number, candidate: unknown, fieldFor: (path: readonly PropertyKey[]) => string, readErrors: FieldError[] = []): ParsedRow {
  const result = checkedOrderInputSchema.safeParse(candidate);
  if (result.success && readErrors.length === 0) return { row, ok: true, input: result.data, fieldFor };
  const errors = [...readErrors];
  // A cell that could not be read already has its error; the schema's "is required" for it would only repeat it.
  const unreadable = new Set(readErrors.map((error) => error.field));
  for (const issue of result.success ? [] : result.error.issues) {
    const field = fieldFor(issue.path);
    const message = messageFor(issue, candidate);
    const repeated = errors.some((error) => error.field === field && error.message === message);
    if (!unreadable.has(field) && !repeated) errors.push({ field, message });
  }
  return { row, ok: false, errors };
}

/** A CSV record already keyed by normalized column name; `timeZone` gives offset-less window times their meaning. */
export function validateColumnRow(row: number, record: ColumnRecord, timeZone?: string): ParsedRow {
  const mapping = mapColumns(record, { timeZone });
  return validate(row, mapping.input, (path) => columnFor(mapping, path), mapping.errors);
}

/** One element of a JSON import: the POST /orders body, as text. */
export function validateJsonRow(row: number, source: string): ParsedRow {
  let value: unknown;
  try {
    value = JSON.parse(source);
  } catch (error) {
    return rejected(row, WHOLE_ROW, `is not valid JSON (${(error as Error).message})`);
  }
  return validate(row, value, fieldOf);
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
// "address" is also a CSV column (the one-line address), so it alone does not make properties API-like.
const API_FIELDS = new Set(Object.keys(orderInputSchema.shape).filter((field) => field !== 'address'));

/**
 * One GeoJSON Feature: the Point geometry is the location; properties are either API-like
 * (externalRef, timeWindows …) or CSV-like (external_ref, window_start …).
 */
export function validateFeatureRow(row: number, source: string, timeZone?: string): ParsedRow {
  let feature: unknown;
  try {
    feature = JSON.parse(source);
  } catch (error) {
    return rejected(row, WHOLE_ROW, `is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(feature) || feature.type !== 'Feature') return rejected(row, 'type', 'must be a GeoJSON Feature');
  const properties = feature.properties ?? {};
  if (!isObject(properties)) return rejected(row, 'properties', 'must be an object');

  const readErrors: FieldError[] = [];
  const geometry = feature.geometry;
  const coordinates = isObject(geometry) && geometry.type === 'Point' && Array.isArray(geometry.coordinates) ? geometry.coordinates : undefined;
  // An unlocated feature (geometry null, RFC 7946 §3.2) is geocoded from its address.
  const unlocated = geometry === null || geometry === undefined;
  if (!unlocated && (coordinates === undefined || coordinates.length < 2)) readErrors.push({ field: 'geometry', message: 'must be a Point with coordinates [lon, lat], or null to geocode the address' });
  // A third coordinate (altitude) is allowed by RFC 7946 and irrelevant here.
  const location = coordinates?.slice(0, 2);

  if (Object.keys(properties).some((key) => API_FIELDS.has(key))) {
    const fieldFor = (path: readonly PropertyKey[]) => (path[0] === 'location' ? 'geometry' : fieldOf(path));
    return validate(row, { ...properties, location }, fieldFor, readErrors);
  }
  const record = Object.fromEntries(Object.entries(properties).map(([key, value]) => [normalizeColumnName(key), value]));
  const mapping = mapColumns(record, { geometry: { location }, timeZone });
  return validate(row, mapping.input, (path) => columnFor(mapping, path), [...readErrors, ...mapping.errors]);
}
