import { describe, expect, it } from 'vitest';
import { AppError } from '../../src/errors';
import { importCharsetFromContentType, importFormatFromContentType, parseOrderRows } from '../../src/import/parse';
import { parseAll } from './fixtures';

const HEADER = 'external_ref,customer_name,address,lon,lat,window_start,window_end';
const WINDOW = '2026-11-24T09:00:00+01:00,2026-11-24T12:00:00+01:00';

async function fileError(text: string, format: 'csv' | 'json' | 'geojson', chunkSizes?: number[]): Promise<AppError> {
  const error = await parseAll(text, format, chunkSizes).then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('importFormatFromContentType', () => {
  it('maps the three media types, ignoring parameters and case', () => {
    expect(importFormatFromContentType('text/csv; charset=utf-8')).toBe('csv');
    expect(importFormatFromContentType('Application/JSON')).toBe('json');
    expect(importFormatFromContentType('application/geo+json')).toBe('geojson');
  });

  it('takes the labels browsers put on .csv uploads as CSV', () => {
    for (const alias of ['application/vnd.ms-excel', 'application/csv', 'text/comma-separated-values']) expect(importFormatFromContentType(alias)).toBe('csv');
  });

  it('refuses anything else with 415 naming the accepted types', () => {
    for (const contentType of ['text/plain', 'application/xml', undefined]) {
      let caught: unknown;
      try {
        importFormatFromContentType(contentType);
      } catch (error) {
        caught = error;
      }
      expect(caught).toMatchObject({ status: 415, code: 'unsupported_media_type' });
      expect((caught as AppError).message).toContain('text/csv, application/json, application/geo+json');
    }
  });
});

describe('importCharsetFromContentType', () => {
  it('defaults to UTF-8, reads quoted and aliased charsets, refuses unknown ones with 415', () => {
    expect(importCharsetFromContentType('text/csv')).toBe('utf-8');
    expect(importCharsetFromContentType('text/csv; charset="Windows-1252"')).toBe('windows-1252');
    expect(importCharsetFromContentType('text/csv;charset=latin1')).toBe('windows-1252');
    expect(() => importCharsetFromContentType('text/csv; charset=klingon')).toThrow(expect.objectContaining({ status: 415, message: expect.stringContaining('klingon') }));
  });
});

describe('text decoding', () => {
  async function* windows1252(text: string) {
    yield Buffer.from([...text].map((char) => (char === '€' ? 0x80 : char.charCodeAt(0))));
  }
  const file = `${HEADER},notes\nA,Müller,Plöck 3,8.6,49.4,${WINDOW},Trinkgeld 5 €\n`;

  it('reads a Windows-1252 spreadsheet export when the charset says so', async () => {
    const rows: unknown[] = [];
    for await (const row of parseOrderRows(windows1252(file), 'csv', { charset: 'windows-1252' })) rows.push(row);
    expect(rows).toMatchObject([{ ok: true, input: { customerName: 'Müller', addressText: 'Plöck 3', notes: 'Trinkgeld 5 €' } }]);
  });

  it('refuses bytes that are not UTF-8 instead of storing replacement characters, hinting at the charset', async () => {
    const error = await (async () => {
      for await (const row of parseOrderRows(windows1252(file), 'csv')) expect(row).toBeDefined();
    })().then(
      () => null,
      (caught: unknown) => caught as AppError,
    );
    expect(error).toMatchObject({ status: 400, code: 'invalid_input' });
    expect(error!.message).toMatch(/^The body is not valid utf-8 .*charset=windows-1252/);
  });
});

describe('CSV import', () => {
  it('names every missing required column in one file-level error', async () => {
    const error = await fileError('external_ref,lon,lat,window_start\nA,1,2,d\n', 'csv');
    expect(error.status).toBe(400);
    expect(error.message).toBe('CSV header is missing required columns: customer_name, address, window_end (found "external_ref", "lon", "lat", "window_start")');
    expect(error.details.map((detail) => detail.column)).toEqual(['customer_name', 'address', 'window_end']);
  });

  it('shows the header it found, which exposes a tab-separated file', async () => {
    const error = await fileError(`${HEADER.replaceAll(',', '\t')}\n`, 'csv');
    expect(error.message).toMatch(/\(found "external_ref\tcustomer_name\t.*"\)$/);
  });

  it('refuses an empty file and a repeated column', async () => {
    expect((await fileError('', 'csv')).message).toMatch(/^CSV is empty/);
    expect((await fileError(`${HEADER},lon\nA,b,c,1,2,${WINDOW},3\n`, 'csv')).message).toBe('CSV header repeats column: lon');
  });

  it('reports an unclosed quote as a malformed file', async () => {
    const error = await fileError(`${HEADER}\nA,b,c,8.6,49.4,${WINDOW}\nB,"open,c,8.6,49.4,${WINDOW}\n`, 'csv');
    expect(error).toMatchObject({ status: 400, code: 'invalid_input' });
    expect(error.message).toMatch(/^CSV is malformed: Quote Not Closed.* line 3/);
  });

  it('stops early at a stray quote that would swallow the rest of the file', async () => {
    const rows = Array.from({ length: 2000 }, (_, index) => `R${index},n,a,8.6,49.4,${WINDOW}`);
    const error = await fileError(`${HEADER}\nA,"stray,c,8.6,49.4,${WINDOW}\n${rows.join('\n')}\n`, 'csv');
    expect(error.message).toMatch(/^CSV is malformed: Max Record Size/);
  });

  it('reads headers in any case and order, a second window, and skips spreadsheet filler lines', async () => {
    const text = [
      'Window End;LON;lat;Address;Customer Name;External-Ref;window_start;window2_start;window2_end;skills',
      '2026-11-24T12:00:00+01:00;8,7;49,4;Markt 1;Anna;A-1;2026-11-24T09:00:00+01:00;2026-11-24T14:00:00+01:00;2026-11-24T16:00:00+01:00;Fridge | heavy',
      ';;;;;;;;;',
      '',
    ].join('\r\n');
    const [row, ...rest] = await parseAll(text, 'csv');
    expect(rest).toEqual([]);
    expect(row).toEqual({
      row: 1,
      ok: true,
      fieldFor: expect.any(Function),
      input: expect.objectContaining({
        externalRef: 'A-1',
        location: [8.7, 49.4],
        requiredSkills: ['Fridge', 'heavy'],
        timeWindows: [
          { start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' },
          { start: '2026-11-24T14:00:00+01:00', end: '2026-11-24T16:00:00+01:00' },
        ],
      }),
    });
  });

  it("places window times without an offset in the depot's time zone, summer and winter", async () => {
    const text = `${HEADER},window2_start,window2_end\nA,b,c,8.6,49.4,2026-11-24 09:00,2026-11-24T12:30:15,2026-07-01 09:00,2026-07-01 10:00+02:00\n`;
    const berlin = { timeZone: 'Europe/Berlin' };
    expect(await parseAll(text, 'csv', undefined, berlin)).toMatchObject([{ ok: false, errors: [{ field: 'window2_end', message: 'Invalid ISO datetime' }] }]);

    const [row] = await parseAll(text.replace('10:00+02:00', '10:00'), 'csv', undefined, berlin);
    expect(row).toMatchObject({
      ok: true,
      input: {
        timeWindows: [
          { start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:30:15+01:00' },
          { start: '2026-07-01T09:00:00+02:00', end: '2026-07-01T10:00:00+02:00' },
        ],
      },
    });
  });

  it('refuses window times without an offset when no time zone applies, saying what to write', async () => {
    const [row] = await parseAll(`${HEADER}\nA,b,c,8.6,49.4,2026-11-24 09:00,2026-11-24T12:00:00+01:00\n`, 'csv');
    expect(row).toEqual({
      row: 1,
      ok: false,
      errors: [{ field: 'window_start', message: '"2026-11-24 09:00" has no UTC offset; write e.g. 2026-11-24T09:00:00+01:00, or import into a depot so its time zone applies' }],
    });
  });

  it('names the window column of a second window that is half filled', async () => {
    const text = `${HEADER},window2_start,window2_end\nA,b,c,8.6,49.4,${WINDOW},2026-11-24T14:00:00+01:00,\n`;
    const [row] = await parseAll(text, 'csv');
    expect(row).toEqual({ row: 1, ok: false, errors: [{ field: 'window2_end', message: 'is required' }] });
  });

  it('reports a number column holding text once, not again as missing', async () => {
    const [row] = await parseAll(`${HEADER},items\nA,b,c,east,49.4,${WINDOW},three\n`, 'csv');
    expect(row).toEqual({
      row: 1,
      ok: false,
      errors: [
        { field: 'lon', message: 'must be a number, got "east"' },
        { field: 'items', message: 'must be a number, got "three"' },
      ],
    });
  });

  it('streams: the first row comes out long before the body has been read', async () => {
    const totalRows = 20_000;
    let chunksRead = 0;
    async function* body() {
      yield `${HEADER}\n`;
      for (let index = 0; index < totalRows; index += 100) {
        chunksRead++;
        yield Array.from({ length: 100 }, (_, offset) => `R${index + offset},n,a,8.6,49.4,${WINDOW}\n`).join('');
      }
    }
    let readAtFirstRow = -1;
    let rows = 0;
    for await (const row of parseOrderRows(body(), 'csv')) {
      if (rows === 0) readAtFirstRow = chunksRead;
      rows++;
      expect(row.ok).toBe(true);
    }
    expect(rows).toBe(totalRows);
    expect(readAtFirstRow).toBeGreaterThan(0);
    expect(readAtFirstRow).toBeLessThan(totalRows / 100 / 4);
  });
});

describe('JSON import', () => {
  const order = { externalRef: 'J-1', customerName: 'Anna', addressText: 'Markt 1', location: [8.7, 49.4], timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }] };

  it('accepts an empty array and a trailing comma, names API paths in errors', async () => {
    expect(await parseAll('  [ ]  ', 'json')).toEqual([]);
    const rows = await parseAll(JSON.stringify([order, { ...order, externalRef: 'J-2', location: [8.7, 95] }]).replace(/]$/, ',]'), 'json');
    expect(rows.map((row) => row.ok)).toEqual([true, false]);
    expect(rows[1]).toMatchObject({ row: 2, errors: [{ field: 'location[1]' }] });
  });

  it('streams: the first order comes out long before the array has been read', async () => {
    const totalOrders = 10_000;
    let chunksRead = 0;
    async function* body() {
      yield '[';
      for (let index = 0; index < totalOrders; index += 100) {
        chunksRead++;
        const orders = Array.from({ length: 100 }, (_, offset) => JSON.stringify({ ...order, externalRef: `J${index + offset}` }));
        yield `${index === 0 ? '' : ','}${orders.join(',')}`;
      }
      yield ']';
    }
    let readAtFirstRow = -1;
    let rows = 0;
    for await (const row of parseOrderRows(body(), 'json')) {
      if (rows === 0) readAtFirstRow = chunksRead;
      rows++;
      expect(row.ok).toBe(true);
    }
    expect(rows).toBe(totalOrders);
    expect(readAtFirstRow).toBe(1);
  });

  it('refuses a document that is not an array, or is cut off, as a whole', async () => {
    expect((await fileError(JSON.stringify(order), 'json')).message).toBe('Import body is not a JSON array of orders: it starts with "{"');
    expect((await fileError(`[${JSON.stringify(order)}, {"externalRef": "x`, 'json')).message).toMatch(/ends unexpectedly after 1 records/);
    expect((await fileError('   ', 'json')).message).toMatch(/it is empty/);
    const endless = `[${JSON.stringify(order)}, {"notes": "${'x'.repeat(100_000)}`;
    expect((await fileError(endless, 'json', [4096])).message).toMatch(/record 2 is longer than 65536 characters/);
  });
});

describe('GeoJSON import', () => {
  const point = (coordinates: unknown) => ({ type: 'Point', coordinates });
  const collection = (features: unknown[], extra: Record<string, unknown> = {}) => JSON.stringify({ type: 'FeatureCollection', ...extra, features });

  it('takes the location from the geometry with CSV-like or API-like properties', async () => {
    const rows = await parseAll(
      collection(
        [
          { type: 'Feature', geometry: point([8.7, 49.4, 112]), properties: { external_ref: 'G-1', customer_name: 'Anna', address: 'Markt 1', window_start: '2026-11-24T09:00:00+01:00', window_end: '2026-11-24T12:00:00+01:00', weight_kg: 2.5, skills: 'fridge|heavy' } },
          { type: 'Feature', geometry: point([8.71, 49.41]), properties: { externalRef: 'G-2', customerName: 'Bert', addressText: 'Markt 2', timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }] } },
        ],
        { name: 'Tuesday [batch]', bbox: [8, 49, 9, 50] },
      ),
      'geojson',
      [7],
    );
    expect(rows).toMatchObject([
      { row: 1, ok: true, input: { externalRef: 'G-1', location: [8.7, 49.4], demand: { weightKg: 2.5, items: 1 }, requiredSkills: ['fridge', 'heavy'] } },
      { row: 2, ok: true, input: { externalRef: 'G-2', location: [8.71, 49.41] } },
    ]);
  });

  it('rejects features without a usable point, naming geometry once, and takes those without any', async () => {
    const properties = { externalRef: 'G-1', customerName: 'Anna', addressText: 'Markt 1', timeWindows: [{ start: '2026-11-24T09:00:00+01:00', end: '2026-11-24T12:00:00+01:00' }] };
    const rows = await parseAll(
      collection([
        { type: 'Feature', geometry: null, properties: { ...properties, externalRef: 'G-0' } },
        { type: 'Feature', geometry: { type: 'LineString', coordinates: [[8, 49], [9, 50]] }, properties },
        { type: 'Feature', geometry: point(['8.7', '49.4']), properties },
        { type: 'Thing' },
      ]),
      'geojson',
    );
    expect(rows.map((row) => (row.ok ? 'ok' : row.errors.map((error) => error.field).join(',')))).toEqual(['ok', 'geometry', 'geometry', 'type']);
    // Unlocated (geometry null): geocoded from its address by the import.
    expect(rows[0]).toMatchObject({ ok: true, input: { externalRef: 'G-0', addressText: 'Markt 1' } });
    expect(rows[0]!.ok && rows[0]!.input.location).toBeUndefined();
  });

  it('refuses a document that is not a FeatureCollection', async () => {
    expect((await fileError('{"type": "Feature", "geometry": null}', 'geojson')).message).toMatch(/"type" is "Feature", expected "FeatureCollection"/);
    expect((await fileError('{"type": "FeatureCollection"}', 'geojson')).message).toMatch(/no "features" array found/);
    expect((await fileError('[]', 'geojson')).message).toMatch(/it starts with "\["/);
  });
});
