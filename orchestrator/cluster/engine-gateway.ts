import type { Logger } from 'pino';
import type { TransportOrder } from '../domain/transport-order.ts';
import type { RobotIntervention } from '../engine/engine-types.ts';
import type { Alarm, NewAlarm } from '../services/alarm-book.ts';
import type { InterventionOutcome } from '../services/engine-runtime.ts';
import type { EngineRequest, EngineRpcClient } from './engine-rpc.ts';
import type { EngineSession } from './engine-session.ts';

/**
 * The engine as the API and the workers of any instance see it: this instance's own session while it
 * leads (no hop), else the leader's over engine-rpc. Commands a client waits for throw
 * EngineUnavailableError when no leader answers (the API turns it into 503 with Retry-After); hand-overs
 * nobody waits for (a planned order, an alarm) are logged, and the next leader picks them up from the
 * store (planned orders) or they are lost with a log line (an alarm raised mid-takeover).
 */
export class EngineGateway {
  constructor(
    private readonly options: {
      readonly local: () => EngineSession | undefined;
      readonly rpc: EngineRpcClient;
      readonly log: Logger;
    },
  ) {}

  private request(request: EngineRequest): Promise<unknown> {
    const session = this.options.local();
    return session ? session.handle(request) : this.options.rpc.call(request);
  }

  async planned(order: TransportOrder): Promise<void> {
    const session = this.options.local();
    if (session) {
      await session.runtime.planned(order);
      return;
    }
    await this.options.rpc.call({ type: 'planned', orderId: order.id }).catch((err: unknown) => {
      this.options.log.warn({ err, orderId: order.id }, 'planned order not handed to the engine leader yet');
    });
  }

  async cancel(orderId: string, mode: 'normal' | 'force', by: string): Promise<void> {
    await this.request({ type: 'cancel', orderId, mode, by });
  }

  async intervene(robotId: string, action: RobotIntervention, by: string): Promise<InterventionOutcome> {
    return (await this.request({ type: 'intervene', robotId, action, by })) as InterventionOutcome;
  }

  async reprioritize(orderId: string, priority: number, dueByMs?: number): Promise<void> {
    await this.request({
      type: 'reprioritize',
      orderId,
      priority,
      ...(dueByMs === undefined ? {} : { dueByMs }),
    });
  }

  async block(target: 'edge' | 'node', id: string, blocked: boolean): Promise<void> {
    await this.request({ type: 'block', target, id, blocked });
  }

  async acknowledgeAlarm(id: number, by: string): Promise<Alarm | undefined> {
    return (await this.request({ type: 'acknowledge-alarm', id, by })) as Alarm | undefined;
  }

  alarm(alarm: NewAlarm): void {
    this.request({ type: 'alarm', alarm }).catch((err: unknown) => {
      this.options.log.warn({ err, alarm }, 'alarm not handed to the engine leader');
    });
  }
}
