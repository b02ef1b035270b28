/** Alerts for the office: the list a console loads (then follows over the depot's socket room), and acknowledging one. */
import { acknowledgeAlert } from '../../commands/acknowledge-alert';
import { reads, type CommandContext } from '../../commands/context';
import { alertStatuses } from '../../domain/model/alert';
import { alertListQuerySchema, alertSchema } from '../../protocol/alerts';
import { idParamsSchema, pageOf, pageQuerySchema } from '../../protocol/common';
import { apiMount, type Mount } from '../mount';
import type { ApiRouter } from '../endpoint';
import { presentAlert } from '../presenters/alert.presenter';

const office = ['admin', 'dispatcher'] as const;

function declare(api: ApiRouter, context: CommandContext): void {
  const repos = reads(context);
  api.endpoint(
    {
      method: 'get',
      path: '/alerts',
      operationId: 'listAlerts',
      summary: 'List alerts, oldest first (open ones by default)',
      description: 'The depot room of the socket sends alert:raised, alert:updated, alert:resolved and alert:acknowledged with the same shape.',
      tag: 'alerts',
      roles: office,
      query: pageQuerySchema.extend(alertListQuerySchema.shape),
      response: pageOf(alertSchema),
    },
    async ({ query }) => {
      const status = query.status === 'all' ? [...alertStatuses] : [query.status];
      const page = await repos.alerts.list({ depotId: query.depotId, status }, query);
      return { items: page.items.map(presentAlert), nextCursor: page.nextCursor };
    },
  );
  api.endpoint(
    {
      method: 'post',
      path: '/alerts/:id/acknowledge',
      operationId: 'acknowledgeAlert',
      summary: 'Acknowledge an alert: it leaves the open list, with who and when recorded',
      description: 'Acknowledging it again answers it unchanged.',
      tag: 'alerts',
      roles: office,
      params: idParamsSchema,
      response: alertSchema,
    },
    async ({ params, principal }) => presentAlert(await acknowledgeAlert(context, params.id, principal)),
  );
}

export function alertsMount(context: CommandContext): Mount {
  return apiMount((api) => declare(api, context));
}
