import type { LiveLoad, LiveOrder } from '../../../orchestrator/http/live-contract.ts';
import { isOpenOrder } from './kpi-view.ts';
import { orderQueue } from './panels.ts';

/** Short words for the order types, for narrow rows (the full type is in the row's title). */
const TYPE_LABELS: Readonly<Record<string, string>> = {
  'fg-putaway': 'putaway',
  'line-replenish': 'replenish',
  'quality-move': 'QA move',
  'empty-return': 'empties',
  custom: 'custom',
};

/** `putaway` for `fg-putaway`; an unknown type as it is. */
export function typeLabel(type: string): string {
  return TYPE_LABELS[type] ?? type;
}

/** `HU-4421-1 · SKU-100 × 500 EA`; the SSCC when there is no handling unit id; `—` when nothing is known. */
export function loadText(load: LiveLoad): string {
  const unit = load.handlingUnitId ?? (load.sscc === undefined ? undefined : `SSCC ${load.sscc}`);
  const qty =
    load.quantity === undefined
      ? undefined
      : `× ${load.quantity}${load.uom === undefined ? '' : ` ${load.uom}`}`;
  const what = [load.sku, qty].filter((x) => x !== undefined).join(' ');
  const parts = [unit, what].filter((x) => x !== undefined && x !== '');
  return parts.length > 0 ? parts.join(' · ') : '—';
}

/** Reference keys shown first, in this order; others follow in the order given. */
const REF_ORDER = ['workOrder', 'warehouseTask', 'deliveryNote', 'purchaseOrder'];

/**
 * The caller's references, best known first: the well-known ones by value (`WO-4421 · WT-778`, they
 * name themselves), others as `key: value`; '' when there are none.
 */
export function refsText(refs: Readonly<Record<string, string>>): string {
  const keys = Object.keys(refs).sort((a, b) => rank(a) - rank(b));
  return keys.map((k) => (REF_ORDER.includes(k) ? refs[k] : `${k}: ${refs[k] ?? ''}`)).join(' · ');
}

/** The second line of a row: the load and the references; `—` when neither is known. */
export function loadLine(o: Pick<LiveOrder, 'load' | 'externalRefs'>): string {
  const load = loadText(o.load);
  const refs = refsText(o.externalRefs);
  if (!refs) return load;
  return load === '—' ? refs : `${load} · ${refs}`;
}

function rank(key: string): number {
  const i = REF_ORDER.indexOf(key);
  return i < 0 ? REF_ORDER.length : i;
}

/** The row's title: every field in full, for the tooltip. */
export function orderTitle(o: LiveOrder): string {
  const refs = Object.entries(o.externalRefs).map(([k, v]) => `${k} ${v}`);
  return [
    `${o.id} (${o.type})`,
    `${o.fromStation} → ${o.toStation}`,
    `load: ${loadText(o.load)}`,
    ...(refs.length > 0 ? [`refs: ${refs.join(', ')}`] : []),
    ...(o.dueBy === undefined ? [] : [`due ${o.dueBy}`]),
  ].join('\n');
}

/** The state as a row shows it: `failed: no-space` for a failed order with a reason. */
export function stateText(o: Pick<LiveOrder, 'status' | 'failureReason'>): string {
  return o.status === 'failed' && o.failureReason !== undefined ? `failed: ${o.failureReason}` : o.status;
}

/**
 * The orders split for the panel: open ones as the queue runs them (priority, then due time), finished
 * ones (delivered, confirmed, failed, cancelled) most recently ended first.
 */
export function splitOrders(orders: Iterable<LiveOrder>): { open: LiveOrder[]; finished: LiveOrder[] } {
  const all = [...orders];
  const ended = (o: LiveOrder) => (o.endedAt === undefined ? 0 : Date.parse(o.endedAt));
  return {
    open: orderQueue(all.filter(isOpenOrder)),
    finished: all
      .filter((o) => !isOpenOrder(o))
      .sort((a, b) => ended(b) - ended(a) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
  };
}
