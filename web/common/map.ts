/**
 * Leaflet set-up shared by the pages. With a tile URL (TILE_URL, written into the page) the map uses
 * tiles; without one it works offline, drawing the roads of the embedded network on a canvas.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';
import { RoadsLayer } from '../layers/roads';

export function tileUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="tile-url"]')?.content.trim() ?? '';
}

export function createMap(element: HTMLElement, center: [number, number] = [8.69, 49.41], zoom = 13): L.Map {
  const map = L.map(element, { preferCanvas: true, keyboard: true }).setView([center[1], center[0]], zoom);
  const url = tileUrl();
  if (url && url !== '__TILE_URL__') {
    L.tileLayer(url, { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
  } else {
    new RoadsLayer().addTo(map);
  }
  return map;
}

/** A round numbered marker (stop numbers on routes). */
export function numberedIcon(label: string, color: string): L.DivIcon {
  return L.divIcon({ className: 'numbered-icon', html: `<span style="background:${color}">${label}</span>`, iconSize: [22, 22], iconAnchor: [11, 11] });
}

/** A div icon that puts `attributes` on the marker's element, each time Leaflet creates it. */
class AttributedDivIcon extends L.DivIcon {
  constructor(
    options: L.DivIconOptions,
    private readonly attributes: Record<string, string>,
  ) {
    super(options);
  }

  override createIcon(oldIcon?: HTMLElement): HTMLElement {
    const icon = super.createIcon(oldIcon);
    for (const [name, value] of Object.entries(this.attributes)) icon.setAttribute(name, value);
    return icon;
  }
}

/** A van: a square in its colour with a short label ("V3"); the label is for the eye, the marker's title for screen readers. */
export function vehicleIcon(label: string, color: string, attributes: Record<string, string> = {}): L.DivIcon {
  return new AttributedDivIcon({ className: 'vehicle-icon', html: `<span style="background:${color}" aria-hidden="true">${label}</span>`, iconSize: [30, 30], iconAnchor: [15, 15] }, attributes);
}

export const routeColors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

export const latLng = ([lon, lat]: [number, number]): L.LatLngExpression => [lat, lon];
