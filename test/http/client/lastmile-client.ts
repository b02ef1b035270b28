/**
 * A small client program on openapi-fetch and the types openapi-typescript generates from the served document
 * (./api.d.ts beside it once generated; outside the project's tsconfig for that reason). Compiled with tsc and run against a real server by generated-client.test.ts.
 */
import createClient from 'openapi-fetch';
import type { paths } from './api.js';

/** The server, an admin's API token, and a day ahead (YYYY-MM-DD, Europe/Berlin) to plan. */
const [baseUrl, adminToken, date] = process.argv.slice(2) as [string, string, string];
const fail = (what: string, error: unknown): never => {
  throw new Error(`${what}: ${JSON.stringify(error)}`);
};

const admin = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${adminToken}` } });
const user = await admin.POST('/api/v1/users', { body: { username: 'client-dispatcher', name: 'Client', role: 'dispatcher', password: 'a-long-password-1' } });
if (!user.data) fail('createUser', user.error);

const session = await createClient<paths>({ baseUrl }).POST('/api/v1/auth/login', { body: { username: 'client-dispatcher', password: 'a-long-password-1' } });
if (!session.data) fail('login', session.error);
const api = createClient<paths>({ baseUrl, headers: { authorization: `Bearer ${session.data!.token}` } });

const depots = await api.GET('/api/v1/depots', { params: { query: {} } });
const depotId = depots.data?.items[0]?.id ?? fail('listDepots', depots.error);

const created = await api.POST('/api/v1/orders', {
  body: {
    depotId,
    externalRef: 'client-1',
    customerName: 'Client Customer',
    addressText: 'Plöck 1, Heidelberg',
    location: [8.7, 49.41],
    timeWindows: [{ start: `${date}T09:00:00+01:00`, end: `${date}T17:00:00+01:00` }],
  },
});
if (!created.data) fail('createOrder', created.error);
const order = created.data!;

const listed = await api.GET('/api/v1/orders', { params: { query: { depotId, status: 'received' } } });
if (!listed.data) fail('listOrders', listed.error);

const moved = await api.POST('/api/v1/orders/transitions', { body: { filter: { depotId, status: ['received'] }, status: 'ready' } });
if (!moved.data) fail('transitionOrders', moved.error);

const queued = await api.POST('/api/v1/plans', { body: { date, depotId, timeLimitSeconds: 0.5 } });
if (!queued.data) fail('createPlan', queued.error);
// The plan is JSON or, with ?format=geojson, a FeatureCollection: the document says both, so the client tells them apart.
const getPlan = async () => {
  const answer = await api.GET('/api/v1/plans/{id}', { params: { path: { id: queued.data!.id }, query: { format: 'json' } } });
  return answer.data && 'routes' in answer.data ? answer.data : fail('getPlan', answer.error);
};
let plan = await getPlan();
for (let tries = 0; (plan.status === 'queued' || plan.status === 'running') && tries < 300; tries++) {
  await new Promise((resolve) => setTimeout(resolve, 100));
  plan = await getPlan();
}
const geojson = await api.GET('/api/v1/plans/{id}', { params: { path: { id: plan.id }, query: { format: 'geojson' } } });
const features = geojson.data && 'features' in geojson.data ? geojson.data.features : fail('getPlan geojson', geojson.error);

const optimized = await api.POST('/api/v1/optimize', {
  params: { query: { timeLimitSeconds: 0.2 } },
  body: {
    vehicles: [{ id: 1, start: [8.69, 49.41], end: [8.69, 49.41], capacity: [2] }],
    jobs: [
      { id: 1, location: [8.7, 49.41], delivery: [1] },
      { id: 2, location: [8.68, 49.4], delivery: [1] },
      { id: 3, location: [8.71, 49.42], amount: [1] },
    ],
  },
});
// 200 with the solution (the default) or 202 with a job (?async=true).
const solution = optimized.data && 'code' in optimized.data ? optimized.data : fail('optimize', optimized.error);
const refused = await api.POST('/api/v1/optimize', { body: { vehicles: [] } });

console.log(
  JSON.stringify({
    user: user.data!.username,
    role: session.data!.user.role,
    order: { id: order.id, status: order.status },
    listed: listed.data!.items.map((item) => item.id),
    moved: moved.data!.moved,
    plan: { status: plan.status, stops: plan.routes.flatMap((route) => route.stops.map((stop) => stop.orderId)), stopFeatures: features.filter((feature) => feature.properties.kind === 'stop').length },
    optimize: { code: solution.code, served: solution.routes.flatMap((route) => route.steps.filter((step) => step.type === 'job').map((step) => step.id)), unassigned: solution.unassigned.map((task) => task.id) },
    refused: { status: refused.response.status, code: refused.error?.code },
  }),
);
