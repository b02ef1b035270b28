import type { Principal } from '../auth/principal';
import { apiKeyPrefix, hashToken, newToken } from '../auth/tokens';
import { invalidInput } from '../errors';
import type { ApiKeyInput } from '../protocol/auth';
import { inTransaction, type CommandContext } from './context';
import type { ApiKey } from '../domain/model/user';

/** Creates an integration key acting as a user; the token is returned once and stored only as a hash. */
export async function createApiKey(context: CommandContext, input: ApiKeyInput, by: Principal, token = newToken(apiKeyPrefix)): Promise<ApiKey & { token: string }> {
  return inTransaction(context, async (repos) => {
    const userId = input.userId ?? by.userId;
    if (userId === null || !(await repos.users.findById(userId))) {
      throw invalidInput('Unknown user', [{ path: 'userId', message: `user ${userId} does not exist` }]);
    }
    const key = await repos.users.insertApiKey({ userId, kind: 'integration', name: input.name, tokenHash: hashToken(token), expiresAt: null });
    return { ...key, token };
  });
}
