import { describe, expect, it } from 'vitest';
import { instructionsFor, supportedLanguages } from '../../src/routing/instructions';
import { createHaversineProvider } from '../../src/routing/haversine';
import { loadEmbeddedRouting } from '../../src/routing/embedded';
import type { Route } from '../../src/routing/provider';
import { loadFixture } from './osrm-replay';
import type { LonLat } from '../../src/domain/model/geometry';

const recordedRoute = (name: string) => (loadFixture(name).response as { routes: Route[] }).routes[0];
const routeNames = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10'].map((n) => `route-${n}`);

describe('instructionsFor on real OSRM routes through Heidelberg', () => {
  it('gives one English sentence per step, with the street names OSRM gave', () => {
    const route = recordedRoute('route-01');
    const instructions = instructionsFor(route.legs[0]);
    const steps = route.legs[0].steps;
    expect(instructions).toHaveLength(steps.length);
    expect(instructions[0].text).toBe(`Head south on ${steps[0].name}`);
    expect(instructions.at(-1)!.text).toBe('You have arrived at your destination');
    instructions.forEach((instruction, index) => {
      expect(instruction.distanceMeters).toBe(steps[index].distance);
      expect(instruction.durationSeconds).toBe(steps[index].duration);
      expect(instruction.location).toEqual(steps[index].maneuver.location);
    });
  });

  it('says "Turn left onto <street>" where OSRM has a left turn onto a named street', () => {
    const texts = routeNames.flatMap((name) => {
      const route = recordedRoute(name);
      return instructionsFor(route).map((instruction, index) => ({ instruction, step: route.legs.flatMap((leg) => leg.steps)[index] }));
    });
    const leftTurns = texts.filter(({ step }) => step.maneuver.type === 'turn' && step.maneuver.modifier === 'left' && step.name && !step.ref && !step.destinations);
    expect(leftTurns.length).toBeGreaterThan(3);
    for (const { instruction, step } of leftTurns) expect(instruction.text).toBe(`Turn left onto ${step.name}`);
  });

  it('numbers the destinations of a multi-leg route', () => {
    const route = recordedRoute('route-multi-01');
    const arrivals = instructionsFor(route).filter((instruction) => instruction.text.startsWith('You have arrived'));
    expect(arrivals.map((instruction) => instruction.text)).toEqual([
      'You have arrived at your 1st destination',
      'You have arrived at your 2nd destination',
      'You have arrived at your 3rd destination',
      'You have arrived at your destination',
    ]);
    const total = instructionsFor(route).reduce((sum, instruction) => sum + instruction.distanceMeters, 0);
    expect(total).toBeCloseTo(route.distance, 0);
  });

  it('speaks other languages', () => {
    expect(supportedLanguages).toContain('de');
    const texts = instructionsFor(recordedRoute('route-01').legs[0], 'de').map((instruction) => instruction.text);
    expect(texts.at(-1)).toBe('Sie haben Ihr Ziel erreicht');
    expect(texts.some((text) => text.includes('abbiegen'))).toBe(true);
  });

  it('refuses an unknown language by name', () => {
    expect(() => instructionsFor(recordedRoute('route-01'), 'xx')).toThrow(/language "xx" is not supported/);
  });
});

describe('instructionsFor on haversine routes', () => {
  it('reads a straight leg as head <direction> then arrive', async () => {
    const { route } = await createHaversineProvider().route({ coordinates: [[8.69, 49.40], [8.69, 49.41]], steps: true });
    expect(instructionsFor(route).map((instruction) => instruction.text)).toEqual(['Head north', 'You have arrived at your destination']);
  });
});

describe('instructionsFor on embedded routes through Heidelberg', () => {
  it('reads our own steps as real English, mostly the sentences OSRM gives on the same trips', async () => {
    // The service's own cache location, so the graph is built once and reloaded afterwards.
    const provider = await loadEmbeddedRouting({ pbfPath: 'data/osm/heidelberg.osm.pbf', cacheDir: 'var/routing-cache' });
    let shared = 0;
    let osrmSentences = 0;
    const leftTurns: string[] = [];
    for (const name of routeNames) {
      const fixture = loadFixture(name);
      const coordinates = fixture.points!.map(({ lon, lat }): LonLat => [lon, lat]);
      const { route } = await provider.route({ coordinates, steps: true });
      const texts = instructionsFor(route).map((instruction) => instruction.text);
      expect(texts[0]).toMatch(/^Head (north|east|south|west|northeast|northwest|southeast|southwest)/);
      expect(texts.at(-1)).toBe('You have arrived at your destination');
      leftTurns.push(...texts.filter((text) => /^Turn left onto \p{Lu}\p{L}+/u.test(text)));
      const ours = new Set(texts);
      const theirs = instructionsFor(recordedRoute(name)).map((instruction) => instruction.text);
      shared += theirs.filter((text) => ours.has(text)).length;
      osrmSentences += theirs.length;
    }
    expect(leftTurns.length).toBeGreaterThan(0);
    expect(shared / osrmSentences).toBeGreaterThan(0.5);
  }, 120_000);
});
