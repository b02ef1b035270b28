import { describe, expect, it } from 'vitest';
import { reads } from '../../src/commands/context';
import { nowEpochSeconds, scaledClock, systemClock, type Clock } from '../../src/domain/clock';
import { localClockEpochSeconds, localDate } from '../../src/domain/time';
import { demoClock, demoTimeZone, loadDemoLocations, seedDemo } from '../../src/seed/demo';
import { runDemoDay } from '../../src/simulator/demo-day';
import { testDatabases } from '../helpers/database';
import { startFullService } from '../helpers/service';

const locations = loadDemoLocations('data/demo/heidelberg-locations.json');
const speed = 600;

async function until<T>(what: string, read: () => Promise<T | undefined>, timeoutMs = 45_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe.each(testDatabases())('DEMO=1 day on $engine', (backend) => {
  // Started at any hour (and on the day clocks go back), the demo drives today's date.
  it.each([
    ['2026-12-03', 5 * 3600],
    ['2026-12-03', 13 * 3600],
    ['2026-12-03', 23.5 * 3600],
    ['2026-10-25', 5 * 3600],
  ])('started on %s at %i s past local midnight: plans, dispatches and drives that date', async (date, secondsOfDay) => {
    // The system's clock pinned at that local time, running on in real time from there.
    const base = scaledClock(systemClock, localClockEpochSeconds(date, secondsOfDay, demoTimeZone) * 1000, 1);
    let clock: Clock = base;
    const service = await startFullService(backend, {}, { clock: { nowMs: () => clock.nowMs() }, fleet: false });
    const controller = new AbortController();
    try {
      clock = await demoClock(reads(service.commands), base, speed);
      const startedAt = nowEpochSeconds(clock);
      expect(localDate(demoTimeZone, startedAt)).toBe(date);
      const drivers = (await seedDemo(service.commands, { locations, orderCount: 10, vehicleCount: 2 }))!;
      const run = runDemoDay({
        url: service.url,
        credentials: { admin: { username: 'admin', password: service.adminPassword, apiToken: null }, drivers },
        context: service.commands,
        locations,
        speed,
        orderCount: 12,
        planSeconds: 1,
        failureRate: 0,
        signal: controller.signal,
      });
      const repos = reads(service.commands);
      const plan = await until('a dispatched plan', async () => (await repos.plans.list({ status: ['dispatched'] }))[0]);
      expect(plan.date).toBe(date);
      const completed = await until('a completed stop', async () => {
        const stops = (await repos.routes.listForPlan(plan.id)).flatMap((route) => route.stops);
        return stops.find((stop) => stop.status === 'completed');
      });
      const positions = await repos.positions.listLatest();
      expect(positions.length).toBeGreaterThan(0);
      controller.abort();
      expect((await run).date).toBe(date);

      // Logged on the demo's clock: on that date, after the day began and not ahead of the service's now.
      const now = nowEpochSeconds(clock);
      for (const at of [completed.actualArrivalEpoch!, completed.completedAtEpoch!, ...positions.map((position) => position.recordedAt)]) {
        expect(localDate(demoTimeZone, at)).toBe(date);
        expect(at).toBeGreaterThanOrEqual(startedAt);
        expect(at).toBeLessThanOrEqual(now);
      }
      // The delivery came after its drive: the van left the depot once the day was planned, minutes of demo time.
      expect(completed.completedAtEpoch!).toBeGreaterThan(completed.actualArrivalEpoch!);

      // Started again the same day, the demo's clock goes on from the last fix instead of running back to 08:00.
      const again = await demoClock(reads(service.commands), base, speed);
      expect(nowEpochSeconds(again)).toBeGreaterThanOrEqual(Math.max(...positions.map((position) => position.recordedAt)));
    } finally {
      controller.abort();
      await service.close();
    }
  }, 120_000);
});
