/**
 * A command's transaction that PostgreSQL rolls back to break a deadlock runs again, so both commands succeed instead
 * of one answering 500. (PGlite runs one transaction at a time: no deadlock to break there.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inTransaction } from '../../src/commands/context';
import { testDatabases } from '../helpers/database';
import { depotInput, startTestApp, type TestApp } from '../helpers/http';

describe.each(testDatabases().filter((backend) => backend.engine === 'postgres'))('a command transaction on $engine', (backend) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await startTestApp(backend);
  });
  afterAll(async () => {
    await app?.close();
  });

  it('runs again when PostgreSQL breaks a deadlock by rolling it back', async () => {
    const [first, second] = await Promise.all([0, 1].map(async (k) => (await app.request('POST', '/api/v1/depots', { body: { ...depotInput, name: `Depot ${k}` } })).body.id as number));
    // Each first attempt takes one depot, waits until the other has taken its own, then asks for the other's.
    let holding = 0;
    let bothHolding!: () => void;
    const barrier = new Promise<void>((resolve) => (bothHolding = resolve));
    const attempts = [0, 0];
    const crosswise = (side: number, mine: number, theirs: number) =>
      inTransaction(app.commands, async (repos) => {
        attempts[side]!++;
        await repos.depots.lockForBooking(mine);
        if (attempts[side] === 1) {
          if (++holding === 2) bothHolding();
          await barrier;
        }
        await repos.depots.lockForBooking(theirs);
        return side;
      });
    expect(await Promise.all([crosswise(0, first, second), crosswise(1, second, first)])).toEqual([0, 1]);
    // One of the two was the deadlock's victim and ran a second time.
    expect(attempts.sort()).toEqual([1, 2]);
  });
});
