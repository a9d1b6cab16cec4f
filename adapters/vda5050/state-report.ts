import type { OperatingMode, RobotError } from '../../orchestrator/domain/robot.ts';
import type { RobotStateReport } from '../../orchestrator/domain/robot-messages.ts';
import type { AdapterContext } from './adapter-options.ts';
import type { Link } from './vda-link.ts';
import type { VdaError, VdaState } from './wire.ts';
import type { WireNodes } from './wire-nodes.ts';

export const MODES: Readonly<Record<VdaState['operatingMode'], OperatingMode>> = {
  AUTOMATIC: 'automatic',
  SEMIAUTOMATIC: 'automatic',
  MANUAL: 'manual',
  SERVICE: 'service',
  TEACHIN: 'service',
};

/**
 * A state as the engine's `robot-state`, told only when something changed: the AGV's errors, its
 * safety state (S7) and the problems the adapter found beside them.
 */
export class StateReporter {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly nodes: WireNodes,
  ) {}

  report(link: Link, state: VdaState): void {
    const nodeId = this.nodes.nodeOf(state.lastNodeId);
    // S7: an emergency stop or a violated protective field is shown, and no new base goes out meanwhile.
    const eStop = state.safetyState !== undefined && state.safetyState.eStop !== 'NONE';
    const field = state.safetyState?.fieldViolation === true;
    const safety: RobotError[] = [
      ...(eStop
        ? [
            {
              code: 'e-stop',
              level: 'warning' as const,
              message: `emergency stop (${state.safetyState.eStop})`,
            },
          ]
        : []),
      ...(field
        ? [{ code: 'field-violation', level: 'warning' as const, message: 'protective field violated' }]
        : []),
    ];
    const report: RobotStateReport = {
      ...(nodeId === undefined ? {} : { nodeId }),
      ...(state.agvPosition
        ? { pose: { x: state.agvPosition.x, y: state.agvPosition.y, thetaRad: state.agvPosition.theta } }
        : {}),
      batteryPct: state.batteryState.batteryCharge,
      charging: state.batteryState.charging,
      driving: state.driving,
      paused: (state.paused ?? false) || eStop || field,
      // S2: no `loads` field means the AGV cannot tell (the engine keeps what it knows); [] is unloaded.
      ...(state.loads === undefined
        ? {}
        : { loads: state.loads.map((l) => l.loadId ?? l.loadType ?? 'load') }),
      mode: MODES[state.operatingMode],
      errors: [...state.errors.map(toRobotError), ...safety, ...link.adapterErrors.values()],
      ...(state.newBaseRequest === true ? { baseRequested: true } : {}),
      routeNodeIds: [...state.nodeStates]
        .filter((n) => n.released)
        .sort((a, b) => a.sequenceId - b.sequenceId)
        .flatMap((n) => {
          const id = this.nodes.nodeOf(n.nodeId);
          return id === undefined ? [] : [id];
        }),
    };
    const text = JSON.stringify(report);
    if (text === link.lastReport) return;
    link.lastReport = text;
    this.ctx.emit({ type: 'robot-state', robotId: link.robotId, state: report });
  }
}

function toRobotError(e: VdaError): RobotError {
  return {
    code: e.errorType,
    level: e.errorLevel === 'FATAL' ? 'fatal' : 'warning',
    message: e.errorDescription ?? e.errorType,
  };
}
