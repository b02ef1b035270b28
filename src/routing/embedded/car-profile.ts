/**
 * Which OSM ways a car may drive and how fast, after OSRM's stock profiles/car.lua (v5.2x / v26),
 * so that our travel times can be compared with OSRM's on the same extract.
 */
import type { Tags } from './pbf';

/** Default speed per road class when no maxspeed is tagged (car.lua `speeds.highway`). */
export const highwaySpeedKmh: Readonly<Record<string, number>> = {
  motorway: 90,
  motorway_link: 45,
  trunk: 85,
  trunk_link: 40,
  primary: 65,
  primary_link: 30,
  secondary: 55,
  secondary_link: 25,
  tertiary: 40,
  tertiary_link: 20,
  unclassified: 25,
  residential: 25,
  living_street: 10,
  service: 15,
};

/** Speed for unlisted highway classes that explicitly allow cars (e.g. track + motor_vehicle=yes). */
const defaultSpeedKmh = 10;
/** car.lua drives at 80 % of a tagged maxspeed. */
const maxspeedReduction = 0.8;

const accessWhitelist = new Set(['yes', 'motorcar', 'motor_vehicle', 'vehicle', 'permissive', 'designated', 'hov']);
const accessBlacklist = new Set(['no', 'agricultural', 'forestry', 'emergency', 'psv', 'customers', 'private', 'delivery']);
const accessKeys = ['motorcar', 'motor_vehicle', 'vehicle', 'access'];
/** Access values that only restrict who may pass (residents, deliveries): such roads and gates are not walls. */
const restrictedAccess = new Set(['private', 'delivery', 'destination', 'customers']);
const blockedHighways = new Set(['construction', 'proposed', 'steps', 'abandoned', 'platform', 'raceway']);
const serviceForbidden = new Set(['emergency_access']);

const surfaceSpeedKmh: Readonly<Record<string, number>> = {
  cement: 80, compacted: 80, fine_gravel: 80,
  paving_stones: 60, metal: 60, bricks: 60,
  grass: 40, wood: 40, sett: 40, grass_paver: 40, gravel: 40, unpaved: 40, ground: 40, dirt: 40, pebblestone: 40, tartan: 40,
  cobblestone: 30, clay: 30,
  earth: 20, stone: 20, rocky: 20, sand: 20,
  mud: 10,
};
const tracktypeSpeedKmh: Readonly<Record<string, number>> = { grade1: 60, grade2: 40, grade3: 30, grade4: 25, grade5: 20 };
const smoothnessSpeedKmh: Readonly<Record<string, number>> = { intermediate: 80, bad: 40, very_bad: 20, horrible: 10, very_horrible: 5 };
const impassableSmoothness = new Set(['impassable']);

/** Zone maxspeeds such as "DE:urban" (car.lua `maxspeed_table`, then `maxspeed_table_default` by zone type). */
const zoneMaxspeedKmh: Readonly<Record<string, number>> = {
  'at:rural': 100, 'at:trunk': 100, 'be:motorway': 120, 'by:urban': 60, 'by:motorway': 110,
  'ch:rural': 80, 'ch:trunk': 100, 'ch:motorway': 120, 'de:living_street': 7, 'de:rural': 100,
  'dk:rural': 80, 'fr:rural': 80, 'gb:nsl_single': 96.54, 'gb:nsl_dual': 112.63, 'gb:motorway': 112.63,
  'nl:rural': 80, 'nl:trunk': 100, 'no:rural': 80, 'no:motorway': 110, 'pl:rural': 100, 'pl:trunk': 120,
  'pl:motorway': 140, 'ro:trunk': 100, 'ru:living_street': 20, 'ru:urban': 60, 'ru:motorway': 110,
  'uk:nsl_single': 96.54, 'uk:nsl_dual': 112.63, 'uk:motorway': 112.63, 'za:urban': 60, 'za:rural': 100,
  none: 140,
};
const zoneDefaultKmh: Readonly<Record<string, number>> = { urban: 50, rural: 90, trunk: 110, motorway: 130 };

export interface CarWay {
  highway: string;
  name: string;
  ref: string;
  /** 0 when cars may not drive in that direction. */
  forwardKmh: number;
  backwardKmh: number;
  roundabout: boolean;
  /** Open only to some (access=destination, delivery, private…): fine to start or end on, not to drive through. */
  restricted: boolean;
}

/** Parses a maxspeed value into km/h: "50", "30 mph", "DE:urban", "none"; 0 when unknown. */
export function parseMaxspeedKmh(value: string | undefined): number {
  if (!value) return 0;
  const text = value.trim().toLowerCase();
  const number = /^(\d+(?:\.\d+)?)\s*(mph|mp\/h|knots|km\/h|kmh)?$/.exec(text);
  if (number) {
    const amount = Number(number[1]);
    return number[2] === 'mph' || number[2] === 'mp/h' ? amount * 1.609344 : number[2] === 'knots' ? amount * 1.852 : amount;
  }
  const known = zoneMaxspeedKmh[text];
  if (known !== undefined) return known;
  const zone = /^[a-z]{2}(?:-[a-z]+)?:([a-z_]+)$/.exec(text);
  return zone ? (zoneDefaultKmh[zone[1]!] ?? 0) : 0;
}

/** The access value that applies to cars, in one direction of travel when given. */
function accessOf(tags: Tags, direction?: 'forward' | 'backward'): string | undefined {
  for (const key of accessKeys) {
    const value = (direction && tags[`${key}:${direction}`]) || tags[key];
    if (value) return value;
  }
  return undefined;
}

/** The car attributes of a way, or null when cars cannot use it at all. */
export function carWay(tags: Tags): CarWay | null {
  const highway = tags.highway;
  if (!highway || blockedHighways.has(highway) || tags.area === 'yes') return null;
  if (tags.impassable === 'yes' || tags.status === 'impassable' || tags.oneway === 'reversible') return null;
  if (highway === 'service' && tags.service && serviceForbidden.has(tags.service)) return null;
  const access = accessOf(tags);
  // Access may differ per direction ("vehicle:backward=no"); the most specific key wins, as in OSRM.
  const forwardAccess = accessOf(tags, 'forward');
  const backwardAccess = accessOf(tags, 'backward');
  const isRestricted = (value: string | undefined) =>
    value !== undefined && restrictedAccess.has(value) && !(highway === 'service' && value === 'private');
  const isBlocked = (value: string | undefined) => value !== undefined && accessBlacklist.has(value) && !isRestricted(value);
  if (isBlocked(forwardAccess) && isBlocked(backwardAccess)) return null;
  const restricted = isRestricted(forwardAccess) || isRestricted(backwardAccess);

  let baseKmh = highwaySpeedKmh[highway];
  if (baseKmh === undefined) {
    if (!access || !accessWhitelist.has(access)) return null;
    baseKmh = defaultSpeedKmh;
  }
  if (tags.smoothness && impassableSmoothness.has(tags.smoothness)) return null;

  const maxspeed = parseMaxspeedKmh(tags['maxspeed:advisory'] ?? tags.maxspeed ?? tags['source:maxspeed'] ?? tags['maxspeed:type']);
  const forwardMax = parseMaxspeedKmh(tags['maxspeed:forward']) || maxspeed;
  const backwardMax = parseMaxspeedKmh(tags['maxspeed:backward']) || maxspeed;
  const limit = (kmh: number): number => {
    let speed = kmh > 0 ? kmh * maxspeedReduction : baseKmh;
    for (const cap of [surfaceSpeedKmh[tags.surface ?? ''], tracktypeSpeedKmh[tags.tracktype ?? ''], smoothnessSpeedKmh[tags.smoothness ?? '']]) {
      if (cap !== undefined) speed = Math.min(speed, cap);
    }
    return speed;
  };

  const junction = tags.junction;
  const roundabout = junction === 'roundabout' || junction === 'circular';
  const oneway = tags.oneway;
  let forward = !isBlocked(forwardAccess);
  let backward = !isBlocked(backwardAccess);
  if (oneway === '-1') forward = false;
  else if (oneway === 'yes' || oneway === '1' || oneway === 'true') backward = false;
  else if (oneway !== 'no' && (roundabout || highway === 'motorway')) backward = false;

  if (!forward && !backward) return null;
  return {
    highway,
    name: tags.name ?? '',
    ref: tags.ref ?? '',
    forwardKmh: forward ? limit(forwardMax) : 0,
    backwardKmh: backward ? limit(backwardMax) : 0,
    roundabout,
    restricted,
  };
}

const passableBarriers = new Set([
  'cattle_grid', 'border_control', 'toll_booth', 'sally_port', 'gate', 'lift_gate', 'no', 'entrance', 'height_restrictor', 'arch',
]);

/** True when a node blocks cars from passing through it (bollards, blocked access). */
export function isBarrier(tags: Tags): boolean {
  const access = accessOf(tags);
  if (access) return accessBlacklist.has(access) && !restrictedAccess.has(access);
  const barrier = tags.barrier;
  return barrier !== undefined && barrier !== '' && !passableBarriers.has(barrier);
}

export function isTrafficSignal(tags: Tags): boolean {
  return tags.highway === 'traffic_signals';
}

/**
 * Weight, not time, added for entering a restricted road from an open one (OSRM's max_turn_weight), so
 * routes only use such roads to reach or leave a point on them.
 */
export const enterRestrictedPenaltySeconds = 3276.7;

/** Extra seconds OSRM adds for a traffic light and for turning (car.lua process_turn). */
export const trafficSignalSeconds = 2;
const turnPenaltySeconds = 7.5;
const turnBias = 1.075;
const uTurnSeconds = 20;

/**
 * Seconds spent turning by `angleDegrees` (0 straight, positive right, ±180 back) at an intersection of
 * `roadCount` roads; right-hand traffic makes left turns dearer.
 */
export function turnSeconds(angleDegrees: number, roadCount: number, isUTurn: boolean): number {
  if (roadCount <= 2 && !isUTurn) return 0;
  const penalty =
    angleDegrees >= 0
      ? turnPenaltySeconds / (1 + Math.exp(-((13 / turnBias) * (angleDegrees / 180) - 6.5 * turnBias)))
      : turnPenaltySeconds / (1 + Math.exp(-((13 * turnBias) * (-angleDegrees / 180) - 6.5 / turnBias)));
  return penalty + (isUTurn ? uTurnSeconds : 0);
}
