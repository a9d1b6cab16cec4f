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

/** Looks up keys added at run time by their digest (see ApiKeyStore). */
export interface RuntimeKeys {
  findByDigest(digest: string): Promise<{ readonly role: Role; readonly digest: string } | undefined>;
}

/**
 * Bearer API keys with roles: those of the configuration, and those an admin added (`runtime`). Keys
 * are held only as SHA-256 digests; configured ones are compared in constant time, added ones are found
 * by their digest.
 */
export function authenticate(keys: readonly ApiKeyEntry[], runtime?: RuntimeKeys): RequestHandler {
  const resolve = resolveApiKey(keys, runtime);
  const refuse = (detail: string, message: string) =>
    new ProblemError('unauthorized', message, [{ header: 'Authorization', detail }], {
      'WWW-Authenticate': 'Bearer',
    });
  return (req, _res, next) => {
    const header = req.headers.authorization ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) {
      next(refuse('missing or not a Bearer token', 'Authorization: Bearer <api key> required'));
      return;
    }
    resolve(match[1]).then((principal) => {
      if (!principal) {
        next(refuse('unknown key', 'unknown API key'));
        return;
      }
      principals.set(req, principal);
      next();
    }, next);
  };
}

/**
 * Resolves a presented API key to its principal, as `authenticate` does (configured keys in constant
 * time, then those an admin added); undefined for an unknown key. For callers without an HTTP request,
 * such as the live feed's auth message.
 */
export function resolveApiKey(
  keys: readonly ApiKeyEntry[],
  runtime?: RuntimeKeys,
): (key: string) => Promise<Principal | undefined> {
  const table = keys.map((k) => ({ role: k.role, digest: digest(k.key) }));
  return async (key) => {
    const presented = digest(key);
    const found = table.find((entry) => timingSafeEqual(entry.digest, presented));
    if (found) return { role: found.role, name: `${found.role}:${found.digest.toString('hex').slice(0, 8)}` };
    const added = await runtime?.findByDigest(presented.toString('hex'));
    return added ? { role: added.role, name: `${added.role}:${added.digest.slice(0, 8)}` } : undefined;
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
