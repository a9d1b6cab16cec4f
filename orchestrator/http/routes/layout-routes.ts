import { Router } from 'express';
import type { Layout } from '../../domain/layout.ts';
import type { LayoutBlocks } from '../../engine/engine.ts';
import { requireRole } from '../auth.ts';
import { ProblemError, zodFieldErrors } from '../problem.ts';
import { rolesOf } from '../operations.ts';
import { blockBody } from '../schemas.ts';

export interface LayoutRouteDeps {
  readonly layout: Layout;
  /** The blocks in force now. */
  readonly blocks: () => LayoutBlocks;
  /** Stores the block, then hands it to the engine (persist, then act). */
  readonly setBlocked: (target: 'edge' | 'node', id: string, blocked: boolean) => Promise<void>;
}

/**
 * `GET /v1/layout` (the plant with the blocks in force) and `PUT /v1/layout/{edges|nodes}/{id}/blocked`:
 * supervisors close an aisle or a spot at run time; traffic replans around it at once.
 */
export function layoutRoutes(deps: LayoutRouteDeps): Router {
  const router = Router();
  const edges = new Set(deps.layout.edges.map((e) => e.id));
  const nodes = new Set(deps.layout.nodes.map((n) => n.id));

  router.get('/layout', requireRole(...rolesOf('getLayout')), (_req, res) => {
    res.json({ ...deps.layout, blocked: deps.blocks() });
  });

  for (const [target, plural, known, operation] of [
    ['edge', 'edges', edges, 'blockEdge'],
    ['node', 'nodes', nodes, 'blockNode'],
  ] as const) {
    router.put(`/layout/${plural}/:id/blocked`, requireRole(...rolesOf(operation)), async (req, res) => {
      const id = String(req.params.id);
      if (!known.has(id)) throw new ProblemError('not-found', `no ${target} ${id} in the layout`);
      const body = blockBody.safeParse(req.body);
      if (!body.success)
        throw new ProblemError('validation-error', 'invalid block', zodFieldErrors(body.error));
      await deps.setBlocked(target, id, body.data.blocked);
      res.json({ [target]: id, blocked: body.data.blocked, blocks: deps.blocks() });
    });
  }
  return router;
}
