import type { AdapterContext } from './adapter-options.ts';
import type { InstantCommands } from './instant-commands.ts';
import type { OrderAcknowledgement } from './order-acknowledgement.ts';
import type { OrderAdoption } from './order-adoption.ts';
import type { OrderSender } from './order-sender.ts';
import { checkSchema } from './schemas.ts';
import type { StaleState } from './stale-state.ts';
import type { StateProgress } from './state-progress.ts';
import type { StateReporter } from './state-report.ts';
import type { Link } from './vda-link.ts';
import type { VdaState } from './wire.ts';

/** What the parts of the adapter make of each valid state. */
export interface StateParts {
  readonly stale: StaleState;
  readonly adoption: OrderAdoption;
  readonly acknowledgement: OrderAcknowledgement;
  readonly instants: InstantCommands;
  readonly progress: StateProgress;
  readonly reporter: StateReporter;
  readonly sender: OrderSender;
}

/**
 * An AGV's `state` in: of the version the profile accepts, checked against the schema, then handed to
 * every part in turn: acknowledgement (O18, C4), instant action ends (A2, S6), node-reached (O21),
 * action ends (A8, A9), the robot-state report, and the releases that may go now.
 */
export class StateIntake {
  constructor(
    private readonly ctx: AdapterContext,
    private readonly parts: StateParts,
  ) {}

  onState(link: Link, message: unknown): void {
    const robotId = link.robotId;
    const version = (message as { version?: unknown }).version;
    const major = typeof version === 'string' ? Number(version.split('.')[0]) : NaN;
    if (major !== link.profile.acceptMajor) {
      this.ctx.log.warn({ robotId, version }, 'vda5050: state of another major version; ignored');
      return;
    }
    const check = checkSchema(link.profile.version, 'state', message, { inbound: true });
    if (!check.ok) {
      this.ctx.log.warn({ robotId, errors: check.errors }, 'vda5050: state fails the schema; ignored');
      return;
    }
    const state = message as VdaState;
    if (!/Z$|[+-]\d\d:?\d\d$/.test(state.timestamp))
      this.ctx.log.warn(
        { robotId, timestamp: state.timestamp },
        'vda5050: state timestamp without a zone (T8)',
      );
    const first = link.state === undefined;
    link.state = state;
    const p = this.parts;
    p.stale.stateArrived(link, this.ctx.clock.now());
    if (first) p.adoption.adopt(link, state);
    p.acknowledgement.orderLost(link, state);
    p.acknowledgement.acknowledge(link, state);
    p.instants.cancelEnd(link, state);
    p.instants.chargeEnd(link, state);
    p.progress.nodesPassed(link, state);
    p.progress.actionEnds(link, state);
    p.reporter.report(link, state);
    p.sender.flush(link);
  }
}
