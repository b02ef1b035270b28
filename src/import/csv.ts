/**
 * CSV orders, streamed: csv-parse reads record by record, so a 50,000-row file never sits in memory.
 * The delimiter ("," or ";") is detected from the header line.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CsvError, parse } from 'csv-parse';
import { invalidInput } from '../errors';
import { normalizeColumnName, OPTIONAL_COLUMNS, REQUIRED_COLUMNS } from './columns';
import { validateColumnRow, WHOLE_ROW, type ParsedRow } from './rows';

const HEADER_PEEK_CHARS = 64 * 1024;
/** No order needs more; a stray quote that swallows the rest of the file fails here, early and clearly. */
export const MAX_RECORD_CHARS = 64 * 1024;

/** The delimiter that occurs most often outside quotes in the header line. */
export function detectDelimiter(headerLine: string): ',' | ';' {
  let commas = 0;
  let semicolons = 0;
  let quoted = false;
  for (const char of headerLine) {
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === ',') commas++;
    else if (!quoted && char === ';') semicolons++;
  }
  return semicolons > commas ? ';' : ',';
}

function checkHeader(fields: string[]): string[] {
  const columns = fields.map(normalizeColumnName);
  const missing = REQUIRED_COLUMNS.filter((column) => !columns.includes(column) && !(column === 'address' && columns.includes('street')));
  if (missing.length > 0) {
    // Naming what was found exposes the usual causes: another delimiter (tabs), another language, a title line.
    const found = fields.map((field) => `"${field.slice(0, 40)}"`);
    throw invalidInput(
      `CSV header is missing required column${missing.length > 1 ? 's' : ''}: ${missing.join(', ')} (found ${found.slice(0, 20).join(', ')}${found.length > 20 ? ', …' : ''})`,
      missing.map((column) => ({ path: 'header', message: `missing column "${column}"`, column })),
    );
  }
  const duplicates = columns.filter((column, index) => column !== '' && columns.indexOf(column) !== index);
  if (duplicates.length > 0) {
    throw invalidInput(
      `CSV header repeats column${duplicates.length > 1 ? 's' : ''}: ${[...new Set(duplicates)].join(', ')}`,
      duplicates.map((column) => ({ path: 'header', message: `column "${column}" appears more than once`, column })),
    );
  }
  return columns;
}

/** A trailing delimiter (empty extra cells) is harmless; any other count means the cells are misaligned. */
function alignedWithHeader(fields: string[], columnCount: number): boolean {
  if (fields.length < columnCount) return false;
  for (let index = columnCount; index < fields.length; index++) if (fields[index]!.trim() !== '') return false;
  return true;
}

export async function* csvOrderRows(body: AsyncIterable<string>, timeZone?: string): AsyncGenerator<ParsedRow> {
  const texts = body[Symbol.asyncIterator]();
  let head = '';
  while (!head.includes('\n') && head.length < HEADER_PEEK_CHARS) {
    const next = await texts.next();
    if (next.done) break;
    head += next.value;
  }
  const delimiter = detectDelimiter(head.split('\n', 1)[0]!);

  const parser = parse({
    delimiter,
    relax_column_count: true,
    relax_quotes: true,
    max_record_size: MAX_RECORD_CHARS,
    skip_empty_lines: true,
    // Spreadsheets leave lines of bare delimiters (";;;;") below the data.
    skip_records_with_empty_values: true,
  });
  const text = Readable.from(
    (async function* () {
      if (head !== '') yield head;
      for (let next = await texts.next(); !next.done; next = await texts.next()) yield next.value;
    })(),
    { objectMode: false },
  );
  const piping = pipeline(text, parser);
  // Failures surface through the parser's iteration below; this only keeps the promise from going unhandled.
  piping.catch(() => undefined);

  let columns: string[] | undefined;
  let row = 0;
  try {
    for await (const fields of parser as AsyncIterable<string[]>) {
      if (columns === undefined) {
        columns = checkHeader(fields);
        continue;
      }
      row++;
      if (!alignedWithHeader(fields, columns.length)) {
        yield { row, ok: false, errors: [{ field: WHOLE_ROW, message: `has ${fields.length} fields, the header has ${columns.length}` }] };
        continue;
      }
      const record: Record<string, string> = {};
      for (let index = 0; index < columns.length; index++) if (columns[index] !== '') record[columns[index]!] = fields[index]!;
      yield validateColumnRow(row, record, timeZone);
    }
  } catch (error) {
    if (error instanceof CsvError) {
      throw invalidInput(`CSV is malformed: ${error.message}`, [{ path: 'body', message: error.message }]);
    }
    throw error;
  }
  if (columns === undefined) {
    throw invalidInput(`CSV is empty: expected a header line with the columns ${[...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS].join(', ')}`);
  }
}
