import { ApiError, FleetApi } from './api.ts';
import { h } from './panels/dom.ts';

/** Where the API key is remembered for this browser tab. */
export const KEY_STORAGE = 'fleetbridge.key';

/** What a refused key means to the person at the screen. */
export function loginMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 401) return 'Unknown API key. Check the key and try again.';
    if (error.status === 403)
      return 'This API key has no supervisor role: the live map needs a supervisor (or admin) key.';
    return `The server refused: ${error.title}${error.detail ? ` — ${error.detail}` : ''}`;
  }
  return `Cannot reach the server: ${error instanceof Error ? error.message : String(error)}`;
}

/**
 * The login form. Checks the key with `GET /v1/layout` before resolving, so an unknown key or a role
 * that may not read the fleet is reported here; the live feed checks the role again (4403).
 */
export function showLogin(
  host: HTMLElement,
  message: string,
  onKey: (key: string, layout: unknown) => void,
): void {
  const input = h('input', { testid: 'login-key' });
  input.type = 'password';
  input.placeholder = 'API key';
  input.autocomplete = 'current-password';
  const error = h('div', { className: 'login-error', testid: 'login-error' }, message);
  error.hidden = message === '';
  const submit = h('button', { testid: 'login-submit' }, 'Open the map');
  submit.type = 'submit';
  const form = h(
    'form',
    { className: 'login', testid: 'login-form' },
    h('h1', {}, 'Fleetbridge live map'),
    h('label', {}, 'Supervisor API key', input),
    submit,
    error,
  );
  form.addEventListener('submit', (ev) => {
    ev.preventDefault();
    const key = input.value.trim();
    if (!key) return;
    submit.disabled = true;
    new FleetApi(key).getLayout().then(
      (layout) => {
        sessionStorage.setItem(KEY_STORAGE, key);
        onKey(key, layout);
      },
      (e: unknown) => {
        submit.disabled = false;
        error.textContent = loginMessage(e);
        error.hidden = false;
      },
    );
  });
  host.replaceChildren(form);
  input.focus();
}
