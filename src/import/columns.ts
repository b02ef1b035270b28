/**
 * Flat records (CSV rows, CSV-like GeoJSON properties) mapped onto the API order shape, so they are
 * validated by the same schema as POST /orders; errors are named by column again on the way back.
 */
import type { OrderInput } from '../protocol/orders';

export type ColumnRecord = Record<string, unknown>;
export interface FieldError {
  field: string;
  message: string;
}

export const REQUIRED_COLUMNS = ['external_ref', 'customer_name', 'address', 'lon', 'lat', 'window_start', 'window_end'] as const;
export const OPTIONAL_COLUMNS = ['phone', 'email', 'service_seconds', 'weight_kg', 'volume_l', 'items', 'priority', 'skills', 'notes'] as const;
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
  /** Maps a schema issue path back to a column name. */
  columnFor(path: readonly PropertyKey[]): string;
}

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;
// Spreadsheets in much of Europe export "8,6724" in semicolon-separated files.
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;

/**
 * Reads one record. GeoJSON passes its geometry's location (possibly unusable); otherwise the lon/lat columns are used.
 */
export function mapColumns(record: ColumnRecord, geometry?: { location: unknown }): ColumnMapping {
  const errors: FieldError[] = [];

  const text = (column: string): unknown => {
    const value = record[column];
    if (value === undefined || value === null) return undefined;
    if (typeof value === 'number') return String(value);
    if (typeof value !== 'string') return value;
    const trimmed = value.trim();
    return trimmed === '' ? undefined : trimmed;
  };

  const number = (column: string): unknown => {
    const value = record[column];
    if (typeof value !== 'string') return value ?? undefined;
    const trimmed = value.trim();
    if (trimmed === '') return undefined;
    if (NUMBER.test(trimmed)) return Number(trimmed);
    if (DECIMAL_COMMA.test(trimmed)) return Number(trimmed.replace(',', '.'));
    errors.push({ field: column, message: `must be a number, got "${trimmed.slice(0, 40)}"` });
    return undefined;
  };

  const skills = (): unknown => {
    const value = record.skills;
    if (typeof value !== 'string') return value ?? undefined;
    // Skills are separated by "|" or whitespace (commas would clash with the CSV delimiter).
    return value.split(/[|\s]+/).filter((skill) => skill !== '');
  };

  const windowColumns: number[] = [];
  const timeWindows: { start: unknown; end: unknown }[] = [];
  for (let index = 0; index < MAX_TIME_WINDOWS; index++) {
    const start = text(WINDOW_COLUMNS[index]![0]);
    const end = text(WINDOW_COLUMNS[index]![1]);
    if (start === undefined && end === undefined) continue;
    windowColumns.push(index);
    timeWindows.push({ start, end });
  }

  const input: ColumnMapping['input'] = {};
  // Only cells with a value become fields, so schema defaults apply exactly as for an API body without them.
  const set = (field: keyof OrderInput, value: unknown) => {
    if (value !== undefined) input[field] = value;
  };
  set('externalRef', text('external_ref'));
  set('customerName', text('customer_name'));
  set('customerPhone', text('phone'));
  set('customerEmail', text('email'));
  set('addressText', text('address'));
  set('location', geometry ? geometry.location : [number('lon'), number('lat')]);
  set('timeWindows', timeWindows);
  set('serviceSeconds', number('service_seconds'));
  const demand = { weightKg: number('weight_kg'), volumeL: number('volume_l'), items: number('items') };
  set('demand', Object.values(demand).some((value) => value !== undefined) ? demand : undefined);
  set('priority', number('priority'));
  set('requiredSkills', skills());
  set('notes', text('notes'));

  const columnFor = (path: readonly PropertyKey[]): string => {
    const [head, index, edge] = path;
    if (head === 'location') {
      if (geometry) return 'geometry';
      return index === 1 ? 'lat' : 'lon';
    }
    if (head === 'timeWindows') {
      if (typeof index !== 'number') return 'window_start';
      return windowColumn(windowColumns[index] ?? index, edge === 'end' ? 'end' : 'start');
    }
    const key = head === 'demand' && typeof index === 'string' ? `demand.${index}` : String(head);
    return COLUMN_BY_FIELD[key] ?? key;
  };

  return { input, errors, columnFor };
}
