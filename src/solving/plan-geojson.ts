/**
 * A plan as one GeoJSON FeatureCollection (RFC 7946) for maps: each route a LineString, each stop a Point,
 * each unassigned order a Point with its reason. Properties are listed explicitly, so nothing leaks by accident.
 */
import type { Plan } from './plan-result';
import type { LonLat, LineString } from '../domain/model/geometry';

type Point = { type: 'Point'; coordinates: LonLat };
export interface PlanFeature {
  type: 'Feature';
  geometry: LineString | Point;
  properties: Record<string, string | number>;
}

export interface PlanFeatureCollection {
  type: 'FeatureCollection';
  features: PlanFeature[];
}

export function planToGeoJson(plan: Plan): PlanFeatureCollection {
  const features: PlanFeature[] = [];
  for (const route of plan.routes) {
    features.push({
      type: 'Feature',
      geometry: route.geometry,
      properties: {
        kind: 'route',
        vehicleId: route.vehicleId,
        stops: route.stops.length,
        distanceMeters: route.distanceMeters,
        drivingSeconds: route.drivingSeconds,
        departureEpochSeconds: route.departureEpochSeconds,
        arrivalEpochSeconds: route.arrivalEpochSeconds,
      },
    });
    for (const stop of route.stops) {
      features.push({
        type: 'Feature',
        geometry: { type: 'Point', coordinates: stop.location },
        properties: {
          kind: 'stop',
          vehicleId: route.vehicleId,
          orderId: stop.orderId,
          sequence: stop.sequence,
          arrivalEpochSeconds: stop.arrivalEpochSeconds,
          departureEpochSeconds: stop.departureEpochSeconds,
          waitingSeconds: stop.waitingSeconds,
        },
      });
    }
  }
  for (const order of plan.unassigned) {
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: order.location },
      properties: { kind: 'unassigned', orderId: order.orderId, reason: order.reason },
    });
  }
  return { type: 'FeatureCollection', features };
}
