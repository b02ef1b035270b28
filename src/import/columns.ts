/**
 * Flat records (CSV rows, CSV-like GeoJSON properties) mapped onto the API order shape, so they are
 * validated by the same schema as POST /orders; errors are named by column again on the way back.
 */
import { localClockEpochSeconds, toIsoInZone } from '../domain/time';
import type { OrderInput } from '../protocol/orders';

export type ColumnRecord = Record<string, unknown>;
export interface FieldError {
  field: string;
  message: string;
}

/** `address` may be left out when the file has the address as fields (`street` …). */
export const REQUIRED_COLUMNS = ['external_ref', 'customer_name', 'address', 'window_start', 'window_end'] as const;
/** Without lon/lat (or with them empty) a row is geocoded from its address. */
export const OPTIONAL_COLUMNS = ['lon', 'lat', 'street', 'house_number', 'postcode', 'city', 'phone', 'email', 'service_seconds', 'weight_kg', 'volume_l', 'items', 'priority', 'skills', 'notes'] as const;
/** Further delivery windows: window2_start/window2_end … window10_start/window10_end. */
export const MAX_TIME_WINDOWS = 10;

/** "Window Start", "window-start" and "WINDOW_START" all name the column window_start. */
export function normalizeColumnName(name: string): string {
  return name.trim().toLowerCase().replace(/[\s-]+/g, '_');
}

function windowColumn(index: number, edge: 'start' | 'end'): string {
  return index === 0 ? `window_${edge}` : `window${index + 1}_${edge}`;
}
const WINDOW_COLUMNS = Array.from({ length: MAX_TIME_WINDOWS }, (_, index) => [windowColumn(index, 'start'), windowColumn(index, 'end')] as const);

/** Where each API field came from, so a schema issue can name the column the user wrote. */
const COLUMN_BY_FIELD: Record<string, string> = {
  externalRef: 'external_ref',
  customerName: 'customer_name',
  customerPhone: 'phone',
  customerEmail: 'email',
  addressText: 'address',
  address: 'street',
  'address.street': 'street',
  'address.houseNumber': 'house_number',
  'address.postcode': 'postcode',
  'address.city': 'city',
  serviceSeconds: 'service_seconds',
  'demand.weightKg': 'weight_kg',
  'demand.volumeL': 'volume_l',
  'demand.items': 'items',
  demand: 'weight_kg',
  priority: 'priority',
  requiredSkills: 'skills',
  notes: 'notes',
};

export interface ColumnMapping {
  input: Partial<Record<keyof OrderInput, unknown>>;
  /** Cells that could not even be read (a number column holding text); reported next to schema issues. */
  errors: FieldError[];
  /** Which window columns (0 = window_, 1 = window2_ …) each entry of input.timeWindows came from. */
  windowIndexes: number[];
  /** GeoJSON: the location came from the geometry, not from lon/lat columns. */
  fromGeometry: boolean;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// Spreadsheets in much of Europe export "8,6724" in semicolon-separated files.
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

// Plain functions, not per-row closures: this runs for every one of 50,000 rows.
function textCell(record: ColumnRecord, column: string): unknown {
  const value = record[column];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return String(value);
  if (typeof value !== 'string') return value;
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

function numberCell(record: ColumnRecord, column: string, errors: FieldError[]): unknown {
  const value = record[column];
  if (typeof value !== 'string') return value ?? undefined;
  const trimmed = value.trim();
  if (trimmed === '') return undefined;
  if (NUMBER.test(trimmed)) return Number(trimmed);
  if (DECIMAL_COMMA.test(trimmed)) return Number(trimmed.replace(',', '.'));
  errors.push({ field: column, message: `must be a number, got "${trimmed.slice(0, 40)}"` });
  return undefined;
}

// "2026-11-24 09:00", "2026-11-24T09:00:00": a wall-clock time as spreadsheets write it, without an offset.
const LOCAL_TIME = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2}))?$/;

/** A window time: ISO with offset as is; a local time placed in `timeZone`, or refused with what to send instead. */
function timeCell(record: ColumnRecord, column: string, timeZone: string | undefined, errors: FieldError[]): unknown {
  const value = textCell(record, column);
  const local = typeof value === 'string' ? LOCAL_TIME.exec(value) : null;
  if (local === null) return value;
  if (timeZone === undefined) {
    errors.push({ field: column, message: `"${local[0]}" has no UTC offset; write e.g. ${local[0].slice(0, 10)}T09:00:00+01:00, or import into a depot so its time zone applies` });
    return undefined;
  }
  const [year, month, day, hour, minute, second = '0'] = local.slice(1).map((part) => part ?? '0');
  const date = `${year}-${month}-${day}`;
  return toIsoInZone(localClockEpochSeconds(date, Number(hour) * 3600 + Number(minute) * 60 + Number(second), timeZone), timeZone);
}

/** Both empty: no location, the address is geocoded. */
function lonLatCells(record: ColumnRecord, errors: FieldError[]): unknown {
  const lon = numberCell(record, 'lon', errors);
  const lat = numberCell(record, 'lat', errors);
  return lon === undefined && lat === undefined ? undefined : [lon, lat];
}

/** The address as fields, when the file has them. */
function addressCells(record: ColumnRecord): unknown {
  const fields = { street: textCell(record, 'street'), houseNumber: textCell(record, 'house_number'), postcode: textCell(record, 'postcode'), city: textCell(record, 'city') };
  if (Object.values(fields).every((value) => value === undefined)) return undefined;
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}

function skillsCell(record: ColumnRecord): unknown {
  const value = record.skills;
  if (typeof value !== 'string') return value ?? undefined;
  // Skills are separated by "|" or whitespace (commas would clash with the CSV delimiter).
  return value.split(/[|\s]+/).filter((skill) => skill !== '');
}

export interface MapOptions {
  /** GeoJSON: its geometry's location (possibly unusable); otherwise the lon/lat columns are used. */
  geometry?: { location: unknown };
  /** IANA zone for window times without an offset. */
  timeZone?: string;
}

/** Reads one record. Only cells with a value become fields, so schema defaults apply exactly as for an API body without them. */
export function mapColumns(record: ColumnRecord, { geometry, timeZone }: MapOptions = {}): ColumnMapping {
  const errors: FieldError[] = [];
  const input: ColumnMapping['input'] = {};

  const windowIndexes: number[] = [];
  const timeWindows: { start: unknown; end: unknown }[] = [];
  for (let index = 0; index < MAX_TIME_WINDOWS; index++) {
    const start = timeCell(record, WINDOW_COLUMNS[index]![0], timeZone, errors);
    const end = timeCell(record, WINDOW_COLUMNS[index]![1], timeZone, errors);
    if (start === undefined && end === undefined) continue;
    windowIndexes.push(index);
    timeWindows.push({ start, end });
  }

  const fields: [keyof OrderInput, unknown][] = [
    ['externalRef', textCell(record, 'external_ref')],
    ['customerName', textCell(record, 'customer_name')],
    ['customerPhone', textCell(record, 'phone')],
    ['customerEmail', textCell(record, 'email')],
    ['addressText', textCell(record, 'address')],
    ['location', geometry ? geometry.location : lonLatCells(record, errors)],
    ['address', addressCells(record)],
    ['timeWindows', timeWindows],
    ['serviceSeconds', numberCell(record, 'service_seconds', errors)],
  ];
  const demand = { weightKg: numberCell(record, 'weight_kg', errors), volumeL: numberCell(record, 'volume_l', errors), items: numberCell(record, 'items', errors) };
  if (demand.weightKg !== undefined || demand.volumeL !== undefined || demand.items !== undefined) fields.push(['demand', demand]);
  fields.push(['priority', numberCell(record, 'priority', errors)], ['requiredSkills', skillsCell(record)], ['notes', textCell(record, 'notes')]);
  for (const [field, value] of fields) if (value !== undefined) input[field] = value;

  return { input, errors, windowIndexes, fromGeometry: geometry !== undefined };
}

/** Maps a schema issue path back to the column the user wrote. */
export function columnFor(mapping: ColumnMapping, path: readonly PropertyKey[]): string {
  const [head, index, edge] = path;
  if (head === 'location') {
    if (mapping.fromGeometry) return 'geometry';
    return index === 1 ? 'lat' : 'lon';
  }
  if (head === 'timeWindows') {
    if (typeof index !== 'number') return 'window_start';
    return windowColumn(mapping.windowIndexes[index] ?? index, edge === 'end' ? 'end' : 'start');
  }
  const key = (head === 'demand' || head === 'address') && typeof index === 'string' ? `${head}.${index}` : String(head);
  return COLUMN_BY_FIELD[key] ?? key;
}
