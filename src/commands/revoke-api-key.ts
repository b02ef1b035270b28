import { notFound } from '../errors';
import { inTransaction, type CommandContext } from './context';

export async function revokeApiKey(context: CommandContext, keyId: number): Promise<void> {
  await inTransaction(context, async (repos) => {
    const key = await repos.users.findApiKey(keyId);
    if (!key || key.kind !== 'integration') throw notFound('API key', keyId);
    await repos.users.deleteApiKey(keyId);
  });
}
