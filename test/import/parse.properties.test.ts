import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { REQUIRED_COLUMNS } from '../../src/import/columns';
import type { ParsedRow } from '../../src/import/parse';
import { corruptionArbitrary, csvLine, csvOrderArbitrary, parseAll, windowArbitrary, type Corruption, type CsvOrder } from './fixtures';

// These files carry coordinates; rows without them are geocoded, which the import command tests cover.
const LOCATED_COLUMNS = [...REQUIRED_COLUMNS, 'lon', 'lat'];
const ALL_COLUMNS = [
  ...LOCATED_COLUMNS,
  'window2_start',
  'window2_end',
  'phone',
  'email',
  'service_seconds',
  'weight_kg',
  'items',
  'priority',
  'skills',
  'notes',
];

type PlannedRow = { order: CsvOrder; corruption: Corruption | null; shortBy: number };

const plannedRow = fc.record({
  order: csvOrderArbitrary,
  corruption: fc.option(corruptionArbitrary, { freq: 2 }),
  // Now and then a row loses its last cells: misaligned, so it must be rejected as a whole.
  shortBy: fc.oneof({ weight: 9, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 3 }) }),
});

const fileArbitrary = fc.record({
  rows: fc
    .array(plannedRow, { minLength: 1, maxLength: 25 })
    .map((rows) => rows.map((planned, index): PlannedRow => ({ ...planned, order: planned.order(index) }))),
  columns: fc
    .subarray(ALL_COLUMNS.slice(LOCATED_COLUMNS.length))
    // The second window's columns come as a pair: with only one, every second window would be half given and rightly rejected.
    .filter((optional) => optional.includes('window2_start') === optional.includes('window2_end'))
    .chain((optional) => fc.shuffledSubarray([...LOCATED_COLUMNS, ...optional], { minLength: LOCATED_COLUMNS.length + optional.length })),
  delimiter: fc.constantFrom(',', ';'),
  bom: fc.boolean(),
  quoteAll: fc.boolean(),
  lineBreak: fc.constantFrom('\n', '\r\n'),
  blankLines: fc.boolean(),
  chunkSizes: fc.array(fc.integer({ min: 1, max: 200 }), { minLength: 1, maxLength: 5 }),
});

describe('CSV import parser (properties)', () => {
  it('never throws on bad rows, rejects exactly the bad ones naming the column, and keeps every valid row', async () => {
    await fc.assert(
      fc.asyncProperty(fileArbitrary, async (file) => {
        const lines = [csvLine(file.columns, file.delimiter, file.quoteAll)];
        // A corruption of a column the file does not have cannot show.
        const corruptionOf = (planned: PlannedRow) => (planned.corruption && file.columns.includes(planned.corruption.field) ? planned.corruption : null);
        for (const planned of file.rows) {
          const corruption = corruptionOf(planned);
          const cells = corruption ? corruption.apply(planned.order.cells) : planned.order.cells;
          const values = file.columns.map((column) => cells[column] ?? '');
          lines.push(csvLine(values.slice(0, values.length - planned.shortBy), file.delimiter, file.quoteAll));
          if (file.blankLines) lines.push('');
        }
        const text = (file.bom ? '\uFEFF' : '') + lines.join(file.lineBreak) + file.lineBreak;

        const parsed = await parseAll(text, 'csv', file.chunkSizes);

        expect(parsed.map((row) => row.row)).toEqual(file.rows.map((_, index) => index + 1));
        file.rows.forEach((planned, index) => {
          const row = parsed[index]!;
          if (planned.shortBy > 0) {
            expect(row).toMatchObject({ ok: false, errors: [{ field: 'row' }] });
          } else if (corruptionOf(planned)) {
            expect(row.ok).toBe(false);
            if (!row.ok) expect(row.errors.map((error) => error.field)).toContain(corruptionOf(planned)!.field);
          } else {
            if (!row.ok) throw new Error(`valid row ${row.row} rejected: ${JSON.stringify(row.errors)}\n${lines[index + 1]}`);
            expect(row.input.externalRef).toBe(planned.order.externalRef);
            expect(row.input.location).toEqual([planned.order.lon, planned.order.lat]);
            expect(row.input.customerName).toBe(planned.order.cells.customer_name!.trim());
            expect(row.input.timeWindows[0]).toEqual({ start: planned.order.cells.window_start, end: planned.order.cells.window_end });
            const hasSecondWindow = file.columns.includes('window2_start') && file.columns.includes('window2_end') && planned.order.cells.window2_start !== '';
            expect(row.input.timeWindows).toHaveLength(hasSecondWindow ? 2 : 1);
            if (file.columns.includes('notes') && planned.order.cells.notes !== '') expect(row.input.notes).toBe(planned.order.cells.notes!.trim());
          }
        });
      }),
      { numRuns: 200 },
    );
  });

  it('reads decimal commas in semicolon files the same as decimal points', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: -179_999_999, max: 179_999_999 }), fc.integer({ min: -89_999_999, max: 89_999_999 }), windowArbitrary, async (lonMicro, latMicro, window) => {
        const lon = lonMicro / 1e6;
        const lat = latMicro / 1e6;
        const header = 'external_ref;customer_name;address;lon;lat;window_start;window_end';
        const line = ['r1', 'n', 'a', String(lon).replace('.', ','), String(lat).replace('.', ','), window.start, window.end].join(';');
        const [row] = await parseAll(`${header}\n${line}\n`, 'csv');
        expect(row).toMatchObject({ ok: true, input: { location: [lon, lat] } });
      }),
      { numRuns: 100 },
    );
  });
});

describe('JSON and GeoJSON import parsers (properties)', () => {
  type Order = { externalRef: string; customerName: string; addressText: string; location: [number, number]; timeWindows: { start: string; end: string }[]; notes: string | null };

  /** A valid order; `index` is put in front of its reference so the elements of a file never collide. */
  const validOrder = fc
    .record({
      ref: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
      customerName: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 40 }).filter((text) => text.trim() !== ''),
      addressText: fc.constantFrom('Hauptstraße 1 [Hinterhaus]', 'Bergheimer Str. 7, "Laden"', '{quoted} \\ back'),
      // "+ 0" turns -0 into 0, which is what JSON.stringify writes anyway.
      location: fc.tuple(fc.double({ min: -180, max: 180, noNaN: true }).map((lon) => lon + 0), fc.double({ min: -90, max: 90, noNaN: true }).map((lat) => lat + 0)),
      timeWindows: fc.array(windowArbitrary, { minLength: 1, maxLength: 3 }),
      notes: fc.option(fc.string({ unit: 'grapheme', maxLength: 50 })),
    })
    .map(({ ref, ...order }) => (index: number): Order => ({ externalRef: `${index}-${ref}`, ...order }));

  // Balanced but broken: the scanner still finds where they end, and only they are lost.
  const brokenElement = fc.oneof(
    fc.constantFrom('nope', '{"a": undefined}', "{'single': 1}", '{"a":1,}', '[1 2]', '{"a" 1}'),
    fc.jsonValue().filter((value) => typeof value !== 'object' || value === null || !('externalRef' in value)).map((value) => JSON.stringify(value)),
  );
  const elementsArbitrary = (broken: fc.Arbitrary<string>) =>
    fc
      .array(fc.oneof(validOrder.map((order) => ({ order })), broken.map((text) => ({ broken: text }))), { maxLength: 20 })
      .map((elements) => elements.map((element, index) => ('order' in element ? { order: element.order(index) } : element)));

  const expectRows = (parsed: ParsedRow[], elements: ({ order: Order } | { broken: string })[]) => {
    expect(parsed).toHaveLength(elements.length);
    elements.forEach((element, index) => {
      const row = parsed[index]!;
      expect(row.row).toBe(index + 1);
      if ('order' in element) {
        if (!row.ok) throw new Error(`valid element rejected: ${JSON.stringify(row.errors)}`);
        expect(row.input.externalRef).toBe(element.order.externalRef.trim());
        expect(row.input.location).toEqual(element.order.location);
        expect(row.input.addressText).toBe(element.order.addressText);
      } else {
        expect(row.ok).toBe(false);
      }
    });
  };
  const chunkSizes = fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 1, maxLength: 5 });

  it('JSON: never throws on bad elements and keeps every valid one, however the bytes are split', async () => {
    await fc.assert(
      fc.asyncProperty(elementsArbitrary(brokenElement), fc.constantFrom(0, 2), chunkSizes, async (elements, indent, sizes) => {
        const texts = elements.map((element) => ('order' in element ? JSON.stringify(element.order, null, indent) : element.broken));
        expectRows(await parseAll(`[${texts.join(indent ? ',\n  ' : ',')}]`, 'json', sizes), elements);
      }),
      { numRuns: 150 },
    );
  });

  it('GeoJSON: never throws on bad features and keeps every valid one', async () => {
    const point = (location: unknown) => ({ type: 'Point', coordinates: location });
    const brokenFeature = fc.oneof(
      brokenElement,
      fc.tuple(validOrder, fc.integer({ min: 0, max: 5 })).map(([order, variant]) => {
        const { location, ...properties } = order(0);
        const features = [
          { type: 'Feature', geometry: 'here', properties },
          { type: 'Feature', geometry: { type: 'LineString', coordinates: [location, location] }, properties },
          { type: 'Feature', geometry: point([location[0]]), properties },
          { type: 'Feature', geometry: point(location), properties: [properties] },
          { type: 'Feature', geometry: point([location[0], 91]), properties },
          { ...properties, location },
        ];
        return JSON.stringify(features[variant]);
      }),
    );
    await fc.assert(
      fc.asyncProperty(elementsArbitrary(brokenFeature), chunkSizes, async (elements, sizes) => {
        const features = elements.map((element) => {
          if (!('order' in element)) return element.broken;
          const { location, ...properties } = element.order;
          return JSON.stringify({ type: 'Feature', properties, geometry: point(location) });
        });
        expectRows(await parseAll(`{"type": "FeatureCollection", "features": [${features.join(',')}]}`, 'geojson', sizes), elements);
      }),
      { numRuns: 100 },
    );
  });
});
