/**
 * The OpenAPI schemas of POST /optimize (src/protocol/vroom.ts) against what is really accepted and answered:
 * the solver's VROOM_KEYS and types, VROOM 1.14's own recorded answers, and the service's answers to the same problems.
 */
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import express from 'express';
import { pino } from 'pino';
import { pinoHttp } from 'pino-http';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import type { z } from 'zod';
import { VROOM_KEYS, type VroomProblem } from '../../solver/index';
import { errorHandler } from '../../src/http/middleware/errors';
import { optimizeRouter } from '../../src/http/routes/optimize.routes';
import { vroomErrorSchema, vroomProblemSchema, vroomSolutionSchema } from '../../src/protocol/vroom';
import { createHaversineProvider } from '../../src/routing/haversine';
import { createPoolSolver } from '../../src/solving/pool-solver';

const FIXTURES = join(import.meta.dirname, '../fixtures/vroom');
const read = (file: string): unknown => JSON.parse(readFileSync(join(FIXTURES, file), 'utf8'));
const problems = readdirSync(FIXTURES).filter((file) => file.endsWith('.json') && !file.includes('.vroom'));
const answers = readdirSync(FIXTURES).filter((file) => /\.vroom(-c)?\.json$/.test(file));
const keysOf = (schema: z.ZodObject) => Object.keys(schema.shape).sort();
const issues = (result: { success: boolean; error?: z.ZodError }) => (result.success ? [] : result.error!.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`));

describe('VROOM schemas in the OpenAPI document', () => {
  it('name exactly the keys the solver accepts, plus the deprecated forms it rewrites', () => {
    const problem = vroomProblemSchema;
    const vehicle = problem.shape.vehicles.element;
    const job = problem.shape.jobs.unwrap().element;
    const shipment = problem.shape.shipments.unwrap().element;
    expect(keysOf(problem)).toEqual([...VROOM_KEYS.problem, 'matrix'].sort());
    expect(keysOf(job)).toEqual([...VROOM_KEYS.job, 'amount'].sort());
    expect(keysOf(shipment)).toEqual([...VROOM_KEYS.shipment].sort());
    expect(keysOf(shipment.shape.pickup)).toEqual([...VROOM_KEYS.shipmentStep].sort());
    expect(keysOf(vehicle)).toEqual([...VROOM_KEYS.vehicle].sort());
    expect(keysOf(vehicle.shape.costs.unwrap())).toEqual([...VROOM_KEYS.costs].sort());
    expect(keysOf(vehicle.shape.breaks.unwrap().element)).toEqual([...VROOM_KEYS.break].sort());
    expect(keysOf(vehicle.shape.steps.unwrap().element)).toEqual([...VROOM_KEYS.step].sort());
    expect(keysOf(vehicle.shape.reload.unwrap())).toEqual([...VROOM_KEYS.reload].sort());
    expect(keysOf(problem.shape.matrices.unwrap().valueType)).toEqual([...VROOM_KEYS.matrix].sort());
    expect(keysOf(problem.shape.options.unwrap())).toEqual([...VROOM_KEYS.options].sort());
  });

  it('describe the solver types (a problem the schema takes is a VroomProblem once normalized)', () => {
    type Documented = Omit<z.output<typeof vroomProblemSchema>, 'matrix'>;
    expectTypeOf<Documented>().toExtend<VroomProblem>();
    expectTypeOf<VroomProblem>().toExtend<z.input<typeof vroomProblemSchema>>();
  });

  it.each(problems)('take the example problem %s', (file) => {
    expect(issues(vroomProblemSchema.safeParse(read(file)))).toEqual([]);
  });

  it.each(answers)("take VROOM's recorded answer %s", (file) => {
    const answer = read(file) as { code: number };
    const schema = answer.code === 0 ? vroomSolutionSchema : vroomErrorSchema.omit({ details: true });
    expect(issues(schema.safeParse(answer))).toEqual([]);
  });

  it('refuse keys VROOM does not define', () => {
    const problem = { vehicles: [{ id: 1, start: [8.68, 49.41], colour: 'red' }], jobs: [{ id: 1, location: [8.69, 49.4], amount: [1] }] };
    expect(issues(vroomProblemSchema.safeParse(problem))).toEqual(['vehicles.0: Unrecognized key: "colour"']);
  });
});

describe('the service answers what the schemas document', () => {
  const solver = createPoolSolver({ threads: 1 });
  let server: http.Server;
  let baseUrl: string;
  beforeAll(async () => {
    const app = express()
      .use(pinoHttp({ logger: pino({ level: 'silent' }) }))
      .use('/api/v1', optimizeRouter({ solver, routing: createHaversineProvider(), authorize: (_req, _res, next) => next() }))
      .use(errorHandler);
    server = http.createServer(app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await solver.close();
  });

  const optimize = async (problem: unknown, query: string) => {
    const response = await fetch(`${baseUrl}/api/v1/optimize?${query}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(problem) });
    return { status: response.status, body: (await response.json()) as unknown };
  };

  it.each(problems)('solves %s into a documented VroomSolution', async (file) => {
    const mode = file.startsWith('plan-mode') ? 'plan' : 'solve';
    const { status, body } = await optimize(read(file), `timeLimitSeconds=0.2&mode=${mode}`);
    expect(status).toBe(200);
    expect(issues(vroomSolutionSchema.safeParse(body))).toEqual([]);
  });

  it('answers a bad problem with a documented VroomError', async () => {
    const { status, body } = await optimize({ vehicles: [{ id: 1, colour: 'red' }] }, '');
    expect(status).toBe(400);
    expect(issues(vroomErrorSchema.safeParse(body))).toEqual([]);
  });
});
