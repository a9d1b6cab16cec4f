import { z } from 'zod';
import {
  WmsUnavailableError,
  type PutawayRequest,
  type StockPickRequest,
  type WmsAnswer,
  type WmsPort,
} from '../ports/wms.ts';

const putawayAnswer = z.union([
  z.object({ location: z.string().min(1) }),
  z.object({ zone: z.string().min(1) }),
]);
const stockPickAnswer = z.object({ location: z.string().min(1), handlingUnitId: z.string().optional() });

export interface HttpWmsClientOptions {
  /** Base URL of the WMS, no trailing slash. */
  readonly baseUrl: string;
  /** Per-request timeout, milliseconds. */
  readonly timeoutMs: number;
  readonly fetch?: typeof fetch;
}

/** The WMS port over HTTP. Retries are the caller's (the intake queue's backoff), so this makes one try. */
export class HttpWmsClient implements WmsPort {
  private readonly fetchFn: typeof fetch;
  constructor(private readonly options: HttpWmsClientOptions) {
    this.fetchFn = options.fetch ?? fetch;
  }

  async putawayDecision(
    request: PutawayRequest,
  ): Promise<WmsAnswer<{ location: string } | { zone: string }>> {
    return this.call('/putaway-decisions', request, (body) => {
      const parsed = putawayAnswer.parse(body);
      return 'location' in parsed ? { location: parsed.location } : { zone: parsed.zone };
    });
  }

  async stockPick(
    request: StockPickRequest,
  ): Promise<WmsAnswer<{ location: string; handlingUnitId?: string }>> {
    return this.call('/stock-picks', request, (body) => {
      const parsed = stockPickAnswer.parse(body);
      return {
        location: parsed.location,
        ...(parsed.handlingUnitId ? { handlingUnitId: parsed.handlingUnitId } : {}),
      };
    });
  }

  private async call<T>(path: string, body: unknown, parse: (body: unknown) => T): Promise<WmsAnswer<T>> {
    let response: Response;
    try {
      response = await this.fetchFn(`${this.options.baseUrl}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (cause) {
      throw new WmsUnavailableError(`WMS ${path} unreachable`, { cause });
    }
    if (response.status === 409) {
      const text = await response.text();
      return { kind: 'refused', detail: text.slice(0, 500) };
    }
    if (!response.ok) throw new WmsUnavailableError(`WMS ${path} answered ${response.status}`);
    try {
      return { kind: 'ok', value: parse(await response.json()) };
    } catch (cause) {
      // A malformed answer is treated like an outage: retried, never guessed at.
      throw new WmsUnavailableError(`WMS ${path} sent an answer that is not in the contract`, { cause });
    }
  }
}
