/**
 * The admin account and its API token. The demo credentials are kept in DATA_DIR (mode 0600) so
 * every start can print them again; only hashes are in the database.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { hashPassword } from '../auth/passwords';
import { apiKeyPrefix, hashToken, newToken } from '../auth/tokens';
import { inTransaction, type CommandContext } from '../commands/context';

export interface DemoCredentials {
  admin: { username: string; password: string; apiToken: string | null };
  drivers: { username: string; password: string; vehicle: string }[];
}

export const adminUsername = 'admin';
const adminTokenKeyName = 'admin token';

export function newPassword(): string {
  return randomBytes(9).toString('base64url');
}

export function readCredentials(file: string): DemoCredentials | null {
  return existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as DemoCredentials) : null;
}

export function writeCredentials(file: string, credentials: DemoCredentials): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(credentials, null, 2)}\n`, { mode: 0o600 });
}

/**
 * Makes sure the admin exists and that `adminToken` (when given) is their API token.
 * Returns the credentials created now, or null when the admin already existed.
 */
export async function ensureAdmin(context: CommandContext, adminToken: string | undefined): Promise<{ password: string; apiToken: string } | null> {
  const password = newPassword();
  const passwordHash = await hashPassword(password);
  return inTransaction(context, async (repos) => {
    let admin = await repos.users.findByUsername(adminUsername);
    const created = !admin;
    admin ??= { ...(await repos.users.insert({ username: adminUsername, name: 'Administrator', role: 'admin', passwordHash })), passwordHash };
    if (adminToken !== undefined && !(await repos.users.findByTokenHash(hashToken(adminToken), new Date(context.clock.nowMs())))) {
      for (const key of await repos.users.listApiKeys('integration')) {
        if (key.userId === admin.id && key.name === adminTokenKeyName) await repos.users.deleteApiKey(key.id);
      }
      await repos.users.insertApiKey({ userId: admin.id, kind: 'integration', name: adminTokenKeyName, tokenHash: hashToken(adminToken), expiresAt: null });
    }
    if (!created) return null;
    const apiToken = adminToken ?? newToken(apiKeyPrefix);
    if (adminToken === undefined) {
      await repos.users.insertApiKey({ userId: admin.id, kind: 'integration', name: adminTokenKeyName, tokenHash: hashToken(apiToken), expiresAt: null });
    }
    return { password, apiToken };
  });
}
