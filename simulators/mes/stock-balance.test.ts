import { describe, expect, it } from 'vitest';
import { StockBalance } from './stock-balance.ts';

const SKUS = ['SKU-A', 'SKU-B', 'SKU-C'];

describe('StockBalance', () => {
  it('when storage is below target, then supply becomes a putaway of the shortest SKU; above, a putaway becomes supply of the most plentiful', () => {
    const low = new StockBalance({ bySku: { 'SKU-A': 3, 'SKU-B': 1, 'SKU-C': 2 }, target: 8, skus: SKUS });
    expect(low.choose('material.requested')).toEqual({ kind: 'production.completed', sku: 'SKU-B' });
    const high = new StockBalance({ bySku: { 'SKU-A': 3, 'SKU-B': 5, 'SKU-C': 2 }, target: 8, skus: SKUS });
    expect(high.choose('production.completed')).toEqual({ kind: 'material.requested', sku: 'SKU-B' });
    expect(high.choose('quality.hold')).toEqual({ kind: 'quality.hold' });
  });

  it('when a thousand draws are booked, then storage never leaves target +-1 and no SKU runs dry', () => {
    const balance = new StockBalance({
      bySku: { 'SKU-A': 4, 'SKU-B': 4, 'SKU-C': 4 },
      target: 12,
      skus: SKUS,
    });
    const totals: number[] = [];
    const minimum: number[] = [];
    for (let i = 0; i < 1000; i += 1) {
      // A skewed demand: three requests drawn for every putaway.
      const choice = balance.choose(i % 4 === 0 ? 'production.completed' : 'material.requested');
      balance.accepted(choice.kind, choice.sku);
      totals.push(balance.total);
      minimum.push(Math.min(...SKUS.map((sku) => balance.stockOf(sku))));
    }
    expect(Math.min(...totals)).toBeGreaterThanOrEqual(11);
    expect(Math.max(...totals)).toBeLessThanOrEqual(13);
    expect(Math.min(...minimum)).toBeGreaterThanOrEqual(3);
  });
});
