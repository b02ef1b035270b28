import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSolomon } from '../../solver/format/solomon';
import { validateProblem } from '../../solver/validate';
import { SOLOMON_DIR } from './check-fixtures';

const small = () => ({
  jobs: [
    { id: 1, location_index: 1, service: 60, delivery: [1], time_windows: [[0, 100]], priority: 10, skills: [1] },
    { id: 2, location_index: 2, pickup: [2] },
  ],
  shipments: [{ amount: [1], pickup: { id: 1, location_index: 1 }, delivery: { id: 1, location_index: 2 } }],
  vehicles: [
    {
      id: 7,
      start_index: 0,
      end_index: 0,
      capacity: [4],
      skills: [1],
      time_window: [0, 1000],
      breaks: [{ id: 1, time_windows: [[200, 300]], service: 30 }],
      steps: [{ type: 'start' }, { type: 'job', id: 2, locked: true }, { type: 'break', id: 1 }, { type: 'end' }],
    },
  ],
  matrices: {
    car: {
      durations: [
        [0, 10, 20],
        [10, 0, null],
        [20, 10, 0],
      ],
    },
  },
});

const at = (problem: unknown) => validateProblem(problem).map((issue) => `${issue.code} ${issue.path}`);

describe('validateProblem', () => {
  it('accepts a valid problem with every kind of field (null marks a pair without road)', () => {
    expect(validateProblem(small())).toEqual([]);
  });

  it('accepts every Solomon instance as parsed', () => {
    for (const name of ['c101', 'r211', 'rc105']) {
      expect(validateProblem(parseSolomon(readFileSync(join(SOLOMON_DIR, `${name}.txt`), 'utf8')).problem)).toEqual([]);
    }
  });

  it('rejects something that is not a problem', () => {
    for (const value of [null, 42, 'jobs', []]) expect(at(value)).toEqual(['invalid_type ']);
    expect(at({})).toEqual(['missing_field vehicles', 'missing_matrix matrices']);
  });

  it('reports every issue at once, each with its path', () => {
    const problem = small() as ReturnType<typeof small> & Record<string, unknown>;
    const jobs = problem.jobs as Record<string, unknown>[];
    jobs[0]!.time_windows = [[100, 50], [0, 10], 'soon'];
    jobs[0]!.priority = 101;
    jobs[0]!.delivery = [1, 2];
    jobs[1]!.id = 1;
    jobs[1]!.location_index = 3;
    jobs[1]!.service = -5;
    jobs.push({ id: 3, location: [8.6, 49.4] });
    const vehicle = problem.vehicles[0] as Record<string, unknown>;
    vehicle.capacity = ['4'];
    vehicle.start_index = undefined;
    vehicle.end_index = undefined;
    vehicle.speed_factor = 0;
    vehicle.steps = [{ type: 'job', id: 9 }, { type: 'job', id: 1 }, { type: 'job', id: 1 }, { type: 'teleport' }];

    expect(at(problem)).toEqual([
      'dimension_mismatch jobs[0].delivery',
      'invalid_value jobs[0].priority',
      'invalid_time_window jobs[0].time_windows[0]',
      'invalid_time_window jobs[0].time_windows[2]',
      'duplicate_id jobs[1].id',
      'index_out_of_range jobs[1].location_index',
      'invalid_value jobs[1].service',
      'missing_field jobs[2].location_index',
      'missing_field vehicles[0]',
      'invalid_type vehicles[0].capacity[0]',
      'invalid_value vehicles[0].speed_factor',
      'unknown_step vehicles[0].steps[0].id',
      'duplicate_step vehicles[0].steps[2]',
      'invalid_value vehicles[0].steps[3].type',
    ]);
  });

  it('explains what is expected in each message', () => {
    const problem = small();
    problem.jobs[1]!.location_index = 5;
    (problem.jobs[0] as Record<string, unknown>).location_index = undefined;
    (problem.jobs[0] as Record<string, unknown>).location = [8.6, 49.4];
    const messages = Object.fromEntries(validateProblem(problem).map((issue) => [issue.path, issue.message]));
    expect(messages['jobs[1].location_index']).toBe('is 5, but the matrices have 3 locations (0..2)');
    expect(messages['jobs[0].location_index']).toMatch(/required.*routing step/);
  });

  it('reports matrices that are missing, not square, mismatched or hold bad entries', () => {
    const problem = small() as Record<string, unknown>;
    problem.matrices = { car: { durations: [[0, 1], [1, 0, 3], 'x'], distances: [[0, -1, NaN], [1, 0, 1], [1, 1, 0]] } };
    expect(at(problem)).toEqual([
      'matrix_shape matrices.car.durations[0]',
      'invalid_type matrices.car.durations[2]',
      'matrix_value matrices.car.distances[0][1]',
      'matrix_value matrices.car.distances[0][2]',
    ]);

    const twoProfiles = small();
    (twoProfiles.vehicles[0] as Record<string, unknown>).profile = 'bike';
    expect(at(twoProfiles)).toEqual(['missing_matrix matrices.bike']);

    twoProfiles.matrices = { ...twoProfiles.matrices, bike: { durations: [[0]] } } as typeof twoProfiles.matrices;
    twoProfiles.vehicles.push({ ...twoProfiles.vehicles[0]!, id: 8, profile: 'car', steps: [] } as never);
    expect(at(twoProfiles)).toEqual(['matrix_shape matrices.car.durations']);
  });

  it('reports shipments without a side, and break steps of another vehicle', () => {
    const problem = small() as Record<string, unknown>;
    (problem.shipments as Record<string, unknown>[])[0]!.delivery = undefined;
    const vehicles = problem.vehicles as Record<string, unknown>[];
    vehicles.push({ id: 8, start_index: 0, steps: [{ type: 'break', id: 1 }, { type: 'pickup', id: 1 }] });
    expect(at(problem)).toEqual(['missing_field shipments[0].delivery', 'unknown_step vehicles[1].steps[0].id']);
  });

  it('caps a flood of identical issues', () => {
    const size = 30;
    const problem = small() as Record<string, unknown>;
    problem.matrices = { car: { durations: Array.from({ length: size }, () => Array.from({ length: size }, () => -1)) } };
    const issues = validateProblem(problem);
    expect(issues).toHaveLength(201);
    expect(issues.at(-1)!.code).toBe('too_many_issues');
  });
});
