/** Who is calling: resolved once per request from a bearer token or API key. */
import type { Repositories } from '../db/repositories';
import type { Role } from '../domain/roles';
import { forbidden } from '../errors';
import { hashToken } from './tokens';

export interface Principal {
  userId: number | null;
  username: string;
  role: Role;
  /** For drivers: their driver row and current vehicle, which bound what they may see. */
  driverId: number | null;
  vehicleId: number | null;
  /** How order events name this caller: "user:3", "api_key:7", "system". */
  actor: string;
  /** The login session behind the request, which logout ends (absent for API keys). */
  sessionId?: number;
}

/** Seeding and maintenance act as the system. */
export const systemPrincipal: Principal = { userId: null, username: 'system', role: 'admin', driverId: null, vehicleId: null, actor: 'system' };

/** last_used_at is a hint for admins, not an audit trail: written at most once a minute per key. */
const touchIntervalMs = 60_000;
const lastTouched = new Map<number, number>();

export async function principalForToken(repos: Repositories, token: string, now: Date): Promise<Principal | null> {
  const found = await repos.users.findByTokenHash(hashToken(token), now);
  if (!found) return null;
  const { key, user, driver } = found;
  if (key.kind === 'integration' && now.getTime() - (lastTouched.get(key.id) ?? 0) >= touchIntervalMs) {
    lastTouched.set(key.id, now.getTime());
    await repos.users.touchApiKey(key.id, now);
  }
  return {
    userId: user.id,
    username: user.username,
    role: user.role,
    driverId: driver?.id ?? null,
    vehicleId: driver?.vehicleId ?? null,
    actor: key.kind === 'integration' ? `api_key:${key.id}` : `user:${user.id}`,
    ...(key.kind === 'session' ? { sessionId: key.id } : {}),
  };
}

export function requireRole(principal: Principal, allowed: readonly Role[]): void {
  if (!allowed.includes(principal.role)) {
    throw forbidden(`This action needs the role ${allowed.join(' or ')}; you are signed in as ${principal.role}`);
  }
}
