/** All SQL over `users` and `api_keys` (login sessions and integration keys, stored as hashes). */
import type { Role } from '../../domain/roles';
import { systemClock, type Clock } from '../../domain/clock';
import type { Executor } from '../executor';
import type { ApiKey, User, UserWithPassword } from '../../domain/model/user';

interface UserRow {
  id: number;
  username: string;
  name: string;
  role: string;
  password_hash: string | null;
  created_at: Date;
}

interface ApiKeyRow {
  id: number;
  user_id: number;
  kind: 'session' | 'integration';
  name: string;
  token_hash: string;
  expires_at: Date | null;
  last_used_at: Date | null;
  created_at: Date;
}

const toUser = (row: UserRow): UserWithPassword => ({
  id: row.id,
  username: row.username,
  name: row.name,
  role: row.role as Role,
  passwordHash: row.password_hash,
  createdAt: new Date(row.created_at),
});

const toApiKey = (row: ApiKeyRow): ApiKey => ({
  id: row.id,
  userId: row.user_id,
  kind: row.kind,
  name: row.name,
  expiresAt: row.expires_at ? new Date(row.expires_at) : null,
  lastUsedAt: row.last_used_at ? new Date(row.last_used_at) : null,
  createdAt: new Date(row.created_at),
});

export class UsersRepository {
  constructor(
    private readonly db: Executor,
    private readonly clock: Clock = systemClock,
  ) {}

  private now(): Date {
    return new Date(this.clock.nowMs());
  }

  async findById(id: number): Promise<UserWithPassword | null> {
    const row = await this.db<UserRow>('users').where({ id }).first();
    return row ? toUser(row) : null;
  }

  async findByUsername(username: string): Promise<UserWithPassword | null> {
    const row = await this.db<UserRow>('users').where({ username }).first();
    return row ? toUser(row) : null;
  }

  async list(): Promise<User[]> {
    const rows = (await this.db<UserRow>('users').select('id', 'username', 'name', 'role', 'created_at').orderBy('id')) as UserRow[];
    return rows.map((row) => ({ id: row.id, username: row.username, name: row.name, role: row.role as Role, createdAt: new Date(row.created_at) }));
  }

  async insert(user: { username: string; name: string; role: Role; passwordHash: string | null }): Promise<User> {
    const [row] = await this.db('users')
      .insert({ username: user.username, name: user.name, role: user.role, password_hash: user.passwordHash, created_at: this.now() })
      .returning('*');
    const { passwordHash: _passwordHash, ...created } = toUser(row as UserRow);
    return created;
  }

  async update(id: number, patch: { name?: string; passwordHash?: string }): Promise<void> {
    const row: Record<string, unknown> = {};
    if (patch.name !== undefined) row.name = patch.name;
    if (patch.passwordHash !== undefined) row.password_hash = patch.passwordHash;
    if (Object.keys(row).length > 0) await this.db('users').where({ id }).update(row);
  }

  /** Until when logins as `username` are refused, if they are now. */
  async findLoginLock(username: string, now: Date): Promise<Date | null> {
    const row = await this.db('login_failures').where({ username }).andWhere('locked_until', '>', now).first('locked_until');
    return row ? new Date(row.locked_until) : null;
  }

  /**
   * Counts a wrong password for `username` (known or not) in one statement, so concurrent failures all count; at
   * `maxFailures` the username locks until `lockUntil` and the count starts again. Returns the lock's end when this
   * failure locked it.
   */
  async recordFailedLogin(username: string, maxFailures: number, lockUntil: Date): Promise<Date | null> {
    const result = await this.db.raw<{ rows: { failures: number; locked_until: Date | null }[] }>(
      `insert into login_failures as f (username, failures, locked_until)
         values (?, case when 1 >= ? then 0 else 1 end, case when 1 >= ? then ?::timestamptz end)
       on conflict (username) do update set
         failures = case when f.failures + 1 >= ? then 0 else f.failures + 1 end,
         locked_until = case when f.failures + 1 >= ? then ?::timestamptz else f.locked_until end
       returning failures, locked_until`,
      [username, maxFailures, maxFailures, lockUntil, maxFailures, maxFailures, lockUntil],
    );
    const row = result.rows[0];
    return row && row.failures === 0 && row.locked_until && new Date(row.locked_until).getTime() === lockUntil.getTime() ? lockUntil : null;
  }

  async clearFailedLogins(username: string): Promise<void> {
    await this.db('login_failures').where({ username }).delete();
  }

  async delete(id: number): Promise<void> {
    await this.db('users').where({ id }).delete();
  }

  async insertApiKey(key: { userId: number; kind: ApiKey['kind']; name: string; tokenHash: string; expiresAt: Date | null }): Promise<ApiKey> {
    const [row] = await this.db('api_keys')
      .insert({ user_id: key.userId, kind: key.kind, name: key.name, token_hash: key.tokenHash, expires_at: key.expiresAt, created_at: this.now() })
      .returning('*');
    return toApiKey(row as ApiKeyRow);
  }

  /** The key, its user and (for drivers) their driver row and vehicle, unless expired: one round trip per request. */
  async findByTokenHash(tokenHash: string, now: Date): Promise<{ key: ApiKey; user: User; driver: { id: number; vehicleId: number | null } | null } | null> {
    const row = await this.db('api_keys')
      .join('users', 'users.id', 'api_keys.user_id')
      .leftJoin('drivers', 'drivers.user_id', 'users.id')
      .select('api_keys.*', 'users.username', 'users.name as user_name', 'users.role', 'users.created_at as user_created_at', 'drivers.id as driver_id', 'drivers.vehicle_id')
      .where('api_keys.token_hash', tokenHash)
      .andWhere((query) => query.whereNull('api_keys.expires_at').orWhere('api_keys.expires_at', '>', now))
      .first();
    if (!row) return null;
    return {
      key: toApiKey(row as ApiKeyRow),
      user: { id: row.user_id, username: row.username, name: row.user_name, role: row.role as Role, createdAt: new Date(row.user_created_at) },
      driver: row.driver_id === null ? null : { id: row.driver_id, vehicleId: row.vehicle_id },
    };
  }

  async listApiKeys(kind: ApiKey['kind']): Promise<ApiKey[]> {
    const rows = (await this.db<ApiKeyRow>('api_keys').where({ kind }).orderBy('id')) as ApiKeyRow[];
    return rows.map(toApiKey);
  }

  async findApiKey(id: number): Promise<ApiKey | null> {
    const row = await this.db<ApiKeyRow>('api_keys').where({ id }).first();
    return row ? toApiKey(row) : null;
  }

  async deleteApiKey(id: number): Promise<void> {
    await this.db('api_keys').where({ id }).delete();
  }

  async deleteExpiredSessions(now: Date): Promise<void> {
    await this.db('api_keys').where({ kind: 'session' }).andWhere('expires_at', '<=', now).delete();
  }

  async touchApiKey(id: number, now: Date): Promise<void> {
    await this.db('api_keys').where({ id }).update({ last_used_at: now });
  }
}
