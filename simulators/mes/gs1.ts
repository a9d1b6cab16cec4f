/**
 * GS1 helpers for SSCCs (Serial Shipping Container Codes, GS1 General Specifications §3.3.1): 18 digits
 * = extension digit + GS1 company prefix + serial reference (17 data digits) + a mod-10 check digit.
 */

/**
 * The GS1 mod-10 check digit of 17 data digits: weights 3, 1, 3, … from the rightmost data digit;
 * the check digit brings the weighted sum up to a multiple of 10.
 * @throws {RangeError} unless `digits17` is exactly 17 ASCII digits.
 */
export function gs1CheckDigit(digits17: string): number {
  if (!/^\d{17}$/.test(digits17)) throw new RangeError(`expected 17 digits, got "${digits17}"`);
  let sum = 0;
  for (let i = 0; i < 17; i += 1) {
    const digit = digits17.charCodeAt(16 - i) - 48;
    sum += digit * (i % 2 === 0 ? 3 : 1);
  }
  return (10 - (sum % 10)) % 10;
}

/** True when `sscc` is 18 digits whose last digit is the GS1 check digit of the first 17. */
export function isValidSscc(sscc: string): boolean {
  return /^\d{18}$/.test(sscc) && gs1CheckDigit(sscc.slice(0, 17)) === Number(sscc[17]);
}

export interface SsccParts {
  /** 0–9, chosen by the company to extend the serial range. */
  readonly extensionDigit: number;
  /** The GS1 company prefix, 6–12 digits. */
  readonly companyPrefix: string;
  /** A non-negative integer below 10^(16 - prefix length); zero-padded to that width. */
  readonly serialReference: number;
}

/**
 * Builds an 18-digit SSCC with its check digit.
 * @throws {RangeError} when a part is out of range.
 */
export function makeSscc(parts: SsccParts): string {
  const { extensionDigit, companyPrefix, serialReference } = parts;
  if (!Number.isInteger(extensionDigit) || extensionDigit < 0 || extensionDigit > 9) {
    throw new RangeError(`extension digit must be 0-9, got ${extensionDigit}`);
  }
  if (!/^\d{6,12}$/.test(companyPrefix)) throw new RangeError(`company prefix must be 6-12 digits`);
  const width = 16 - companyPrefix.length;
  if (!Number.isSafeInteger(serialReference) || serialReference < 0 || serialReference >= 10 ** width) {
    throw new RangeError(`serial reference must be an integer in [0, 10^${width})`);
  }
  const data = `${extensionDigit}${companyPrefix}${String(serialReference).padStart(width, '0')}`;
  return `${data}${gs1CheckDigit(data)}`;
}
