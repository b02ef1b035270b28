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

/**
 * A div icon holding a label on a coloured badge, with `attributes` on the marker's element, built each time
 * Leaflet creates it. The colour is set through the CSSOM: the Content-Security-Policy refuses style attributes.
 */
class BadgeIcon extends L.DivIcon {
  constructor(
    options: L.DivIconOptions,
    private readonly badge: { label: string; color: string; hidden: boolean },
    private readonly attributes: Record<string, string> = {},
  ) {
    super(options);
  }

  override createIcon(oldIcon?: HTMLElement): HTMLElement {
    const icon = super.createIcon(oldIcon);
    const span = document.createElement('span');
    span.textContent = this.badge.label;
    span.style.background = this.badge.color;
    if (this.badge.hidden) span.setAttribute('aria-hidden', 'true');
    icon.replaceChildren(span);
    for (const [name, value] of Object.entries(this.attributes)) icon.setAttribute(name, value);
    return icon;
  }
}

/** A round numbered marker (stop numbers on routes). */
export function numberedIcon(label: string, color: string): L.DivIcon {
  return new BadgeIcon({ className: 'numbered-icon', iconSize: [22, 22], iconAnchor: [11, 11] }, { label, color, hidden: false });
}

/** A van: a square in its colour with a short label ("V3"); the label is for the eye, the marker's title for screen readers. */
export function vehicleIcon(label: string, color: string, attributes: Record<string, string> = {}): L.DivIcon {
  return new BadgeIcon({ className: 'vehicle-icon', iconSize: [30, 30], iconAnchor: [15, 15] }, { label, color, hidden: true }, attributes);
}

export const routeColors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

export const latLng = ([lon, lat]: [number, number]): L.LatLngExpression => [lat, lon];
