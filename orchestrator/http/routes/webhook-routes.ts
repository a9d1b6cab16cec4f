import { Router } from 'express';
import type { Clock } from '../../ports/clock.ts';
import type { DeadLetter } from '../../services/notifier.ts';
import {
  publicSubscriber,
  subscriptionInput,
  type SubscriberDirectory,
} from '../../services/subscriber-directory.ts';
import { requireRole } from '../auth.ts';
import { rolesOf } from '../operations.ts';
import { ProblemError, zodFieldErrors } from '../problem.ts';

export interface WebhookRouteDeps {
  readonly subscribers: SubscriberDirectory;
  readonly webhooks: {
    deadLetters(): Promise<DeadLetter[]>;
    replay(id: string): Promise<boolean>;
  };
  readonly clock: Clock;
}

/**
 * Webhook subscribers (admin) and the dead-letter list with replay (contract, "Outbound"). Secrets go in,
 * never out: a listing shows their last four characters.
 */
export function webhookRoutes(deps: WebhookRouteDeps): Router {
  const router = Router();

  router.get('/webhooks/subscriptions', requireRole(...rolesOf('listSubscriptions')), async (_req, res) => {
    res.json({ items: (await deps.subscribers.all()).map(publicSubscriber) });
  });

  router.post('/webhooks/subscriptions', requireRole(...rolesOf('addSubscription')), async (req, res) => {
    const body = subscriptionInput.safeParse(req.body);
    if (!body.success)
      throw new ProblemError('validation-error', 'invalid subscription', zodFieldErrors(body.error));
    const added = await deps.subscribers.add(body.data, new Date(deps.clock.now()).toISOString());
    res.status(201).location(`/v1/webhooks/subscriptions/${added.id}`).json(publicSubscriber(added));
  });

  router.delete(
    '/webhooks/subscriptions/:id',
    requireRole(...rolesOf('removeSubscription')),
    async (req, res) => {
      const id = String(req.params.id);
      const result = await deps.subscribers.remove(id);
      if (result === 'not-found') throw new ProblemError('not-found', `no subscription ${id}`);
      if (result === 'config')
        throw new ProblemError(
          'conflicting-state',
          `subscription ${id} is given by configuration; change it there`,
        );
      res.status(204).end();
    },
  );

  router.get('/webhooks/dead-letters', requireRole(...rolesOf('listDeadLetters')), async (_req, res) => {
    res.json({ items: await deps.webhooks.deadLetters() });
  });

  router.post(
    '/webhooks/dead-letters/:id/replay',
    requireRole(...rolesOf('replayDeadLetter')),
    async (req, res) => {
      const id = String(req.params.id);
      if (!(await deps.webhooks.replay(id))) throw new ProblemError('not-found', `no dead letter ${id}`);
      res.status(202).json({ id, status: 'queued' });
    },
  );

  return router;
}
