import { createVehicle } from '../../commands/create-vehicle';
import { reads } from '../../commands/context';
import { deleteVehicle } from '../../commands/delete-vehicle';
import { updateVehicle } from '../../commands/update-vehicle';
import { canSeeVehicle } from '../../auth/visibility';
import { notFound } from '../../errors';
import { idParamsSchema, pageOf, pageQuerySchema } from '../../protocol/common';
import { vehicleInputSchema, vehicleListQuerySchema, vehiclePatchSchema, vehicleSchema } from '../../protocol/vehicles';
import type { AppDeps } from '../app';
import type { ApiRouter } from '../endpoint';
import { presentVehicle } from '../presenters/fleet.presenter';
import type { Vehicle } from '../../domain/model/fleet';

const office = ['admin', 'dispatcher'] as const;
const everyone = ['admin', 'dispatcher', 'driver'] as const;

export function vehiclesRoutes(api: ApiRouter, deps: AppDeps): void {
  const repos = reads(deps.commands);
  const present = async (vehicle: Vehicle) => presentVehicle(vehicle, (await repos.drivers.findByVehicleId(vehicle.id))?.id ?? null);

  api.endpoint(
    {
      method: 'get',
      path: '/vehicles',
      operationId: 'listVehicles',
      summary: 'List vehicles (a driver sees only their own)',
      tag: 'vehicles',
      roles: everyone,
      query: pageQuerySchema.extend(vehicleListQuerySchema.shape),
      response: pageOf(vehicleSchema),
    },
    async ({ query, principal }) => {
      if (principal.role === 'driver' && principal.vehicleId === null) return { items: [], nextCursor: null };
      const onlyId = principal.role === 'driver' ? principal.vehicleId! : undefined;
      const page = await repos.vehicles.list({ depotId: query.depotId, id: onlyId }, query);
      return { items: await Promise.all(page.items.map(present)), nextCursor: page.nextCursor };
    },
  );

  api.endpoint(
    { method: 'get', path: '/vehicles/:id', operationId: 'getVehicle', summary: 'Get a vehicle', tag: 'vehicles', roles: everyone, params: idParamsSchema, response: vehicleSchema },
    async ({ params, principal }) => {
      const vehicle = canSeeVehicle(principal, params.id) ? await repos.vehicles.findById(params.id) : null;
      if (!vehicle) throw notFound('Vehicle', params.id);
      return present(vehicle);
    },
  );

  api.endpoint(
    { method: 'post', path: '/vehicles', operationId: 'createVehicle', summary: 'Create a vehicle', tag: 'vehicles', roles: office, body: vehicleInputSchema, response: vehicleSchema, status: 201 },
    async ({ body, principal }) => present(await createVehicle(deps.commands, body, principal)),
  );

  api.endpoint(
    { method: 'patch', path: '/vehicles/:id', operationId: 'updateVehicle', summary: 'Change a vehicle', tag: 'vehicles', roles: office, params: idParamsSchema, body: vehiclePatchSchema, response: vehicleSchema },
    async ({ params, body, principal }) => present(await updateVehicle(deps.commands, params.id, body, principal)),
  );

  api.endpoint(
    { method: 'delete', path: '/vehicles/:id', operationId: 'deleteVehicle', summary: 'Delete a vehicle without assigned orders', tag: 'vehicles', roles: office, params: idParamsSchema, status: 204 },
    async ({ params, principal }) => deleteVehicle(deps.commands, params.id, principal),
  );
}
