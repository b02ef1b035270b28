/**
 * The embedded geocoder's index, read from the OSM extract: address points (nodes, and buildings' centroids),
 * named streets as polylines (one entry per stretch, so two "Hauptstraße" in two villages stay apart),
 * the postcodes and cities the addresses name, and the road network's hull as the default service area.
 * Plain JSON, so it can be cached beside the road graph.
 */
import { readOsmPbf, type Tags } from '../routing/embedded/pbf';
import { metersPerDegree } from '../routing/embedded/geo';
import type { LonLat } from '../domain/model/geometry';
import { centroid, nearestOnLines } from './geometry';
import { streetKey } from './normalize';

export interface IndexedAddress {
  street: string;
  houseNumber: string;
  postcode?: string;
  city?: string;
  location: LonLat;
  /** "n123" or "w456": where it came from, for benchmarks and debugging. */
  osm: string;
}

export interface IndexedStreet {
  name: string;
  lines: LonLat[][];
  /** From the addresses on it, else the nearest address with one. */
  postcodes: string[];
  cities: string[];
}

export interface GeocoderIndex {
  addresses: IndexedAddress[];
  streets: IndexedStreet[];
  /** Every city name the extract's addresses and places use. */
  cities: string[];
}

/** Ways of one name closer than this belong to the same street. */
const sameStreetMeters = 800;
/** How far the nearest tagged element may be to lend a street its postcode and city. */
const nearbyPlaceMeters = 3000;
/** An address point is nearer its neighbours than a street's middle is: a tighter radius to lend it theirs. */
const nearbyAddressMeters = 500;

/** Anything in the extract that says where it is: addresses, shops and offices with an address, streets' postal_code. */
interface PlaceSample {
  location: LonLat;
  postcode?: string;
  city?: string;
}

const isAddress = (tags: Tags) => tags['addr:housenumber'] !== undefined && tags['addr:street'] !== undefined;

function addressOf(tags: Tags, location: LonLat, osm: string): IndexedAddress {
  const postcode = tags['addr:postcode'] ?? tags.postal_code;
  const city = tags['addr:city'];
  return {
    street: tags['addr:street']!.trim(),
    houseNumber: tags['addr:housenumber']!.trim(),
    ...(postcode ? { postcode } : {}),
    ...(city ? { city } : {}),
    location,
    osm,
  };
}

export function buildGeocoderIndex(pbf: Uint8Array): GeocoderIndex {
  const coordinates = new Map<number, LonLat>();
  const addresses: IndexedAddress[] = [];
  const cityNames = new Set<string>();
  const streetWays: StreetWay[] = [];
  const samples: PlaceSample[] = [];
  const sample = (tags: Tags, location: LonLat) => {
    const postcode = tags['addr:postcode'] ?? tags.postal_code;
    const city = tags['addr:city'];
    if (postcode || city) samples.push({ location, ...(postcode ? { postcode } : {}), ...(city ? { city } : {}) });
  };

  readOsmPbf(pbf, {
    node(id, lon, lat, tags) {
      coordinates.set(id, [lon, lat]);
      if (tags === null) return;
      if (isAddress(tags)) addresses.push(addressOf(tags, [lon, lat], `n${id}`));
      sample(tags, [lon, lat]);
      if (tags['addr:city']) cityNames.add(tags['addr:city']);
      if (tags.place && tags.name && ['city', 'town', 'village', 'suburb', 'hamlet'].includes(tags.place)) cityNames.add(tags.name);
    },
    way(id, nodeIds, tags) {
      const points = nodeIds.flatMap((nodeId) => {
        const point = coordinates.get(nodeId);
        return point ? [point] : [];
      });
      if (points.length === 0) return;
      if (tags['addr:city']) cityNames.add(tags['addr:city']);
      // A closed outline repeats its first node; the centroid of the distinct corners is inside ordinary buildings.
      const closed = nodeIds.length > 2 && nodeIds[0] === nodeIds[nodeIds.length - 1];
      const middle = centroid(closed ? points.slice(0, -1) : points);
      if (isAddress(tags)) addresses.push(addressOf(tags, middle, `w${id}`));
      sample(tags, middle);
      if (tags.highway && tags.name && points.length >= 2) {
        streetWays.push({ name: tags.name.trim(), line: points, ...(tags.postal_code ? { postcode: tags.postal_code } : {}) });
      }
    },
  });

  const streets = clusterStreets(streetWays);
  attachPlaces(streets, addresses, samples);
  for (const address of addresses) completePlace(address, samples, streets);
  return { addresses, streets, cities: [...cityNames].sort() };
}

interface StreetWay {
  name: string;
  line: LonLat[];
  /** The way's own postal_code tag, common on German streets. */
  postcode?: string;
}

/** Ways grouped by street key, then split into stretches: ways of one name within sameStreetMeters are one street. */
function clusterStreets(ways: StreetWay[]): IndexedStreet[] {
  const byKey = new Map<string, StreetWay[]>();
  for (const way of ways) {
    const key = streetKey(way.name);
    if (key === '') continue;
    const group = byKey.get(key) ?? [];
    group.push(way);
    byKey.set(key, group);
  }
  const streets: IndexedStreet[] = [];
  for (const group of byKey.values()) {
    const boxes = group.map((way) => boxOf(way.line, sameStreetMeters));
    const parent = group.map((_, index) => index);
    const find = (index: number): number => (parent[index] === index ? index : (parent[index] = find(parent[index]!)));
    for (let i = 0; i < group.length; i++) {
      for (let j = i + 1; j < group.length; j++) {
        // The box test settles most pairs; only overlapping boxes are measured point by point.
        if (find(i) === find(j) || !boxesOverlap(boxes[i]!, boxes[j]!)) continue;
        if (linesWithin(group[i]!.line, group[j]!.line, sameStreetMeters)) parent[find(i)] = find(j);
      }
    }
    const clusters = new Map<number, StreetWay[]>();
    group.forEach((way, index) => {
      const members = clusters.get(find(index)) ?? [];
      members.push(way);
      clusters.set(find(index), members);
    });
    for (const members of clusters.values()) {
      streets.push({ name: mostCommon(members.map((way) => way.name)), lines: members.map((way) => way.line), postcodes: distinct(members.map((way) => way.postcode)), cities: [] });
    }
  }
  return streets;
}

type Box = [number, number, number, number];

/** The line's bounding box grown by `meters` on each side. */
function boxOf(line: LonLat[], meters: number): Box {
  const box: Box = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [lon, lat] of line) {
    box[0] = Math.min(box[0], lon);
    box[1] = Math.min(box[1], lat);
    box[2] = Math.max(box[2], lon);
    box[3] = Math.max(box[3], lat);
  }
  const scale = metersPerDegree(box[1]);
  const dLon = meters / scale.x;
  const dLat = meters / scale.y;
  return [box[0] - dLon / 2, box[1] - dLat / 2, box[2] + dLon / 2, box[3] + dLat / 2];
}

const boxesOverlap = (a: Box, b: Box) => a[0] <= b[2] && b[0] <= a[2] && a[1] <= b[3] && b[1] <= a[3];

function linesWithin(a: LonLat[], b: LonLat[], meters: number): boolean {
  for (const point of a) if (nearestOnLines(point, [b]).distanceMeters <= meters) return true;
  return false;
}

function mostCommon(values: string[]): string {
  const counts = new Map<string, number>();
  for (const value of values) counts.set(value, (counts.get(value) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0]![0];
}

/**
 * Streets carry no city in OSM and only some a postal_code: take them from the addresses on the street, a city from
 * the street's postcode as the extract's addresses use it, else from the nearest element that names one.
 */
function attachPlaces(streets: IndexedStreet[], addresses: IndexedAddress[], samples: PlaceSample[]): void {
  const byKey = new Map<string, IndexedAddress[]>();
  for (const address of addresses) {
    const key = streetKey(address.street);
    const group = byKey.get(key) ?? [];
    group.push(address);
    byKey.set(key, group);
  }
  const cityOfPostcode = new Map<string, string>();
  const citiesByPostcode = new Map<string, string[]>();
  for (const { postcode, city } of samples) if (postcode && city) citiesByPostcode.set(postcode, [...(citiesByPostcode.get(postcode) ?? []), city]);
  for (const [postcode, cities] of citiesByPostcode) cityOfPostcode.set(postcode, mostCommon(cities));

  for (const street of streets) {
    const own = (byKey.get(streetKey(street.name)) ?? []).filter((address) => nearestOnLines(address.location, street.lines).distanceMeters <= sameStreetMeters);
    street.postcodes = distinct([...street.postcodes, ...own.map((address) => address.postcode)]);
    street.cities = distinct(own.map((address) => address.city));
    if (street.cities.length === 0) street.cities = distinct(street.postcodes.map((postcode) => cityOfPostcode.get(postcode)));
    if (street.postcodes.length > 0 && street.cities.length > 0) continue;
    const middle = nearestOnLines(centroid(street.lines.flat()), street.lines).point;
    const nearest = (field: 'postcode' | 'city') => {
      const value = nearestValue(samples, middle, field, nearbyPlaceMeters);
      return value === undefined ? [] : [value];
    };
    if (street.postcodes.length === 0) street.postcodes = nearest('postcode');
    if (street.cities.length === 0) street.cities = nearest('city');
  }
}

/**
 * An address point without postcode or town (some nodes carry only street and number) takes them from its
 * neighbours, else from the stretch of its street it lies on, so it is asked for with the place its street has.
 */
function completePlace(address: IndexedAddress, samples: PlaceSample[], streets: IndexedStreet[]): void {
  const key = streetKey(address.street);
  const stretch = () => streets.find((street) => streetKey(street.name) === key && nearestOnLines(address.location, street.lines).distanceMeters <= nearbyAddressMeters);
  for (const field of ['postcode', 'city'] as const) {
    if (address[field] !== undefined) continue;
    const own = stretch()?.[field === 'postcode' ? 'postcodes' : 'cities'];
    const value = nearestValue(samples, address.location, field, nearbyAddressMeters) ?? (own?.length === 1 ? own[0] : undefined);
    if (value !== undefined) address[field] = value;
  }
}

function nearestValue(samples: PlaceSample[], point: LonLat, field: 'postcode' | 'city', maxMeters: number): string | undefined {
  const scale = metersPerDegree(point[1]);
  let best: { value: string; meters: number } | undefined;
  for (const entry of samples) {
    const value = entry[field];
    if (!value) continue;
    const meters = Math.hypot((entry.location[0] - point[0]) * scale.x, (entry.location[1] - point[1]) * scale.y);
    if (meters <= maxMeters && (best === undefined || meters < best.meters)) best = { value, meters };
  }
  return best?.value;
}

const distinct = (values: (string | undefined)[]): string[] => [...new Set(values.filter((value): value is string => value !== undefined))].sort();
