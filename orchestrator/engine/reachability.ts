import type { NodeId, VehicleTypeId } from '../domain/layout.ts';
import type { EngineContext } from './engine-context.ts';
import type { StepContext } from './step-context.ts';

/**
 * Whether a robot of one of `types` can get from `from` to `to` at all. The travel-time tables answer at
 * once (and count blocks); a "no" from them is checked by a route search that ignores blocks, which only
 * make an order wait: a supervisor's closed aisle is not a reason to fail a transport.
 */
export function canEverReach(
  ctx: StepContext,
  engine: EngineContext,
  types: readonly VehicleTypeId[],
  from: NodeId,
  to: NodeId,
): boolean {
  const tables = engine.distances(ctx.blocked());
  return (
    types.some((type) => Number.isFinite(tables.seconds(type, to, from))) ||
    types.some((vehicleType) => engine.router.route({ from, to, vehicleType }) !== undefined)
  );
}
