/**
 * Order markers clustered on a pixel grid: orders whose screen positions share a 60-px cell become one
 * marker with a count; clicking it zooms in. Re-clustered when the zoom or the orders change.
 */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng } from '../common/map';

export interface ClusterPoint {
  id: number;
  location: [number, number];
  label: string;
  color: string;
}

const cellPixels = 60;

export class ClusterLayer {
  private readonly group = L.layerGroup();
  private points: ClusterPoint[] = [];

  constructor(private readonly map: L.Map) {
    this.group.addTo(map);
    map.on('zoomend', () => this.draw());
  }

  setPoints(points: ClusterPoint[]): void {
    this.points = points;
    this.draw();
  }

  private draw(): void {
    this.group.clearLayers();
    const zoom = this.map.getZoom();
    const cells = new Map<string, ClusterPoint[]>();
    for (const point of this.points) {
      const pixel = this.map.project(latLng(point.location), zoom);
      const key = `${Math.floor(pixel.x / cellPixels)}:${Math.floor(pixel.y / cellPixels)}`;
      const cell = cells.get(key);
      if (cell) cell.push(point);
      else cells.set(key, [point]);
    }
    for (const cell of cells.values()) {
      if (cell.length === 1) {
        const [point] = cell as [ClusterPoint];
        L.circleMarker(latLng(point.location), { radius: 6, color: '#fff', weight: 1.5, fillColor: point.color, fillOpacity: 0.95 }).bindTooltip(escapeHtml(point.label)).addTo(this.group);
        continue;
      }
      const lon = cell.reduce((sum, point) => sum + point.location[0], 0) / cell.length;
      const lat = cell.reduce((sum, point) => sum + point.location[1], 0) / cell.length;
      const size = cell.length < 10 ? 28 : cell.length < 100 ? 34 : 40;
      const icon = L.divIcon({ className: 'cluster-icon', html: `<span>${cell.length}</span>`, iconSize: [size, size] });
      const marker = L.marker([lat, lon], { icon, keyboard: true, title: `${cell.length} orders` }).addTo(this.group);
      marker.on('click', () => this.map.fitBounds(L.latLngBounds(cell.map((point) => latLng(point.location))).pad(0.1)));
    }
  }
}
