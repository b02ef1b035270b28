/**
 * Order markers clustered on a pixel grid: orders whose screen positions share a 60-px cell become one
 * marker with a count; clicking it zooms in. Re-clustered when the zoom or the orders change; markers are
 * keyed (an order alone by its id, a cluster by its cell), so what stays is updated in place.
 */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng } from '../common/map';
import { KeyedLayer, retitle, samePlace, type Feed } from './keyed';

export interface ClusterPoint {
  id: number;
  location: [number, number];
  label: string;
  color: string;
}

/** One order alone, or several in a cell. */
type Cluster = { key: string; point: ClusterPoint; count: 1 } | { key: string; location: [number, number]; count: number };

const cellPixels = 60;
const iconPixels = (count: number) => (count < 10 ? 28 : count < 100 ? 34 : 40);

export class ClusterLayer extends KeyedLayer<readonly ClusterPoint[], Cluster, string, L.CircleMarker | L.Marker> {
  private readonly boundsOf = new Map<string, L.LatLngBounds>();
  private readonly recluster = () => this.refresh();

  /** `onSelect` gets the order of a clicked single marker. */
  constructor(
    feed?: Feed<readonly ClusterPoint[]>,
    private readonly onSelect?: (orderId: number) => void,
  ) {
    super(feed);
  }

  override getEvents() {
    return { zoomend: this.recluster };
  }

  protected itemsOf(points: readonly ClusterPoint[]): Cluster[] {
    const map = this._map as L.Map | undefined;
    if (!map) return [];
    const zoom = map.getZoom();
    const cells = new Map<string, ClusterPoint[]>();
    for (const point of points) {
      const pixel = map.project(latLng(point.location), zoom);
      const key = `${Math.floor(pixel.x / cellPixels)}:${Math.floor(pixel.y / cellPixels)}`;
      const cell = cells.get(key);
      if (cell) cell.push(point);
      else cells.set(key, [point]);
    }
    this.boundsOf.clear();
    return [...cells].map(([key, cell]): Cluster => {
      if (cell.length === 1) return { key: `order:${cell[0]!.id}`, point: cell[0]!, count: 1 };
      const lon = cell.reduce((sum, point) => sum + point.location[0], 0) / cell.length;
      const lat = cell.reduce((sum, point) => sum + point.location[1], 0) / cell.length;
      this.boundsOf.set(`cell:${key}`, L.latLngBounds(cell.map((point) => latLng(point.location))).pad(0.1));
      return { key: `cell:${key}`, location: [lon, lat], count: cell.length };
    });
  }

  protected keyOf(cluster: Cluster) {
    return cluster.key;
  }

  protected create(cluster: Cluster): L.CircleMarker | L.Marker {
    if ('point' in cluster) {
      const { point } = cluster;
      const marker = L.circleMarker(latLng(point.location), { radius: 6, color: '#fff', weight: 1.5, fillColor: point.color, fillOpacity: 0.95 }).bindTooltip(escapeHtml(point.label));
      if (this.onSelect) marker.on('click', () => this.onSelect!(point.id));
      return marker;
    }
    const marker = L.marker(latLng(cluster.location), { icon: this.icon(cluster.count), keyboard: true, title: `${cluster.count} orders` });
    // The cell's orders may change while its marker stays: the bounds are looked up when it is clicked.
    marker.on('click', () => {
      const bounds = this.boundsOf.get(cluster.key);
      if (bounds) this._map?.fitBounds(bounds);
    });
    return marker;
  }

  protected update(shape: L.CircleMarker | L.Marker, cluster: Cluster, shown: Cluster): void {
    if ('point' in cluster && 'point' in shown) {
      const marker = shape as L.CircleMarker;
      if (!samePlace(cluster.point.location, shown.point.location)) marker.setLatLng(latLng(cluster.point.location));
      if (cluster.point.color !== shown.point.color) marker.setStyle({ fillColor: cluster.point.color });
      if (cluster.point.label !== shown.point.label) marker.setTooltipContent(escapeHtml(cluster.point.label));
    } else if ('location' in cluster && 'location' in shown) {
      const marker = shape as L.Marker;
      if (!samePlace(cluster.location, shown.location)) marker.setLatLng(latLng(cluster.location));
      if (cluster.count !== shown.count) {
        marker.setIcon(this.icon(cluster.count));
        retitle(marker, `${cluster.count} orders`);
      }
    }
  }

  private icon(count: number): L.DivIcon {
    const size = iconPixels(count);
    return L.divIcon({ className: 'cluster-icon', html: `<span>${count}</span>`, iconSize: [size, size] });
  }
}
