import { describe, expect, it } from 'vitest';
import { Inventory } from './inventory.ts';

/** Two aisles of bins, 10 m apart, and a line on either side. */
const positions = new Map([
  ['B-01-01', { x: 0, y: 0 }],
  ['B-01-02', { x: 0, y: 2 }],
  ['B-02-01', { x: 10, y: 0 }],
  ['B-02-02', { x: 10, y: 2 }],
  ['LINE-W', { x: -5, y: 1 }],
  ['LINE-E', { x: 15, y: 1 }],
]);
const bins = ['B-01-01', 'B-01-02', 'B-02-01', 'B-02-02'];
const hu = (id: string, sku: string, bin: string) => ({ handlingUnitId: id, sku, quantity: 1, bin });

describe('inventory: bin choice', () => {
  it('when positions are known, then putaway takes the free bin nearest the source', () => {
    const inventory = new Inventory({ bins, positions, initialStock: [hu('HU-1', 'A', 'B-02-01')] });
    expect(inventory.findFreeBin('LINE-E')).toBe('B-02-02');
    expect(inventory.findFreeBin('LINE-W')).toBe('B-01-01');
    inventory.reserve('B-02-02', 'x');
    expect(inventory.findFreeBin('LINE-E')).toBe('B-01-01');
  });

  it('when positions are known, then a pick takes the stock nearest the destination', () => {
    const stock = [hu('HU-1', 'A', 'B-01-01'), hu('HU-2', 'A', 'B-02-02'), hu('HU-3', 'B', 'B-02-01')];
    const inventory = new Inventory({ bins, positions, initialStock: stock });
    expect(inventory.findPickable('A', 'LINE-E')?.handlingUnitId).toBe('HU-2');
    expect(inventory.findPickable('A', 'LINE-W')?.handlingUnitId).toBe('HU-1');
  });

  it('when the location or the positions are unknown, then the configured bin order decides', () => {
    const stock = [hu('HU-1', 'A', 'B-01-02'), hu('HU-2', 'A', 'B-02-02')];
    const withoutPositions = new Inventory({ bins, initialStock: stock });
    expect(withoutPositions.findFreeBin('LINE-E')).toBe('B-01-01');
    expect(withoutPositions.findPickable('A', 'LINE-E')?.handlingUnitId).toBe('HU-1');
    const unknownPlace = new Inventory({ bins, positions, initialStock: stock });
    expect(unknownPlace.findFreeBin('DOCK-9')).toBe('B-01-01');
    expect(unknownPlace.findFreeBin()).toBe('B-01-01');
  });
});
