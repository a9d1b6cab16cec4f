import type { ActionRunner } from './action-runner.ts';
import type { AgvModel, TrackedAction } from './agv-model.ts';
import { isTerminal } from './wire-rules.ts';

/**
 * cancelOrder and the clearing of an order on a MANUAL switch (part A 1.6). The caller refreshes the
 * driving flags afterwards (`Motion.refreshFlags`).
 */
export class OrderCancel {
  constructor(
    private readonly model: AgvModel,
    private readonly runner: ActionRunner,
  ) {}

  /**
   * cancelOrder: WAITING actions fail; on an edge the vehicle drives on to the next node and keeps only
   * that nodeState, otherwise all node/edge states go now. FINISHED once it stands and actions are done.
   * Returns false when there is nothing to cancel (also after a cancel).
   */
  begin(cancel: TrackedAction): boolean {
    const m = this.model;
    const orderActionsOpen = [...m.actions.values()].some((a) => a.scope === 'NODE' && !isTerminal(a.status));
    if (m.pendingCancel || (m.nodes.length === 0 && !orderActionsOpen)) return false;
    this.runner.failWaiting('order cancelled');
    if (m.onEdge) {
      m.nodes = m.nodes.slice(0, 1);
      m.edges = m.edges.slice(0, 1);
    } else {
      m.nodes = [];
      m.edges = [];
    }
    m.pendingCancel = cancel;
    this.finishIfStopped();
    return true;
  }

  finishIfStopped(): void {
    const m = this.model;
    const cancel = m.pendingCancel;
    if (!cancel || m.onEdge || m.running.some((a) => a.scope === 'NODE')) return;
    m.nodes = [];
    m.edges = [];
    cancel.status = 'FINISHED';
    m.pendingCancel = undefined;
    m.markDirty();
  }

  /** Clearing on a MANUAL switch: stop where it stands, drop node/edge states, keep orderId and actionStates. */
  clearOrder(): void {
    const m = this.model;
    this.runner.failWaiting('order cleared by operating mode change');
    m.nodes = [];
    m.edges = [];
    m.onEdge = false;
    if (m.pendingCancel) {
      m.pendingCancel.status = 'FINISHED';
      m.pendingCancel = undefined;
    }
  }
}
