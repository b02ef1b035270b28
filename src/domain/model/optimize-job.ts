/** A POST /optimize?async=true run as pollers see it. */
import type { VroomSolution } from '../../../solver/index';

export type OptimizeJobStatus = 'running' | 'solved' | 'failed' | 'cancelled';

export interface OptimizeJob {
  id: string;
  status: OptimizeJobStatus;
  createdAt: Date;
  finishedAt?: Date;
  /** The best any seed has reported so far. */
  progress?: { bestCost: number; unassigned: number; elapsedMs: number };
  solution?: VroomSolution;
  error?: { code: string; message: string };
}
