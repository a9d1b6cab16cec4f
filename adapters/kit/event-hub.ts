import type { RobotEvent } from '../../orchestrator/domain/robot-messages.ts';

/**
 * The listeners of one adapter (`RobotAdapter.onEvent`). A listener that throws is the engine's bug, not
 * the robot's: it is reported to `onListenerError` and the other listeners still hear the event.
 */
export class EventHub {
  private readonly listeners = new Set<(event: RobotEvent) => void>();

  constructor(private readonly onListenerError: (err: unknown, event: RobotEvent) => void = () => {}) {}

  on(listener: (event: RobotEvent) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  emit(event: RobotEvent): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (err) {
        this.onListenerError(err, event);
      }
    }
  }
}
