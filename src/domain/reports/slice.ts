/** Which facts a report reads: service days `from`–`to` (inclusive, YYYY-MM-DD), optionally narrowed. */
export interface ReportSlice {
  from: string;
  to: string;
  depotId?: number;
  vehicleId?: number;
  driverId?: number;
  /** The promised window as local "HH:MM-HH:MM". */
  window?: string;
  /** The customer's postcode. */
  area?: string;
}
