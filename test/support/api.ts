import { KEYS } from './test-env.ts';
import { waitFor } from './wait-for.ts';

/** Small HTTP client for tests: JSON in, status + parsed body out. */
export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- test assertions read arbitrary JSON
}

export async function call(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    key?: string;
    body?: unknown;
    rawBody?: string;
    headers?: Record<string, string>;
    /** Aborts the request (and fails the call): e.g. `AbortSignal.timeout(5000)`, so a hang fails a test. */
    signal?: AbortSignal;
  } = {},
): Promise<ApiResponse> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.rawBody !== undefined) body = options.rawBody;
  else if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    ...(body === undefined ? {} : { body }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

let seq = 0;
/** A production.completed event for the demo plant. */
export function productionCompleted(
  overrides: { eventId?: string; location?: string; quantity?: number; sku?: string } = {},
): Record<string, unknown> {
  seq += 1;
  const n = `${Date.now()}-${seq}`;
  return {
    eventId: overrides.eventId ?? `evt-${n}`,
    type: 'production.completed',
    occurredAt: new Date().toISOString(),
    data: {
      workOrder: `WO-${n}`,
      sku: overrides.sku ?? 'SKU-100',
      quantity: overrides.quantity ?? 10,
      uom: 'EA',
      handlingUnitId: `HU-${n}`,
      location: overrides.location ?? 'LINE-1-OUT',
    },
  };
}

export function materialRequested(
  overrides: { eventId?: string; deliverTo?: string; sku?: string } = {},
): Record<string, unknown> {
  seq += 1;
  const n = `${Date.now()}-${seq}`;
  return {
    eventId: overrides.eventId ?? `evt-${n}`,
    type: 'material.requested',
    occurredAt: new Date().toISOString(),
    data: {
      sku: overrides.sku ?? 'SKU-100',
      quantity: 5,
      uom: 'EA',
      deliverTo: overrides.deliverTo ?? 'LINE-2-IN',
      neededBy: new Date(Date.now() + 600_000).toISOString(),
    },
  };
}

/** An order as a supervisor sees it (`GET /v1/transport-orders/{id}`). */
export async function getOrder(baseUrl: string, id: string): Promise<Record<string, unknown>> {
  return (await call(baseUrl, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor })).body;
}

/** Waits until the order is in one of `statuses`, and returns it. */
export function orderReaches(
  baseUrl: string,
  id: string,
  statuses: readonly string[],
  timeoutMs = 90_000,
): Promise<Record<string, unknown>> {
  return waitFor(
    `${id} in ${statuses.join('/')}`,
    async () => {
      const order = await getOrder(baseUrl, id);
      return statuses.includes(order.status as string) ? order : undefined;
    },
    timeoutMs,
  );
}
