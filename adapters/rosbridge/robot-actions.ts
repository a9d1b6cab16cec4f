/**
 * How a node's actions are run on a ROS robot. Defaults (override per robot with `actions`):
 * - `pick`, `drop`: `'none'`, the action finishes on arrival. Most navigation-only AMRs hand loads over by
 *   conveyor or operator, outside ROS navigation; a robot with a lift or a handover service gets a
 *   service call instead.
 * - `start-charging` / `stop-charging`: `robot/set_charging` (std_srvs/SetBool) with `{data: true}` /
 *   `{data: false}`, as the real peer and our simulator serve it.
 * A service call succeeds when rosbridge answers `result: true` and the response's `success` field, when
 * it has one, is true; it fails on `result: false`, `success: false`, or no answer in time.
 */
import { Service, type Ros } from 'roslib';
import type { RobotAction, RobotActionType, RobotEvent } from '../../orchestrator/domain/robot-messages.ts';
import { resolveName, ROS_TYPES, type RosNames, type RosProfile } from './ros-names.ts';
import { serviceValuesSchema } from './wire.ts';

export interface RosActionCall {
  /** Service name, relative to the robot's namespace unless it starts with `/`. */
  readonly service: string;
  /** Service type, e.g. `std_srvs/SetBool` (ROS 2: `std_srvs/srv/SetBool`). */
  readonly type: string;
  /** Request fields by name; default `{}`. */
  readonly args?: Readonly<Record<string, unknown>>;
}

export type RosActionsConfig = Partial<Record<RobotActionType, RosActionCall | 'none'>>;

/** The call for `type`: the robot's configuration, else the default above. */
export function actionCall(
  type: RobotActionType,
  profile: RosProfile,
  names: RosNames,
  configured: RosActionsConfig | undefined,
): RosActionCall | 'none' {
  const own = configured?.[type];
  if (own !== undefined) return own;
  switch (type) {
    case 'pick':
    case 'drop':
      return 'none';
    case 'start-charging':
    case 'stop-charging':
      return {
        service: names.setCharging,
        type: ROS_TYPES[profile].setBool,
        args: { data: type === 'start-charging' },
      };
  }
}

export type CallOutcome = { readonly ok: true } | { readonly ok: false; readonly reason: string };

/**
 * Calls `call` once; `done` is called exactly once: with the answer, or with a failure after `timeoutMs`
 * or when `abandon()` is called (the link dropped: the outcome is unknown, and the call is not repeated,
 * so a pick or drop never runs twice).
 */
export function callService(
  ros: Ros,
  namespace: string,
  call: RosActionCall,
  timeoutMs: number,
  done: (outcome: CallOutcome) => void,
): { abandon(reason: string): void } {
  let settled = false;
  const settle = (outcome: CallOutcome): void => {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    done(outcome);
  };
  const name = resolveName(namespace, call.service);
  const timer = setTimeout(() => {
    settle({ ok: false, reason: `no answer from ${name} within ${timeoutMs} ms` });
  }, timeoutMs);
  timer.unref();
  const service = new Service<Readonly<Record<string, unknown>>, unknown>({
    ros,
    name,
    serviceType: call.type,
  });
  service.callService(
    call.args ?? {},
    (values) => {
      const read = serviceValuesSchema.safeParse(values ?? {});
      if (!read.success) settle({ ok: false, reason: `${name} answered something unreadable` });
      else if (read.data.success === false)
        settle({ ok: false, reason: `${name}: ${read.data.message ?? 'success false'}` });
      else settle({ ok: true });
    },
    (error) => {
      settle({ ok: false, reason: `${name} failed: ${error}` });
    },
  );
  return {
    abandon: (reason) => {
      settle({ ok: false, reason });
    },
  };
}

export interface NodeActionsSetup {
  readonly robotId: string;
  readonly ros: Ros;
  readonly namespace: string;
  readonly profile: RosProfile;
  readonly names: RosNames;
  readonly actions?: RosActionsConfig;
  readonly timeoutMs: number;
  readonly emit: (event: RobotEvent) => void;
  /** A call ended on its own (answer, failure, timeout): the robot may drive on. */
  readonly ended: () => void;
}

/**
 * The engine's actions on one robot, each run at most once (not started -> running -> done), whatever the
 * link does; and the loads its picks and drops leave on board (undefined until one has run: a navigation
 * stack cannot tell).
 */
export class NodeActions {
  private readonly phases = new Map<string, 'running' | 'done'>();
  private running: { readonly action: RobotAction; readonly abandon: (reason: string) => void } | undefined;
  loads: string[] | undefined;

  constructor(private readonly s: NodeActionsSetup) {}

  isDone(actionId: string): boolean {
    return this.phases.get(actionId) === 'done';
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  run(action: RobotAction): void {
    this.phases.set(action.actionId, 'running');
    const call = actionCall(action.type, this.s.profile, this.s.names, this.s.actions);
    if (call === 'none') {
      this.end(action, { ok: true });
      return;
    }
    const handle = callService(this.s.ros, this.s.namespace, call, this.s.timeoutMs, (outcome) => {
      if (this.running?.action === action) this.running = undefined;
      this.end(action, outcome);
      this.s.ended();
    });
    this.running = {
      action,
      abandon: (reason) => {
        handle.abandon(reason);
      },
    };
  }

  /** The running call's answer can no longer come (the link dropped): it fails, and is not repeated. */
  abandon(reason: string): void {
    this.running?.abandon(reason);
  }

  /** Fails every action of `actions` not started yet (a running one ends on its own). */
  failNotStarted(actions: readonly RobotAction[], reason: string): void {
    for (const a of actions) {
      if (this.phases.has(a.actionId)) continue;
      this.phases.set(a.actionId, 'done');
      this.s.emit({ type: 'action-failed', robotId: this.s.robotId, actionId: a.actionId, reason });
    }
  }

  private end(action: RobotAction, outcome: CallOutcome): void {
    this.phases.set(action.actionId, 'done');
    const robotId = this.s.robotId;
    if (!outcome.ok) {
      this.s.emit({ type: 'action-failed', robotId, actionId: action.actionId, reason: outcome.reason });
      return;
    }
    const others = (this.loads ?? []).filter((l) => l !== action.loadId);
    if (action.type === 'pick' && action.loadId !== undefined) this.loads = [...others, action.loadId];
    if (action.type === 'drop') this.loads = others;
    this.s.emit({ type: 'action-finished', robotId, actionId: action.actionId });
  }
}
