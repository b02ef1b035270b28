/**
 * The embedded geocoder over the OSM extract's index. A known address is `exact` at its point; a known street
 * with an unknown number is `street`, placed on that street (between its numbered neighbours when there are
 * some, else at its middle), with the town's other stretches of that name as alternatives when the extract cannot
 * tell them apart; anything else is refused, never placed elsewhere.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haversineMeters } from '../routing/embedded/geo';
import type { LonLat } from '../domain/model/geometry';
import { editDistance } from './edit-distance';
import { centroid, nearestOnLines } from './geometry';
import { houseNumberKey, houseNumberValue, numberMatches, placeKey, splitAddress, streetKey, streetSpellings } from './normalize';
import { buildGeocoderIndex, type GeocoderIndex, type IndexedAddress, type IndexedStreet } from './osm-index';
import { GeocodeFailure, type AddressQuery, type GeocodeMatch, type GeocodeResult, type Geocoder } from './types';

/** Bump whenever the index or its folding changes, so old caches are rebuilt. */
const indexVersion = 4;
/** Entries of one address (entrances, a building and its node, the halls of one sports ground) farther apart than this are in different places. */
const sameAddressMeters = 250;
/** An address belongs to a street stretch when it is this close to it. */
const onStreetMeters = 250;
/** Shorter keys are too easily one typo away from another street to be guessed. */
const minTypoKeyLength = 5;

interface Placed {
  cities: string[];
  postcodes: string[];
}
interface PreparedAddress extends Placed {
  address: IndexedAddress;
  numberKey: string;
}
interface PreparedStreet extends Placed {
  street: IndexedStreet;
  /** Numbered addresses on this stretch, for placing an unknown number between its neighbours. */
  numbered: { value: number; location: LonLat }[];
}

export class EmbeddedGeocoder implements Geocoder {
  private readonly addressesByKey = new Map<string, PreparedAddress[]>();
  private readonly streetsByKey = new Map<string, PreparedStreet[]>();
  private readonly cityByKey = new Map<string, string>();
  /** Each known street key with its spellings for typo matching. */
  private readonly spellings = new Map<string, [string, string]>();

  constructor(readonly index: GeocoderIndex) {
    for (const address of index.addresses) {
      const numberKey = houseNumberKey(address.houseNumber);
      if (numberKey === null) continue;
      this.spellings.set(streetKey(address.street), streetSpellings(address.street));
      push(this.addressesByKey, streetKey(address.street), {
        address,
        numberKey,
        cities: address.city ? [placeKey(address.city)] : [],
        postcodes: address.postcode ? [placeKey(address.postcode)] : [],
      });
    }
    for (const street of index.streets) {
      const key = streetKey(street.name);
      this.spellings.set(key, streetSpellings(street.name));
      const numbered = (this.addressesByKey.get(key) ?? [])
        .filter((entry) => nearestOnLines(entry.address.location, street.lines).distanceMeters <= onStreetMeters)
        .map((entry) => ({ value: houseNumberValue(entry.numberKey), location: entry.address.location }));
      push(this.streetsByKey, key, { street, numbered, cities: street.cities.map(placeKey), postcodes: street.postcodes.map(placeKey) });
    }
    for (const city of index.cities) this.cityByKey.set(placeKey(city), city);
  }

  describe(): Record<string, unknown> {
    return { geocoder: 'embedded', addresses: this.index.addresses.length, streets: this.index.streets.length };
  }

  async geocode(query: AddressQuery): Promise<GeocodeResult> {
    return this.resolve(query);
  }

  /** Synchronous core, so benchmarks and tests can call it in tight loops. */
  resolve(query: AddressQuery): GeocodeResult {
    const address = splitAddress(query);
    const lineOnly = query.street === undefined && query.text !== undefined;
    if (!address.street) throw new GeocodeFailure('not_found', 'no street given', lineOnly ? 'text' : 'street');
    const city = address.city === undefined ? undefined : this.cityKey(address.city, lineOnly);
    const postcode = address.postcode === undefined ? undefined : placeKey(address.postcode);
    const keys = this.streetKeys(address.street);
    if (keys.length === 0) throw new GeocodeFailure('not_found', `street "${address.street}" is not in the map`, lineOnly ? 'text' : 'street');

    const numberKey = address.houseNumber === undefined ? null : houseNumberKey(address.houseNumber);
    if (numberKey !== null) {
      const hits = keys.flatMap((key) => this.addressesByKey.get(key) ?? []).filter((entry) => numberMatches(entry.numberKey, numberKey));
      const places = samePlaces(byPlace(hits, city, postcode));
      const match = (entries: PreparedAddress[]): GeocodeMatch => {
        const first = entries[0]!.address;
        return {
          location: medoid(entries.map((entry) => entry.address.location)),
          matched: { street: first.street, houseNumber: first.houseNumber, ...optional('postcode', first.postcode), ...optional('city', first.city) },
        };
      };
      if (places.length === 1) return { ...match(places[0]!), confidence: 'exact' };
      // The same address in several places the query cannot tell apart (no postcode or town given, or a typo one
      // edit from two streets): a pin to confirm on the one with the most points, the others as alternatives.
      if (places.length > 1) return { ...match(places[0]!), confidence: 'street', alternatives: places.slice(1).map(match) };
    }

    const streets = byPlace(keys.flatMap((key) => this.streetsByKey.get(key) ?? []), city, postcode);
    if (streets.length === 0) {
      const where = city ? ` in ${address.city}` : '';
      throw new GeocodeFailure('not_found', `street "${address.street}"${where} is not in the map${numberKey !== null ? ' and neither is the address' : ''}`, lineOnly ? 'text' : 'street');
    }
    // Several stretches of the name the address cannot tell apart (same postcode and town, districts the extract
    // does not name, or no place given): the pin goes on the stretch the number fits best, the others come back as
    // alternatives, and like every `street` result it is the dispatcher's to confirm. Never elsewhere, never refused.
    // A typo one edit from several names: the name nearest as typed (its folded key) first, the others stay alternatives.
    const typed = streetKey(address.street);
    const [street, ...others] = rankStretches(streets, numberKey, (entry) => editDistance(typed, streetKey(entry.street.name), 3));
    const matched = (entry: PreparedStreet) => ({
      street: entry.street.name,
      ...optional('houseNumber', address.houseNumber),
      ...optional('postcode', entry.street.postcodes.length === 1 ? entry.street.postcodes[0] : address.postcode),
      ...optional('city', entry.street.cities.length === 1 ? entry.street.cities[0] : address.city),
    });
    return {
      location: placeOnStreet(street!, numberKey),
      confidence: 'street',
      matched: matched(street!),
      ...(others.length > 0 ? { alternatives: others.map((entry) => ({ location: placeOnStreet(entry, numberKey), matched: matched(entry) })) } : {}),
    };
  }

  /** The street's key when known, else every known key one edit away, as abbreviated or as written out. */
  private streetKeys(street: string): string[] {
    const key = streetKey(street);
    if (this.spellings.has(key)) return [key];
    // A typed name one letter short of a guessable key ("Plck" for "Plöck") is still one typo from it.
    if (key.length < minTypoKeyLength - 1) return [];
    const [spelling, plain] = streetSpellings(street);
    const near: string[] = [];
    for (const [known, [knownSpelling, knownPlain]] of this.spellings) {
      if (known.length < minTypoKeyLength) continue;
      if (editDistance(key, known, 1) <= 1 || editDistance(spelling, knownSpelling, 1) <= 1 || editDistance(plain, knownPlain, 1) <= 1) near.push(known);
    }
    return near;
  }

  /** A known city (one typo allowed, a district suffix like "Heidelberg-Bergheim" ignored); an unknown one is refused. */
  private cityKey(city: string, lineOnly: boolean): string {
    const key = placeKey(city);
    if (this.cityByKey.has(key)) return key;
    const known = [...this.cityByKey.keys()];
    const prefixed = known.filter((candidate) => key.startsWith(candidate)).sort((a, b) => b.length - a.length)[0];
    if (prefixed) return prefixed;
    const near = key.length >= minTypoKeyLength ? known.filter((candidate) => editDistance(key, candidate, 1) <= 1) : [];
    if (near.length === 1) return near[0]!;
    throw new GeocodeFailure('not_found', `city "${city}" is not in the map's area`, lineOnly ? 'text' : 'city');
  }
}

/** Keeps entries in the city (or of no known city) and, when some have the postcode, those; a wrong postcode alone refuses nothing. */
function byPlace<T extends Placed>(entries: T[], city: string | undefined, postcode: string | undefined): T[] {
  let kept = entries;
  if (city !== undefined) {
    const inCity = kept.filter((entry) => entry.cities.includes(city));
    kept = inCity.length > 0 ? inCity : kept.filter((entry) => entry.cities.length === 0);
  }
  if (postcode !== undefined) {
    const withPostcode = kept.filter((entry) => entry.postcodes.includes(postcode));
    if (withPostcode.length > 0) kept = withPostcode;
  }
  return kept;
}

/** Entries of one address grouped by where they are (within sameAddressMeters of a group's first), most points first. */
function samePlaces(entries: PreparedAddress[]): PreparedAddress[][] {
  const groups: PreparedAddress[][] = [];
  for (const entry of entries) {
    const group = groups.find((members) => distance(members[0]!.address.location, entry.address.location) <= sameAddressMeters);
    if (group) group.push(entry);
    else groups.push([entry]);
  }
  return groups.sort((a, b) => b.length - a.length);
}

/** Between the nearest numbers below and above on the same side (same parity), snapped onto the street; else its middle. */
function placeOnStreet(entry: PreparedStreet, numberKey: string | null): LonLat {
  const lines = entry.street.lines;
  const value = numberKey === null ? Number.NaN : houseNumberValue(numberKey);
  if (Number.isFinite(value) && entry.numbered.length > 0) {
    const side = entry.numbered.filter((neighbour) => neighbour.value % 2 === value % 2);
    const below = side.filter((neighbour) => neighbour.value < value).sort((a, b) => b.value - a.value)[0];
    const above = side.filter((neighbour) => neighbour.value > value).sort((a, b) => a.value - b.value)[0];
    if (below && above) {
      const t = (value - below.value) / (above.value - below.value);
      const between: LonLat = [below.location[0] + t * (above.location[0] - below.location[0]), below.location[1] + t * (above.location[1] - below.location[1])];
      return nearestOnLines(between, lines).point;
    }
  }
  return nearestOnLines(centroid(lines.flat()), lines).point;
}

/**
 * Candidate stretches, best first: the name nearest as typed; then, with a number, the stretch whose numbered
 * addresses come nearest to it (same side first); otherwise, or on a tie, the one with more numbered addresses,
 * then the longer one.
 */
function rankStretches(streets: PreparedStreet[], numberKey: string | null, edits: (entry: PreparedStreet) => number): PreparedStreet[] {
  const value = numberKey === null ? Number.NaN : houseNumberValue(numberKey);
  const gap = (entry: PreparedStreet) => {
    if (!Number.isFinite(value) || entry.numbered.length === 0) return Number.POSITIVE_INFINITY;
    return Math.min(...entry.numbered.map((neighbour) => Math.abs(neighbour.value - value) + (neighbour.value % 2 === value % 2 ? 0 : 0.5)));
  };
  const length = (entry: PreparedStreet) => entry.street.lines.reduce((sum, line) => sum + line.slice(1).reduce((meters, point, k) => meters + distance(line[k]!, point), 0), 0);
  return streets
    .map((entry) => ({ entry, edits: edits(entry), gap: gap(entry), numbered: entry.numbered.length, length: length(entry) }))
    .sort((a, b) => a.edits - b.edits || a.gap - b.gap || b.numbered - a.numbered || b.length - a.length)
    .map(({ entry }) => entry);
}

/** Of an address's several points (entrances, the building), the one nearest the others: a real point, not a mean between them. */
function medoid(points: LonLat[]): LonLat {
  const middle = centroid(points);
  return points.reduce((best, point) => (distance(point, middle) < distance(best, middle) ? point : best));
}

const distance = (a: LonLat, b: LonLat) => haversineMeters(a[0], a[1], b[0], b[1]);

function optional<K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> {
  return value ? ({ [key]: value } as Record<K, string>) : {};
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

export interface EmbeddedGeocoderOptions {
  pbfPath: string;
  cacheDir: string;
  log?: (message: string) => void;
}

/** Builds the index from the extract (about 2 s for Heidelberg) or reloads it from cacheDir, keyed by the extract's hash. */
export function loadEmbeddedGeocoder(options: EmbeddedGeocoderOptions): EmbeddedGeocoder {
  const log = options.log ?? (() => {});
  const started = performance.now();
  if (!existsSync(options.pbfPath)) throw new Error(`OSM extract not found at ${options.pbfPath} (set OSM_PBF to a .osm.pbf file)`);
  const pbf = readFileSync(options.pbfPath);
  const hash = createHash('sha256').update(pbf).digest('hex').slice(0, 16);
  const cachePath = join(options.cacheDir, `geocoder-${hash}-v${indexVersion}.json`);
  if (existsSync(cachePath)) {
    try {
      const geocoder = new EmbeddedGeocoder(JSON.parse(readFileSync(cachePath, 'utf8')) as GeocoderIndex);
      log(`address index loaded from ${cachePath} in ${Math.round(performance.now() - started)} ms`);
      return geocoder;
    } catch (error) {
      log(`ignoring unreadable address index ${cachePath}: ${(error as Error).message}`);
    }
  }
  const index = buildGeocoderIndex(pbf);
  mkdirSync(options.cacheDir, { recursive: true });
  // Write then rename, so a crash never leaves a half-written index behind; older versions go.
  const temporary = `${cachePath}.${process.pid}.tmp`;
  writeFileSync(temporary, JSON.stringify(index));
  renameSync(temporary, cachePath);
  for (const name of readdirSync(options.cacheDir)) {
    if (name.startsWith(`geocoder-${hash}-v`) && join(options.cacheDir, name) !== cachePath) rmSync(join(options.cacheDir, name), { force: true });
  }
  log(`address index built from ${options.pbfPath} in ${Math.round(performance.now() - started)} ms and cached at ${cachePath}`);
  return new EmbeddedGeocoder(index);
}
