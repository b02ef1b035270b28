/** Live vehicle markers keyed by vehicle id: known ones move with setLatLng, new ones are added, missing ones leave. */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng, vehicleIcon } from '../common/map';
import { ListLayer, retitle, samePlace } from './keyed';

export interface VehicleOnMap {
  vehicleId: number;
  location: [number, number];
  name: string;
  color: string;
}

/** The vehicle's short name ("Van 3" → "V3"). */
export function shortName(name: string): string {
  return name.replace(/^(\S)\S*\s*(\d*).*$/, '$1$2').replace(/[^\p{L}\p{N}]/gu, '').slice(0, 4);
}

export class VehiclesLayer extends ListLayer<VehicleOnMap, number, L.Marker> {
  protected keyOf(vehicle: VehicleOnMap) {
    return vehicle.vehicleId;
  }

  protected create(vehicle: VehicleOnMap): L.Marker {
    return L.marker(latLng(vehicle.location), { icon: this.icon(vehicle), title: vehicle.name, alt: vehicle.name, zIndexOffset: 1000 }).bindTooltip(escapeHtml(vehicle.name));
  }

  protected update(marker: L.Marker, vehicle: VehicleOnMap, shown: VehicleOnMap): void {
    if (!samePlace(vehicle.location, shown.location)) marker.setLatLng(latLng(vehicle.location));
    if (vehicle.name !== shown.name || vehicle.color !== shown.color) {
      marker.options.alt = vehicle.name;
      marker.setIcon(this.icon(vehicle));
      retitle(marker, vehicle.name);
      marker.setTooltipContent(escapeHtml(vehicle.name));
    }
  }

  private icon(vehicle: VehicleOnMap): L.DivIcon {
    return vehicleIcon(shortName(vehicle.name), vehicle.color, { 'data-vehicle-id': String(vehicle.vehicleId) });
  }
}
