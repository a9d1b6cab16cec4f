import { timingSafeEqual, createHash } from 'node:crypto';
import type { Request, RequestHandler } from 'express';
import type { ApiKeyEntry, Role } from '../config.ts';
import { ProblemError } from './problem.ts';

/** Who made the request, set by `authenticate`. */
export interface Principal {
  readonly role: Role;
  /** A stable, non-secret name for the key (role plus a short hash), for audit and `createdBy`. */
  readonly name: string;
}

const principals = new WeakMap<Request, Principal>();

export function principalOf(req: Request): Principal {
  const p = principals.get(req);
  if (!p) throw new ProblemError('unauthorized', 'no API key');
  return p;
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * Bearer API keys with roles. Keys are held only as SHA-256 digests and compared in constant time.
 * This is the seam the integration issue grows (admin-managed keys, rate limits).
 */
export function authenticate(keys: readonly ApiKeyEntry[]): RequestHandler {
  const table = keys.map((k) => ({
    role: k.role,
    digest: digest(k.key),
    name: `${k.role}:${digest(k.key).toString('hex').slice(0, 8)}`,
  }));
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      next(
        new ProblemError(
          'unauthorized',
          'Authorization: Bearer <api key> required',
          [{ header: 'Authorization', detail: 'missing or not a Bearer token' }],
          { 'WWW-Authenticate': 'Bearer' },
        ),
      );
      return;
    }
    const presented = digest(match[1]);
    const found = table.find((entry) => timingSafeEqual(entry.digest, presented));
    if (!found) {
      next(
        new ProblemError(
          'unauthorized',
          'unknown API key',
          [{ header: 'Authorization', detail: 'unknown key' }],
          { 'WWW-Authenticate': 'Bearer' },
        ),
      );
      return;
    }
    principals.set(req, { role: found.role, name: found.name });
    next();
  };
}

export function requireRole(...roles: Role[]): RequestHandler {
  return (req, _res, next) => {
    const { role } = principalOf(req);
    if (!roles.includes(role)) {
      next(
        new ProblemError(
          'forbidden',
          `role ${role} may not ${req.method} ${req.baseUrl}${req.path}; allowed: ${roles.join(', ')}`,
        ),
      );
      return;
    }
    next();
  };
}
