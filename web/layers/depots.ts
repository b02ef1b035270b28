/** Depots as white rings, keyed by depot id. */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng } from '../common/map';
import { ListLayer, samePlace } from './keyed';

export interface DepotOnMap {
  id: number;
  name: string;
  location: [number, number];
}

export class DepotsLayer extends ListLayer<DepotOnMap, number, L.CircleMarker> {
  protected keyOf(depot: DepotOnMap) {
    return depot.id;
  }

  protected create(depot: DepotOnMap): L.CircleMarker {
    return L.circleMarker(latLng(depot.location), { radius: 9, color: '#1d2630', fillColor: '#fff', fillOpacity: 1, weight: 3 }).bindTooltip(escapeHtml(depot.name));
  }

  protected update(marker: L.CircleMarker, depot: DepotOnMap, shown: DepotOnMap): void {
    if (!samePlace(depot.location, shown.location)) marker.setLatLng(latLng(depot.location));
    if (depot.name !== shown.name) marker.setTooltipContent(escapeHtml(depot.name));
  }
}
