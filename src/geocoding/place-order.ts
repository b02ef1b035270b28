/**
 * Where an order is: the location it was sent with, or its address geocoded; either way inside its depot's
 * service area (the depot's polygon, else the road network's extent). Runs before the command's transaction.
 */
import { booleanPointInPolygon } from '@turf/turf';
import type { LonLat, ServiceArea } from '../domain/model/geometry';
import type { OrderPlacement, StructuredAddress } from '../protocol/orders';
import { GeocodeFailure, type AddressField, type Geocoder } from './types';

export interface Geocoding {
  geocoder?: Geocoder;
  /** The road network's extent: the service area of depots without one of their own. */
  defaultServiceArea?: ServiceArea;
}

/** Why an order cannot be placed, on the API path of the field at fault. */
export class PlacementError extends Error {
  constructor(
    readonly path: (string | number)[],
    message: string,
    /** The external geocoder did not answer: try again later, the input may be fine. */
    readonly unavailable = false,
  ) {
    super(message);
    this.name = 'PlacementError';
  }
}

export interface PlaceableOrder {
  addressText?: string;
  address?: StructuredAddress;
  location?: LonLat;
}

export function formatAddress(address: StructuredAddress): string {
  const street = [address.street, address.houseNumber].filter(Boolean).join(' ');
  const place = [address.postcode, address.city].filter(Boolean).join(' ');
  return place ? `${street}, ${place}` : street;
}

export function insideServiceArea(area: ServiceArea, location: LonLat): boolean {
  return booleanPointInPolygon(location, area);
}

export async function placeOrder(order: PlaceableOrder, geocoding: Geocoding, depotArea: ServiceArea | null): Promise<OrderPlacement> {
  const addressText = order.addressText ?? formatAddress(order.address!);
  const addressPath = (field: AddressField) => (order.address !== undefined && field !== 'text' ? ['address', field] : ['addressText']);
  let placement: OrderPlacement;
  if (order.location) {
    placement = { addressText, location: order.location, geocodeConfidence: 'given', geocodeAlternatives: [] };
  } else {
    if (!geocoding.geocoder) throw new PlacementError(['location'], 'is required: no geocoder is configured to find the address');
    try {
      const result = await geocoding.geocoder.geocode({ text: order.addressText, ...order.address });
      const geocodeAlternatives = (result.alternatives ?? []).map((alternative) => ({ addressText: formatAddress(alternative.matched), location: alternative.location }));
      placement = { addressText, location: result.location, geocodeConfidence: result.confidence, geocodeAlternatives };
    } catch (error) {
      if (!(error instanceof GeocodeFailure)) throw error;
      const reason = error.reason === 'unavailable' ? 'could not be geocoded' : 'was not found';
      throw new PlacementError(addressPath(error.field), `${reason}: ${error.message}`, error.reason === 'unavailable');
    }
  }
  const area = depotArea ?? geocoding.defaultServiceArea;
  if (area && placement.geocodeAlternatives.length > 0) {
    // A stretch outside the area is no candidate for this depot: the first one inside becomes the pin.
    const [first, ...others] = [{ addressText, location: placement.location }, ...placement.geocodeAlternatives].filter((candidate) => insideServiceArea(area, candidate.location));
    if (first) placement = { ...placement, location: first.location, geocodeAlternatives: others };
  }
  if (area && !insideServiceArea(area, placement.location)) {
    const [lon, lat] = placement.location.map((value) => Math.round(value * 1e5) / 1e5);
    const where = placement.geocodeConfidence === 'given' ? `[${lon}, ${lat}]` : `the address (found at [${lon}, ${lat}])`;
    throw new PlacementError(placement.geocodeConfidence === 'given' ? ['location'] : addressPath('street'), `is outside the depot's service area: ${where}`);
  }
  return placement;
}
