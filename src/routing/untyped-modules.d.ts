/** Types for the two routing packages that ship none. */

declare module 'osrm-text-instructions' {
  interface CompileOptions {
    legIndex?: number;
    legCount?: number;
    waypointName?: string;
  }
  interface TextInstructions {
    compile(language: string, step: object, options?: CompileOptions): string;
  }
  function osrmTextInstructions(version: 'v5'): TextInstructions;
  export default osrmTextInstructions;
}

declare module 'osrm-text-instructions/languages.js' {
  const languages: { supportedCodes: string[] };
  export default languages;
}

declare module '@mapbox/polyline' {
  /** Points as [lat, lon] (Google's order, not GeoJSON's). */
  export function encode(coordinates: [number, number][], precision?: number): string;
  export function decode(encoded: string, precision?: number): [number, number][];
}
