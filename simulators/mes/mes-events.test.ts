import { describe, expect, it } from 'vitest';
import { isValidSscc } from './gs1.ts';
import { createMesEventFactory, type MesEventFactoryOptions, type MesEventKind } from './mes-events.ts';

const base: MesEventFactoryOptions = {
  lines: [
    { output: 'LINE-1-OUT', lineSide: 'LINE-1-IN' },
    { output: 'LINE-2-OUT', lineSide: 'LINE-2-IN' },
  ],
  skus: ['SKU-A', 'SKU-B', 'SKU-C'],
  seed: 7,
  runId: 'run1',
  now: () => new Date('2026-01-05T08:00:00.000Z'),
};
const kinds: MesEventKind[] = ['production.completed', 'material.requested', 'production.completed'];

describe('mes events', () => {
  it('when two factories share seed, run id and clock, then they build the same events', () => {
    const a = createMesEventFactory(base);
    const b = createMesEventFactory(base);
    expect(kinds.map((k) => a.next(k))).toEqual(kinds.map((k) => b.next(k)));
  });

  it('when the seed differs, then the content differs but ids follow the run', () => {
    const a = kinds.map((k) => createMesEventFactory(base).next(k));
    const c = createMesEventFactory({ ...base, seed: 8 });
    const other = kinds.map((k) => c.next(k));
    expect(other.map((e) => e.data)).not.toEqual(a.map((e) => e.data));
    expect(other.map((e) => e.eventId)).toEqual(['mes-run1-000001', 'mes-run1-000002', 'mes-run1-000003']);
  });

  it('when events are built, then SSCCs are valid and unique and neededBy is 10 minutes ahead', () => {
    const f = createMesEventFactory(base);
    const ssccs = new Set<string>();
    for (let i = 0; i < 200; i += 1) {
      const e = f.next('production.completed');
      if (e.type !== 'production.completed') throw new Error('wrong kind');
      expect(isValidSscc(e.data.sscc)).toBe(true);
      ssccs.add(e.data.sscc);
    }
    expect(ssccs.size).toBe(200);
    const request = f.next('material.requested');
    expect(request).toMatchObject({
      type: 'material.requested',
      occurredAt: '2026-01-05T08:00:00.000Z',
      data: { neededBy: '2026-01-05T08:10:00.000Z', deliverTo: expect.stringMatching(/^LINE-\d-IN$/) },
    });
  });

  it('when the mix excludes a kind, then it is never drawn, and a 1:3 mix is roughly kept', () => {
    const f = createMesEventFactory(base);
    const only = Array.from({ length: 50 }, () =>
      f.nextKind({ productionCompleted: 0, materialRequested: 1 }),
    );
    expect(new Set(only)).toEqual(new Set(['material.requested']));
    const drawn = Array.from({ length: 4000 }, () =>
      f.nextKind({ productionCompleted: 1, materialRequested: 3 }),
    );
    const share = drawn.filter((k) => k === 'production.completed').length / drawn.length;
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.3);
  });

  it('when the mix weighs all four kinds, then each is drawn in its share', () => {
    const f = createMesEventFactory(base);
    const mix = { productionCompleted: 4, materialRequested: 4, qualityHold: 1, containerEmpty: 1 };
    const drawn = Array.from({ length: 5000 }, () => f.nextKind(mix));
    const share = (k: string) => drawn.filter((d) => d === k).length / drawn.length;
    expect(share('production.completed')).toBeCloseTo(0.4, 1);
    expect(share('material.requested')).toBeCloseTo(0.4, 1);
    expect(share('quality.hold')).toBeCloseTo(0.1, 1);
    expect(share('container.empty')).toBeCloseTo(0.1, 1);
    const hold = f.next('quality.hold');
    expect(hold).toMatchObject({ type: 'quality.hold', data: { location: expect.stringMatching(/-OUT$/) } });
    const empty = f.next('container.empty');
    expect(empty).toMatchObject({
      type: 'container.empty',
      data: { location: expect.stringMatching(/-IN$/) },
    });
  });

  it('when lines or skus are empty, then the factory throws', () => {
    expect(() => createMesEventFactory({ ...base, lines: [] })).toThrow(RangeError);
    expect(() => createMesEventFactory({ ...base, skus: [] })).toThrow(RangeError);
  });
});
