/**
 * Does login time tell which usernames exist? 50 logins with a known username and a wrong password, 50 with an
 * unknown username, interleaved, against the HTTP stack on embedded PGlite; mean and p50 of each and their ratio.
 * Reference: before the dummy hash an unknown user answered in 85 ms against 656 ms for a known one (ratio 7.7);
 * the bar is a ratio within 10 % of 1.
 *
 *   npm run bench:login [-- tries=50]
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { unlimitedRateLimits } from '../src/auth/rate-limits';
import { migrateToLatest, openDatabase } from '../src/db/database';
import { systemClock } from '../src/domain/clock';
import { EventBus } from '../src/domain/events';
import { createApp } from '../src/http/app';
import { createLogger } from '../src/logger';
import { ensureAdmin } from '../src/seed/credentials';

const tries = Number(process.argv[2] ?? 50);
const adminToken = 'benchmark-admin-token-0123456789';

const database = openDatabase({ engine: 'pglite' });
await migrateToLatest(database.knex);
const commands = { db: database.knex, events: new EventBus(), clock: systemClock };
await ensureAdmin(commands, adminToken);
// Neither the lock-out nor the rate limits may answer for the hash: both set out of reach.
const app = createApp({ database, commands, logger: createLogger('silent'), lockout: { attempts: 1_000_000, minutes: 1 }, limits: unlimitedRateLimits });
const server = createServer(app);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const created = await fetch(`${url}/api/v1/users`, {
  method: 'POST',
  headers: { authorization: `Bearer ${adminToken}`, 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'known-user', name: 'Known', role: 'dispatcher', password: 'the-right-password' }),
});
if (created.status !== 201) throw new Error(`creating the user failed: ${created.status}`);

async function attempt(username: string): Promise<number> {
  const started = performance.now();
  const response = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: 'a-wrong-password' }) });
  await response.text();
  if (response.status !== 401) throw new Error(`expected 401, got ${response.status}`);
  return performance.now() - started;
}

// Warm-up: the first hash of each kind pays for JIT and the dummy hash.
await attempt('known-user');
await attempt('nobody-here');
const known: number[] = [];
const unknown: number[] = [];
for (let k = 0; k < tries; k++) {
  known.push(await attempt('known-user'));
  unknown.push(await attempt(`nobody-${k}`));
}
const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
const p50 = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ratio = mean(unknown) / mean(known);

console.log(`\nLogin timing, ${tries} tries each (wrong password), HTTP on PGlite\n`);
console.log('| username | mean ms | p50 ms | reference (before) |');
console.log('| --- | ---: | ---: | ---: |');
console.log(`| known | ${mean(known).toFixed(1)} | ${p50(known).toFixed(1)} | 656 |`);
console.log(`| unknown | ${mean(unknown).toFixed(1)} | ${p50(unknown).toFixed(1)} | 85 |`);
console.log(`| ratio unknown / known | ${ratio.toFixed(3)} | | 0.13 (bar: 0.90–1.10) |`);
console.log(`\n${Math.abs(ratio - 1) <= 0.1 ? 'within' : 'OUTSIDE'} 10 %`);

server.close();
await database.close();
