import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toAppError } from '../src/error-mapper';
import { conflict } from '../src/errors';
import { RoutingError } from '../src/routing/provider';

describe('the one error mapper (HTTP and sockets)', () => {
  it('keeps an AppError as it is', () => {
    const thrown = conflict('busy');
    expect(toAppError(thrown)).toEqual({ error: thrown, known: true });
  });

  it('shows a down road network as 503 routing_unavailable, wherever the RoutingError escapes', () => {
    const { error, known } = toAppError(new RoutingError('RoutingUnavailable', 'OSRM server at http://osrm:5000 is unreachable'));
    expect(known).toBe(true);
    expect(error.status).toBe(503);
    expect(error.toBody()).toEqual({ error: { code: 'routing_unavailable', message: 'OSRM server at http://osrm:5000 is unreachable', details: [] } });
  });

  it('shows bad coordinates as 400 invalid_input naming the coordinate', () => {
    const { error } = toAppError(new RoutingError('NoSegment', 'Could not find a matching segment for coordinate 2', 2));
    expect(error.status).toBe(400);
    expect(error.toBody().error).toMatchObject({
      code: 'invalid_input',
      details: [{ path: 'coordinates[2]', routingCode: 'NoSegment', message: 'Could not find a matching segment for coordinate 2' }],
    });
  });

  it('names the field of a schema failure', () => {
    const parsed = z.object({ stops: z.array(z.object({ id: z.number() })) }).safeParse({ stops: [{ id: 'x' }] });
    const { error } = toAppError(parsed.error);
    expect(error.status).toBe(400);
    expect(error.details[0]).toMatchObject({ path: 'stops[0].id' });
  });

  it("keeps a body parser's 4xx", () => {
    expect(toAppError(Object.assign(new Error('Unexpected token'), { type: 'entity.parse.failed', status: 400 })).error.toBody().error.code).toBe('invalid_json');
    expect(toAppError(Object.assign(new Error('too large'), { type: 'entity.too.large', status: 413 })).error.status).toBe(413);
    const gzip = toAppError(Object.assign(new Error('incorrect header check'), { code: 'Z_DATA_ERROR', status: 400, expose: true })).error;
    expect([gzip.status, gzip.code]).toEqual([400, 'invalid_encoding']);
    const brotli = toAppError(Object.assign(new Error('Decompression failed'), { code: 'ERR__ERROR_FORMAT_PADDING_2', status: 400, expose: true })).error;
    expect(brotli.code).toBe('invalid_encoding');
    expect(toAppError(Object.assign(new Error('x'), { type: 'encoding.unsupported', status: 415 })).error.code).toBe('unsupported_encoding');
  });

  it("keeps the router's and static serving's 4xx, but not an error's 5xx", () => {
    const uri = toAppError(Object.assign(new URIError("Failed to decode param '%E0'"), { status: 400 })).error;
    expect([uri.status, uri.details[0]?.path]).toEqual([400, 'path']);
    expect(toAppError(Object.assign(new Error('Range Not Satisfiable'), { status: 416, expose: true })).error.code).toBe('range_not_satisfiable');
    expect(toAppError(Object.assign(new Error('disk gone'), { status: 500, expose: false })).known).toBe(false);
    expect(toAppError(Object.assign(new Error('not exposed'), { status: 404 })).known).toBe(false);
  });

  it('turns anything else into a 500 that does not echo the message', () => {
    const { error, known } = toAppError(new TypeError('secret detail'));
    expect(known).toBe(false);
    expect(error.status).toBe(500);
    expect(JSON.stringify(error.toBody())).not.toContain('secret');
  });
});
