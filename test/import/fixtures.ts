/** Shared helpers for the import tests: chunked bodies, a CSV writer, and generators of order rows. */
import fc from 'fast-check';
import { parseOrderRows, type ImportFormat, type ParsedRow, type ParseOptions } from '../../src/import/parse';

/** The body as byte chunks of the given sizes (cycled), so multi-byte characters and tokens get split. */
export async function* chunked(text: string, sizes: number[] = [64 * 1024]): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(text, 'utf8');
  for (let offset = 0, index = 0; offset < bytes.length; index++) {
    const size = Math.max(1, sizes[index % sizes.length]!);
    yield bytes.subarray(offset, offset + size);
    offset += size;
  }
}

export async function parseAll(text: string, format: ImportFormat, chunkSizes?: number[], options?: ParseOptions): Promise<ParsedRow[]> {
  const rows: ParsedRow[] = [];
  for await (const row of parseOrderRows(chunked(text, chunkSizes), format, options)) rows.push(row);
  return rows;
}

export function csvCell(value: string, delimiter: string, quoteAll: boolean): string {
  const needsQuotes = quoteAll || value.includes('"') || value.includes(delimiter) || /[\r\n]/.test(value) || value !== value.trim();
  return needsQuotes ? `"${value.replaceAll('"', '""')}"` : value;
}

export function csvLine(cells: string[], delimiter: string, quoteAll = false): string {
  return cells.map((cell) => csvCell(cell, delimiter, quoteAll)).join(delimiter);
}

/** A valid order as CSV cells keyed by column. */
export interface CsvOrder {
  externalRef: string;
  cells: Record<string, string>;
  lon: number;
  lat: number;
}

const isoWithOffset = (epochSeconds: number, offsetMinutes: number): string => {
  if (offsetMinutes === 0) return new Date(epochSeconds * 1000).toISOString().replace('.000Z', 'Z');
  const local = new Date((epochSeconds + offsetMinutes * 60) * 1000).toISOString().slice(0, 19);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const minutes = Math.abs(offsetMinutes);
  return `${local}${sign}${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
};

/** Text a user might type: any Unicode, delimiters, quotes and line breaks included; never blank. */
const freeText = (maxLength: number) =>
  fc
    .oneof(fc.string({ unit: 'grapheme', maxLength }), fc.stringMatching(/^[a-zA-Z0-9 ,;"'\n|äöüß]{1,30}$/))
    .filter((text) => text.trim().length > 0 && text.trim().length <= maxLength);

export const windowArbitrary = fc
  .record({
    startEpochSeconds: fc.integer({ min: 1_750_000_000, max: 1_900_000_000 }),
    durationSeconds: fc.integer({ min: 60, max: 12 * 3600 }),
    offsetMinutes: fc.constantFrom(0, 60, 120, -300, 330),
  })
  .map(({ startEpochSeconds, durationSeconds, offsetMinutes }) => ({
    start: isoWithOffset(startEpochSeconds, offsetMinutes),
    end: isoWithOffset(startEpochSeconds + durationSeconds, offsetMinutes),
  }));

/** A valid order; `index` is put in front of its reference so the rows of a file never collide. */
export const csvOrderArbitrary = fc
    .record({
      ref: freeText(20),
      name: freeText(60),
      address: freeText(80),
      // "+ 0" turns -0 into 0, which is what String() writes anyway.
      lon: fc.double({ min: -180, max: 180, noNaN: true }).map((lon) => lon + 0),
      lat: fc.double({ min: -90, max: 90, noNaN: true }).map((lat) => lat + 0),
      window: windowArbitrary,
      second: fc.option(windowArbitrary),
      // Possible numbers only: the schema normalises phones to E.164 and refuses the rest.
      phone: fc.option(fc.constantFrom('+49 6221 123456', '06221 5550100', '+44 20 7946 0958')),
      email: fc.option(fc.constantFrom('a@example.com', 'kunde.x@beispiel.de')),
      serviceSeconds: fc.option(fc.integer({ min: 0, max: 3600 })),
      weightKg: fc.option(fc.double({ min: 0, max: 1000, noNaN: true })),
      items: fc.option(fc.integer({ min: 0, max: 50 })),
      priority: fc.option(fc.integer({ min: 0, max: 100 })),
      skills: fc.array(fc.stringMatching(/^[a-z0-9_-]{1,10}$/), { maxLength: 3 }),
      skillSeparator: fc.constantFrom('|', ' ', ' | '),
      notes: fc.option(freeText(100)),
    })
    .map((order) => (index: number): CsvOrder => {
      const externalRef = `${index}-${order.ref.trim()}`;
      const optional = <T>(value: T | null, text: (value: T) => string = String) => (value === null ? '' : text(value));
      return {
        externalRef,
        lon: order.lon,
        lat: order.lat,
        cells: {
          external_ref: externalRef,
          customer_name: order.name,
          address: order.address,
          lon: String(order.lon),
          lat: String(order.lat),
          window_start: order.window.start,
          window_end: order.window.end,
          window2_start: optional(order.second, (window) => window.start),
          window2_end: optional(order.second, (window) => window.end),
          phone: optional(order.phone),
          email: optional(order.email),
          service_seconds: optional(order.serviceSeconds),
          weight_kg: optional(order.weightKg),
          items: optional(order.items),
          priority: optional(order.priority),
          skills: order.skills.join(order.skillSeparator),
          notes: optional(order.notes),
        },
      };
    });

/** A corruption that makes a valid row invalid, and the column the rejection must name. */
export interface Corruption {
  field: string;
  apply(cells: Record<string, string>): Record<string, string>;
}

const replaceCell = (field: string, value: string): Corruption => ({ field, apply: (cells) => ({ ...cells, [field]: value }) });

export const corruptionArbitrary: fc.Arbitrary<Corruption> = fc.oneof(
  fc.stringMatching(/^[a-z]{1,8}$/).map((word) => replaceCell('lon', word)),
  fc.double({ min: 90.001, max: 1e6, noNaN: true }).map((lat) => replaceCell('lat', String(-lat))),
  fc.constantFrom('tomorrow', '2026-11-24 09:00', '24.11.2026').map((text) => replaceCell('window_start', text)),
  fc.constant<Corruption>({ field: 'window_end', apply: (cells) => ({ ...cells, window_end: cells.window_start! }) }),
  fc.constantFrom('', '   ').map((blank) => replaceCell('external_ref', blank)),
  fc.constantFrom('-1', '2.5').map((items) => replaceCell('items', items)),
  fc.integer({ min: 101, max: 10_000 }).map((priority) => replaceCell('priority', String(priority))),
  fc.constantFrom('kühl', 'a!b', 'x/y').map((skill) => replaceCell('skills', skill)),
  fc.constantFrom('no-at-sign', 'a@b').map((email) => replaceCell('email', email)),
  fc.constant(replaceCell('customer_name', '')),
);
