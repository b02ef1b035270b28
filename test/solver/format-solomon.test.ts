import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FormatError } from '../../solver/format/format-error';
import { parseSolomon } from '../../solver/format/solomon';
import { HOMBERGER_DIR, SOLOMON_DIR } from './check-fixtures';

const read = (dir: string, file: string) => readFileSync(join(dir, file), 'utf8');
const instanceFiles = (dir: string) => readdirSync(dir).filter((file) => file.endsWith('.txt'));

describe('parseSolomon', () => {
  it('reads c101 with the standard convention', () => {
    const text = read(SOLOMON_DIR, 'c101.txt');
    expect(text).toContain('\r\n');
    const instance = parseSolomon(text);
    expect(instance).toMatchObject({ name: 'C101', vehicleCount: 25, capacity: 200 });
    expect(instance.nodes).toHaveLength(101);

    const { problem } = instance;
    expect(problem.jobs).toHaveLength(100);
    expect(problem.jobs![0]).toEqual({ id: 1, location_index: 1, service: 90, delivery: [10], time_windows: [[912, 967]] });
    expect(problem.vehicles).toHaveLength(25);
    expect(problem.vehicles[0]).toEqual({
      id: 1,
      start_index: 0,
      end_index: 0,
      capacity: [200],
      time_window: [0, 1236],
      costs: { per_hour: 3600 },
    });
    const { durations, distances } = problem.matrices!.car!;
    // Depot (40, 50) to customer 1 (45, 68): unrounded Euclidean.
    expect(durations![0]![1]).toBe(Math.hypot(5, 18));
    expect(distances![1]![0]).toBe(Math.hypot(5, 18));
    expect(durations).toHaveLength(101);
    expect(durations!.every((row) => row.length === 101)).toBe(true);
  });

  it('reads the Homberger header spelling and fleet size', () => {
    const instance = parseSolomon(read(HOMBERGER_DIR, 'C1_2_1.txt'));
    expect(instance).toMatchObject({ name: 'c1_2_1', vehicleCount: 50, capacity: 200 });
    expect(instance.problem.jobs).toHaveLength(200);
  });

  it('reads every instance in the data folder', () => {
    const files = [...instanceFiles(SOLOMON_DIR).map((file) => [SOLOMON_DIR, file]), ...instanceFiles(HOMBERGER_DIR).map((file) => [HOMBERGER_DIR, file])];
    expect(files).toHaveLength(116);
    for (const [dir, file] of files) {
      const { problem, nodes } = parseSolomon(read(dir!, file!));
      expect(problem.jobs!.length, file).toBe(nodes.length - 1);
      expect(problem.jobs!.every((job) => job.time_windows![0]![0] <= job.time_windows![0]![1]), file).toBe(true);
    }
  });

  it('accepts LF line endings too', () => {
    const instance = parseSolomon(read(SOLOMON_DIR, 'r201.txt').replaceAll('\r\n', '\n'));
    expect(instance.problem.jobs).toHaveLength(100);
  });

  const header = 'X1\n\nVEHICLE\nNUMBER     CAPACITY\n  2         50\n\nCUSTOMER\nCUST NO.  XCOORD.   YCOORD.    DEMAND   READY TIME  DUE DATE   SERVICE   TIME\n\n';
  const bad: Array<[string, string, RegExp]> = [
    ['an empty file', '  \r\n', /empty/],
    ['a missing fleet line', 'X1\nVEHICLE\nCUSTOMER\n', /NUMBER CAPACITY/],
    ['a zero fleet', header.replace('  2         50', '  0  50') + '0 0 0 0 0 100 0\n', /NUMBER must be a positive integer/],
    ['a short row', `${header}0 0 0 0 0 100 0\n1 5 5 10 0\n`, /line 11: expected 7 columns/],
    ['a customer out of order', `${header}0 0 0 0 0 100 0\n2 5 5 10 0 50 10\n`, /line 11: expected customer 1, got 2/],
    ['a non-number', `${header}0 0 0 0 0 100 0\n1 5 5x 10 0 50 10\n`, /line 11: "5x" is not a number/],
    ['a window that closes before it opens', `${header}0 0 0 0 0 100 0\n1 5 5 10 60 50 10\n`, /ready time 60 is after due date 50/],
    ['no depot row', header, /no depot row/],
  ];
  it.each(bad)('rejects %s with a clear message', (_, text, message) => {
    expect(() => parseSolomon(text)).toThrow(FormatError);
    expect(() => parseSolomon(text)).toThrow(message);
  });
});
