/** Route lines keyed by vehicle: a known line gets setLatLngs / setStyle, new ones are added, missing ones leave. */
import L from 'leaflet';
import { latLng } from '../common/map';
import { ListLayer, samePlace } from './keyed';

export interface RouteOnMap {
  vehicleId: number;
  /** The road geometry, [lon, lat] positions. */
  coordinates: [number, number][];
  color: string;
}

const lineStyle = { weight: 4, opacity: 0.8 };

export class RoutesLayer extends ListLayer<RouteOnMap, number, L.Polyline> {
  protected keyOf(route: RouteOnMap) {
    return route.vehicleId;
  }

  protected create(route: RouteOnMap): L.Polyline {
    return L.polyline(route.coordinates.map(latLng), { ...lineStyle, color: route.color });
  }

  protected update(line: L.Polyline, route: RouteOnMap, shown: RouteOnMap): void {
    const same = route.coordinates.length === shown.coordinates.length && route.coordinates.every((position, index) => samePlace(position, shown.coordinates[index]!));
    if (!same) line.setLatLngs(route.coordinates.map(latLng));
    if (route.color !== shown.color) line.setStyle({ color: route.color });
  }
}
