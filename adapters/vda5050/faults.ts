import type { AdapterLog } from './adapter-options.ts';
import type { StateReporter } from './state-report.ts';
import type { Link } from './vda-link.ts';

/**
 * A problem the adapter found with an AGV (an order refused or never acknowledged, a failed cancel, a
 * stale state): logged, kept beside the AGV's own errors as fatal, and reported at once, so the engine
 * holds the robot's order and raises an alarm.
 */
export class FaultReporter {
  constructor(
    private readonly log: AdapterLog,
    private readonly reporter: StateReporter,
  ) {}

  fault(link: Link, code: string, message: string): void {
    this.log.warn({ robotId: link.robotId, code }, `vda5050: ${message}`);
    link.adapterErrors.set(code, { code, level: 'fatal', message });
    if (link.state) this.reporter.report(link, link.state);
  }
}
