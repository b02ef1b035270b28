/** Discards a re-planning proposal: nothing of the plan changes, and the proposal can no longer be accepted. */
import type { Principal } from '../auth/principal';
import { nowEpochSeconds } from '../domain/clock';
import { openProposal } from './accept-replan';
import { inTransaction, type CommandContext } from './context';

export async function discardReplan(context: CommandContext, planId: number, proposalId: number, _by: Principal): Promise<void> {
  await inTransaction(context, async (repos) => {
    await openProposal(repos, planId, proposalId, nowEpochSeconds(context.clock));
    await repos.proposals.setStatus(proposalId, 'discarded');
  });
}
