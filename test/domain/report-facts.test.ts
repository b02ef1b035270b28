import { describe, expect, it } from 'vitest';
import { routeFact } from '../../src/domain/reports/facts';

describe('a route fact', () => {
  it('counts the hours driven in whole seconds when the fixes carry fractions of a second', () => {
    const fact = routeFact({
      routeId: 1,
      planId: 1,
      depotId: 1,
      planDate: '2026-12-07',
      vehicleId: 1,
      driverId: null,
      costs: { fixed: 0, perHour: 3600, perKm: 0 },
      plannedMeters: 1000,
      departureEpoch: 1_000,
      arrivalEpoch: 4_600,
      stops: [{ sequence: 1, status: 'completed', completedAtEpoch: 2_000 }],
      trail: { meters: 3974.04, firstEpoch: 1_000.25, lastEpoch: 4_041.05 },
    });
    expect(fact.actualSeconds).toBe(3041);
    expect(fact.actualMeters).toBeCloseTo(3974.04);
  });
});
