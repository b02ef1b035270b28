/**
 * The customers' tracking links the console knows, the one place it makes them. The server keeps only a hash of a
 * link's secret, so the console knows a link only when it was issued here: an order created in this console, or
 * a link issued again from the drawer (POST /orders/{id}/tracking/link). Kept for this page's life only.
 */
const issued = new Map<number, string>();

/** `path`: `/t/{code}.{secret}` as the server answers it. */
export function rememberTrackingLink(orderId: number, path: string): void {
  issued.set(orderId, path);
}

export function trackingLinkOf(orderId: number): string | null {
  const path = issued.get(orderId);
  return path ? `${location.origin}${path}` : null;
}
