import type { RobotIntervention } from '../../orchestrator/http/live-contract.ts';

/** An API refusal, from its RFC 9457 problem+json body when there is one. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    readonly fieldErrors: readonly string[] = [],
  ) {
    super(`${title}${detail ? `: ${detail}` : ''}`);
  }
}

type Rec = Record<string, unknown>;
const isRec = (x: unknown): x is Rec => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Reads a problem+json body (title, detail, errors) into an ApiError; falls back to the status text. */
export async function problemFrom(res: Response): Promise<ApiError> {
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    body = undefined;
  }
  if (!isRec(body)) return new ApiError(res.status, `HTTP ${res.status}`, res.statusText);
  const title = typeof body.title === 'string' ? body.title : `HTTP ${res.status}`;
  const detail = typeof body.detail === 'string' ? body.detail : '';
  const errors = Array.isArray(body.errors)
    ? body.errors.flatMap((e: unknown) => {
        if (!isRec(e) || typeof e.detail !== 'string') return [];
        const where =
          typeof e.pointer === 'string' ? e.pointer : typeof e.header === 'string' ? e.header : '';
        return [where ? `${where}: ${e.detail}` : e.detail];
      })
    : [];
  return new ApiError(res.status, title, detail, errors);
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

/** The REST calls of the map, with the API key as `Authorization: Bearer`. Non-2xx answers throw ApiError. */
export class FleetApi {
  constructor(
    private readonly key: string,
    private readonly fetchFn: FetchLike = (input, init) => fetch(input, init),
  ) {}

  private async call(method: string, path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${this.key}`,
      Accept: 'application/json',
    };
    const init: RequestInit = { method, headers };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    const res = await this.fetchFn(path, init);
    if (!res.ok) throw await problemFrom(res);
    if (res.status === 204) return undefined;
    return (await res.json()) as unknown;
  }

  getLayout(): Promise<unknown> {
    return this.call('GET', '/v1/layout');
  }

  setEdgeBlocked(edgeId: string, blocked: boolean): Promise<unknown> {
    return this.call('PUT', `/v1/layout/edges/${encodeURIComponent(edgeId)}/blocked`, { blocked });
  }

  cancelOrder(orderId: string): Promise<unknown> {
    return this.call('POST', `/v1/transport-orders/${encodeURIComponent(orderId)}/cancel`, {
      mode: 'normal',
    });
  }

  /** Priority 0..10, higher first. */
  setPriority(orderId: string, priority: number): Promise<unknown> {
    return this.call('PATCH', `/v1/transport-orders/${encodeURIComponent(orderId)}`, { priority });
  }

  robotAction(robotId: string, action: RobotIntervention): Promise<unknown> {
    return this.call('POST', `/v1/robots/${encodeURIComponent(robotId)}/${action}`, {});
  }

  acknowledgeAlarm(alarmId: number): Promise<unknown> {
    return this.call('POST', `/v1/alarms/${alarmId}/acknowledge`, {});
  }
}
