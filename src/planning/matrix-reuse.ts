/**
 * A road network that answers a table over places it has already been asked about from that earlier table: a
 * re-plan builds one matrix for the search and evaluates its routes before and after over subsets of the same
 * places, so those evaluations cost no routing. Routes and snapping pass through. Meant for one request.
 */
import type { RoutingProvider, TableRequest, TableResult } from '../routing/provider';

export function reusingMatrix(routing: RoutingProvider): RoutingProvider {
  let known: { index: Map<string, number>; table: TableResult } | null = null;
  const key = ([lon, lat]: [number, number]) => `${lon},${lat}`;
  return {
    name: routing.name,
    route: (request) => routing.route(request),
    nearest: (coordinate, maxDistanceMeters) => routing.nearest(coordinate, maxDistanceMeters),
    async table(request: TableRequest): Promise<TableResult> {
      const sources = request.sources ?? request.coordinates.map((_, i) => i);
      const destinations = request.destinations ?? request.coordinates.map((_, i) => i);
      const at = known && request.coordinates.map((coordinate) => known!.index.get(key(coordinate)));
      if (known && at && at.every((index) => index !== undefined)) {
        const { table } = known;
        return {
          durations: sources.map((s) => destinations.map((d) => table.durations[at[s]!]![at[d]!]!)),
          distances: sources.map((s) => destinations.map((d) => table.distances[at[s]!]![at[d]!]!)),
          sources: sources.map((s) => table.sources[at[s]!]!),
          destinations: destinations.map((d) => table.destinations[at[d]!]!),
        };
      }
      const table = await routing.table(request);
      // Only a full square table can answer later subsets.
      if (!request.sources && !request.destinations) known = { index: new Map(request.coordinates.map((coordinate, i) => [key(coordinate), i])), table };
      return table;
    },
  };
}
