/** Coordinates are [lon, lat] in WGS84 degrees, as in GeoJSON, OSRM and VROOM. */
export type LonLat = [number, number];

/** A GeoJSON Polygon or MultiPolygon (RFC 7946): rings of [lon, lat], first ring outer, the rest holes. */
export type ServiceArea = { type: 'Polygon'; coordinates: LonLat[][] } | { type: 'MultiPolygon'; coordinates: LonLat[][][] };

/** A GeoJSON LineString geometry (RFC 7946). */
export interface LineString {
  type: 'LineString';
  coordinates: LonLat[];
}
