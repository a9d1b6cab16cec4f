import { describe, expect, it } from 'vitest';
import { fingerprint, isValidSscc, newOrder } from './order-factory.ts';

/** GS1 mod-10 check digit of the first 17 digits, computed here independently (GS1 General Specifications 7.9.1). */
function gs1CheckDigit(first17: string): number {
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const digit = Number(first17[16 - i]);
    sum += digit * (i % 2 === 0 ? 3 : 1); // rightmost data digit weighs 3
  }
  return (10 - (sum % 10)) % 10;
}

describe('isValidSscc', () => {
  it.each([
    ['106141411234567897'], // extension 1, GS1 company prefix 0614141, serial 123456789
    ['006141411234567890'], // the GS1 specification's own SSCC example
    ['000000000000000000'],
  ])('when the SSCC is %s with a correct check digit, then it is valid', (sscc) => {
    expect(gs1CheckDigit(sscc.slice(0, 17))).toBe(Number(sscc[17]));
    expect(isValidSscc(sscc)).toBe(true);
  });

  it('when any single check digit other than the right one is given, then the SSCC is invalid', () => {
    const body = '10614141123456789';
    for (let d = 0; d <= 9; d++) expect(isValidSscc(`${body}${d}`), `check digit ${d}`).toBe(d === 7);
  });

  it('when two adjacent digits are swapped, then the SSCC is invalid', () => {
    expect(isValidSscc('016141411234567897')).toBe(false);
  });

  it('when check digits are computed for a range of bodies, then isValidSscc agrees with GS1', () => {
    for (let n = 0; n < 200; n++) {
      const body = String(3_501_234_500_000_000 + n * 7_919).padStart(17, '0');
      expect(isValidSscc(`${body}${gs1CheckDigit(body)}`), body).toBe(true);
      expect(isValidSscc(`${body}${(gs1CheckDigit(body) + 1) % 10}`), body).toBe(false);
    }
  });

  it.each([
    ['10614141123456789', '17 digits'],
    ['1061414112345678970', '19 digits'],
    ['(00)106141411234567897', 'with the AI'],
    ['10614141123456789A', 'a letter'],
    [' 106141411234567897', 'leading space'],
    ['１０６１４１４１１２３４５６７８９７', 'full-width digits'],
    ['', 'empty'],
  ])('when the input is %s (%s), then it is invalid', (sscc) => {
    expect(isValidSscc(sscc)).toBe(false);
  });
});

describe('fingerprint', () => {
  it('when the same body comes with its keys in another order, at any depth, then the fingerprint is the same', () => {
    const a = {
      sku: 'SKU-1',
      quantity: 10,
      data: { location: 'LINE-1-OUT', refs: { wo: 'WO-1', hu: 'HU-1' } },
    };
    const b = {
      data: { refs: { hu: 'HU-1', wo: 'WO-1' }, location: 'LINE-1-OUT' },
      quantity: 10,
      sku: 'SKU-1',
    };
    expect(fingerprint(a)).toBe(fingerprint(b));
    expect(fingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
  });

  it.each<[unknown, unknown, string]>([
    [{ quantity: 10 }, { quantity: 11 }, 'another value'],
    [{ quantity: 10 }, { quantity: '10' }, 'a number vs a string'],
    [{ a: 1 }, { b: 1 }, 'another key'],
    [{ list: [1, 2] }, { list: [2, 1] }, 'array order'],
    [{ a: { b: 1 } }, { a: '{"b":1}' }, 'an object vs its JSON text'],
    [{ a: null }, {}, 'null vs absent'],
    [{ a: 'x', b: 'y' }, { a: 'x,"b":"y"' }, 'a value spelling out another key'],
  ])('when bodies differ (%j vs %j: %s), then the fingerprints differ', (a, b) => {
    expect(fingerprint(a)).not.toBe(fingerprint(b));
  });

  it('when it is computed twice, then it is the same (no randomness, no mutation)', () => {
    const body = { z: 1, a: [{ y: 2, x: 3 }] };
    const copy = structuredClone(body);
    expect(fingerprint(body)).toBe(fingerprint(copy));
    expect(body).toEqual(copy);
    expect(Object.keys(body)).toEqual(['z', 'a']);
  });
});

describe('newOrder', () => {
  it('when an order is built, then it is received, version 1, with one history entry and a fresh id', () => {
    const input = {
      type: 'fg-putaway' as const,
      sourceSystem: 'MES' as const,
      createdBy: 'mes',
      from: { location: 'LINE-1-OUT' },
      to: { decidedBy: 'wms' as const },
      load: { handlingUnitId: 'HU-1' },
      priority: 5,
      externalRefs: { workOrder: 'WO-1' },
      correlationId: 'corr-1',
    };
    const at = '2025-03-01T08:00:00.000Z';
    const a = newOrder(input, at);
    expect(a).toMatchObject({
      ...input,
      status: 'received',
      version: 1,
      createdAt: at,
      updatedAt: at,
      timestamps: { received: at },
    });
    expect(a.history).toEqual([{ at, status: 'received', by: 'mes' }]);
    expect(a.id).toMatch(/^TO-[0-9a-f-]{36}$/);
    expect(newOrder(input, at).id).not.toBe(a.id);
  });
});
