/**
 * One virtual driver, acting only through the service's public API as a real driver app would:
 * reads its route (GET /driver/route, whose next leg follows the road network from where the
 * vehicle is), drives it at a speed-up factor reporting noisy GPS fixes over the socket, dwells at
 * each stop, taps "arrived", then delivers or (now and then) fails with a reason.
 */
import { io as connect, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, ErrorBody, ServerToClientEvents } from '../protocol/socket';
import { failureReasons, type StopActionResult } from '../protocol/stop-actions';
import { Trajectory, gaussian, withGpsNoise } from './trajectory';
import type { LonLat } from '../domain/model/geometry';
import type { Clock } from '../domain/clock';

export interface SimulationOptions {
  /** The service's base URL, e.g. http://127.0.0.1:3000. */
  url: string;
  /** Simulated seconds per real second. */
  speedup: number;
  /** What the fixes are stamped with: the service's clock when it runs sped up too (the demo), else the system's. */
  clock: Clock;
  /** Standard deviation of GPS error. */
  noiseMeters: number;
  /** Share of stops that end in a failed delivery. */
  failureRate: number;
  /** Simulated seconds at a stop (handing over the parcel), varied by ±30 %. */
  dwellSeconds: number;
  /** Simulated seconds between two position reports (at least one real second apart). */
  reportEverySeconds: number;
  random: () => number;
  signal: AbortSignal;
  log?: (message: string) => void;
  /** Wait for a dispatcher to dispatch a route; false when the day was dispatched already and a van without a route has the day off. */
  waitForRoute?: boolean;
}

interface DriverDay {
  route: { id: number; stops: { stopId: number; status: string; location: LonLat; customerName: string; times: { window: { start: string } | null } }[] } | null;
  nextLeg: { stopId: number; durationSeconds: number; geometry: { coordinates: LonLat[] } } | null;
}

export interface DriverSummary {
  delivered: number;
  failed: number;
  positions: number;
}

type DriverSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done);
  });

export async function runDriver(token: string, options: SimulationOptions): Promise<DriverSummary> {
  const summary: DriverSummary = { delivered: 0, failed: 0, positions: 0 };
  const socket: DriverSocket = connect(options.url, { auth: { token }, transports: ['websocket'] });
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('room:joined', () => resolve());
      socket.once('connect_error', reject);
    });
    let idleNoticeShown = false;
    let served = 0;
    while (!options.signal.aborted) {
      const day = await fetchDay(options.url, token);
      if (!day.route || !day.nextLeg) {
        // A route with nothing left, or gone once completed: the day is done.
        if (day.route || served > 0) break;
        if (options.waitForRoute === false) {
          options.log?.('no route in the dispatched plan; the day off');
          break;
        }
        if (!idleNoticeShown) options.log?.('no dispatched route yet; waiting');
        idleNoticeShown = true;
        await sleep(5000, options.signal);
        continue;
      }
      const stop = day.route.stops.find((candidate) => candidate.stopId === day.nextLeg!.stopId)!;
      await drive(socket, day.nextLeg, stop.location, options, summary);
      if (options.signal.aborted) break;
      // Early at the door: a driver waits for the window to open, as the plan does.
      const opensAtMs = stop.times.window ? Date.parse(stop.times.window.start) : Number.NaN;
      if (opensAtMs > options.clock.nowMs()) await sleep((opensAtMs - options.clock.nowMs()) / options.speedup, options.signal);
      if (options.signal.aborted) break;
      await serve(socket, stop, options, summary);
      served += 1;
    }
    return summary;
  } catch (error) {
    // Stopping cuts requests in flight; that is the end of the run, not a failure.
    if (options.signal.aborted) return summary;
    throw error;
  } finally {
    socket.disconnect();
  }
}

async function fetchDay(url: string, token: string): Promise<DriverDay> {
  const response = await fetch(`${url}/api/v1/driver/route`, { headers: { authorization: `Bearer ${token}` } });
  if (!response.ok) throw new Error(`GET /driver/route answered ${response.status}: ${await response.text()}`);
  return (await response.json()) as DriverDay;
}

async function drive(socket: DriverSocket, leg: NonNullable<DriverDay['nextLeg']>, destination: LonLat, options: SimulationOptions, summary: DriverSummary): Promise<void> {
  const trajectory = new Trajectory(leg.geometry.coordinates.length > 0 ? leg.geometry.coordinates : [destination]);
  const simulatedSeconds = Math.max(1, leg.durationSeconds);
  const speedMetersPerSecond = trajectory.lengthMeters / simulatedSeconds;
  const stepSeconds = Math.max(options.reportEverySeconds, options.speedup);
  for (let elapsed = stepSeconds; elapsed < simulatedSeconds && !options.signal.aborted; elapsed += stepSeconds) {
    await sleep((stepSeconds / options.speedup) * 1000, options.signal);
    const { location, headingDegrees } = trajectory.at(elapsed / simulatedSeconds);
    await report(socket, withGpsNoise(location, options.noiseMeters, options.random), speedMetersPerSecond, headingDegrees, options, summary);
  }
  await sleep(((simulatedSeconds % stepSeconds) / options.speedup) * 1000, options.signal);
  // Parked at the door: slow and close, which the geofence recognises as arrival.
  await report(socket, withGpsNoise(destination, Math.min(options.noiseMeters, 5), options.random), 0, null, options, summary);
}

async function report(socket: DriverSocket, location: LonLat, speed: number, heading: number | null, options: SimulationOptions, summary: DriverSummary): Promise<void> {
  const reply = await socket.timeout(10_000).emitWithAck('position:report', {
    location,
    accuracyMeters: Math.max(3, options.noiseMeters),
    speedMetersPerSecond: Math.min(100, speed),
    headingDegrees: heading,
    recordedAt: options.clock.nowMs() / 1000,
  });
  if ('error' in reply) options.log?.(`position refused: ${reply.error.message}`);
  else summary.positions += 1;
}

async function serve(socket: DriverSocket, stop: { stopId: number; customerName: string }, options: SimulationOptions, summary: DriverSummary): Promise<void> {
  const check = (event: string, reply: StopActionResult | ErrorBody) => {
    // The geofence may have marked the arrival already: that is the same fact.
    if ('error' in reply && reply.error.code !== 'conflict') options.log?.(`${event} refused: ${reply.error.message}`);
  };
  // timeout() applies to the next emit only.
  const ack = () => socket.timeout(10_000);
  check('stop:arrive', await ack().emitWithAck('stop:arrive', { stopId: stop.stopId, idempotencyKey: `sim-arrive-${stop.stopId}` }));
  const dwell = options.dwellSeconds * (1 + 0.3 * Math.max(-1, Math.min(1, gaussian(options.random))));
  await sleep((dwell / options.speedup) * 1000, options.signal);
  if (options.signal.aborted) return;
  if (options.random() < options.failureRate) {
    const reason = failureReasons[Math.floor(options.random() * (failureReasons.length - 1))]!;
    check('stop:fail', await ack().emitWithAck('stop:fail', { stopId: stop.stopId, idempotencyKey: `sim-fail-${stop.stopId}`, reason }));
    summary.failed += 1;
  } else {
    check('stop:complete', await ack().emitWithAck('stop:complete', { stopId: stop.stopId, idempotencyKey: `sim-complete-${stop.stopId}`, recipientName: stop.customerName }));
    summary.delivered += 1;
  }
}
