/** Generated last-mile days for the solver's scale benchmark and its large-instance tests (deterministic by seed). */
import type { VroomProblem } from '../solver/model/vroom';
import { seededRandom } from '../src/seed/random';

/**
 * A city day: depot in the middle of a 20 km square, customers in a few dense neighbourhoods and spread out;
 * road distance = 1.3 × straight line, 30 km/h; 60 % of customers book a 2-hour window in a 10-hour shift.
 */
export function generateDay(jobCount: number, vehicleCount: number, daySeed: number): VroomProblem {
  const random = seededRandom(daySeed);
  const sideMeters = 20_000;
  const shiftSeconds = 10 * 3600;
  const centres = Array.from({ length: 8 }, () => [random() * sideMeters, random() * sideMeters] as const);
  const points: Array<readonly [number, number]> = [[sideMeters / 2, sideMeters / 2]];
  for (let i = 0; i < jobCount; i++) {
    if (random() < 0.6) {
      const [cx, cy] = centres[Math.floor(random() * centres.length)]!;
      const radius = 1500 * Math.sqrt(random());
      const angle = 2 * Math.PI * random();
      points.push([clamp(cx + radius * Math.cos(angle), sideMeters), clamp(cy + radius * Math.sin(angle), sideMeters)]);
    } else points.push([random() * sideMeters, random() * sideMeters]);
  }
  const meters = (i: number, j: number) => Math.round(1.3 * Math.hypot(points[i]![0] - points[j]![0], points[i]![1] - points[j]![1]));
  const durations = points.map((_, i) => points.map((_, j) => Math.round(meters(i, j) / (30 / 3.6))));
  // Beyond 5,000 jobs the day comes with durations only: a second 10,000² matrix is 800 MB more for the same costs.
  const distances = jobCount <= 5000 ? points.map((_, i) => points.map((_, j) => meters(i, j))) : undefined;

  let totalDemand = 0;
  const jobs = points.slice(1).map((_, index) => {
    const demand = 1 + Math.floor(random() * 10);
    totalDemand += demand;
    const windowStart = Math.floor(random() * (shiftSeconds - 2 * 3600));
    return {
      id: index + 1,
      location_index: index + 1,
      service: 120 + Math.floor(random() * 180),
      delivery: [demand],
      ...(random() < 0.6 ? { time_windows: [[windowStart, windowStart + 2 * 3600] as [number, number]] } : {}),
    };
  });
  const capacity = Math.ceil((totalDemand / vehicleCount) * 1.15);
  return {
    jobs,
    vehicles: Array.from({ length: vehicleCount }, (_, index) => ({
      id: index + 1,
      start_index: 0,
      end_index: 0,
      capacity: [capacity],
      time_window: [0, shiftSeconds] as [number, number],
    })),
    matrices: { car: distances ? { durations, distances } : { durations } },
  };
}

function clamp(value: number, side: number): number {
  return Math.min(side, Math.max(0, value));
}

