import { hashPassword } from '../auth/passwords';
import type { UserInput } from '../protocol/auth';
import { inTransaction, type CommandContext } from './context';
import { assertUsernameFree } from './rules';
import type { User } from '../domain/model/user';

/** Office users (admins, dispatchers); drivers are created with their driver record. */
export async function createUser(context: CommandContext, input: UserInput): Promise<User> {
  const passwordHash = await hashPassword(input.password);
  return inTransaction(context, async (repos) => {
    await assertUsernameFree(repos, input.username);
    return repos.users.insert({ username: input.username, name: input.name, role: input.role, passwordHash });
  });
}
