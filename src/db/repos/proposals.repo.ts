/** All SQL over `plan_proposals`: re-planning proposals of a plan, mapped to the model. */
import type { Executor } from '../executor';
import type { ProposalDraft, ProposalStatus, ReplanProposal } from '../../domain/model/proposal';

const toProposal = (row: Record<string, any>): ReplanProposal => ({ // eslint-disable-line @typescript-eslint/no-explicit-any
  id: row.id,
  planId: row.plan_id,
  planVersion: row.plan_version,
  status: row.status,
  createdBy: row.created_by,
  createdAtEpoch: Number(row.created_at_epoch),
  expiresAtEpoch: Number(row.expires_at_epoch),
  routes: row.routes,
  unassigned: row.unassigned,
  offShiftVehicleIds: row.off_shift_vehicle_ids,
  changes: row.changes,
  totals: row.totals,
});

export class ProposalsRepository {
  constructor(private readonly db: Executor) {}

  async insert(draft: ProposalDraft): Promise<ReplanProposal> {
    const [row] = await this.db('plan_proposals')
      .insert({
        plan_id: draft.planId,
        plan_version: draft.planVersion,
        status: 'open',
        created_by: draft.createdBy,
        created_at_epoch: draft.createdAtEpoch,
        expires_at_epoch: draft.expiresAtEpoch,
        routes: JSON.stringify(draft.routes),
        unassigned: JSON.stringify(draft.unassigned),
        off_shift_vehicle_ids: JSON.stringify(draft.offShiftVehicleIds),
        changes: JSON.stringify(draft.changes),
        totals: JSON.stringify(draft.totals),
      })
      .returning('*');
    return toProposal(row);
  }

  /** Locks the proposal for the rest of the transaction: one accept or discard wins. */
  async findForUpdate(planId: number, id: number): Promise<ReplanProposal | null> {
    const row = await this.db('plan_proposals').where({ id, plan_id: planId }).forUpdate().first();
    return row ? toProposal(row) : null;
  }

  async setStatus(id: number, status: ProposalStatus): Promise<void> {
    await this.db('plan_proposals').where({ id }).update({ status });
  }

  /** Open proposals of the plan are void once another is accepted or the plan moves on. */
  async discardOpen(planId: number): Promise<void> {
    await this.db('plan_proposals').where({ plan_id: planId, status: 'open' }).update({ status: 'discarded' });
  }
}
