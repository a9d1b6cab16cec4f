import { describe, expect, it } from 'vitest';
import { gs1CheckDigit, isValidSscc, makeSscc } from './gs1.ts';

describe('gs1', () => {
  it('when given the GS1 example SSCC 10614141123456789, then the check digit is 7', () => {
    // Weighted sum from the right (3,1,3,…) is 143, so the check digit is 10 - 3 = 7.
    expect(gs1CheckDigit('10614141123456789')).toBe(7);
    expect(isValidSscc('106141411234567897')).toBe(true);
  });

  it('when the weighted sum is already a multiple of 10, then the check digit is 0', () => {
    expect(gs1CheckDigit('00000000000000000')).toBe(0);
    // 1 at the rightmost position weighs 3, plus 7 weighing 1: 3 + 7 = 10.
    expect(gs1CheckDigit('00000000000000071')).toBe(0);
  });

  it('when a digit is changed, then the SSCC no longer validates', () => {
    expect(isValidSscc('106141411234567896')).toBe(false);
    expect(isValidSscc('106141411234567987')).toBe(false);
    expect(isValidSscc('10614141123456789')).toBe(false);
  });

  it('when the input is not 17 digits, then gs1CheckDigit throws', () => {
    expect(() => gs1CheckDigit('1234')).toThrow(RangeError);
    expect(() => gs1CheckDigit('1061414112345678x')).toThrow(RangeError);
  });

  it('when building from parts, then the serial is padded and the check digit appended', () => {
    expect(makeSscc({ extensionDigit: 1, companyPrefix: '0614141', serialReference: 123456789 })).toBe(
      '106141411234567897',
    );
    const sscc = makeSscc({ extensionDigit: 0, companyPrefix: '4012345', serialReference: 42 });
    expect(sscc).toMatch(/^04012345000000042\d$/);
    expect(isValidSscc(sscc)).toBe(true);
  });

  it('when a part is out of range, then makeSscc throws', () => {
    expect(() => makeSscc({ extensionDigit: 10, companyPrefix: '0614141', serialReference: 1 })).toThrow(
      RangeError,
    );
    expect(() => makeSscc({ extensionDigit: 0, companyPrefix: '123', serialReference: 1 })).toThrow(
      RangeError,
    );
    expect(() => makeSscc({ extensionDigit: 0, companyPrefix: '0614141', serialReference: 1e9 })).toThrow(
      RangeError,
    );
  });
});
