import { ApiError } from '../api.ts';
import { h } from './dom.ts';

/** Short messages at the bottom right; errors stay 8 s, notes 3 s. */
export class Toasts {
  readonly root = h('div', { className: 'toasts', testid: 'toasts' });

  show(text: string, kind: 'error' | 'info' = 'info'): void {
    const el = h('div', { className: `toast toast-${kind}`, testid: `toast-${kind}` }, text);
    this.root.append(el);
    setTimeout(
      () => {
        el.remove();
      },
      kind === 'error' ? 8000 : 3000,
    );
  }

  /** An API error as `title: detail` (plus field errors), anything else by its message. */
  error(context: string, error: unknown): void {
    if (error instanceof ApiError) {
      const fields = error.fieldErrors.length ? ` (${error.fieldErrors.join('; ')})` : '';
      this.show(`${context}: ${error.title}${error.detail ? ` — ${error.detail}` : ''}${fields}`, 'error');
    } else {
      this.show(`${context}: ${error instanceof Error ? error.message : String(error)}`, 'error');
    }
  }
}
