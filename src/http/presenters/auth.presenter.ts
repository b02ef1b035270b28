/** Users and API keys on the way out: never a password hash, a key's token only at creation. */
import type { ApiKey, User } from '../../domain/model/user';

export function presentUser(user: User) {
  return { id: user.id, username: user.username, name: user.name, role: user.role, createdAt: user.createdAt.toISOString() };
}

export function presentApiKey(key: ApiKey) {
  return {
    id: key.id,
    name: key.name,
    userId: key.userId,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
  };
}
