/**
 * The offline base map: the roads of the embedded network from /api/v1/basemap/roads, by bounding box,
 * drawn on a canvas and read again (once per view) when the map has moved.
 */
import L from 'leaflet';

const roadWeights: Record<string, number> = { motorway: 4, trunk: 4, primary: 3.5, secondary: 3, tertiary: 2.5 };
/** The server answers boxes up to 0.25° a side. */
const maxSpanDegrees = 0.25;

export class RoadsLayer extends L.Layer {
  private readonly renderer = L.canvas({ padding: 0.2 });
  private readonly roads = L.geoJSON(undefined, {
    style: (feature) => ({ color: '#9aa3ad', weight: roadWeights[feature?.properties.highway] ?? 1.5, opacity: 0.9, interactive: false, renderer: this.renderer }),
  });
  /** The box last asked for: a view already loaded is not read again, and an answer for an older box is dropped. */
  private loaded = '';
  private readonly load = () => void this.read();

  override getEvents() {
    return { moveend: this.load };
  }

  override onAdd(map: L.Map): this {
    map.getContainer().classList.add('offline-map');
    map.attributionControl?.addAttribution('Roads &copy; OpenStreetMap contributors');
    this.roads.addTo(map);
    this.load();
    return this;
  }

  override onRemove(map: L.Map): this {
    map.getContainer().classList.remove('offline-map');
    map.attributionControl?.removeAttribution('Roads &copy; OpenStreetMap contributors');
    this.roads.remove();
    // The renderer joined the map with the first road drawn; Leaflet leaves it (and its map handlers) there.
    this.renderer.remove();
    this.loaded = '';
    return this;
  }

  private async read(): Promise<void> {
    const map = this._map as L.Map | undefined;
    if (!map) return;
    const bounds = map.getBounds().pad(0.2);
    const span = Math.max(bounds.getEast() - bounds.getWest(), bounds.getNorth() - bounds.getSouth());
    if (span > maxSpanDegrees) return;
    const [west, south, east, north] = [bounds.getWest(), bounds.getSouth(), bounds.getEast(), bounds.getNorth()].map((value) => value.toFixed(3));
    // A map not laid out yet (a hidden or tiny container) spans less than the rounding: nothing to read until it has a size.
    if (!(Number(east) > Number(west) && Number(north) > Number(south))) return;
    const bbox = [west, south, east, north].join(',');
    if (bbox === this.loaded) return;
    this.loaded = bbox;
    const response = await fetch(`/api/v1/basemap/roads?bbox=${bbox}`);
    if (!response.ok || bbox !== this.loaded) return;
    const roads = await response.json();
    if (bbox !== this.loaded) return;
    this.roads.clearLayers();
    this.roads.addData(roads);
  }
}
