/**
 * A generated client against the served document: openapi-typescript turns GET /api/v1/openapi.json into types,
 * tsc compiles ./client/lastmile-client.ts (openapi-fetch) against them, and the compiled program logs in, creates
 * an order, lists orders, plans the day and optimizes a VROOM problem on a real server. A call the document does
 * not have must not compile, so the types are the document's and not `any`.
 */
import { execFile } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { localDate, nextDate } from '../../src/domain/time';
import { testDatabases } from '../helpers/database';
import { adminToken, depotInput } from '../helpers/http';
import { startFullService, type FullService } from '../helpers/service';

const root = join(import.meta.dirname, '..', '..');
/** Tomorrow at the depot, so the plan's day is still ahead whenever the suite runs. */
const planDate = nextDate(localDate(depotInput.timeZone, Date.now() / 1000));

/** tsc with the project's strictness; the diagnostics as text, empty when it compiled. */
function compile(dir: string, files: string[]): string[] {
  const program = ts.createProgram(
    files.map((file) => join(dir, file)),
    { strict: true, noUncheckedIndexedAccess: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.NodeNext, moduleResolution: ts.ModuleResolutionKind.NodeNext, outDir: join(dir, 'out'), skipLibCheck: true, types: ['node'], typeRoots: [join(root, 'node_modules/@types')] },
  );
  const emitted = program.emit();
  return ts.getPreEmitDiagnostics(program).concat(emitted.diagnostics).map((diagnostic) => `${diagnostic.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n')}`);
}

describe.each(testDatabases())('a client generated from the OpenAPI document on $engine', (backend) => {
  let service: FullService;
  let dir: string;
  beforeAll(async () => {
    service = await startFullService(backend);
    dir = mkdtempSync(join(tmpdir(), 'lastmile-client-'));
    // The program resolves openapi-fetch and @types/node from the project, as a client project's own would.
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
    copyFileSync(join(import.meta.dirname, 'client', 'lastmile-client.ts'), join(dir, 'lastmile-client.ts'));
  }, 120_000);
  afterAll(async () => {
    await service?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('generates types from the served document, compiles against them and works end to end', { timeout: 120_000 }, async () => {
    const document = await (await fetch(`${service.url}/api/v1/openapi.json`)).json();
    writeFileSync(join(dir, 'api.d.ts'), astToString(await openapiTS(document)));
    expect(compile(dir, ['lastmile-client.ts'])).toEqual([]);

    const { stdout } = await promisify(execFile)(process.execPath, [join(dir, 'out', 'lastmile-client.js'), service.url, adminToken, planDate], { timeout: 60_000 });
    const result = JSON.parse(stdout) as {
      user: string;
      role: string;
      order: { id: number; status: string };
      listed: number[];
      moved: number[];
      plan: { status: string; stops: number[]; stopFeatures: number };
      optimize: { code: number; served: number[]; unassigned: number[] };
      refused: { status: number; code: number };
    };
    expect(result.user).toBe('client-dispatcher');
    expect(result.role).toBe('dispatcher');
    expect(result.order.status).toBe('received');
    const orders = [...service.orderIds, result.order.id].sort((a, b) => a - b);
    expect([...result.listed].sort((a, b) => a - b)).toEqual(orders);
    expect([...result.moved].sort((a, b) => a - b)).toEqual(orders);
    expect(result.plan.status).toBe('succeeded');
    // The day planned is the new order's: the service's own orders are on another day.
    expect(result.plan.stops).toEqual([result.order.id]);
    expect(result.plan.stopFeatures).toBe(1);
    // Capacity 2 for three deliveries (one in VROOM's deprecated `amount`): one stays unassigned.
    expect(result.optimize.code).toBe(0);
    expect(result.optimize.served).toHaveLength(2);
    expect([...result.optimize.served, ...result.optimize.unassigned].sort()).toEqual([1, 2, 3]);
    expect(result.refused).toEqual({ status: 400, code: 2 });
  });

  it('does not compile a call the document does not have', () => {
    writeFileSync(join(dir, 'wrong.ts'), `import createClient from 'openapi-fetch';\nimport type { paths } from './api.js';\nconst api = createClient<paths>({ baseUrl: '' });\nawait api.GET('/api/v1/parcels');\nawait api.POST('/api/v1/plans', { body: { date: '2026-11-24' } });\n`);
    const errors = compile(dir, ['wrong.ts']);
    expect(errors, errors.join('\n')).toHaveLength(2);
    expect(errors.join('\n')).toMatch(/depotId/);
  });
});
