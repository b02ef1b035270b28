import { hashPassword, verifyPassword } from '../auth/passwords';
import { newToken, hashToken, sessionTokenPrefix } from '../auth/tokens';
import { AppError } from '../errors';
import type { LoginInput } from '../protocol/auth';
import { inTransaction, type CommandContext } from './context';
import type { User } from '../domain/model/user';

export const sessionSeconds = 12 * 3600;

/** After `attempts` wrong passwords in a row a username refuses logins for `minutes` (LOGIN_LOCKOUT_*). */
export interface LockoutPolicy {
  attempts: number;
  minutes: number;
}

export const defaultLockout: LockoutPolicy = { attempts: 10, minutes: 15 };

const invalidCredentials = () => new AppError(401, 'invalid_credentials', 'Unknown username or wrong password');

/**
 * An unknown user is checked against this hash, so the answer takes as long as for a known user with a wrong
 * password: the time does not tell which usernames exist. Made once, with the same parameters as real hashes.
 */
let dummyHash: Promise<string> | null = null;
const dummy = () => (dummyHash ??= hashPassword('not-a-password-anyone-has'));

/** Exchanges username and password for a session token (valid 12 hours). */
export async function login(
  context: CommandContext,
  input: LoginInput,
  lockout: LockoutPolicy = defaultLockout,
): Promise<{ token: string; expiresAt: Date; user: User }> {
  const now = new Date(context.clock.nowMs());
  const outcome = await inTransaction(context, async (repos) => {
    const user = await repos.users.findByUsername(input.username);
    const valid = (await verifyPassword(input.password, user?.passwordHash ?? (await dummy()))) && !!user?.passwordHash;
    // Failures count per username, known or not, with the same statements: neither answer nor time tells them apart.
    const lockedUntil = await repos.users.findLoginLock(input.username, now);
    if (lockedUntil) return { kind: 'locked' as const, until: lockedUntil };
    if (!user || !valid) {
      const locked = await repos.users.recordFailedLogin(input.username, lockout.attempts, new Date(now.getTime() + lockout.minutes * 60_000));
      return locked ? { kind: 'locked' as const, until: locked } : { kind: 'refused' as const };
    }
    await repos.users.clearFailedLogins(user.username);
    await repos.users.deleteExpiredSessions(now);
    const token = newToken(sessionTokenPrefix);
    const expiresAt = new Date(now.getTime() + sessionSeconds * 1000);
    await repos.users.insertApiKey({ userId: user.id, kind: 'session', name: 'login', tokenHash: hashToken(token), expiresAt });
    const { passwordHash: _passwordHash, ...publicUser } = user;
    return { kind: 'signed_in' as const, token, expiresAt, user: publicUser };
  });
  // Thrown after the commit, so the counted failure stays counted.
  if (outcome.kind === 'refused') throw invalidCredentials();
  if (outcome.kind === 'locked') {
    throw new AppError(423, 'account_locked', `Too many wrong passwords: this account is locked until ${outcome.until.toISOString()}; try again then`, [
      { path: 'username', message: `locked until ${outcome.until.toISOString()}`, lockedUntil: outcome.until.toISOString() },
    ]);
  }
  return outcome;
}
