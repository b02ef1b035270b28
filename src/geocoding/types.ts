/**
 * Addresses in, coordinates out: one interface for the embedded geocoder (built from the OSM extract)
 * and the Nominatim-compatible client. A failure is a GeocodeFailure naming the reason and the field.
 */
import type { LonLat } from '../domain/model/geometry';

/** Either a single line ("Hauptstraße 12, 69117 Heidelberg") or structured fields, or both (fields win). */
export interface AddressQuery {
  text?: string;
  street?: string;
  houseNumber?: string;
  postcode?: string;
  city?: string;
}

/** `exact`: a known address. `street`: a known street whose number is unknown, placed on it; to be confirmed. */
export type GeocodeConfidence = 'exact' | 'street';

export interface GeocodeMatch {
  location: LonLat;
  matched: { street: string; houseNumber?: string; postcode?: string; city?: string };
}

export interface GeocodeResult extends GeocodeMatch {
  confidence: GeocodeConfidence;
  /**
   * `street` only: the other stretches of the name in that town, which the map does not tell apart (districts it does
   * not name). The result is on one of them and to be confirmed by the dispatcher like every `street` result.
   */
  alternatives?: GeocodeMatch[];
}

export type GeocodeFailureReason = 'not_found' | 'unavailable';

/** Which part of the query the failure is about, so callers can name the field. */
export type AddressField = 'street' | 'houseNumber' | 'postcode' | 'city' | 'text';

export class GeocodeFailure extends Error {
  constructor(
    readonly reason: GeocodeFailureReason,
    message: string,
    readonly field: AddressField = 'street',
  ) {
    super(message);
    this.name = 'GeocodeFailure';
  }
}

export interface Geocoder {
  geocode(query: AddressQuery): Promise<GeocodeResult>;
  /** Shown at start-up. */
  describe(): Record<string, unknown>;
}
