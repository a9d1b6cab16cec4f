import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Standard Webhooks signing and verification (https://www.standardwebhooks.com), as the MES/WMS contract
 * ("Outbound") uses it: `webhook-signature` holds space-separated `v1,<base64 HMAC-SHA256>` entries over
 * `{id}.{timestampS}.{rawBody}`, keyed with the base64-decoded part of a `whsec_<base64>` secret.
 */

const SECRET_PREFIX = 'whsec_';
const SIGNATURE_VERSION = 'v1';
const HMAC_BYTES = 32;

/** Default allowed distance between `webhook-timestamp` and now, in seconds (the spec's 5 minutes). */
export const DEFAULT_TOLERANCE_S = 5 * 60;

/** The three headers a signed webhook carries (a type alias, so it fits `HeadersInit`). */
export type WebhookHeaders = {
  readonly 'webhook-id': string;
  readonly 'webhook-timestamp': string;
  readonly 'webhook-signature': string;
};

export type VerifyFailure =
  'missing-headers' | 'bad-timestamp' | 'timestamp-too-old' | 'timestamp-too-new' | 'no-matching-signature';

export type VerifyResult = { readonly ok: true } | { readonly ok: false; readonly reason: VerifyFailure };

export interface VerifyInput {
  readonly id: string | undefined;
  /** Unix seconds, as sent in `webhook-timestamp`. */
  readonly timestamp: string | undefined;
  readonly signature: string | undefined;
  /** The raw request body, exactly as received. */
  readonly body: string | Uint8Array;
}

export interface VerifyOptions {
  /** Now, in Unix seconds. Default: the system clock. */
  readonly nowS?: number;
  /** Allowed distance between timestamp and now, in seconds. Default {@link DEFAULT_TOLERANCE_S}. */
  readonly toleranceS?: number;
}

/**
 * Decodes a `whsec_<base64>` secret into its HMAC key.
 * @throws {TypeError} when the prefix is missing or the key is empty.
 */
export function decodeSecret(secret: string): Buffer {
  if (!secret.startsWith(SECRET_PREFIX)) {
    throw new TypeError(`webhook secret must have the form ${SECRET_PREFIX}<base64>`);
  }
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  if (key.length === 0) throw new TypeError('webhook secret has an empty key');
  return key;
}

function digest(key: Buffer, id: string, timestampS: string, body: string | Uint8Array): Buffer {
  return createHmac('sha256', key).update(`${id}.${timestampS}.`).update(body).digest();
}

/** Returns one `v1,<base64>` signature entry for `secret` (a `whsec_` secret). */
export function sign(secret: string, id: string, timestampS: number, body: string | Uint8Array): string {
  return `${SIGNATURE_VERSION},${digest(decodeSecret(secret), id, String(timestampS), body).toString('base64')}`;
}

/**
 * Builds the headers of a signed webhook. With several secrets (rotation), the signature header holds
 * one entry per secret, space-separated.
 */
export function signWebhook(
  secrets: string | readonly string[],
  id: string,
  timestampS: number,
  body: string | Uint8Array,
): WebhookHeaders {
  const list = typeof secrets === 'string' ? [secrets] : secrets;
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestampS),
    'webhook-signature': list.map((s) => sign(s, id, timestampS, body)).join(' '),
  };
}

/**
 * Verifies a webhook against any of `secrets` (constant-time per candidate) and its timestamp against
 * now ± tolerance. Never throws on wire input; throws only on a malformed configured secret.
 */
export function verify(
  secrets: readonly string[],
  input: VerifyInput,
  options: VerifyOptions = {},
): VerifyResult {
  const { id, timestamp, signature, body } = input;
  if (!id || !timestamp || !signature) return { ok: false, reason: 'missing-headers' };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'bad-timestamp' };
  const nowS = options.nowS ?? Math.floor(Date.now() / 1000);
  const toleranceS = options.toleranceS ?? DEFAULT_TOLERANCE_S;
  const ts = Number(timestamp);
  if (ts < nowS - toleranceS) return { ok: false, reason: 'timestamp-too-old' };
  if (ts > nowS + toleranceS) return { ok: false, reason: 'timestamp-too-new' };

  const candidates = signature
    .split(' ')
    .map((entry) => entry.split(','))
    .filter((parts): parts is [string, string] => parts.length === 2 && parts[0] === SIGNATURE_VERSION)
    .map(([, b64]) => Buffer.from(b64, 'base64'))
    .filter((bytes) => bytes.length === HMAC_BYTES);
  for (const secret of secrets) {
    const expected = digest(decodeSecret(secret), id, timestamp, body);
    // Check every candidate without early exit per secret, so timing does not reveal which one matched.
    let matched = false;
    for (const candidate of candidates) matched = timingSafeEqual(expected, candidate) || matched;
    if (matched) return { ok: true };
  }
  return { ok: false, reason: 'no-matching-signature' };
}
