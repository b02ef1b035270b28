import { z } from 'zod';
import { DatabaseUnavailableError } from '../../errors';
import type { ApiRouter } from '../endpoint';
import type { AppDeps } from '../app';

const healthSchema = z.object({ status: z.literal('ok'), database: z.enum(['pglite', 'postgres']) });
const liveSchema = z.object({ status: z.literal('ok') });

/** A ping that hangs (network gone) counts as not ready after this long. */
const readyTimeoutMs = 3000;

export function healthRoutes(api: ApiRouter, deps: AppDeps): void {
  const databaseAnswers = async () => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new DatabaseUnavailableError()), readyTimeoutMs);
    });
    try {
      await Promise.race([deps.database.ping(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  api.endpoint(
    { method: 'get', path: '/health', operationId: 'getHealth', summary: 'The process is up and the database answers; the engine in use', tag: 'health', roles: 'public', response: healthSchema },
    async () => {
      await databaseAnswers();
      return { status: 'ok', database: deps.database.engine };
    },
  );

  api.endpoint(
    {
      method: 'get',
      path: '/health/live',
      operationId: 'getLiveness',
      summary: 'Liveness: 200 while the process runs, whatever the database does (restart only when this fails)',
      tag: 'health',
      roles: 'public',
      response: liveSchema,
    },
    async () => ({ status: 'ok' }),
  );

  api.endpoint(
    {
      method: 'get',
      path: '/health/ready',
      operationId: 'getReadiness',
      summary: 'Readiness: 200 when the database answers, 503 database_unavailable with Retry-After while it does not',
      tag: 'health',
      roles: 'public',
      response: healthSchema,
    },
    async () => {
      await databaseAnswers();
      return { status: 'ok', database: deps.database.engine };
    },
  );
}
