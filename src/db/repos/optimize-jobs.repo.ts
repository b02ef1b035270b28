/** All SQL over `optimize_jobs`: rows mapped to `OptimizeJob`, written by the process solving each job. */
import type { Executor } from '../executor';
import type { OptimizeJob, OptimizeJobStatus } from '../../domain/model/optimize-job';

interface OptimizeJobRow {
  id: string;
  status: string;
  owner: string;
  cancel_requested: boolean;
  progress: unknown;
  solution: unknown;
  error: unknown;
  created_at: Date | string;
  heartbeat_at: Date | string;
  finished_at: Date | string | null;
}

const parsed = <T>(value: unknown): T | undefined => (value === null || value === undefined ? undefined : typeof value === 'string' ? (JSON.parse(value) as T) : (value as T));

function toJob(row: OptimizeJobRow): OptimizeJob & { heartbeatAt: Date; cancelRequested: boolean } {
  const progress = parsed<OptimizeJob['progress']>(row.progress);
  const solution = parsed<OptimizeJob['solution']>(row.solution);
  const error = parsed<OptimizeJob['error']>(row.error);
  return {
    id: row.id,
    status: row.status as OptimizeJobStatus,
    createdAt: new Date(row.created_at),
    heartbeatAt: new Date(row.heartbeat_at),
    cancelRequested: row.cancel_requested,
    ...(row.finished_at ? { finishedAt: new Date(row.finished_at) } : {}),
    ...(progress ? { progress } : {}),
    ...(solution ? { solution } : {}),
    ...(error ? { error } : {}),
  };
}

const json = (value: unknown) => (value === undefined ? null : JSON.stringify(value));

export class OptimizeJobsRepository {
  constructor(private readonly db: Executor) {}

  async insert(job: { id: string; owner: string; at: Date }): Promise<void> {
    await this.db('optimize_jobs').insert({ id: job.id, status: 'running', owner: job.owner, created_at: job.at, heartbeat_at: job.at });
  }

  async findById(id: string): Promise<ReturnType<typeof toJob> | null> {
    const row = await this.db<OptimizeJobRow>('optimize_jobs').where({ id }).first();
    return row ? toJob(row) : null;
  }

  async countRunning(): Promise<number> {
    const row: { count?: string | number } | undefined = await this.db('optimize_jobs').where({ status: 'running' }).count({ count: '*' }).first();
    return Number(row?.count ?? 0);
  }

  /** The owner's heartbeat with the best progress so far; answers whether someone asked to cancel. */
  async heartbeat(id: string, owner: string, at: Date, progress: OptimizeJob['progress']): Promise<{ cancelRequested: boolean }> {
    const [row]: { cancel_requested: boolean }[] = await this.db('optimize_jobs')
      .where({ id, owner, status: 'running' })
      .update({ heartbeat_at: at, progress: json(progress) })
      .returning(['cancel_requested']);
    return { cancelRequested: row?.cancel_requested ?? false };
  }

  async finish(id: string, owner: string, at: Date, result: Pick<OptimizeJob, 'status' | 'solution' | 'error' | 'progress'>): Promise<void> {
    await this.db('optimize_jobs')
      .where({ id, owner, status: 'running' })
      .update({ status: result.status, solution: json(result.solution), error: json(result.error), progress: json(result.progress), finished_at: at, heartbeat_at: at });
  }

  /** A running job whose owner stopped beating: failed, once, whoever notices. */
  async abandon(id: string, at: Date, error: NonNullable<OptimizeJob['error']>): Promise<void> {
    await this.db('optimize_jobs').where({ id, status: 'running' }).update({ status: 'failed', error: json(error), finished_at: at });
  }

  async requestCancel(id: string): Promise<boolean> {
    const updated = await this.db('optimize_jobs').where({ id }).update({ cancel_requested: true });
    return updated > 0;
  }

  async deleteFinishedBefore(cutoff: Date): Promise<number> {
    return this.db('optimize_jobs').whereNot({ status: 'running' }).andWhere('finished_at', '<', cutoff).delete();
  }
}
