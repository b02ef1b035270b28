import { verifyPassword } from '../auth/passwords';
import { newToken, hashToken, sessionTokenPrefix } from '../auth/tokens';
import { AppError } from '../errors';
import type { LoginInput } from '../protocol/auth';
import { inTransaction, type CommandContext } from './context';
import type { User } from '../domain/model/user';

export const sessionSeconds = 12 * 3600;

/** Exchanges username and password for a session token (valid 12 hours). */
export async function login(context: CommandContext, input: LoginInput): Promise<{ token: string; expiresAt: Date; user: User }> {
  const now = new Date(context.clock.nowMs());
  return inTransaction(context, async (repos) => {
    const user = await repos.users.findByUsername(input.username);
    const valid = user?.passwordHash ? await verifyPassword(input.password, user.passwordHash) : false;
    if (!user || !valid) throw new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');
    await repos.users.deleteExpiredSessions(now);
    const token = newToken(sessionTokenPrefix);
    const expiresAt = new Date(now.getTime() + sessionSeconds * 1000);
    await repos.users.insertApiKey({ userId: user.id, kind: 'session', name: 'login', tokenHash: hashToken(token), expiresAt });
    const { passwordHash: _passwordHash, ...publicUser } = user;
    return { token, expiresAt, user: publicUser };
  });
}
