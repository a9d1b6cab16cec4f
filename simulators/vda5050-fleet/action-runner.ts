import type { AgvModel, TrackedAction } from './agv-model.ts';
import { ref, stringParameter } from './wire-rules.ts';
import type { OrderNode, VdaAction } from './vda-wire.ts';

const DURATION_ACTIONS: ReadonlySet<string> = new Set(['pick', 'drop', 'startCharging', 'stopCharging']);

/**
 * The vehicle's actions: tracked from the order, started in the order Fig. 15 gives (NONE and SOFT in
 * parallel, HARD alone), counted down in simulated time and completed (pick and drop move the load,
 * the charging actions switch charging).
 */
export class ActionRunner {
  constructor(
    private readonly model: AgvModel,
    private readonly actionDurationMs: number,
  ) {}

  /** Tracks the actions of an order node, WAITING. */
  track(actions: readonly VdaAction[]): TrackedAction[] {
    return actions.map((action) => {
      const tracked: TrackedAction = {
        action,
        scope: 'NODE',
        status: 'WAITING',
        resultDescription: undefined,
        remainingMs: 0,
      };
      this.model.actions.set(action.actionId, tracked);
      return tracked;
    });
  }

  waitingActionsOf(node: OrderNode): TrackedAction[] {
    return node.actions
      .map((a) => this.model.actions.get(a.actionId))
      .filter((t): t is TrackedAction => t !== undefined && t.status === 'WAITING');
  }

  /** Actions count down only while the vehicle is neither paused nor stopped by a FATAL error. */
  advance(dtSimMs: number): void {
    const m = this.model;
    if (m.paused || m.errors.hasFatal()) return;
    for (const tracked of [...m.running]) {
      if (tracked.status !== 'RUNNING') continue;
      tracked.remainingMs -= dtSimMs;
      if (tracked.remainingMs <= 0) this.complete(tracked);
    }
  }

  /**
   * Fig. 15: NONE and SOFT actions start in parallel; a HARD one waits until everything running is done
   * and then runs alone. Stops at the first action that has to wait.
   */
  startQueued(): void {
    const m = this.model;
    if (m.paused || m.errors.hasFatal()) return;
    while (m.nodeQueue.length > 0) {
      const next = m.nodeQueue[0]!;
      if (next.status !== 'WAITING') {
        m.nodeQueue.shift();
        continue;
      }
      const hardRunning = m.running.some((a) => a.action.blockingType === 'HARD');
      if (hardRunning || (next.action.blockingType === 'HARD' && m.running.length > 0)) return;
      m.nodeQueue.shift();
      const started = this.start(next);
      if (started && next.action.blockingType === 'HARD') return;
    }
  }

  /** Returns false when the action failed its precondition instead of starting. */
  start(tracked: TrackedAction): boolean {
    const m = this.model;
    const problem = this.precondition(tracked.action);
    if (problem !== undefined) {
      tracked.status = 'FAILED';
      tracked.resultDescription = problem;
      m.errors.addRejection({
        errorType: 'actionError',
        errorLevel: 'WARNING',
        errorDescription: problem,
        errorReferences: [
          ref('actionId', tracked.action.actionId),
          ref('actionType', tracked.action.actionType),
        ],
      });
      return false;
    }
    tracked.status = m.paused ? 'PAUSED' : 'RUNNING';
    tracked.remainingMs = DURATION_ACTIONS.has(tracked.action.actionType) ? this.actionDurationMs : 0;
    m.running.push(tracked);
    m.markDirty();
    return true;
  }

  /** Every WAITING order action fails (a cancel, a MANUAL switch); nothing is left queued. */
  failWaiting(reason: string): void {
    for (const tracked of this.model.actions.values()) {
      if (tracked.scope === 'NODE' && tracked.status === 'WAITING') {
        tracked.status = 'FAILED';
        tracked.resultDescription = reason;
      }
    }
    this.model.nodeQueue = [];
  }

  /** One load position: pick needs it empty, drop needs a load (and the named one, if a loadId is given). */
  private precondition(action: VdaAction): string | undefined {
    const loads = this.model.loads;
    if (action.actionType === 'pick' && loads.length > 0) return 'pick: a load is already on board';
    if (action.actionType === 'drop') {
      if (loads.length === 0) return 'drop: no load on board';
      const loadId = stringParameter(action, 'loadId');
      if (loadId !== undefined && !loads.some((l) => l.loadId === loadId)) {
        return `drop: load ${loadId} is not on board`;
      }
    }
    return undefined;
  }

  private complete(tracked: TrackedAction): void {
    const m = this.model;
    const { action } = tracked;
    switch (action.actionType) {
      case 'pick': {
        const loadId = stringParameter(action, 'loadId');
        const loadType = stringParameter(action, 'loadType');
        m.loads.push({
          ...(loadId !== undefined ? { loadId } : {}),
          ...(loadType !== undefined ? { loadType } : {}),
          loadPosition: 'default',
        });
        break;
      }
      case 'drop':
        m.loads = [];
        break;
      case 'startCharging':
        m.charging = true;
        break;
      case 'stopCharging':
        m.charging = false;
        break;
      default:
        break;
    }
    tracked.status = 'FINISHED';
    m.running = m.running.filter((a) => a !== tracked);
    m.markDirty();
  }
}
