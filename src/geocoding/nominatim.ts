/**
 * A Nominatim-compatible geocoder (nominatim.org, Photon's Nominatim mode, a hosted service) behind the same
 * interface: structured search (`/search?format=jsonv2&street=&city=&postalcode=&addressdetails=1`), the
 * answers sorted into `exact` (a house with the number asked), `street` (the road; with the other places it may be as
 * alternatives when the answers lie apart), or refused.
 */
import { haversineMeters } from '../routing/embedded/geo';
import type { LonLat } from '../domain/model/geometry';
import { houseNumberKey, placeKey, splitAddress } from './normalize';
import { GeocodeFailure, type AddressQuery, type GeocodeMatch, type GeocodeResult, type Geocoder } from './types';

/** The part of a jsonv2 result we read. */
export interface NominatimPlace {
  lat: string;
  lon: string;
  category?: string;
  type?: string;
  addresstype?: string;
  address?: Record<string, string | undefined>;
}

export interface NominatimOptions {
  baseUrl: string;
  timeoutMs?: number;
  /** Nominatim's usage policy asks every client to name itself. */
  userAgent?: string;
}

const sameAddressMeters = 150;
const sameStreetMeters = 1000;

export function createNominatimGeocoder({ baseUrl, timeoutMs = 5000, userAgent = 'lastmile (delivery routing)' }: NominatimOptions): Geocoder {
  const searchUrl = new URL('search', baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
  return {
    describe: () => ({ geocoder: 'nominatim', url: searchUrl.origin + searchUrl.pathname }),
    async geocode(query: AddressQuery): Promise<GeocodeResult> {
      const address = splitAddress(query);
      const lineOnly = query.street === undefined && query.text !== undefined;
      if (!address.street) throw new GeocodeFailure('not_found', 'no street given', lineOnly ? 'text' : 'street');
      const url = new URL(searchUrl);
      const parameters: Record<string, string | undefined> = {
        format: 'jsonv2',
        addressdetails: '1',
        limit: '5',
        street: [address.houseNumber, address.street].filter(Boolean).join(' '),
        city: address.city,
        postalcode: address.postcode,
      };
      for (const [name, value] of Object.entries(parameters)) if (value) url.searchParams.set(name, value);

      let places: NominatimPlace[];
      try {
        const response = await fetch(url, { headers: { accept: 'application/json', 'user-agent': userAgent }, signal: AbortSignal.timeout(timeoutMs) });
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        places = (await response.json()) as NominatimPlace[];
        if (!Array.isArray(places)) throw new Error('the answer is not a list of places');
      } catch (error) {
        throw new GeocodeFailure('unavailable', `the geocoder at ${searchUrl.origin} did not answer: ${(error as Error).message}`, lineOnly ? 'text' : 'street');
      }
      return choose(places, address, lineOnly);
    },
  };
}

function choose(places: NominatimPlace[], address: ReturnType<typeof splitAddress>, lineOnly: boolean): GeocodeResult {
  const field = lineOnly ? 'text' : 'street';
  const numberKey = address.houseNumber === undefined ? null : houseNumberKey(address.houseNumber);
  const located = places.map((place) => ({ place, location: [Number(place.lon), Number(place.lat)] as LonLat })).filter(({ location }) => location.every(Number.isFinite));
  const houses = numberKey === null ? [] : located.filter(({ place }) => place.address?.house_number !== undefined && houseNumberKey(place.address.house_number) === numberKey);
  const roads = located.filter(({ place }) => place.category === 'highway' || place.addresstype === 'road' || (place.address?.road !== undefined && place.address.house_number === undefined));

  const matchOf = ({ place, location }: (typeof located)[number], confidence: GeocodeResult['confidence']): GeocodeMatch => {
    const details = place.address ?? {};
    const city = details.city ?? details.town ?? details.village ?? details.municipality ?? address.city;
    return {
      location,
      matched: {
        street: details.road ?? address.street!,
        ...(confidence === 'exact' ? { houseNumber: details.house_number } : address.houseNumber ? { houseNumber: address.houseNumber } : {}),
        ...(details.postcode ?? address.postcode ? { postcode: details.postcode ?? address.postcode } : {}),
        ...(city ? { city } : {}),
      },
    };
  };
  // Answers farther apart than the spread are different places, in the service's order of relevance. Several of them:
  // a `street` pin on the first to confirm, the others as alternatives, as the embedded geocoder does.
  const pick = (candidates: typeof located, spreadMeters: number, confidence: GeocodeResult['confidence']): GeocodeResult => {
    const places: typeof located = [];
    for (const candidate of candidates) {
      const near = places.some(({ location }) => haversineMeters(location[0], location[1], candidate.location[0], candidate.location[1]) <= spreadMeters);
      if (!near) places.push(candidate);
    }
    if (places.length === 1) return { ...matchOf(places[0]!, confidence), confidence };
    return { ...matchOf(places[0]!, 'street'), confidence: 'street', alternatives: places.slice(1).map((place) => matchOf(place, 'street')) };
  };

  if (houses.length > 0) return pick(houses, sameAddressMeters, 'exact');
  // A road in another city than the one asked is not this street.
  const cityKey = address.city === undefined ? undefined : placeKey(address.city);
  const inCity = roads.filter(({ place }) => {
    const details = place.address ?? {};
    const names = [details.city, details.town, details.village, details.municipality].filter((name): name is string => name !== undefined);
    return cityKey === undefined || names.length === 0 || names.some((name) => placeKey(name) === cityKey);
  });
  if (inCity.length > 0) return pick(inCity, sameStreetMeters, 'street');
  throw new GeocodeFailure('not_found', `"${[address.street, address.houseNumber].filter(Boolean).join(' ')}" was not found`, field);
}
