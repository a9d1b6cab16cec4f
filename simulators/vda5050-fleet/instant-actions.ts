import type { ActionRunner } from './action-runner.ts';
import type { AgvModel, TrackedAction } from './agv-model.ts';
import type { Motion } from './motion.ts';
import type { OrderCancel } from './order-cancel.ts';
import type { StatePublisher } from './state-publisher.ts';
import { messageReferences, numberParameter, ref, stringParameter } from './wire-rules.ts';
import { supportsAction, vdaValidators, type InstantActionsMessage, type VdaAction } from './vda-wire.ts';

/**
 * The `instantActions` topic: schema-checked, each action run once (a re-sent actionId is not run
 * again, part C A4): pause, cancel, state and factsheet requests, initPosition, charging.
 */
export class InstantActions {
  constructor(
    private readonly model: AgvModel,
    private readonly runner: ActionRunner,
    private readonly cancel: OrderCancel,
    private readonly motion: Motion,
    private readonly publisher: StatePublisher,
  ) {}

  handle(payload: Buffer): void {
    const m = this.model;
    const parsed = m.errors.parse(payload, 'instantActions');
    if (parsed === undefined) return;
    const v = vdaValidators();
    if (!v.instantActions(parsed)) {
      m.errors.addRejection({
        errorType: 'validationError',
        errorLevel: 'WARNING',
        errorDescription: `instantActions fails the schema: ${v.errorsText(v.instantActions)}`,
        errorReferences: messageReferences(parsed, 'instantActions'),
      });
      return;
    }
    const message: InstantActionsMessage = parsed;
    for (const action of message.actions) {
      // A re-sent instant action (same actionId, part C A4) is not run twice.
      if (m.actions.has(action.actionId)) continue;
      this.run(action, message.headerId);
    }
    m.markDirty();
  }

  setPaused(paused: boolean): void {
    const m = this.model;
    if (paused === m.paused) return;
    m.paused = paused;
    for (const tracked of m.running) tracked.status = paused ? 'PAUSED' : 'RUNNING';
    this.motion.refreshFlags();
    m.markDirty();
  }

  private run(action: VdaAction, headerId: number): void {
    const m = this.model;
    const tracked: TrackedAction = {
      action,
      scope: 'INSTANT',
      status: 'RUNNING',
      resultDescription: undefined,
      remainingMs: 0,
    };
    m.actions.set(action.actionId, tracked);
    const fail = (errorType: string, description: string): void => {
      tracked.status = 'FAILED';
      tracked.resultDescription = description;
      m.errors.addRejection({
        errorType,
        errorLevel: 'WARNING',
        errorDescription: description,
        errorReferences: [
          ref('topic', 'instantActions'),
          ref('headerId', headerId),
          ref('actionId', action.actionId),
          ref('actionType', action.actionType),
        ],
      });
    };
    if (!supportsAction(action.actionType, 'INSTANT')) {
      fail('instantActionError', `instant action ${action.actionType} is not supported`);
      return;
    }
    switch (action.actionType) {
      case 'startPause':
        this.setPaused(true);
        tracked.status = 'FINISHED';
        return;
      case 'stopPause':
        this.setPaused(false);
        tracked.status = 'FINISHED';
        return;
      case 'cancelOrder':
        if (this.cancel.begin(tracked)) this.motion.refreshFlags();
        else fail('noOrderToCancel', 'there is no order to cancel');
        return;
      case 'stateRequest':
        tracked.status = 'FINISHED';
        return;
      case 'factsheetRequest':
        this.publisher.publishFactsheet();
        tracked.status = 'FINISHED';
        return;
      case 'initPosition': {
        const problem = this.initPosition(action);
        if (problem === undefined) tracked.status = 'FINISHED';
        else fail('instantActionError', problem);
        return;
      }
      default:
        // startCharging / stopCharging take actionDurationMs.
        this.runner.start(tracked);
    }
  }

  private initPosition(action: VdaAction): string | undefined {
    const x = numberParameter(action, 'x');
    const y = numberParameter(action, 'y');
    const theta = numberParameter(action, 'theta');
    const mapId = stringParameter(action, 'mapId');
    const lastNodeId = stringParameter(action, 'lastNodeId');
    if (
      x === undefined ||
      y === undefined ||
      theta === undefined ||
      mapId === undefined ||
      lastNodeId === undefined
    ) {
      return 'initPosition needs x, y, theta (numbers), mapId and lastNodeId (strings)';
    }
    Object.assign(this.model.pose, { x, y, theta, mapId });
    this.model.lastNodeId = lastNodeId;
    this.model.lastNodeSequenceId = 0;
    return undefined;
  }
}
