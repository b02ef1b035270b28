/**
 * Leaflet set-up shared by the pages. With a tile URL (TILE_URL, written into the page) the map uses
 * tiles; without one it works offline, drawing the roads of the embedded network on a canvas.
 */
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

const roadWeights: Record<string, number> = { motorway: 4, trunk: 4, primary: 3.5, secondary: 3, tertiary: 2.5 };

export function tileUrl(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="tile-url"]')?.content.trim() ?? '';
}

export function createMap(element: HTMLElement, center: [number, number] = [8.69, 49.41], zoom = 13): L.Map {
  const map = L.map(element, { preferCanvas: true, keyboard: true }).setView([center[1], center[0]], zoom);
  const url = tileUrl();
  if (url && url !== '__TILE_URL__') {
    L.tileLayer(url, { maxZoom: 19, attribution: '&copy; OpenStreetMap contributors' }).addTo(map);
  } else {
    offlineBaseMap(map);
  }
  return map;
}

/** Roads by bounding box from /api/v1/basemap/roads, redrawn (once per view) on a canvas renderer. */
function offlineBaseMap(map: L.Map): void {
  map.getContainer().classList.add('offline-map');
  map.attributionControl.addAttribution('Roads &copy; OpenStreetMap contributors');
  const renderer = L.canvas({ padding: 0.2 });
  const layer = L.geoJSON(undefined, {
    style: (feature) => ({ color: '#9aa3ad', weight: roadWeights[feature?.properties.highway] ?? 1.5, opacity: 0.9, interactive: false, renderer }),
  }).addTo(map);
  let loaded = '';
  const load = async () => {
    const bounds = map.getBounds().pad(0.2);
    const span = Math.max(bounds.getEast() - bounds.getWest(), bounds.getNorth() - bounds.getSouth());
    if (span > 0.25) return;
    const bbox = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((value) => value.toFixed(3)).join(',');
    if (bbox === loaded) return;
    loaded = bbox;
    const response = await fetch(`/api/v1/basemap/roads?bbox=${bbox}`);
    if (!response.ok || bbox !== loaded) return;
    layer.clearLayers();
    layer.addData(await response.json());
  };
  map.on('moveend', () => void load());
  void load();
}

/** A round numbered marker (stop numbers on routes). */
export function numberedIcon(label: string, color: string): L.DivIcon {
  return L.divIcon({ className: 'numbered-icon', html: `<span style="background:${color}">${label}</span>`, iconSize: [22, 22], iconAnchor: [11, 11] });
}

export const routeColors = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22'];

export const latLng = ([lon, lat]: [number, number]): L.LatLngExpression => [lat, lon];
