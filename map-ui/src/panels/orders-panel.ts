import type { LiveOrder } from '../../../orchestrator/http/live-contract.ts';
import type { FleetApi } from '../api.ts';
import { loadLine, orderTitle, splitOrders, stateText, typeLabel } from '../view-model/order-view.ts';
import { formatEta, formatLateness, shortId } from '../view-model/panels.ts';
import type { Actions } from './actions.ts';
import { h } from './dom.ts';

/** Rows shown at most per list; the rest is counted. */
const MAX_ROWS = 200;

/**
 * The orders in two lists, each scrolling in its own box: open ones (the queue: what, where, load and
 * reference, state, robot, ETA and lateness, priority up/down, cancel) and finished ones (delivered,
 * confirmed, failed with its reason, cancelled) of the last minutes.
 */
export class OrdersPanel {
  readonly open = h('ul', { className: 'order-rows', testid: 'orders-open' });
  readonly finished = h('ul', { className: 'order-rows', testid: 'orders-finished' });

  constructor(
    private readonly api: FleetApi,
    private readonly actions: Actions,
  ) {}

  /** Redraws both lists; answers how many orders each holds. */
  render(orders: Iterable<LiveOrder>, nowMs: number): { open: number; finished: number } {
    const { open, finished } = splitOrders(orders);
    const allowed = this.actions.isAllowed('order');
    this.open.replaceChildren(
      ...open.slice(0, MAX_ROWS).map((o) => this.openRow(o, nowMs, allowed)),
      ...more(open.length),
      ...(open.length === 0 ? [h('li', { className: 'muted empty' }, 'No open orders')] : []),
    );
    this.finished.replaceChildren(
      ...finished.slice(0, MAX_ROWS).map((o) => finishedRow(o, nowMs)),
      ...more(finished.length),
      ...(finished.length === 0
        ? [h('li', { className: 'muted empty' }, 'Nothing finished in the last minutes')]
        : []),
    );
    return { open: open.length, finished: finished.length };
  }

  private openRow(o: LiveOrder, nowMs: number, allowed: boolean): HTMLElement {
    const prio = (delta: number, label: string, testid: string) => {
      const b = h(
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
      return b;
    };
    const up = prio(1, '▲', `order-priority-up-${o.id}`);
    const down = prio(-1, '▼', `order-priority-down-${o.id}`);
    up.disabled = !allowed || o.priority >= 10;
    down.disabled = !allowed || o.priority <= 0;
    const cancel = h(
      'button',
      {
        testid: `order-cancel-${o.id}`,
        className: 'small danger',
        title: allowed ? `cancel ${o.id}` : 'your role may not change orders',
        onclick: () => {
          void this.actions.run(
            'order',
            `Cancel ${o.id}`,
            () => this.api.cancelOrder(o.id),
            `Cancel transport order ${o.id} (${typeLabel(o.type)} ${o.fromStation} → ${o.toStation})?`,
          );
        },
      },
      'Cancel',
    );
    cancel.disabled = !allowed;
    const robot = o.robotId === undefined ? 'no robot yet' : shortId(o.robotId, 10);
    const eta = o.eta === undefined ? [] : [`ETA ${formatEta(o.eta, nowMs)}`];
    return row(o, [
      h('div', { className: 'o-act' }, cancel),
      h('div', { className: 'o-prio' }, `P${o.priority} `, up, down),
      state(o, [stateText(o), robot, ...eta]),
    ]);
  }
}

function finishedRow(o: LiveOrder, nowMs: number): HTMLElement {
  const robot = o.robotId === undefined ? [] : [shortId(o.robotId, 10)];
  return row(o, [
    h('div', { className: 'o-act muted' }, o.endedAt === undefined ? '' : formatEta(o.endedAt, nowMs)),
    h('div', { className: 'o-prio muted' }, `P${o.priority}`),
    state(o, [stateText(o), ...robot]),
  ]);
}

/** One order: what and where on the first line, load and references on the second, then `cells`. */
function row(o: LiveOrder, cells: HTMLElement[]): HTMLElement {
  const late = o.latenessS > 0;
  return h(
    'li',
    { testid: `order-row-${o.id}`, className: late ? 'order late' : 'order', title: orderTitle(o) },
    h(
      'div',
      { className: 'o-what' },
      h('span', { className: 'o-type' }, typeLabel(o.type)),
      ' ',
      h('b', {}, o.fromStation),
      ' → ',
      h('b', {}, o.toStation),
    ),
    h('div', { className: 'o-load' }, loadLine(o)),
    ...cells,
  );
}

/**
 * The third line: state, robot and ETA as given in `parts`, then the lateness: red when late, green
 * when on time against a due time, nothing without a due time.
 */
function state(o: LiveOrder, parts: string[]): HTMLElement {
  const late = o.latenessS > 0;
  const verdict = late ? formatLateness(o.latenessS) : o.dueBy === undefined ? '' : 'on time';
  const failed = o.status === 'failed';
  return h(
    'div',
    { className: failed ? 'o-state bad' : 'o-state' },
    parts.join(' · '),
    verdict ? ' · ' : '',
    h('span', { className: late ? 'bad' : 'good' }, verdict),
  );
}

function more(count: number): HTMLElement[] {
  return count > MAX_ROWS ? [h('li', { className: 'muted empty' }, `… and ${count - MAX_ROWS} more`)] : [];
}
