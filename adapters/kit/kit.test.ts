import { describe, expect, it } from 'vitest';
import { Backoff } from './backoff.ts';
import { EventHub } from './event-hub.ts';
import { StaleWatch } from './stale-watch.ts';

describe('Backoff', () => {
  it('grows the ceiling exponentially up to maxMs, draws under it, and starts over on reset', () => {
    const top = new Backoff({ initialMs: 100, maxMs: 1000, minMs: 0, random: () => 1 });
    expect([1, 2, 3, 4, 5, 6].map(() => top.next())).toEqual([100, 200, 400, 800, 1000, 1000]);
    expect(top.attempts).toBe(6);
    top.reset();
    expect(top.next()).toBe(100);
    const half = new Backoff({ initialMs: 100, maxMs: 1000, minMs: 0, random: () => 0.5 });
    expect([half.next(), half.next()]).toEqual([50, 100]);
  });

  it('never waits less than minMs, and refuses nonsense options', () => {
    expect(new Backoff({ minMs: 30, random: () => 0 }).next()).toBe(30);
    expect(() => new Backoff({ initialMs: 0 })).toThrow(RangeError);
    expect(() => new Backoff({ initialMs: 500, maxMs: 100 })).toThrow(RangeError);
  });
});

describe('StaleWatch', () => {
  it('asks once after the silence, calls stale once after the grace, and clears on the next message', () => {
    const w = new StaleWatch(1000, 500);
    w.seen('r1', 0);
    w.seen('r2', 800);
    expect(w.check(999)).toEqual([]);
    expect(w.check(1000)).toEqual([{ robotId: 'r1', silentMs: 1000, kind: 'ask' }]);
    expect(w.check(1200)).toEqual([]);
    expect(w.check(1500)).toEqual([{ robotId: 'r1', silentMs: 1500, kind: 'stale' }]);
    expect(w.isStale('r1')).toBe(true);
    expect(w.check(5000).map((v) => `${v.robotId}:${v.kind}`)).toEqual(['r2:ask']);
    expect(w.check(5001).map((v) => `${v.robotId}:${v.kind}`)).toEqual(['r2:stale']);
    expect(w.seen('r1', 6000)).toBe(true);
    expect(w.seen('r1', 6001)).toBe(false);
    expect(w.forget('r2')).toBe(true);
    expect(w.check(60_000).map((v) => v.robotId)).toEqual(['r1']);
  });
});

describe('EventHub', () => {
  it('tells every listener, survives one that throws, and unsubscribes', () => {
    const errors: unknown[] = [];
    const hub = new EventHub((err) => errors.push(err));
    const heard: string[] = [];
    hub.on(() => {
      throw new Error('listener bug');
    });
    const off = hub.on((e) => heard.push(e.type));
    const event = { type: 'node-reached', robotId: 'r1', nodeId: 'n1' } as const;
    hub.emit(event);
    off();
    hub.emit(event);
    expect(heard).toEqual(['node-reached']);
    expect(errors).toHaveLength(2);
  });
});
