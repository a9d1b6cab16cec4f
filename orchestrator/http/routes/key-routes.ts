import { Router } from 'express';
import type { ApiKeyEntry } from '../../config.ts';
import type { Clock } from '../../ports/clock.ts';
import { keyDigest, type ApiKeyStore, type StoredApiKey } from '../../store/api-key-store.ts';
import { requireRole } from '../auth.ts';
import { rolesOf } from '../operations.ts';
import { ProblemError, zodFieldErrors } from '../problem.ts';
import { newKeyBody } from '../schemas.ts';

export interface KeyRouteDeps {
  readonly apiKeys: readonly ApiKeyEntry[];
  readonly keyStore: ApiKeyStore;
  readonly clock: Clock;
}

const publicKey = (k: StoredApiKey) => ({
  id: k.id,
  role: k.role,
  name: k.name,
  principal: `${k.role}:${k.digest.slice(0, 8)}`,
  origin: 'api',
  createdAt: k.createdAt,
});

/**
 * API keys (admin): configured keys are listed by role and principal name; keys added here are made by
 * the server, shown once in the answer, stored as digests, and revoked at once by DELETE.
 */
export function keyRoutes(deps: KeyRouteDeps): Router {
  const router = Router();

  router.get('/keys', requireRole(...rolesOf('listKeys')), async (_req, res) => {
    const configured = deps.apiKeys.map((k) => {
      const digest = keyDigest(k.key);
      return {
        id: `config:${digest.slice(0, 8)}`,
        role: k.role,
        principal: `${k.role}:${digest.slice(0, 8)}`,
        origin: 'config',
      };
    });
    res.json({ items: [...configured, ...(await deps.keyStore.list()).map(publicKey)] });
  });

  router.post('/keys', requireRole(...rolesOf('addKey')), async (req, res) => {
    const body = newKeyBody.safeParse(req.body);
    if (!body.success)
      throw new ProblemError('validation-error', 'invalid key request', zodFieldErrors(body.error));
    const { record, key } = await deps.keyStore.create(
      body.data.role,
      body.data.name,
      new Date(deps.clock.now()).toISOString(),
    );
    res
      .status(201)
      .location(`/v1/keys/${record.id}`)
      .json({ ...publicKey(record), key });
  });

  router.delete('/keys/:id', requireRole(...rolesOf('removeKey')), async (req, res) => {
    const id = String(req.params.id);
    if (id.startsWith('config:'))
      throw new ProblemError(
        'conflicting-state',
        `key ${id} is given by configuration (API_KEYS); change it there`,
      );
    if (!(await deps.keyStore.remove(id))) throw new ProblemError('not-found', `no key ${id}`);
    res.status(204).end();
  });

  return router;
}
