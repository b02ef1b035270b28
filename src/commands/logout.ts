import type { Principal } from '../auth/principal';
import { invalidInput } from '../errors';
import { inTransaction, type CommandContext } from './context';

/** Ends the login session the request came with; its token stops working at once. */
export async function logout(context: CommandContext, by: Principal): Promise<void> {
  const sessionId = by.sessionId;
  if (sessionId === undefined) throw invalidInput('Only a login session can log out; API keys are revoked through /api-keys');
  await inTransaction(context, (repos) => repos.users.deleteApiKey(sessionId));
}
