import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { carWay, isBarrier, parseMaxspeedKmh, turnSeconds } from '../../src/routing/embedded/car-profile';
import { readOsmPbf } from '../../src/routing/embedded/pbf';

describe('PBF reader', () => {
  it('reads every node, way and relation of the Monaco extract (counts from osmium fileinfo)', () => {
    let nodes = 0;
    let ways = 0;
    let relations = 0;
    let minLon = Infinity;
    let maxLat = -Infinity;
    readOsmPbf(readFileSync('data/osm/monaco.osm.pbf'), {
      node(_id, lon, lat) {
        nodes++;
        minLon = Math.min(minLon, lon);
        maxLat = Math.max(maxLat, lat);
      },
      way: () => void ways++,
      relation: () => void relations++,
    });
    expect({ nodes, ways, relations }).toEqual({ nodes: 180_118, ways: 27_377, relations: 212 });
    expect(minLon).toBeCloseTo(7.3490007, 6);
    expect(maxLat).toBeCloseTo(43.77, 6);
  });

  it('decodes way node references and relation members with their roles', () => {
    const restrictions: { roles: string[]; tags: Record<string, string> }[] = [];
    let longestWay = 0;
    readOsmPbf(readFileSync('data/osm/monaco.osm.pbf'), {
      way: (_id, nodeIds) => void (longestWay = Math.max(longestWay, nodeIds.length)),
      relation(_id, members, tags) {
        if (tags.type === 'restriction') restrictions.push({ roles: members.map((m) => m.role).sort(), tags });
      },
    });
    expect(longestWay).toBeGreaterThan(10);
    expect(restrictions.length).toBeGreaterThan(10);
    expect(restrictions.filter((r) => r.roles.join() === 'from,to,via').length).toBeGreaterThan(restrictions.length / 2);
  });
});

describe('car profile', () => {
  it('parses maxspeed numbers, mph and zone values', () => {
    expect(parseMaxspeedKmh('50')).toBe(50);
    expect(parseMaxspeedKmh('30 mph')).toBeCloseTo(48.28, 1);
    expect(parseMaxspeedKmh('DE:urban')).toBe(50);
    expect(parseMaxspeedKmh('DE:rural')).toBe(100);
    expect(parseMaxspeedKmh('DE:living_street')).toBe(7);
    expect(parseMaxspeedKmh('signals')).toBe(0);
    expect(parseMaxspeedKmh(undefined)).toBe(0);
  });

  it('uses the class speed, or 80 % of a tagged maxspeed', () => {
    expect(carWay({ highway: 'residential' })!.forwardKmh).toBe(25);
    expect(carWay({ highway: 'primary', maxspeed: '50' })!.forwardKmh).toBe(40);
    expect(carWay({ highway: 'primary', maxspeed: '50', surface: 'cobblestone' })!.forwardKmh).toBe(30);
  });

  it('honours one-ways, implied one-ways and their reverse', () => {
    expect(carWay({ highway: 'residential', oneway: 'yes' })).toMatchObject({ backwardKmh: 0 });
    expect(carWay({ highway: 'residential', oneway: '-1' })).toMatchObject({ forwardKmh: 0 });
    expect(carWay({ highway: 'tertiary', junction: 'roundabout' })).toMatchObject({ backwardKmh: 0, roundabout: true });
    expect(carWay({ highway: 'motorway' })!.backwardKmh).toBe(0);
    expect(carWay({ highway: 'motorway', oneway: 'no' })!.backwardKmh).toBeGreaterThan(0);
  });

  it('honours access in one direction only', () => {
    expect(carWay({ highway: 'unclassified', 'vehicle:backward': 'agricultural' })).toMatchObject({ backwardKmh: 0, forwardKmh: 25 });
    expect(carWay({ highway: 'residential', 'motor_vehicle:forward': 'no' })).toMatchObject({ forwardKmh: 0, backwardKmh: 25 });
    expect(carWay({ highway: 'residential', oneway: 'yes', 'motor_vehicle:forward': 'no' })).toBeNull();
  });

  it('refuses ways cars may not use', () => {
    expect(carWay({ highway: 'footway' })).toBeNull();
    expect(carWay({ highway: 'service', access: 'private' })).toBeNull();
    expect(carWay({ highway: 'residential', access: 'agricultural' })).toBeNull();
    expect(carWay({ highway: 'residential', motor_vehicle: 'no' })).toBeNull();
    expect(carWay({ highway: 'service', service: 'emergency_access' })).toBeNull();
    expect(carWay({ highway: 'construction' })).toBeNull();
    // An explicit car permission beats the access tag, and opens unlisted classes at the default speed.
    expect(carWay({ highway: 'residential', access: 'no', motorcar: 'yes' })).not.toBeNull();
    expect(carWay({ highway: 'track', motor_vehicle: 'yes' })!.forwardKmh).toBe(10);
  });

  it('keeps destination-only and private streets, marked as restricted', () => {
    expect(carWay({ highway: 'residential', access: 'private' })).toMatchObject({ restricted: true });
    expect(carWay({ highway: 'living_street', vehicle: 'destination' })).toMatchObject({ restricted: true });
    expect(carWay({ highway: 'residential' })).toMatchObject({ restricted: false });
  });

  it('treats bollards as barriers but not gates', () => {
    expect(isBarrier({ barrier: 'bollard' })).toBe(true);
    expect(isBarrier({ barrier: 'gate' })).toBe(false);
    expect(isBarrier({ barrier: 'gate', access: 'no' })).toBe(true);
    // A private gate lets residents through, as in OSRM's car profile.
    expect(isBarrier({ barrier: 'lift_gate', motor_vehicle: 'private' })).toBe(false);
  });

  it('makes left turns dearer than right turns and U-turns dearest', () => {
    const right = turnSeconds(90, 3, false);
    const left = turnSeconds(-90, 3, false);
    expect(left).toBeGreaterThan(right);
    expect(turnSeconds(0, 3, false)).toBeLessThan(0.1);
    expect(turnSeconds(180, 1, true)).toBeGreaterThan(20);
    expect(turnSeconds(90, 2, false)).toBe(0);
  });
});
