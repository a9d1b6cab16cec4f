import type { AdapterContext } from './adapter-options.ts';
import type { Link } from './vda-link.ts';
import type { ActionStatus, VdaState } from './wire.ts';
import type { WireNodes } from './wire-nodes.ts';

/** A9: the action status changes an AGV may report; anything else is logged (and then believed). */
const LEGAL_NEXT: Readonly<Record<ActionStatus, readonly ActionStatus[]>> = {
  WAITING: ['INITIALIZING', 'RUNNING', 'FINISHED', 'FAILED'],
  INITIALIZING: ['PAUSED', 'RUNNING', 'FINISHED', 'FAILED'],
  RUNNING: ['PAUSED', 'FINISHED', 'FAILED'],
  PAUSED: ['INITIALIZING', 'RUNNING', 'FINISHED', 'FAILED'],
  FINISHED: [],
  FAILED: [],
};

/** What a state says the AGV did: the nodes it passed (O21) and the engine actions that ended (A8, A9). */
export class StateProgress {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly nodes: WireNodes,
  ) {}

  /** O21: every released node passed since the last state, in order. */
  nodesPassed(link: Link, state: VdaState): void {
    const robotId = link.robotId;
    const now = { orderId: state.orderId, nodeId: state.lastNodeId, sequenceId: state.lastNodeSequenceId };
    const before = link.last;
    link.last = now;
    if (
      !before ||
      (before.nodeId === now.nodeId && before.sequenceId === now.sequenceId && before.orderId === now.orderId)
    )
      return;
    const ours = link.track?.orderId === state.orderId;
    const passed = ours
      ? link.released.reach(now.sequenceId, before.orderId === now.orderId ? before.sequenceId : 0)
      : [{ nodeId: now.nodeId }];
    for (const n of passed) {
      const nodeId = this.nodes.nodeOf(n.nodeId);
      if (nodeId === undefined) {
        this.ctx.log.warn(
          { robotId, nodeId: n.nodeId },
          'vda5050: AGV reports a node the layout does not have',
        );
        continue;
      }
      this.ctx.emit({ type: 'node-reached', robotId, nodeId });
    }
  }

  /** A8, A9: the end of every action the engine asked for, once (then it is forgotten). */
  actionEnds(link: Link, state: VdaState): void {
    const robotId = link.robotId;
    for (const a of state.actionStates) {
      const engineId = link.actions.get(a.actionId);
      if (engineId === undefined) continue;
      const before = link.statuses.get(a.actionId);
      if (before !== undefined && before !== a.actionStatus && !LEGAL_NEXT[before].includes(a.actionStatus))
        this.ctx.log.warn(
          { robotId, actionId: a.actionId, from: before, to: a.actionStatus },
          'vda5050: illegal action status change (A9)',
        );
      link.statuses.set(a.actionId, a.actionStatus);
      if (a.actionStatus === 'FINISHED' || a.actionStatus === 'FAILED') link.statuses.delete(a.actionId);
      if (a.actionStatus === 'FINISHED') {
        link.actions.delete(a.actionId);
        this.ctx.emit({ type: 'action-finished', robotId, actionId: engineId });
      } else if (a.actionStatus === 'FAILED') {
        link.actions.delete(a.actionId);
        const error = state.errors.find((e) =>
          e.errorReferences?.some((r) => r.referenceKey === 'actionId' && r.referenceValue === a.actionId),
        );
        const reason =
          error?.errorDescription ?? error?.errorType ?? a.resultDescription ?? 'action failed on the AGV';
        this.ctx.emit({ type: 'action-failed', robotId, actionId: engineId, reason });
      }
    }
  }
}
