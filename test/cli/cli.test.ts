import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSolution } from '../../solver/check';
import { parseSolomon } from '../../solver/format/solomon';
import type { VroomSolution } from '../../solver/model/vroom';

const ROOT = join(import.meta.dirname, '../..');
const C101 = 'data/benchmarks/solomon/c101.txt';
const c101 = parseSolomon(readFileSync(join(ROOT, C101), 'utf8')).problem;
const scratch = mkdtempSync(join(tmpdir(), 'lastmile-cli-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(command, args, { cwd: ROOT, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr: stderr.replace(/^npm warn .*\n/gm, '') });
    });
  });
}
const lastmile = (...args: string[]) => run(process.execPath, ['bin/lastmile.js', ...args]);

describe('lastmile solve', () => {
  it('solves a Solomon file and writes a feasible VROOM solution to stdout', async () => {
    const result = await lastmile('solve', C101, '--format', 'solomon', '--time-limit', '0.5');
    expect(result.code).toBe(0);
    const solution = JSON.parse(result.stdout) as VroomSolution;
    expect(solution.code).toBe(0);
    expect(checkSolution(c101, solution).issues).toEqual([]);
    expect(solution.summary.unassigned + solution.routes.reduce((sum, route) => sum + route.steps.filter((step) => step.type === 'job').length, 0)).toBe(100);
    expect(solution.summary.computing_times?.solving).toBeGreaterThanOrEqual(400);
    expect(solution.stats?.seed).toBe(1);
    expect(result.stderr.trim()).toMatch(/^data\/benchmarks\/solomon\/c101.txt: \d+ routes, 0 unassigned, .* checker: feasible$/);
  });

  it('writes to --output, runs one seed per thread and keeps the best', async () => {
    const output = join(scratch, 'r201.json');
    const result = await lastmile('solve', 'data/benchmarks/solomon/r201.txt', '--time-limit', '0.3', '--threads', '2', '--seed', '5', '--output', output);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('2 threads from seed 5');
    const solution = JSON.parse(readFileSync(output, 'utf8')) as VroomSolution;
    expect([5, 6]).toContain(solution.stats?.seed);
    expect(checkSolution(parseSolomon(readFileSync(join(ROOT, 'data/benchmarks/solomon/r201.txt'), 'utf8')).problem, solution).feasible).toBe(true);
  });

  it('prints progress lines on stderr with --progress', async () => {
    const result = await lastmile('solve', 'data/benchmarks/solomon/rc201.txt', '--time-limit', '1.2', '--progress');
    expect(result.code).toBe(0);
    const lines = result.stderr.trim().split('\n');
    expect(lines.length).toBeGreaterThanOrEqual(2);
    for (const line of lines.slice(0, -1)) expect(line).toMatch(/^seed 1: \d+\.\d s, iteration \d+, best cost [\d.]+, \d+ routes, \d+ unassigned$/);
    expect(lines.at(-1)).toMatch(/checker: feasible$/);
    expect(JSON.parse(result.stdout).code).toBe(0);
  });

  it('solves VROOM JSON, recognised by its extension', async () => {
    const file = join(scratch, 'small.json');
    writeFileSync(
      file,
      JSON.stringify({
        jobs: [
          { id: 10, location_index: 1, service: 60, time_windows: [[0, 150]] },
          { id: 11, location_index: 2, service: 60 },
        ],
        vehicles: [{ id: 3, start_index: 0, end_index: 0, time_window: [0, 1000] }],
        matrices: { car: { durations: [[0, 100, 200], [100, 0, 100], [200, 100, 0]] } },
      }),
    );
    const result = await lastmile('solve', file);
    expect(result.code).toBe(0);
    const solution = JSON.parse(result.stdout) as VroomSolution;
    expect(solution.routes).toHaveLength(1);
    expect(solution.routes[0]!.steps.map((step) => step.id ?? step.type)).toEqual(['start', 10, 11, 'end']);
    expect(solution.summary.cost).toBe(400);
  });

  it('routes a VROOM file that gives coordinates instead of matrices, and checks it the same way', async () => {
    const file = join(scratch, 'coordinates.json');
    writeFileSync(
      file,
      JSON.stringify({
        vehicles: [{ id: 1, start: [8.6724, 49.4093], end: [8.6724, 49.4093], time_window: [28800, 61200] }],
        jobs: [
          { id: 1, location: [8.6944, 49.4106], service: 300 },
          { id: 2, location: [8.7065, 49.4125], service: 300, time_windows: [[32400, 36000]] },
          { id: 3, location: [8.6512, 49.4216], service: 300 },
        ],
      }),
    );
    const result = await lastmile('solve', file, '--routing', 'haversine');
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('matrices for 4 locations from haversine');
    expect(result.stderr).toContain('lastmile: routing locations on straight lines');
    const solution = JSON.parse(result.stdout) as VroomSolution;
    expect(solution.summary.unassigned).toBe(0);
    expect(solution.routes[0]!.steps[0]).toMatchObject({ type: 'start', location_index: 0, location: [8.6724, 49.4093] });
    const saved = join(scratch, 'coordinates-solution.json');
    writeFileSync(saved, result.stdout);
    const checked = await lastmile('check', file, saved, '--routing', 'haversine');
    expect(checked.stdout).toMatch(/^feasible: 1 routes, 0 unassigned/);

    const osrm = await lastmile('solve', file, '--routing', 'osrm');
    expect(osrm.code).toBe(2);
    expect(osrm.stderr.trim()).toBe('lastmile: --routing osrm needs --osrm-url (e.g. http://localhost:5000)');
  });

  it('gives the same solution for the same seed when no time limit is set', async () => {
    const runs = await Promise.all([lastmile('solve', 'data/benchmarks/solomon/rc101.txt', '--seed', '3'), lastmile('solve', 'data/benchmarks/solomon/rc101.txt', '--seed', '3')]);
    const [first, second] = runs.map((result) => {
      expect(result.code).toBe(0);
      const solution = JSON.parse(result.stdout) as VroomSolution;
      delete solution.summary.computing_times;
      return solution;
    });
    expect(second).toEqual(first);
    expect(first!.stats?.seed).toBe(3);
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['a missing file', ['solve', 'nowhere.txt'], /^lastmile: cannot read nowhere.txt: no such file or directory$/],
    ['an unknown format', ['solve', C101, '--format', 'xml'], /--format must be solomon or vroom, got "xml"/],
    ['an unknown option', ['solve', C101, '--fast'], /unknown option --fast/],
    ['a zero time limit', ['solve', C101, '--time-limit', '0'], /--time-limit must be a number > 0, got "0"/],
    ['a fractional thread count', ['solve', C101, '--threads', '1.5'], /--threads must be an integer/],
    ['an unknown extension', ['solve', 'package-lock.yaml'], /pass --format solomon or --format vroom/],
    ['a file in the wrong format', ['solve', 'package.json'], /^lastmile: package.json: invalid problem: \d+ issues: vehicles: is required/],
    ['a Solomon file that is not one', ['solve', 'README.md', '--format', 'solomon'], /^lastmile: README.md: Solomon line \d+/],
    ['an unknown command', ['optimise', C101], /unknown command "optimise"/],
    ['two files to solve', ['solve', C101, C101], /solve takes one input file/],
  ];
  it.concurrent.each(bad)('rejects %s with one line and exit code 2', async (_, args, message) => {
    const result = await lastmile(...args);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    expect(result.stderr.trim()).toMatch(message);
  });
});

describe('lastmile check', () => {
  it('confirms a feasible solution and lists the issues of a tampered one', async () => {
    const solved = await lastmile('solve', C101, '--time-limit', '0.2');
    const good = join(scratch, 'c101.json');
    writeFileSync(good, solved.stdout);
    const ok = await lastmile('check', C101, good);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toMatch(/^feasible: \d+ routes, 0 unassigned, distance [\d.]+, travel time [\d.]+\n$/);

    const tampered = JSON.parse(solved.stdout) as VroomSolution;
    tampered.routes[0]!.steps.splice(1, 1);
    const bad = join(scratch, 'c101-tampered.json');
    writeFileSync(bad, JSON.stringify(tampered));
    const result = await lastmile('check', C101, bad);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^infeasible: /);
    expect(result.stdout).toMatch(/\n {2}missing_task: job \d+ is neither in a route nor unassigned\n/);

    const notASolution = await lastmile('check', C101, 'package.json');
    expect(notASolution.code).toBe(2);
    expect(notASolution.stderr.trim()).toBe('lastmile: package.json: solution: missing "code", "summary", "unassigned", "routes"');
  });
});

describe('npx lastmile', () => {
  it('runs the project’s own bin', async () => {
    const result = await run('npx', ['--no-install', 'lastmile', '--help']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage:\n {2}lastmile solve <file>/);
  });
});

describe('lastmile solve with vehicle steps (VROOM fixtures)', () => {
  const PLAN = 'test/fixtures/vroom/plan-mode-steps.json';
  it('--check-steps evaluates the steps as given and reports VROOM -c violations', async () => {
    const result = await lastmile('solve', PLAN, '--check-steps');
    expect(result.code).toBe(0);
    const solution = JSON.parse(result.stdout) as VroomSolution;
    const vroom = JSON.parse(readFileSync('test/fixtures/vroom/plan-mode-steps.vroom-c.json', 'utf8')) as VroomSolution;
    expect(solution.routes.map((route) => route.steps.map((step) => [step.type, step.id, step.arrival, step.violations]))).toEqual(
      vroom.routes.map((route) => route.steps.map((step) => [step.type, step.id, step.arrival, step.violations])),
    );
    expect(solution.summary.violations).toEqual(vroom.summary.violations);
    expect(result.stderr).toMatch(/steps evaluated, 2 routes, 0 unassigned, cost 14069, violations: delay/);
  });

  it('refuses steps it cannot drive without -c, with VROOM\'s message', async () => {
    const result = await lastmile('solve', PLAN);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toBe(`lastmile: ${PLAN}: Missing skill or step out of reach for vehicle 1 and job 4.`);
  });
});

describe('lastmile start-up and routing defaults', () => {
  it('routes locations on the embedded road network by default, says so, and solves with its travel times', async () => {
    const file = join(scratch, 'default-routing.json');
    const depot = [8.6724, 49.4093];
    writeFileSync(
      file,
      JSON.stringify({
        vehicles: [{ id: 1, start: depot, end: depot }],
        jobs: [{ id: 1, location: [8.6944, 49.4106] }, { id: 2, location: [8.6512, 49.4216] }],
      }),
    );
    const [embedded, straight] = await Promise.all([lastmile('solve', file), lastmile('solve', file, '--routing', 'haversine')]);
    expect(embedded.code).toBe(0);
    expect(embedded.stderr).toContain('lastmile: routing locations on the embedded road network');
    expect(embedded.stderr).toContain('matrices for 3 locations from embedded');
    const onRoads = JSON.parse(embedded.stdout) as VroomSolution;
    const onLines = JSON.parse(straight.stdout) as VroomSolution;
    expect(onRoads.summary.unassigned).toBe(0);
    // Road travel times are the road network's, not the straight lines': the same tour takes another time.
    expect(onRoads.summary.duration).not.toBe(onLines.summary.duration);
  }, 120_000);

  it('runs compiled JavaScript, its solver workers too, rebuilt when a source is newer than the build', async () => {
    const compiled = join(ROOT, 'dist/cli/lastmile.mjs');
    const result = await lastmile('solve', 'data/benchmarks/solomon/c101.txt', '--time-limit', '0.2', '--threads', '2');
    expect(result.code).toBe(0);
    expect(result.stderr).not.toContain('running from TypeScript');
    expect(existsSync(join(ROOT, 'dist/cli/solver-worker.mjs'))).toBe(true);
    // A build older than a source is redone before the CLI runs.
    const past = new Date(statSync(join(ROOT, 'src/cli/main.ts')).mtimeMs - 60_000);
    utimesSync(compiled, past, past);
    expect((await lastmile('--help')).code).toBe(0);
    expect(statSync(compiled).mtimeMs).toBeGreaterThan(past.getTime());
  });
});
