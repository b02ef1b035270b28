import { z } from 'zod';
import { reads } from '../../commands/context';
import { createApiKey } from '../../commands/create-api-key';
import { createUser } from '../../commands/create-user';
import { login } from '../../commands/login';
import { logout } from '../../commands/logout';
import { revokeApiKey } from '../../commands/revoke-api-key';
import { apiKeyInputSchema, apiKeySchema, createdApiKeySchema, loginInputSchema, loginResponseSchema, meResponseSchema, userInputSchema, userSchema } from '../../protocol/auth';
import { idParamsSchema } from '../../protocol/common';
import type { AppDeps } from '../app';
import type { ApiRouter } from '../endpoint';
import { presentApiKey, presentUser } from '../presenters/auth.presenter';

export function authRoutes(api: ApiRouter, deps: AppDeps): void {
  const repos = reads(deps.commands);

  api.endpoint(
    {
      method: 'post',
      path: '/auth/login',
      operationId: 'login',
      summary: 'Exchange username and password for a bearer token',
      description: 'Repeated wrong passwords lock the account for a while: 423 account_locked says until when.',
      tag: 'auth',
      roles: 'public',
      body: loginInputSchema,
      response: loginResponseSchema,
    },
    async ({ body, req, res }) => {
      const limiters = deps.rateLimiters!;
      await limiters.consume('loginPerAddress', req.ip ?? 'unknown', res);
      await limiters.consume('loginPerUser', body.username.toLowerCase(), res);
      const session = await login(deps.commands, body, deps.lockout);
      return { token: session.token, expiresAt: session.expiresAt.toISOString(), user: presentUser(session.user) };
    },
  );

  api.endpoint(
    { method: 'post', path: '/auth/logout', operationId: 'logout', summary: 'End the current login session', tag: 'auth', roles: ['admin', 'dispatcher', 'driver'], status: 204 },
    async ({ principal }) => logout(deps.commands, principal),
  );

  api.endpoint(
    { method: 'get', path: '/auth/me', operationId: 'getMe', summary: 'Who the credentials belong to', tag: 'auth', roles: ['admin', 'dispatcher', 'driver'], response: meResponseSchema },
    async ({ principal }) => ({
      userId: principal.userId,
      username: principal.username,
      role: principal.role,
      driverId: principal.driverId,
      vehicleId: principal.vehicleId,
    }),
  );

  api.endpoint(
    { method: 'get', path: '/users', operationId: 'listUsers', summary: 'List users', tag: 'users', roles: ['admin'], response: z.object({ items: z.array(userSchema) }) },
    async () => ({ items: (await repos.users.list()).map(presentUser) }),
  );

  api.endpoint(
    { method: 'post', path: '/users', operationId: 'createUser', summary: 'Create an admin or dispatcher', tag: 'users', roles: ['admin'], body: userInputSchema, response: userSchema, status: 201 },
    async ({ body }) => presentUser(await createUser(deps.commands, body)),
  );

  api.endpoint(
    { method: 'get', path: '/api-keys', operationId: 'listApiKeys', summary: 'List integration API keys', tag: 'users', roles: ['admin'], response: z.object({ items: z.array(apiKeySchema) }) },
    async () => ({ items: (await repos.users.listApiKeys('integration')).map(presentApiKey) }),
  );

  api.endpoint(
    {
      method: 'post',
      path: '/api-keys',
      operationId: 'createApiKey',
      summary: 'Create an integration API key (the token is shown once)',
      tag: 'users',
      roles: ['admin'],
      body: apiKeyInputSchema,
      response: createdApiKeySchema,
      status: 201,
    },
    async ({ body, principal }) => {
      const key = await createApiKey(deps.commands, body, principal);
      return { ...presentApiKey(key), token: key.token };
    },
  );

  api.endpoint(
    { method: 'delete', path: '/api-keys/:id', operationId: 'revokeApiKey', summary: 'Revoke an integration API key', tag: 'users', roles: ['admin'], params: idParamsSchema, status: 204 },
    async ({ params }) => revokeApiKey(deps.commands, params.id),
  );
}
