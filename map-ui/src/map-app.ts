import type { LiveServerMessage } from '../../orchestrator/http/live-contract.ts';
import { FleetApi } from './api.ts';
import { LiveClient, type LiveStatus, liveUrl } from './live-client.ts';
import { KEY_STORAGE } from './login.ts';
import { Actions } from './panels/actions.ts';
import { AlarmsPanel } from './panels/alarms-panel.ts';
import { h, setText } from './panels/dom.ts';
import { KpiPanel } from './panels/kpi-panel.ts';
import { legendStrip } from './panels/legend-panel.ts';
import { OrdersPanel } from './panels/orders-panel.ts';
import { RobotsPanel } from './panels/robots-panel.ts';
import { SideTabs } from './panels/side-tabs.ts';
import { Toasts } from './panels/toast.ts';
import { MapScene } from './scene/map-scene.ts';
import { FleetModel } from './view-model/fleet-model.ts';
import { LayoutIndex, parseLayout } from './view-model/layout-model.ts';

/** Panels are redrawn at most this often (milliseconds); the map itself animates every frame. */
const PANEL_REFRESH_MS = 500;

export interface MapAppHooks {
  /** The key was refused or the user logged out: show the login with this message. */
  readonly logout: (message: string) => void;
  /** Drawing failed: show the error box (with a retry). */
  readonly failed: (error: unknown) => void;
}

/** The logged-in page: header controls, the map, the panels, and the live feed driving them. */
export class MapApp {
  readonly model = new FleetModel();
  private readonly api: FleetApi;
  private readonly actions: Actions;
  private readonly toasts: Toasts;
  private scene: MapScene | undefined;
  private live: LiveClient | undefined;
  private index: LayoutIndex;
  private panelTimer: ReturnType<typeof setTimeout> | undefined;
  private lastBlocked = this.model.blocked;
  private stopped = false;
  private readonly banner = h('div', { className: 'banner', testid: 'banner-reconnecting' }, 'Reconnecting…');
  private readonly status = h('span', { className: 'status', testid: 'live-status' }, 'connecting…');
  private readonly warnings = h('span', { className: 'warn', testid: 'live-warnings' });
  private readonly fpsText = h('span', { className: 'muted', testid: 'fps' });
  private readonly blockedList = h('span', { className: 'muted', testid: 'blocked-list' });
  private readonly robotsPanel: RobotsPanel;
  private readonly ordersPanel: OrdersPanel;
  private readonly alarmsPanel: AlarmsPanel;
  private readonly kpiPanel = new KpiPanel();
  private readonly tabs = new SideTabs();
  private readonly mapHost = h('div', { className: 'map', testid: 'map' });
  private fpsTimer: ReturnType<typeof setInterval> | undefined;
  private readonly followBox = h('input', { testid: 'map-follow' });

  constructor(
    private readonly host: HTMLElement,
    private readonly key: string,
    layout: unknown,
    toasts: Toasts,
    private readonly hooks: MapAppHooks,
  ) {
    this.toasts = toasts;
    this.api = new FleetApi(key);
    this.actions = new Actions(toasts);
    this.index = new LayoutIndex(parseLayout(layout));
    this.robotsPanel = new RobotsPanel(this.api, this.actions, (id) => {
      this.select(id);
    });
    this.ordersPanel = new OrdersPanel(this.api, this.actions);
    this.alarmsPanel = new AlarmsPanel(this.api, this.actions);
    this.actions.onForbiddenChange = () => {
      this.robotsPanel.refreshButtons();
      this.schedulePanels();
    };
    this.banner.hidden = true;
  }

  /** Builds the page and the renderer, then connects. */
  async start(): Promise<void> {
    this.host.replaceChildren(
      this.header(),
      this.banner,
      h(
        'div',
        { className: 'body' },
        h('div', { className: 'map-column' }, this.mapHost, legendStrip()),
        this.sidebar(),
      ),
    );
    this.scene = await MapScene.create(this.mapHost, {
      robotTapped: (id) => {
        this.select(id);
      },
      edgeTapped: (edgeId) => {
        this.toggleEdge(edgeId);
      },
      followStopped: () => {
        this.followBox.checked = false;
      },
      renderFailed: (error) => {
        this.hooks.failed(error);
      },
    });
    if (this.stopped) {
      this.scene.destroy();
      return;
    }
    this.scene.setLayout(this.index, this.index.layout.blocked);
    this.live = new LiveClient({
      url: liveUrl(window.location),
      key: this.key,
      onMessage: (msg) => {
        this.onMessage(msg);
      },
      onStatus: (status, detail) => {
        this.onStatus(status, detail);
      },
      onAuthRefused: (code, reason) => {
        const why =
          code === 4403
            ? 'This API key has no supervisor role: the live map needs a supervisor (or admin) key.'
            : 'The API key was not accepted by the live feed.';
        this.hooks.logout(reason ? `${why} (${reason})` : why);
      },
    });
    this.live.start();
    this.fpsTimer = setInterval(() => {
      setText(this.fpsText, `${Math.round(this.scene?.fps ?? 0)} fps · ${this.scene?.rendererName ?? ''}`);
    }, 1000);
  }

  stop(): void {
    this.stopped = true;
    this.live?.stop();
    if (this.panelTimer !== undefined) clearTimeout(this.panelTimer);
    if (this.fpsTimer !== undefined) clearInterval(this.fpsTimer);
    this.scene?.destroy();
    this.scene = undefined;
  }

  /** The robots as drawn (map frame metres) with their status: the test hook. */
  drawnRobots(): { id: string; x: number; y: number; status: string }[] {
    const drawn = this.scene?.drawnRobots() ?? [];
    return drawn.map((d) => ({ ...d, status: this.model.robots.get(d.id)?.status ?? 'unknown' }));
  }

  /** Station codes as drawn, in page coordinates (CSS px): the test hook. */
  drawnLabels(): { id: string; left: number; top: number; width: number; height: number; fontPx: number }[] {
    const r = this.mapHost.getBoundingClientRect();
    return (this.scene?.drawnLabels() ?? []).map((l) => ({
      ...l,
      left: l.left + r.left,
      top: l.top + r.top,
    }));
  }

  /** The camera and the plant's box on screen, in page coordinates (CSS px), with the map's box: the test hook. */
  view():
    | {
        scale: number;
        fitted: boolean;
        /** How much the layout bitmap (and its station codes) is stretched: 1 once redrawn for this zoom. */
        bitmapScale: number | undefined;
        map: { left: number; top: number; width: number; height: number };
        plant?: { left: number; top: number; right: number; bottom: number };
      }
    | undefined {
    const v = this.scene?.view();
    if (!v) return undefined;
    const r = this.mapHost.getBoundingClientRect();
    const p = v.plant;
    return {
      scale: v.scale,
      fitted: v.fitted,
      bitmapScale: v.bitmapScale,
      map: { left: r.left, top: r.top, width: v.viewport.width, height: v.viewport.height },
      ...(p
        ? {
            plant: {
              left: p.left + r.left,
              right: p.right + r.left,
              top: p.top + r.top,
              bottom: p.bottom + r.top,
            },
          }
        : {}),
    };
  }

  get fps(): number {
    return this.scene?.fps ?? 0;
  }

  get frames(): number {
    return this.scene?.frames ?? 0;
  }

  private onMessage(msg: LiveServerMessage): void {
    const outcome = this.model.apply(msg);
    switch (outcome.kind) {
      case 'resync-needed':
        this.model.resetSequence();
        this.live?.resync(
          `missed a message (expected ${outcome.expectedSeq ?? 'a snapshot'}, got ${outcome.gotSeq})`,
        );
        return;
      case 'layout-changed':
        this.reloadLayout();
        return;
      case 'applied':
        break;
    }
    this.scene?.sync(this.model, performance.now());
    if (this.model.blocked !== this.lastBlocked) {
      this.lastBlocked = this.model.blocked;
      this.scene?.setBlocked(this.model.blocked);
    }
    // A snapshot fills the panels at once (rows exist as soon as robots are drawn); deltas are throttled.
    if (msg.type === 'snapshot') this.renderPanels();
    if (this.model.unknownRobotUpserts > 0)
      setText(this.warnings, `⚠ ${this.model.unknownRobotUpserts} unannounced robot(s)`);
    this.schedulePanels();
  }

  private onStatus(status: LiveStatus, detail: string): void {
    this.banner.hidden = status !== 'reconnecting';
    setText(this.banner, detail ? `Reconnecting… (${detail})` : 'Reconnecting…');
    setText(
      this.status,
      status === 'live' ? 'live' : status === 'connecting' ? 'connecting…' : 'reconnecting…',
    );
    this.status.className = `status status-${status}`;
  }

  private reloadLayout(): void {
    this.api.getLayout().then(
      (raw) => {
        this.index = new LayoutIndex(parseLayout(raw));
        this.scene?.setLayout(this.index, this.model.blocked);
        this.toasts.show(`Layout ${this.index.layout.version} loaded`);
      },
      (error: unknown) => {
        this.toasts.error('Reloading the layout', error);
      },
    );
  }

  private select(id: string | undefined): void {
    if (id !== undefined) this.tabs.show('robots');
    this.scene?.select(id);
    this.robotsPanel.select(id);
    this.scene?.drawSelectedRoute(id === undefined ? undefined : this.model.robots.get(id));
    this.renderPanels();
  }

  private toggleEdge(edgeId: string): void {
    if (!this.actions.isAllowed('layout')) {
      this.toasts.show('Your role may not block edges', 'error');
      return;
    }
    const blocked = this.model.blocked.edges.includes(edgeId);
    void this.actions.run(
      'layout',
      `${blocked ? 'Unblock' : 'Block'} edge ${edgeId}`,
      () => this.api.setEdgeBlocked(edgeId, !blocked),
      `${blocked ? 'Reopen' : 'Close'} edge ${edgeId}? Traffic replans at once.`,
    );
  }

  private schedulePanels(): void {
    if (this.panelTimer !== undefined) return;
    this.panelTimer = setTimeout(() => {
      this.panelTimer = undefined;
      this.renderPanels();
    }, PANEL_REFRESH_MS);
  }

  private renderPanels(): void {
    if (this.stopped) return;
    this.robotsPanel.render(this.model.robots, this.index.nodes);
    const nowMs = Date.now();
    const counts = this.ordersPanel.render(this.model.orders.values(), nowMs);
    this.tabs.setCount('orders', counts.open);
    this.tabs.setCount('finished', counts.finished);
    this.tabs.setCount('robots', this.model.robots.size);
    this.alarmsPanel.render(this.model.alarms.values());
    this.kpiPanel.render(this.model.kpis);
    const edges = this.model.blocked.edges;
    const nodes = this.model.blocked.nodes;
    setText(
      this.blockedList,
      edges.length + nodes.length === 0
        ? 'nothing blocked'
        : `blocked: ${[...edges.map((e) => `edge ${e}`), ...nodes.map((n) => `node ${n}`)].join(', ')}`,
    );
  }

  private header(): HTMLElement {
    const fit = h('button', { testid: 'map-fit', onclick: () => this.scene?.fit() }, 'Fit plant');
    const follow = this.followBox;
    follow.type = 'checkbox';
    follow.addEventListener('change', () => {
      if (this.scene) this.scene.follow = follow.checked;
    });
    const reservations = h('input', { testid: 'map-reservations' });
    reservations.type = 'checkbox';
    reservations.addEventListener('change', () => {
      this.scene?.setReservations(reservations.checked);
      this.scene?.sync(this.model, performance.now());
    });
    const edgeInput = h('input', { testid: 'edge-block-input' });
    edgeInput.placeholder = 'edge id';
    const edgeButton = h(
      'button',
      {
        testid: 'edge-block-button',
        title: 'Block the edge, or unblock it when it is blocked',
        onclick: () => {
          const id = edgeInput.value.trim();
          if (id) this.toggleEdge(id);
        },
      },
      'Block / unblock',
    );
    const logout = h(
      'button',
      {
        testid: 'logout',
        onclick: () => {
          sessionStorage.removeItem(KEY_STORAGE);
          this.hooks.logout('');
        },
      },
      'Log out',
    );
    return h(
      'header',
      {},
      h('b', {}, 'Fleetbridge'),
      this.status,
      fit,
      h('label', { title: 'keep the selected robot centred' }, follow, ' follow'),
      h('label', { title: 'released segments of all robots' }, reservations, ' reservations'),
      h('span', { className: 'edge-control' }, edgeInput, edgeButton, ' ', this.blockedList),
      this.warnings,
      h('span', { className: 'spacer' }),
      this.fpsText,
      logout,
    );
  }

  /**
   * KPIs and alarms on top, always in view; below them one box with tabs (open orders, finished orders,
   * robots) that scrolls on its own.
   */
  private sidebar(): HTMLElement {
    this.tabs.add('orders', 'Open orders', this.ordersPanel.open);
    this.tabs.add('finished', 'Finished', this.ordersPanel.finished);
    this.tabs.add('robots', 'Robots', this.robotsPanel.root);
    return h(
      'aside',
      { className: 'side', testid: 'side-panel' },
      this.kpiPanel.root,
      this.alarmsPanel.root,
      this.tabs.root,
    );
  }
}
