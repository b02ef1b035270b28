import { createDriver } from '../../commands/create-driver';
import { reads } from '../../commands/context';
import { deleteDriver } from '../../commands/delete-driver';
import { updateDriver } from '../../commands/update-driver';
import { canSeeDriver } from '../../auth/visibility';
import { notFound } from '../../errors';
import { idParamsSchema, pageOf, pageQuerySchema } from '../../protocol/common';
import { driverInputSchema, driverListQuerySchema, driverPatchSchema, driverSchema } from '../../protocol/drivers';
import type { AppDeps } from '../app';
import type { ApiRouter } from '../endpoint';
import { presentDriver } from '../presenters/fleet.presenter';

const office = ['admin', 'dispatcher'] as const;
const everyone = ['admin', 'dispatcher', 'driver'] as const;

export function driversRoutes(api: ApiRouter, deps: AppDeps): void {
  const repos = reads(deps.commands);

  api.endpoint(
    {
      method: 'get',
      path: '/drivers',
      operationId: 'listDrivers',
      summary: 'List drivers (a driver sees only themself)',
      tag: 'drivers',
      roles: everyone,
      query: pageQuerySchema.extend(driverListQuerySchema.shape),
      response: pageOf(driverSchema),
    },
    async ({ query, principal }) => {
      const onlyId = principal.role === 'driver' ? principal.driverId ?? 0 : undefined;
      const page = await repos.drivers.list({ vehicleId: query.vehicleId, id: onlyId }, query);
      return { items: page.items.map(presentDriver), nextCursor: page.nextCursor };
    },
  );

  api.endpoint(
    { method: 'get', path: '/drivers/:id', operationId: 'getDriver', summary: 'Get a driver', tag: 'drivers', roles: everyone, params: idParamsSchema, response: driverSchema },
    async ({ params, principal }) => {
      const driver = canSeeDriver(principal, params.id) ? await repos.drivers.findById(params.id) : null;
      if (!driver) throw notFound('Driver', params.id);
      return presentDriver(driver);
    },
  );

  api.endpoint(
    { method: 'post', path: '/drivers', operationId: 'createDriver', summary: 'Create a driver with login credentials', tag: 'drivers', roles: office, body: driverInputSchema, response: driverSchema, status: 201 },
    async ({ body, principal }) => presentDriver(await createDriver(deps.commands, body, principal)),
  );

  api.endpoint(
    { method: 'patch', path: '/drivers/:id', operationId: 'updateDriver', summary: 'Change a driver (name, phone, vehicle, password)', tag: 'drivers', roles: office, params: idParamsSchema, body: driverPatchSchema, response: driverSchema },
    async ({ params, body, principal }) => presentDriver(await updateDriver(deps.commands, params.id, body, principal)),
  );

  api.endpoint(
    { method: 'delete', path: '/drivers/:id', operationId: 'deleteDriver', summary: 'Delete a driver and their login', tag: 'drivers', roles: office, params: idParamsSchema, status: 204 },
    async ({ params, principal }) => deleteDriver(deps.commands, params.id, principal),
  );
}
