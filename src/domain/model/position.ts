/** Where vehicles are: every fix a device reports. */
import type { LonLat } from './geometry';

export interface Position {
  vehicleId: number;
  /** Epoch seconds UTC when the device took the fix. */
  recordedAt: number;
  location: LonLat;
  accuracyMeters: number;
  speedMetersPerSecond: number | null;
  headingDegrees: number | null;
}

/** What a driven distance is measured on. */
export type TrailFix = Pick<Position, 'recordedAt' | 'location' | 'accuracyMeters'>;
