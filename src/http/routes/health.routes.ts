import { z } from 'zod';
import type { ApiRouter } from '../endpoint';
import type { AppDeps } from '../app';

const healthSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });

export function healthRoutes(api: ApiRouter, deps: AppDeps): void {
  api.endpoint(
    { method: 'get', path: '/health', summary: 'Liveness and the database engine in use', tag: 'health', roles: 'public', response: healthSchema },
    async () => {
      // The database must answer, not just the process be up.
      await deps.database.ping();
      return { status: 'ok', database: deps.database.engine };
    },
  );
}
