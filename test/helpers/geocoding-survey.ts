/**
 * The geocoding survey shared by benchmarks/geocoding.ts and test/geocoding/survey.test.ts: every address of
 * the extract written as a person would (abbreviated, in varied case, optionally with one typo in the street),
 * every street asked with a number it does not have, and what came back.
 */
import { haversineMeters } from '../../src/routing/embedded/geo';
import type { EmbeddedGeocoder } from '../../src/geocoding/embedded';
import { nearestOnLines } from '../../src/geocoding/geometry';
import { houseNumberKey, numberMatches, streetKey } from '../../src/geocoding/normalize';
import type { IndexedAddress, IndexedStreet } from '../../src/geocoding/osm-index';
import { GeocodeFailure, type GeocodeResult } from '../../src/geocoding/types';
import { seededRandom } from '../../src/seed/random';

/** How a person might write the street: the usual abbreviations, other case, "ss" for "ß". */
export function writtenStreet(street: string, variant: number): string {
  switch (variant % 4) {
    case 0:
      return street.replace(/straße\b/, 'str.').replace(/Straße\b/, 'Str.').replace(/platz\b/, 'pl.');
    case 1:
      return street.toLowerCase();
    case 2:
      return street.replace(/ß/g, 'ss').replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue');
    default:
      return street.replace(/straße\b/, ' Str').replace(/-/g, ' ');
  }
}

/** One typo in the street's letters: a letter dropped, doubled, swapped with the next, or replaced. */
export function withTypo(street: string, random: () => number): string {
  const letters = [...street].map((char, index) => (/\p{L}/u.test(char) ? index : -1)).filter((index) => index > 0);
  if (letters.length < 2) return street;
  const at = letters[Math.floor(random() * (letters.length - 1))]!;
  const chars = [...street];
  const kind = Math.floor(random() * 4);
  if (kind === 0) chars.splice(at, 1);
  else if (kind === 1) chars.splice(at, 0, chars[at]!);
  else if (kind === 2) [chars[at], chars[at + 1]] = [chars[at + 1]!, chars[at]!];
  else chars[at] = chars[at] === 'e' ? 'a' : 'e';
  return chars.join('');
}

export interface AddressOutcome {
  address: IndexedAddress;
  query: string;
  result?: GeocodeResult;
  failure?: GeocodeFailure;
  /** From the address's own point (its node or its building's centroid). */
  distanceMeters?: number;
  /** From the nearest point of the same address (another entrance, the building of a node). */
  sameAddressMeters?: number;
}

export function addressLine(address: IndexedAddress, street: string, variant: number): string {
  const place = [address.postcode, address.city].filter(Boolean).join(' ');
  const number = variant % 3 === 2 ? address.houseNumber.replace(/^(\d+)([a-zA-Z])$/, '$1 $2') : address.houseNumber;
  return `${street} ${number}${place ? `, ${place}` : ''}`;
}

function attempt(geocoder: EmbeddedGeocoder, text: string): { result?: GeocodeResult; failure?: GeocodeFailure } {
  try {
    return { result: geocoder.resolve({ text }) };
  } catch (error) {
    if (error instanceof GeocodeFailure) return { failure: error };
    throw error;
  }
}

const sameAddressKey = (address: IndexedAddress) => [streetKey(address.street), houseNumberKey(address.houseNumber), address.postcode, address.city].join('|');

/** `addresses` are asked; `all` (the whole index) tells which points are the same address. */
export function surveyAddresses(geocoder: EmbeddedGeocoder, addresses: IndexedAddress[], { typo, seed = 1, all = addresses }: { typo: boolean; seed?: number; all?: IndexedAddress[] }): AddressOutcome[] {
  const random = seededRandom(seed);
  const points = new Map<string, IndexedAddress[]>();
  for (const address of all) points.set(sameAddressKey(address), [...(points.get(sameAddressKey(address)) ?? []), address]);
  return addresses.map((address, index) => {
    const written = writtenStreet(address.street, index);
    const query = addressLine(address, typo ? withTypo(written, random) : written, index);
    const outcome = attempt(geocoder, query);
    if (!outcome.result) return { address, query, ...outcome };
    const [lon, lat] = outcome.result.location;
    const distanceMeters = haversineMeters(lon, lat, address.location[0], address.location[1]);
    const sameAddressMeters = Math.min(...points.get(sameAddressKey(address))!.map((other) => haversineMeters(lon, lat, other.location[0], other.location[1])));
    return { address, query, ...outcome, distanceMeters, sameAddressMeters };
  });
}

export interface StreetOutcome {
  street: IndexedStreet;
  query: string;
  result?: GeocodeResult;
  failure?: GeocodeFailure;
  /** From the street's own polyline. */
  distanceMeters?: number;
  /** The nearest of the result's alternatives (the town's other stretches of the name) to the street's polyline. */
  alternativeMeters?: number;
  /** Pinned on another stretch that fits the query as well (same name, and the postcode and town the query names, if any). */
  indistinguishable?: boolean;
}

/** Each street with a number none of its addresses has, and the place it lies in when that is unique; optionally with one typo in the name. */
export function surveyStreets(geocoder: EmbeddedGeocoder, streets: IndexedStreet[], addresses: IndexedAddress[], { typo = false, seed = 1 }: { typo?: boolean; seed?: number } = {}): StreetOutcome[] {
  const random = seededRandom(seed);
  const numbersByStreet = new Map<string, string[]>();
  for (const address of addresses) {
    const key = streetKey(address.street);
    numbersByStreet.set(key, [...(numbersByStreet.get(key) ?? []), houseNumberKey(address.houseNumber) ?? '']);
  }
  const place = (street: IndexedStreet) => [street.postcodes.length === 1 ? street.postcodes[0] : undefined, street.cities.length === 1 ? street.cities[0] : undefined].filter(Boolean).join(' ');
  return streets.map((street) => {
    // A number no address of that name has, not even inside a range ("1-5").
    const known = numbersByStreet.get(streetKey(street.name)) ?? [];
    let number = 1;
    while (known.some((indexed) => numberMatches(indexed, String(number)))) number++;
    const query = `${typo ? withTypo(street.name, random) : street.name} ${number}${place(street) ? `, ${place(street)}` : ''}`;
    const outcome = attempt(geocoder, query);
    const distanceMeters = outcome.result ? nearestOnLines(outcome.result.location, street.lines).distanceMeters : undefined;
    const alternatives = outcome.result?.alternatives ?? [];
    const alternativeMeters = alternatives.length > 0 ? Math.min(...alternatives.map((alternative) => nearestOnLines(alternative.location, street.lines).distanceMeters)) : undefined;
    // The stretch the pin is on, when it is another: can the query tell the two apart at all?
    const pinned = distanceMeters !== undefined && distanceMeters > 30 ? streets.find((other) => streetKey(other.name) === streetKey(street.name) && nearestOnLines(outcome.result!.location, other.lines).distanceMeters <= 30) : undefined;
    const fits = (values: string[], asked: string | undefined) => asked === undefined || values.length === 0 || values.includes(asked);
    const asked = { postcode: street.postcodes.length === 1 ? street.postcodes[0] : undefined, city: street.cities.length === 1 ? street.cities[0] : undefined };
    const indistinguishable = pinned === undefined ? undefined : fits(pinned.postcodes, asked.postcode) && fits(pinned.cities, asked.city);
    return { street, query, ...outcome, distanceMeters, alternativeMeters, ...(indistinguishable === undefined ? {} : { indistinguishable }) };
  });
}

export interface AddressCounts {
  total: number;
  exactWithin30m: number;
  /** Farther than 30 m from this point, within 30 m of another point of the same address. */
  exactAtSamePlace: number;
  exactFarther: number;
  street: number;
  rejected: Record<string, number>;
  placedOver200m: number;
}

export function countAddresses(outcomes: AddressOutcome[]): AddressCounts {
  const counts: AddressCounts = { total: outcomes.length, exactWithin30m: 0, exactAtSamePlace: 0, exactFarther: 0, street: 0, rejected: {}, placedOver200m: 0 };
  for (const outcome of outcomes) {
    if (outcome.failure) {
      counts.rejected[outcome.failure.reason] = (counts.rejected[outcome.failure.reason] ?? 0) + 1;
      continue;
    }
    if (outcome.result!.confidence === 'exact') {
      if (outcome.distanceMeters! <= 30) counts.exactWithin30m++;
      else if (outcome.sameAddressMeters! <= 30) counts.exactAtSamePlace++;
      else counts.exactFarther++;
    } else counts.street++;
    // Where it belongs: any point of the same address (the halls of one sports ground share their number).
    if (outcome.sameAddressMeters! > 200) counts.placedOver200m++;
  }
  return counts;
}

export interface StreetCounts {
  total: number;
  onStreet: number;
  /** Of those on the street, placed on one of several same-named stretches of the town with the others as alternatives. */
  onStreetWithAlternatives: number;
  /** On another stretch that fits the query as well (same name, postcode, town), the asked one among the alternatives, to be confirmed. */
  onAlternative: number;
  /** On another stretch the query could have told apart (another postcode or town), the asked one among the alternatives. */
  onAlternativeTellable: number;
  offStreet: number;
  exact: number;
  rejected: Record<string, number>;
}

export function countStreets(outcomes: StreetOutcome[]): StreetCounts {
  const counts: StreetCounts = { total: outcomes.length, onStreet: 0, onStreetWithAlternatives: 0, onAlternative: 0, onAlternativeTellable: 0, offStreet: 0, exact: 0, rejected: {} };
  for (const outcome of outcomes) {
    if (outcome.failure) counts.rejected[outcome.failure.reason] = (counts.rejected[outcome.failure.reason] ?? 0) + 1;
    else if (outcome.result!.confidence === 'exact') counts.exact++;
    else if (outcome.distanceMeters! <= 30) {
      counts.onStreet++;
      if (outcome.alternativeMeters !== undefined) counts.onStreetWithAlternatives++;
    } else if (outcome.alternativeMeters !== undefined && outcome.alternativeMeters <= 30) {
      if (outcome.indistinguishable) counts.onAlternative++;
      else counts.onAlternativeTellable++;
    }
    else counts.offStreet++;
  }
  return counts;
}
