import type { AdapterKind } from '../domain/robot.ts';
import type { RobotCommand, RobotEvent } from '../domain/robot-messages.ts';

/**
 * What every robot protocol implements (sim, VDA 5050, rosbridge). One adapter drives many robots.
 * Contract (checked by test/contract/): after `start()` resolves, the adapter emits one `connection` and
 * one `robot-state` per robot it knows; `execute` never throws for a robot-level problem, it reports it
 * as an event (`action-failed`, `robot-state` with errors, `connection`).
 */
export interface RobotAdapter {
  readonly kind: AdapterKind;
  start(): Promise<void>;
  stop(): Promise<void>;
  execute(command: RobotCommand): void;
  /** Subscribe to normalized robot events; returns the unsubscribe function. */
  onEvent(listener: (event: RobotEvent) => void): () => void;
}
