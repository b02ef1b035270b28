/** A plan's stops as numbered markers in their route's colour, keyed by order (an order is one stop of a plan). */
import L from 'leaflet';
import { escapeHtml } from '../common/format';
import { latLng, numberedIcon } from '../common/map';
import { ListLayer, retitle, samePlace, type Feed } from './keyed';

export interface StopOnMap {
  orderId: number;
  location: [number, number];
  /** The number on the marker: the stop's position in its route. */
  label: string;
  color: string;
  title: string;
  tooltip: string;
}

export class StopsLayer extends ListLayer<StopOnMap, number, L.Marker> {
  /** `onSelect` gets the order of a clicked stop. */
  constructor(
    feed?: Feed<readonly StopOnMap[]>,
    private readonly onSelect?: (orderId: number) => void,
  ) {
    super(feed);
  }

  protected keyOf(stop: StopOnMap) {
    return stop.orderId;
  }

  protected create(stop: StopOnMap): L.Marker {
    const marker = L.marker(latLng(stop.location), { icon: numberedIcon(stop.label, stop.color), title: stop.title }).bindTooltip(escapeHtml(stop.tooltip));
    // The marker is keyed by its order, so the order clicked is the one it was created for.
    if (this.onSelect) marker.on('click', () => this.onSelect!(stop.orderId));
    return marker;
  }

  protected update(marker: L.Marker, stop: StopOnMap, shown: StopOnMap): void {
    if (!samePlace(stop.location, shown.location)) marker.setLatLng(latLng(stop.location));
    if (stop.label !== shown.label || stop.color !== shown.color || stop.title !== shown.title) {
      marker.setIcon(numberedIcon(stop.label, stop.color));
      retitle(marker, stop.title);
    }
    if (stop.tooltip !== shown.tooltip) marker.setTooltipContent(escapeHtml(stop.tooltip));
  }
}
