/** A window held at checkout for a few minutes, with what was quoted for it. */
import type { Amounts } from './amounts';
import type { LonLat } from './geometry';
import type { EpochWindow } from './time-window';

export interface SlotReservationDraft {
  id: string;
  depotId: number;
  window: EpochWindow;
  expiresAtEpoch: number;
  location: LonLat;
  serviceSeconds: number;
  demand: Amounts;
  requiredSkills: string[];
  createdAtEpoch: number;
  createdBy: string;
}

export interface SlotReservation extends SlotReservationDraft {
  /** The order created with it; it then holds the window itself. */
  orderId: number | null;
  usedAtEpoch: number | null;
}
