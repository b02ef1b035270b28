/**
 * Turn-by-turn text from OSRM v5 steps ("Turn left onto Hauptstraße"), in any language
 * osrm-text-instructions ships, for the driver page and anything else that reads routes aloud.
 */
import osrmTextInstructions from 'osrm-text-instructions';
import languages from 'osrm-text-instructions/languages.js';
import { RoutingError, type Route, type RouteLeg } from './provider';
import type { LonLat } from '../domain/model/geometry';

export interface Instruction {
  text: string;
  /** Distance and time driven after this maneuver, until the next one. */
  distanceMeters: number;
  durationSeconds: number;
  /** Where the maneuver happens. */
  location: LonLat;
}

const compiler = osrmTextInstructions('v5');
export const supportedLanguages: readonly string[] = languages.supportedCodes;

/** Instructions for one leg, or for a whole route (arrivals then say "your 1st destination", …). */
export function instructionsFor(legOrRoute: RouteLeg | Route, language = 'en'): Instruction[] {
  if (!supportedLanguages.includes(language)) {
    throw new RoutingError('InvalidValue', `language "${language}" is not supported; use one of ${supportedLanguages.join(', ')}`);
  }
  const legs = 'legs' in legOrRoute ? legOrRoute.legs : [legOrRoute];
  const legCount = 'legs' in legOrRoute ? legs.length : undefined;
  return legs.flatMap((leg, legIndex) =>
    leg.steps.map((step) => ({
      text: compiler.compile(language, step, legCount === undefined ? {} : { legIndex, legCount }),
      distanceMeters: step.distance,
      durationSeconds: step.duration,
      location: step.maneuver.location,
    })),
  );
}
