/**
 * Replays OSRM's recorded Heidelberg responses (test/fixtures/osrm, copied from ../shared/fixtures/osrm)
 * from a local HTTP server, so the OSRM provider is tested against real bodies without an OSRM server.
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface OsrmFixture {
  request: string;
  status: number;
  response: Record<string, unknown>;
  points?: { lon: number; lat: number }[];
}

const fixtureDir = new URL('../fixtures/osrm/heidelberg/', import.meta.url);
export const loadFixture = (name: string): OsrmFixture => JSON.parse(readFileSync(new URL(`${name}.json`, fixtureDir), 'utf8'));

export type Reply = { status: number; body: unknown } | 'hang';

export interface TestServer {
  baseUrl: string;
  /** Every request the server received, in order. */
  requests: URL[];
  close(): Promise<void>;
}

export async function startServer(reply: (url: URL, requestNumber: number) => Reply): Promise<TestServer> {
  const requests: URL[] = [];
  const server = http.createServer({ maxHeaderSize: 256 * 1024 }, (request, response) => {
    const url = new URL(request.url!, 'http://replay');
    requests.push(url);
    const answer = reply(url, requests.length);
    if (answer === 'hang') return;
    response.writeHead(answer.status, { 'content-type': 'application/json' });
    response.end(JSON.stringify(answer.body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const pathOf = (request: string) => request.split('?')[0];

/**
 * Answers a recorded request by its path (the coordinates), and any /table request over the recorded table
 * points by slicing table-200, the way OSRM would answer that subset: this is what chunked requests need.
 */
export function replay(fixtures: OsrmFixture[]): (url: URL) => Reply {
  const table = loadFixture('table-200');
  const tablePoints = loadFixture('table-points').points!;
  const pointIndex = new Map(tablePoints.map(({ lon, lat }, index) => [`${lon},${lat}`, index]));
  const tableBody = table.response as { durations: number[][]; distances: number[][]; sources: unknown[]; destinations: unknown[] };

  return (url) => {
    const path = decodeURIComponent(url.pathname);
    const recorded = fixtures.find((fixture) => pathOf(fixture.request) === path);
    if (recorded) return { status: recorded.status, body: recorded.response };
    if (path.startsWith('/table/v1/driving/')) {
      const indexes = path
        .slice('/table/v1/driving/'.length)
        .split(';')
        .map((pair) => pointIndex.get(pair.split(',').map(Number).join(',')));
      if (indexes.every((index) => index !== undefined)) {
        const pick = (name: string) => url.searchParams.get(name)?.split(';').map((local) => indexes[Number(local)]!) ?? (indexes as number[]);
        const rows = pick('sources');
        const columns = pick('destinations');
        return {
          status: 200,
          body: {
            code: 'Ok',
            durations: rows.map((i) => columns.map((j) => tableBody.durations[i][j])),
            distances: rows.map((i) => columns.map((j) => tableBody.distances[i][j])),
            sources: rows.map((i) => tableBody.sources[i]),
            destinations: columns.map((j) => tableBody.destinations[j]),
          },
        };
      }
    }
    return { status: 400, body: { code: 'InvalidQuery', message: `no recorded response for ${path}` } };
  };
}
