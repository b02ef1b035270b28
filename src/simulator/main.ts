/**
 * `npm run simulate`: drives the demo's drivers on a running service (credentials from
 * DATA_DIR/demo-credentials.json, written on first start).
 *
 *   npm run simulate -- [--url http://127.0.0.1:3000] [--drivers 10] [--speedup 20] [--noise 8] [--failure-rate 0.05] [--seed 1]
 */
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { systemClock } from '../domain/clock';
import { seededRandom } from '../seed/random';
import { readCredentials } from '../seed/credentials';
import { runSimulation } from './index';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: `http://127.0.0.1:${process.env.PORT ?? 3000}` },
    drivers: { type: 'string' },
    speedup: { type: 'string', default: '20' },
    noise: { type: 'string', default: '8' },
    'failure-rate': { type: 'string', default: '0.05' },
    seed: { type: 'string', default: '1' },
  },
});

const file = join(process.env.DATA_DIR ?? './var', 'demo-credentials.json');
const credentials = readCredentials(file);
if (!credentials) {
  console.error(`No demo credentials at ${file}: start the service once (npm start) so it seeds the demo.`);
  process.exit(1);
}
const speedup = Number(values.speedup);
const noiseMeters = Number(values.noise);
const failureRate = Number(values['failure-rate']);
if (!(speedup >= 1) || !(noiseMeters >= 0) || !(failureRate >= 0 && failureRate <= 1)) {
  console.error('--speedup must be ≥ 1, --noise ≥ 0 and --failure-rate between 0 and 1');
  process.exit(1);
}
const drivers = credentials.drivers.slice(0, values.drivers === undefined ? undefined : Number(values.drivers));
const controller = new AbortController();
process.on('SIGINT', () => controller.abort());

console.log(`simulating ${drivers.length} drivers on ${values.url} at ×${speedup}; Ctrl-C stops`);
const summaries = await runSimulation({
  drivers,
  office: { username: credentials.admin.username, password: credentials.admin.password },
  options: {
    url: values.url,
    // A service on the system's clock: the fixes carry the real time (a DEMO=1 service drives its own vans).
    clock: systemClock,
    speedup,
    noiseMeters,
    failureRate,
    dwellSeconds: 180,
    reportEverySeconds: 5,
    random: seededRandom(Number(values.seed)),
    signal: controller.signal,
    log: (message) => console.log(message),
  },
});
const total = summaries.reduce((sum, s) => ({ delivered: sum.delivered + s.delivered, failed: sum.failed + s.failed, positions: sum.positions + s.positions }), { delivered: 0, failed: 0, positions: 0 });
console.log(`done: ${total.delivered} delivered, ${total.failed} failed, ${total.positions} positions reported`);
