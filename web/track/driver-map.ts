/** The tracking page's map: the driver's marker moved in place, and the customer's address. */
import L from 'leaflet';
import { createMap, latLng, vehicleIcon } from '../common/map';

let map: L.Map | null = null;
let driverMarker: L.Marker | null = null;

export function showDriver(element: HTMLElement, driver: [number, number], destination: [number, number]): void {
  if (!map) {
    map = createMap(element, driver, 14);
    L.circleMarker(latLng(destination), { radius: 8, color: '#1e7b34' }).addTo(map).bindTooltip('You');
  }
  if (driverMarker) driverMarker.setLatLng(latLng(driver));
  // Leaflet's default marker is an image the bundle does not ship: the van is drawn like the console's.
  else driverMarker = L.marker(latLng(driver), { title: 'Your driver', icon: vehicleIcon('Van', '#0b5cad') }).addTo(map);
  map.fitBounds(L.latLngBounds([latLng(driver), latLng(destination)]).pad(0.3), { maxZoom: 16, animate: false });
}
