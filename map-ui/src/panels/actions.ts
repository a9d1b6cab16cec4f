import { ApiError } from '../api.ts';
import type { Toasts } from './toast.ts';

/** The kinds of change the map can ask for; a 403 on one disables its buttons for this session. */
export type ActionKind = 'robot' | 'order' | 'alarm' | 'layout';

/**
 * Runs API calls for the panels: confirms destructive ones, shows refusals as toasts, and remembers
 * which kinds the key's role may not do (403) so their buttons are disabled from then on.
 */
export class Actions {
  readonly forbidden = new Set<ActionKind>();
  onForbiddenChange: () => void = () => undefined;

  constructor(private readonly toasts: Toasts) {}

  isAllowed(kind: ActionKind): boolean {
    return !this.forbidden.has(kind);
  }

  /** Calls `run` after an optional confirm; resolves true when it succeeded. */
  async run(
    kind: ActionKind,
    label: string,
    run: () => Promise<unknown>,
    confirmText?: string,
  ): Promise<boolean> {
    if (confirmText !== undefined && !window.confirm(confirmText)) return false;
    try {
      await run();
      this.toasts.show(`${label}: done`);
      return true;
    } catch (error) {
      if (error instanceof ApiError && error.status === 403 && !this.forbidden.has(kind)) {
        this.forbidden.add(kind);
        this.onForbiddenChange();
      }
      this.toasts.error(label, error);
      return false;
    }
  }
}
