/** Live vehicle markers keyed by vehicle id: known ones move with setLatLng, new ones are added, none is redrawn. */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng } from '../common/map';

export class VehicleLayer {
  private readonly markers = new Map<number, L.Marker>();
  private readonly group = L.layerGroup();

  constructor(
    map: L.Map,
    private readonly nameOf: (vehicleId: number) => string,
    private readonly colorOf: (vehicleId: number) => string,
  ) {
    this.group.addTo(map);
  }

  move(vehicleId: number, location: [number, number]): void {
    const marker = this.markers.get(vehicleId);
    if (marker) {
      marker.setLatLng(latLng(location));
      return;
    }
    const name = this.nameOf(vehicleId);
    // The vehicle's short name ("Van 3" → "V3") in its route colour.
    const short = name.replace(/^(\S)\S*\s*(\d*).*$/, '$1$2').replace(/[^\p{L}\p{N}]/gu, '').slice(0, 4);
    const icon = L.divIcon({ className: 'vehicle-icon', html: `<span style="background:${this.colorOf(vehicleId)}" aria-hidden="true">${short}</span>`, iconSize: [30, 30], iconAnchor: [15, 15] });
    const added = L.marker(latLng(location), { icon, title: name, alt: name, zIndexOffset: 1000 }).bindTooltip(escapeHtml(name)).addTo(this.group);
    added.getElement()?.setAttribute('data-vehicle-id', String(vehicleId));
    this.markers.set(vehicleId, added);
  }

  /** Vehicles no longer reported (a new snapshot) leave the map. */
  keepOnly(vehicleIds: Set<number>): void {
    for (const [id, marker] of this.markers) {
      if (vehicleIds.has(id)) continue;
      marker.remove();
      this.markers.delete(id);
    }
  }
}
