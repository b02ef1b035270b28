/**
 * The base of the map layers: shapes keyed by id, updated by diff. `set()` updates the shapes it knows
 * (setLatLng, setStyle…), adds the new and removes the missing; nothing is redrawn. A layer owns its
 * listeners: map events it declares in `getEvents()` (Leaflet binds them on add and unbinds them on
 * remove), and the feed it follows (subscribed on add, unsubscribed on remove).
 */
import L from 'leaflet';

/** Data that changes: its current value and a subscription to its changes. */
export interface Feed<T> {
  get(): T;
  /** Calls `listener` after each change; returns the unsubscribe. */
  subscribe(listener: () => void): () => void;
}

export abstract class KeyedLayer<Input, Item, Key, Shape extends L.Layer> extends L.Layer {
  private readonly group = L.layerGroup();
  private readonly shapes = new Map<Key, { shape: Shape; item: Item }>();
  private input: Input | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(private readonly feed?: Feed<Input>) {
    super();
  }

  protected abstract itemsOf(input: Input): readonly Item[];
  protected abstract keyOf(item: Item): Key;
  protected abstract create(item: Item): Shape;
  /** Brings a shape up to date with its item; `shown` is the item it shows now. */
  protected abstract update(shape: Shape, item: Item, shown: Item): void;

  set(input: Input): void {
    this.input = input;
    this.refresh();
  }

  /** The shape shown for a key, if any. */
  shapeOf(key: Key): Shape | undefined {
    return this.shapes.get(key)?.shape;
  }

  get size(): number {
    return this.shapes.size;
  }

  override onAdd(map: L.Map): this {
    this.group.addTo(map);
    if (this.feed) {
      const feed = this.feed;
      this.unsubscribe = feed.subscribe(() => this.set(feed.get()));
      this.set(feed.get());
    } else this.refresh();
    return this;
  }

  override onRemove(): this {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.group.remove();
    return this;
  }

  /** Applies the input again (e.g. after a zoom, for layers whose items depend on it). */
  protected refresh(): void {
    if (this.input === null) return;
    const seen = new Set<Key>();
    for (const item of this.itemsOf(this.input)) {
      const key = this.keyOf(item);
      seen.add(key);
      const known = this.shapes.get(key);
      if (known) {
        this.update(known.shape, item, known.item);
        known.item = item;
      } else {
        const shape = this.create(item);
        this.shapes.set(key, { shape, item });
        this.group.addLayer(shape);
      }
    }
    for (const [key, { shape }] of this.shapes) {
      if (seen.has(key)) continue;
      this.group.removeLayer(shape);
      this.shapes.delete(key);
    }
  }
}

/** A layer whose input is its items, one shape each. */
export abstract class ListLayer<Item, Key, Shape extends L.Layer> extends KeyedLayer<readonly Item[], Item, Key, Shape> {
  protected itemsOf(items: readonly Item[]): readonly Item[] {
    return items;
  }
}

/** Whether two [lon, lat] positions are the same. */
export const samePlace = (a: [number, number], b: [number, number]) => a[0] === b[0] && a[1] === b[1];

/** Gives a marker a new title: Leaflet writes `options.title` only on an icon element it creates, so the shown one is set too. */
export function retitle(marker: L.Marker, title: string): void {
  marker.options.title = title;
  marker.getElement()?.setAttribute('title', title);
}
