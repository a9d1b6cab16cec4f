import './styles.css';
import { FleetApi } from './api.ts';
import { KEY_STORAGE, loginMessage, showLogin } from './login.ts';
import { MapApp } from './map-app.ts';
import { h } from './panels/dom.ts';
import { Toasts } from './panels/toast.ts';

/** What tests and the B6 benchmark read from the page (`window.__fleetbridge`). */
export interface FleetbridgeHook {
  robots(): { id: string; x: number; y: number; status: string }[];
  /** Station codes as drawn: page CSS px boxes and the font size on screen. */
  labels(): ReturnType<MapApp['drawnLabels']>;
  /** The camera: scale (px/m), whether it shows the plant as fitted, the map's and the plant's boxes. */
  view(): ReturnType<MapApp['view']>;
  fps(): number;
  frames(): number;
}

declare global {
  interface Window {
    __fleetbridge?: FleetbridgeHook;
  }
}

const root = document.getElementById('app') ?? document.body;
const page = h('div', { className: 'page' });
const toasts = new Toasts();
root.replaceChildren(page, toasts.root);
let current: MapApp | undefined;

window.__fleetbridge = {
  robots: () => current?.drawnRobots() ?? [],
  labels: () => current?.drawnLabels() ?? [],
  view: () => current?.view(),
  fps: () => current?.fps ?? 0,
  frames: () => current?.frames ?? 0,
};

function stopCurrent(): void {
  current?.stop();
  current = undefined;
}

function login(message: string): void {
  stopCurrent();
  if (message) sessionStorage.removeItem(KEY_STORAGE);
  showLogin(page, message, (key, layout) => {
    open(key, layout);
  });
}

/** Never a blank page: a failure shows what went wrong and a retry that starts over with the same key. */
function showError(error: unknown, key: string): void {
  stopCurrent();
  console.error(error);
  const retry = h(
    'button',
    {
      testid: 'error-retry',
      onclick: () => {
        boot(key);
      },
    },
    'Retry',
  );
  const back = h(
    'button',
    {
      onclick: () => {
        login('');
      },
    },
    'Log in again',
  );
  page.replaceChildren(
    h(
      'div',
      { className: 'error-box', testid: 'error-box' },
      h('h2', {}, 'The map stopped'),
      h('pre', {}, error instanceof Error ? `${error.name}: ${error.message}` : String(error)),
      retry,
      back,
    ),
  );
}

function open(key: string, layout: unknown): void {
  stopCurrent();
  let app: MapApp;
  try {
    app = new MapApp(page, key, layout, toasts, {
      logout: (message) => {
        login(message);
      },
      failed: (error) => {
        showError(error, key);
      },
    });
  } catch (error) {
    showError(error, key);
    return;
  }
  current = app;
  app.start().catch((error: unknown) => {
    showError(error, key);
  });
}

/** Starts with a remembered key (checked with `GET /v1/layout`), else the login form. */
function boot(key: string | null): void {
  if (!key) {
    login('');
    return;
  }
  page.replaceChildren(h('div', { className: 'loading' }, 'Loading the plant…'));
  new FleetApi(key).getLayout().then(
    (layout) => {
      open(key, layout);
    },
    (error: unknown) => {
      login(loginMessage(error));
    },
  );
}

window.addEventListener('unhandledrejection', (ev) => {
  toasts.error('Unexpected error', ev.reason);
});

boot(sessionStorage.getItem(KEY_STORAGE));
