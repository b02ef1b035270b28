/**
 * Resolves the caller once per request from "Authorization: Bearer <token>", openrouteservice's bare
 * "Authorization: <key>" (what ORS and VROOM clients send to /optimize), or "X-API-Key: <token>".
 * No credentials: the request continues anonymous and each endpoint decides. Bad credentials: 401 here.
 */
import { reads, type CommandContext } from '../../commands/context';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { principalForToken, requireRole, type Principal } from '../../auth/principal';
import type { Role } from '../../domain/roles';
import { AppError, unauthorized } from '../../errors';

const principals = new WeakMap<Request, Principal>();

export function authenticate(context: CommandContext): RequestHandler {
  const repos = reads(context);
  return async (req: Request, _res: Response, next: NextFunction) => {
    const token = tokenOf(req);
    if (token === undefined) return next();
    const principal = await principalForToken(repos, token, new Date(context.clock.nowMs()));
    if (!principal) return next(new AppError(401, 'invalid_token', 'The token or API key is unknown, revoked or expired; log in again'));
    principals.set(req, principal);
    next();
  };
}

function tokenOf(req: Request): string | undefined {
  const header = req.get('authorization');
  if (header !== undefined) {
    const match = /^(?:Bearer\s+)?(\S+)\s*$/i.exec(header.trim());
    // Another scheme ("Basic …") is two words: no token we issued, so it answers 401 below.
    return match ? match[1] : '';
  }
  return req.get('x-api-key')?.trim();
}

/** The caller, or a 401 when the request carries no credentials. */
export function principalOf(req: Request): Principal {
  const principal = principals.get(req);
  if (!principal) throw unauthorized();
  return principal;
}

/** For routers mounted from outside (import, planning): 401 without credentials, 403 for other roles. */
export function requireRoles(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    requireRole(principalOf(req), roles);
    next();
  };
}
