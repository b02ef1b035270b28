/**
 * A driver's device reports where the vehicle is: one fix live, or a batch after being offline.
 * Every fix is kept as a breadcrumb (a replayed one is recognised and stored once); the vehicle
 * moves only when a fix is newer than the one it is at, so late points never drag it back.
 */
import type { Principal } from '../auth/principal';
import { forbidden, invalidInput } from '../errors';
import type { PositionReport, PositionReportResult } from '../protocol/socket';
import { directSink, type PositionSink } from './position-sink';
import type { CommandContext } from './context';
import type { Position } from '../domain/model/position';

/** A device clock may run a little fast; fixes further ahead are refused. */
const maxClockSkewSeconds = 120;
/** Older fixes are of no use to anyone live and hint at a broken clock. */
const maxAgeSeconds = 7 * 24 * 3600;

export interface ReportPositionsOptions {
  nowEpoch?: number;
  /** The realtime server shares writes between drivers through a batcher. */
  sink?: PositionSink;
}

export async function reportPositions(
  context: CommandContext,
  reports: PositionReport[],
  by: Principal,
  { nowEpoch = context.clock.nowMs() / 1000, sink = directSink(context.db) }: ReportPositionsOptions = {},
): Promise<PositionReportResult> {
  if (by.role !== 'driver') throw forbidden('Only drivers report positions, for the vehicle they drive');
  if (by.vehicleId === null) throw forbidden('You have no vehicle assigned, so there is nothing to report positions for');
  const vehicleId = by.vehicleId;

  const issues = reports.flatMap((report, index) => {
    if (report.recordedAt > nowEpoch + maxClockSkewSeconds) return [{ path: `[${index}].recordedAt`, message: 'is in the future; check the device clock' }];
    if (report.recordedAt < nowEpoch - maxAgeSeconds) return [{ path: `[${index}].recordedAt`, message: 'is more than 7 days old' }];
    return [];
  });
  if (issues.length > 0) throw invalidInput(`Invalid positions: ${issues.map((issue) => `${issue.path} ${issue.message}`).join('; ')}`, issues);

  // One point per fix time: a batch that repeats itself counts its repeats as duplicates.
  const unique = new Map<number, Position>();
  for (const report of reports) {
    unique.set(report.recordedAt, {
      vehicleId,
      recordedAt: report.recordedAt,
      location: report.location,
      accuracyMeters: report.accuracyMeters,
      speedMetersPerSecond: report.speedMetersPerSecond ?? null,
      headingDegrees: report.headingDegrees ?? null,
    });
  }

  // Idempotent statements, no transaction: a retry after a failure converges on the same rows.
  const { accepted, moved } = await sink.write(vehicleId, [...unique.values()]);
  if (moved) context.events.publish('vehicle.moved', { position: moved });
  return { accepted, duplicates: reports.length - accepted };
}
