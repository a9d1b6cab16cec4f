import { randomUUID } from 'node:crypto';
import { signWebhook } from './standard-webhooks.ts';

/**
 * HTTP helpers for tests that drive a WMS simulator the way Fleetbridge does. Bodies come back as
 * `unknown`; assert on them with matchers.
 */

export interface JsonAnswer {
  readonly status: number;
  readonly contentType: string;
  /** Parsed JSON, or undefined for an empty body. */
  readonly body: unknown;
}

async function answer(res: Response): Promise<JsonAnswer> {
  const text = await res.text();
  const body: unknown = text ? JSON.parse(text) : undefined;
  return { status: res.status, contentType: res.headers.get('content-type') ?? '', body };
}

/** POSTs `body` as JSON. */
export async function postJson(url: string, body: unknown): Promise<JsonAnswer> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return answer(res);
}

export async function getJson(url: string): Promise<JsonAnswer> {
  return answer(await fetch(url));
}

export interface SignedWebhookOptions {
  /** `webhook-id`; default a fresh `msg_<uuid>`. */
  readonly id?: string;
  /** Signing time, Unix seconds; default now. */
  readonly timestampS?: number;
  /** Rewrites the body after signing (to test tampering). */
  readonly tamper?: (raw: string) => string;
}

/** Signs `{ type, timestamp, data }` with `secrets` and POSTs it to `{wmsUrl}/webhooks`; returns the status. */
export async function sendSignedWebhook(
  wmsUrl: string,
  secrets: readonly string[],
  type: string,
  data: object,
  options: SignedWebhookOptions = {},
): Promise<number> {
  const id = options.id ?? `msg_${randomUUID()}`;
  const raw = JSON.stringify({ type, timestamp: new Date().toISOString(), data });
  const headers = signWebhook(secrets, id, options.timestampS ?? Math.floor(Date.now() / 1000), raw);
  const res = await fetch(`${wmsUrl}/webhooks`, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json' },
    body: options.tamper ? options.tamper(raw) : raw,
  });
  await res.arrayBuffer();
  return res.status;
}
