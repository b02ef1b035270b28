/** An alert leaves the service in this shape, over HTTP and in the depot's socket room alike. */
import { statusOfAlert, type Alert } from '../../domain/model/alert';
import type { AlertResponse } from '../../protocol/alerts';

export function presentAlert(alert: Alert): AlertResponse {
  return {
    id: alert.id,
    depotId: alert.depotId,
    kind: alert.kind,
    status: statusOfAlert(alert),
    subject: { type: alert.subject.type, id: alert.subject.id },
    message: alert.message,
    data: alert.data,
    raisedAt: alert.raisedAt.toISOString(),
    updatedAt: alert.updatedAt.toISOString(),
    resolvedAt: alert.resolvedAt?.toISOString() ?? null,
    acknowledgedAt: alert.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: alert.acknowledgedBy,
  };
}
