/** Coordinates are [lon, lat] in WGS84 degrees, as in GeoJSON, OSRM and VROOM. */
export type LonLat = [number, number];

/** A GeoJSON LineString geometry (RFC 7946). */
export interface LineString {
  type: 'LineString';
  coordinates: LonLat[];
}
