import { describe, expect, it } from 'vitest';
import type { LiveOrder } from '../../../orchestrator/http/live-contract.ts';
import { loadLine, loadText, orderTitle, refsText, splitOrders, stateText, typeLabel } from './order-view.ts';

const order = (id: string, patch: Partial<LiveOrder> = {}): LiveOrder => ({
  id,
  type: 'custom',
  status: 'planned',
  priority: 5,
  fromStation: 'A',
  toStation: 'B',
  load: {},
  externalRefs: {},
  latenessS: 0,
  ...patch,
});

describe('order rows', () => {
  it('when a load is described, then it reads handling unit, SKU and quantity, or what is known of them', () => {
    expect(loadText({ handlingUnitId: 'HU-1', sku: 'SKU-100', quantity: 500, uom: 'EA' })).toBe(
      'HU-1 · SKU-100 × 500 EA',
    );
    expect(loadText({ sscc: '106141411234567897', sku: 'SKU-2' })).toBe('SSCC 106141411234567897 · SKU-2');
    expect(loadText({ sku: 'SKU-200', quantity: 40 })).toBe('SKU-200 × 40');
    expect(loadText({})).toBe('—');
  });

  it('when an order has references, then the work order and warehouse task come first', () => {
    expect(refsText({ batch: 'B7', warehouseTask: 'WT-778', workOrder: 'WO-4421' })).toBe(
      'WO-4421 · WT-778 · batch: B7',
    );
    expect(refsText({})).toBe('');
    expect(loadLine({ load: { sku: 'S', quantity: 2 }, externalRefs: { workOrder: 'WO-1' } })).toBe(
      'S × 2 · WO-1',
    );
    expect(loadLine({ load: {}, externalRefs: { containerType: 'EURO-PALLET' } })).toBe(
      'containerType: EURO-PALLET',
    );
    expect(loadLine({ load: {}, externalRefs: {} })).toBe('—');
  });

  it('when types and states are shown, then they are short and a failure says why', () => {
    expect(typeLabel('fg-putaway')).toBe('putaway');
    expect(typeLabel('something-new')).toBe('something-new');
    expect(stateText({ status: 'failed', failureReason: 'no-space' })).toBe('failed: no-space');
    expect(stateText({ status: 'to-pickup' })).toBe('to-pickup');
    const title = orderTitle(
      order('TO-1', { externalRefs: { workOrder: 'WO-1' }, dueBy: '2026-01-01T10:00:00Z' }),
    );
    expect(title).toContain('refs: workOrder WO-1');
    expect(title).toContain('A → B');
  });

  it('when open and finished orders are mixed, then they are split, the queue by priority, the finished newest first', () => {
    const { open, finished } = splitOrders([
      order('low', { priority: 1 }),
      order('done-early', { status: 'confirmed', endedAt: '2026-01-01T10:00:00Z' }),
      order('high', { priority: 9, status: 'to-dropoff' }),
      order('delivered', { status: 'delivered', endedAt: '2026-01-01T10:05:00Z' }),
      order('failed', { status: 'failed', endedAt: '2026-01-01T10:03:00Z' }),
      order('held', { status: 'on-hold' }),
    ]);
    expect(open.map((o) => o.id)).toEqual(['high', 'held', 'low']);
    expect(finished.map((o) => o.id)).toEqual(['delivered', 'failed', 'done-early']);
  });
});
