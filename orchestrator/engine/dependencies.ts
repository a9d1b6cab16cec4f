import type { OrderId } from '../domain/transport-order.ts';
import type { StepContext } from './step-context.ts';
import { failOrder } from './order-flow.ts';

export type Outcome = 'delivered' | 'failed' | 'cancelled';

/** An order waits for its dependencies: it is not dispatched while any is still open. */
export function waitsForDependencies(order: { readonly dependsOn?: readonly OrderId[] }): boolean {
  return (order.dependsOn?.length ?? 0) > 0;
}

/**
 * Settles the orders that depend on orders that ended in this step (delivered, failed or cancelled, as
 * the step's own transitions say), and on `closed` (ended outside the engine): a delivered dependency
 * leaves the list; a failed or cancelled one fails the dependent (`dependency-failed`), which in turn
 * settles its own dependents.
 */
export function settleDependents(ctx: StepContext, closed: readonly [OrderId, Outcome][] = []): void {
  const ended: [OrderId, Outcome][] = [...closed];
  let seen = 0;
  const collect = (): void => {
    for (; seen < ctx.commands.length; seen++) {
      const c = ctx.commands[seen]!;
      if (
        c.type === 'order-transition' &&
        (c.to === 'delivered' || c.to === 'failed' || c.to === 'cancelled')
      )
        ended.push([c.orderId, c.to]);
    }
  };
  collect();
  if (ended.length === 0) return;
  const waiting = ctx.allOrders().filter(waitsForDependencies);
  if (waiting.length === 0) return;
  for (let i = 0; i < ended.length; i++) {
    const [id, outcome] = ended[i]!;
    for (const order of waiting) {
      const current = ctx.order(order.id);
      if (!current?.dependsOn?.includes(id)) continue;
      if (outcome === 'delivered') {
        const rest = current.dependsOn.filter((d) => d !== id);
        const { dependsOn: _d, ...without } = current;
        ctx.setOrder(rest.length > 0 ? { ...without, dependsOn: rest } : without);
      } else {
        failOrder(ctx, current, 'dependency-failed', `order ${id} it depends on was ${outcome}`);
        collect();
      }
    }
  }
}
