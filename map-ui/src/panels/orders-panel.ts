import type { LiveOrder } from '../../../orchestrator/http/live-contract.ts';
import type { FleetApi } from '../api.ts';
import { formatEta, formatLateness, openFirst, orderQueue, shortId } from '../view-model/panels.ts';
import type { Actions } from './actions.ts';
import { h } from './dom.ts';

/** Rows shown at most; the rest is counted. */
const MAX_ROWS = 200;
const CLOSED = new Set(['confirmed', 'failed', 'cancelled', 'delivered']);

/** The order queue: state, robot, ETA, priority, lateness; cancel (confirmed) and priority up/down. */
export class OrdersPanel {
  readonly root: HTMLElement;
  private readonly body = h('tbody');
  private readonly count = h('span', { className: 'muted' });

  constructor(
    private readonly api: FleetApi,
    private readonly actions: Actions,
  ) {
    const table = h(
      'table',
      { className: 'grid' },
      h(
        'thead',
        {},
        h('tr', {}, ...['Order', 'State', 'Robot', 'ETA', 'Prio', 'Lateness', ''].map((t) => h('th', {}, t))),
      ),
      this.body,
    );
    this.root = h(
      'section',
      { className: 'panel', testid: 'panel-orders' },
      h('h2', {}, 'Orders ', this.count),
      table,
    );
  }

  render(orders: Iterable<LiveOrder>, nowMs: number): void {
    const queue = openFirst(orderQueue(orders));
    const allowed = this.actions.isAllowed('order');
    const rows = queue.slice(0, MAX_ROWS).map((o) => {
      const open = !CLOSED.has(o.status);
      const prio = (delta: number, label: string, testid: string) =>
        h(
          'button',
          {
            testid,
            className: 'small',
            title: allowed ? `priority ${o.priority + delta}` : 'your role may not change orders',
            onclick: () => {
              void this.actions.run('order', `Priority of ${o.id}`, () =>
                this.api.setPriority(o.id, o.priority + delta),
              );
            },
          },
          label,
        );
      const up = prio(1, '▲', `order-priority-up-${o.id}`);
      const down = prio(-1, '▼', `order-priority-down-${o.id}`);
      up.disabled = !allowed || !open || o.priority >= 10;
      down.disabled = !allowed || !open || o.priority <= 0;
      const cancel = h(
        'button',
        {
          testid: `order-cancel-${o.id}`,
          className: 'small danger',
          onclick: () => {
            void this.actions.run(
              'order',
              `Cancel ${o.id}`,
              () => this.api.cancelOrder(o.id),
              `Cancel transport order ${o.id} (${o.fromStation} → ${o.toStation})?`,
            );
          },
        },
        'Cancel',
      );
      cancel.disabled = !allowed || !open;
      const late = o.latenessS > 0;
      return h(
        'tr',
        { testid: `order-row-${o.id}`, className: late ? 'late' : '' },
        h('td', { title: `${o.id}: ${o.fromStation} → ${o.toStation}` }, shortId(o.id)),
        h('td', {}, o.status),
        h('td', {}, o.robotId === undefined ? '—' : shortId(o.robotId, 10)),
        h('td', {}, formatEta(o.eta, nowMs)),
        h('td', {}, String(o.priority), ' ', up, down),
        h('td', { className: late ? 'bad' : 'good' }, formatLateness(o.latenessS)),
        h('td', {}, cancel),
      );
    });
    this.body.replaceChildren(...rows);
    this.count.textContent =
      queue.length > MAX_ROWS ? `(${MAX_ROWS} of ${queue.length})` : `(${queue.length})`;
  }
}
