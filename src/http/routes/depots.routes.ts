import { createDepot } from '../../commands/create-depot';
import { reads } from '../../commands/context';
import { deleteDepot } from '../../commands/delete-depot';
import { updateDepot } from '../../commands/update-depot';
import { notFound } from '../../errors';
import { idParamsSchema, pageOf, pageQuerySchema } from '../../protocol/common';
import { depotInputSchema, depotPatchSchema, depotSchema } from '../../protocol/depots';
import type { AppDeps } from '../app';
import type { ApiRouter } from '../endpoint';
import { presentDepot } from '../presenters/fleet.presenter';

const office = ['admin', 'dispatcher'] as const;
const everyone = ['admin', 'dispatcher', 'driver'] as const;

export function depotsRoutes(api: ApiRouter, deps: AppDeps): void {
  const repos = reads(deps.commands);

  api.endpoint(
    { method: 'get', path: '/depots', operationId: 'listDepots', summary: 'List depots', tag: 'depots', roles: everyone, query: pageQuerySchema, response: pageOf(depotSchema) },
    async ({ query }) => {
      const page = await repos.depots.list(query);
      return { items: page.items.map(presentDepot), nextCursor: page.nextCursor };
    },
  );

  api.endpoint(
    { method: 'get', path: '/depots/:id', operationId: 'getDepot', summary: 'Get a depot', tag: 'depots', roles: everyone, params: idParamsSchema, response: depotSchema },
    async ({ params }) => {
      const depot = await repos.depots.findById(params.id);
      if (!depot) throw notFound('Depot', params.id);
      return presentDepot(depot);
    },
  );

  api.endpoint(
    { method: 'post', path: '/depots', operationId: 'createDepot', summary: 'Create a depot', tag: 'depots', roles: office, body: depotInputSchema, response: depotSchema, status: 201 },
    async ({ body, principal }) => presentDepot(await createDepot(deps.commands, body, principal)),
  );

  api.endpoint(
    { method: 'patch', path: '/depots/:id', operationId: 'updateDepot', summary: 'Change a depot', tag: 'depots', roles: office, params: idParamsSchema, body: depotPatchSchema, response: depotSchema },
    async ({ params, body, principal }) => presentDepot(await updateDepot(deps.commands, params.id, body, principal)),
  );

  api.endpoint(
    { method: 'delete', path: '/depots/:id', operationId: 'deleteDepot', summary: 'Delete a depot no vehicle or order uses', tag: 'depots', roles: office, params: idParamsSchema, status: 204 },
    async ({ params, principal }) => deleteDepot(deps.commands, params.id, principal),
  );
}
