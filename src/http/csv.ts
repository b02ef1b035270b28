/** Tables as CSV (RFC 4180): a header line of the first row's keys, numbers as JSON writes them, empty for null. */
import type { Request, Response } from 'express';

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'string' ? value : String(value);
  // A leading =, +, - or @ would run as a formula in a spreadsheet; numbers are left alone.
  const safe = typeof value === 'string' && /^[=+\-@]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function toCsv(rows: readonly Record<string, unknown>[], columns: string[] = Object.keys(rows[0] ?? {})): string {
  return [columns.map(cell).join(','), ...rows.map((row) => columns.map((column) => cell(row[column])).join(','))].join('\r\n') + '\r\n';
}

/** `?format=csv`, or an Accept that prefers text/csv to JSON. */
export function wantsCsv(req: Request, format: string | undefined): boolean {
  if (format) return format === 'csv';
  return req.accepts(['application/json', 'text/csv']) === 'text/csv' && req.get('accept')?.includes('text/csv') === true;
}

export function sendCsv(res: Response, name: string, csv: string): void {
  res.status(200).type('text/csv; charset=utf-8').setHeader('Content-Disposition', `attachment; filename="${name}.csv"`);
  res.send(csv);
}

/** Nested objects as `metric,value` rows with dotted names; arrays of rows by their first field. */
export function flatten(value: unknown, prefix = ''): { metric: string; value: unknown }[] {
  if (value === null || typeof value !== 'object') return [{ metric: prefix, value }];
  if (Array.isArray(value)) {
    return value.flatMap((item: Record<string, unknown>) => {
      const [key, ...rest] = Object.keys(item);
      return rest.flatMap((field) => flatten(item[field], `${prefix}.${String(item[key!])}.${field}`));
    });
  }
  return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
}
