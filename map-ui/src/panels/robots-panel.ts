import type { LiveRobot, RobotIntervention } from '../../../orchestrator/http/live-contract.ts';
import type { FleetApi } from '../api.ts';
import type { Point } from '../view-model/camera.ts';
import { shortId } from '../view-model/panels.ts';
import { cssColour, placeRobot, robotColour } from '../view-model/robot-view.ts';
import type { Actions } from './actions.ts';
import { h, setText } from './dom.ts';

const BUTTONS: readonly { action: RobotIntervention; label: string; confirm?: string }[] = [
  { action: 'pause', label: 'Pause' },
  { action: 'resume', label: 'Resume' },
  { action: 'charge', label: 'Charge', confirm: 'Send robot {id} to the nearest free charger?' },
  { action: 'park', label: 'Park', confirm: 'Send robot {id} to its home node?' },
  {
    action: 'out-of-service',
    label: 'Out of service',
    confirm: 'Take robot {id} out of service? Its order goes to another robot unless a load is on board.',
  },
  { action: 'into-service', label: 'Into service' },
];

interface Row {
  colour: string;
  readonly el: HTMLLIElement;
  readonly dot: HTMLSpanElement;
  readonly text: HTMLSpanElement;
}

function rowText(r: LiveRobot, placed: boolean): string {
  const parts = [r.id, r.status, `${Math.round(r.batteryPct)}%`];
  if (r.orderId !== undefined) parts.push(shortId(r.orderId));
  if (r.outOfService) parts.push('out of service');
  if (!placed) parts.push('no position');
  return parts.join(' · ');
}

/** The fleet list (one row per robot, click to select) and the selected robot's details and actions. */
export class RobotsPanel {
  readonly root: HTMLElement;
  private readonly list = h('ul', { className: 'rows robot-rows', testid: 'robot-list' });
  private readonly details = h('div', { className: 'details', testid: 'robot-details' });
  private readonly rows = new Map<string, Row>();
  private readonly buttons = new Map<RobotIntervention, HTMLButtonElement>();
  private selectedId: string | undefined;

  constructor(
    private readonly api: FleetApi,
    private readonly actions: Actions,
    private readonly onSelect: (id: string | undefined) => void,
  ) {
    const actionBar = h('div', { className: 'actions' });
    for (const b of BUTTONS) {
      const btn = h(
        'button',
        {
          testid: `robot-action-${b.action}`,
          className: b.confirm ? 'danger' : '',
          onclick: () => {
            const id = this.selectedId;
            if (id === undefined) return;
            void this.actions.run(
              'robot',
              `${b.label} ${id}`,
              () => this.api.robotAction(id, b.action),
              b.confirm?.replace('{id}', id),
            );
          },
        },
        b.label,
      );
      this.buttons.set(b.action, btn);
      actionBar.append(btn);
    }
    this.details.append(h('div', { className: 'muted' }, 'Select a robot on the map or in the list.'));
    this.root = h('div', { className: 'panel', testid: 'panel-robots' }, this.details, actionBar, this.list);
    this.actionBar = actionBar;
    this.refreshButtons();
  }

  private readonly actionBar: HTMLElement;

  refreshButtons(): void {
    const allowed = this.actions.isAllowed('robot');
    this.actionBar.hidden = this.selectedId === undefined;
    for (const btn of this.buttons.values()) {
      btn.disabled = !allowed;
      btn.title = allowed ? '' : 'your role may not act on robots';
    }
  }

  select(id: string | undefined): void {
    if (this.selectedId !== undefined) this.rows.get(this.selectedId)?.el.classList.remove('selected');
    this.selectedId = id;
    if (id !== undefined) this.rows.get(id)?.el.classList.add('selected');
    this.refreshButtons();
  }

  /** Updates rows in place (only changed text is written) and the details of the selected robot. */
  render(robots: ReadonlyMap<string, LiveRobot>, nodes: ReadonlyMap<string, Point>): void {
    for (const [id, row] of this.rows) {
      if (!robots.has(id)) {
        row.el.remove();
        this.rows.delete(id);
      }
    }
    let added = false;
    for (const r of robots.values()) {
      let row = this.rows.get(r.id);
      if (!row) {
        const dot = h('span', { className: 'dot' });
        const text = h('span');
        const id = r.id;
        const el = h(
          'li',
          {
            testid: `robot-row-${id}`,
            onclick: () => {
              this.onSelect(id);
            },
          },
          dot,
          text,
        );
        if (id === this.selectedId) el.classList.add('selected');
        row = { el, dot, text, colour: '' };
        this.rows.set(id, row);
        added = true;
      }
      const colour = cssColour(robotColour(r));
      if (row.colour !== colour) {
        row.colour = colour;
        row.dot.style.backgroundColor = colour;
      }
      setText(row.text, rowText(r, placeRobot(r, nodes) !== undefined));
    }
    if (added) {
      const sorted = [...this.rows.entries()].sort(([a], [b]) =>
        a.localeCompare(b, undefined, { numeric: true }),
      );
      this.list.append(...sorted.map(([, row]) => row.el));
    }
    this.renderDetails(this.selectedId === undefined ? undefined : robots.get(this.selectedId), nodes);
  }

  private renderDetails(r: LiveRobot | undefined, nodes: ReadonlyMap<string, Point>): void {
    if (!r) {
      this.details.replaceChildren(
        h(
          'div',
          { className: 'muted' },
          this.selectedId === undefined
            ? 'Select a robot on the map or in the list.'
            : `${this.selectedId} is gone`,
        ),
      );
      return;
    }
    const place = placeRobot(r, nodes);
    const where = !place
      ? 'no position'
      : `${place.x.toFixed(1)}, ${place.y.toFixed(1)} m${place.source === 'node' ? ` (at node ${r.nodeId ?? ''})` : ''}`;
    const fields: [string, string][] = [
      ['Robot', `${r.id} (${r.vehicleType})`],
      ['Status', r.outOfService ? `${r.status}, out of service` : r.status],
      ['Battery', `${Math.round(r.batteryPct)}%`],
      ['Position', where],
      ['Node', r.nodeId ?? '—'],
      ['Order', r.orderId ?? '—'],
      ['Loads', r.loads.length ? r.loads.join(', ') : 'none'],
      ['Route', `${r.releasedNodeIds.length} released, ${r.plannedNodeIds.length} planned nodes`],
    ];
    const dl = h('dl', {});
    for (const [k, v] of fields) dl.append(h('dt', {}, k), h('dd', {}, v));
    const errors = r.errors.map((e) =>
      h('div', { className: `err err-${e.level}` }, `${e.level}: ${e.code} — ${e.message}`),
    );
    this.details.replaceChildren(dl, ...errors);
  }
}
