import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { z } from 'zod';
import { ROBOT_INTERVENTIONS } from '../engine/engine-types.ts';

/**
 * Requests to the engine from any instance, answered by the leader's (cluster/engine-host.ts), over Redis
 * pub/sub: a request channel the leader listens on, and one answer channel per instance. Pub/sub keeps no
 * message for a listener that is not there: a request nobody hears fails at once (`no-leader`), one that
 * is not answered within the timeout fails too; the API answers both with 503 and Retry-After.
 */

const requestSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('planned'), orderId: z.string() }),
  z.object({
    type: z.literal('cancel'),
    orderId: z.string(),
    mode: z.enum(['normal', 'force']),
    by: z.string(),
  }),
  z.object({
    type: z.literal('intervene'),
    robotId: z.string(),
    action: z.enum(ROBOT_INTERVENTIONS),
    by: z.string(),
  }),
  z.object({
    type: z.literal('reprioritize'),
    orderId: z.string(),
    priority: z.number(),
    dueByMs: z.number().exactOptional(),
  }),
  z.object({
    type: z.literal('block'),
    target: z.enum(['edge', 'node']),
    id: z.string(),
    blocked: z.boolean(),
  }),
  z.object({ type: z.literal('acknowledge-alarm'), id: z.number(), by: z.string() }),
  z.object({
    type: z.literal('alarm'),
    alarm: z.object({
      code: z.string(),
      severity: z.enum(['info', 'warning', 'critical']),
      message: z.string(),
      robotId: z.string().exactOptional(),
      orderId: z.string().exactOptional(),
    }),
  }),
]);
export type EngineRequest = z.infer<typeof requestSchema>;

const envelopeSchema = z.object({ id: z.string(), replyTo: z.string(), request: requestSchema });
const replySchema = z.object({
  id: z.string(),
  ok: z.boolean(),
  value: z.unknown().optional(),
  error: z.string().optional(),
});

/** The engine could not be reached: no leader listens, or it did not answer in time. */
export class EngineUnavailableError extends Error {
  override readonly name = 'EngineUnavailableError';
  constructor(
    readonly code: 'no-leader' | 'timeout' | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export interface EngineRpcChannels {
  readonly requests: string;
  readonly replies: (instanceId: string) => string;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (err: Error) => void;
  readonly timer: NodeJS.Timeout;
}

/** Sends requests to the leader and awaits its answers. */
export class EngineRpcClient {
  private readonly pending = new Map<string, Pending>();
  private readonly replyChannel: string;
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.replyChannel) return;
    const parsed = parseJson(replySchema, message);
    const waiting = parsed && this.pending.get(parsed.id);
    if (!parsed || !waiting) return;
    this.pending.delete(parsed.id);
    clearTimeout(waiting.timer);
    if (parsed.ok) waiting.resolve(parsed.value);
    else waiting.reject(new EngineUnavailableError('failed', parsed.error ?? 'the engine failed'));
  };

  constructor(
    private readonly options: {
      readonly redis: Redis;
      readonly subscriber: Redis;
      readonly channels: EngineRpcChannels;
      readonly instanceId: string;
      /** Default 5000. */
      readonly timeoutMs?: number;
    },
  ) {
    this.replyChannel = options.channels.replies(options.instanceId);
  }

  async start(): Promise<void> {
    this.options.subscriber.on('message', this.onMessage);
    await this.options.subscriber.subscribe(this.replyChannel);
  }

  async stop(): Promise<void> {
    this.options.subscriber.off('message', this.onMessage);
    await this.options.subscriber.unsubscribe(this.replyChannel).catch(() => undefined);
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new EngineUnavailableError('failed', 'stopping'));
      this.pending.delete(id);
    }
  }

  /** The leader's answer to `request`. @throws EngineUnavailableError */
  async call(request: EngineRequest): Promise<unknown> {
    const id = randomUUID();
    const timeoutMs = this.options.timeoutMs ?? 5000;
    const answer = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(
          new EngineUnavailableError('timeout', `the engine leader did not answer within ${timeoutMs} ms`),
        );
      }, timeoutMs);
      this.pending.set(id, { resolve, reject, timer });
    });
    const envelope = JSON.stringify({ id, replyTo: this.options.instanceId, request });
    const heard = await this.options.redis.publish(this.options.channels.requests, envelope).catch(() => 0);
    if (heard === 0) {
      const waiting = this.pending.get(id);
      if (waiting) {
        clearTimeout(waiting.timer);
        this.pending.delete(id);
        waiting.reject(
          new EngineUnavailableError(
            'no-leader',
            'no engine leader is running (a takeover takes a few seconds)',
          ),
        );
      }
    }
    return answer;
  }
}

/** The leader's side: hands each request to `handle` and publishes its answer. */
export class EngineRpcServer {
  private readonly onMessage = (channel: string, message: string): void => {
    if (channel !== this.options.channels.requests) return;
    const envelope = parseJson(envelopeSchema, message);
    if (!envelope) {
      this.options.log.warn('engine request unreadable; ignored');
      return;
    }
    void this.answer(envelope.id, envelope.replyTo, envelope.request);
  };

  constructor(
    private readonly options: {
      readonly redis: Redis;
      readonly subscriber: Redis;
      readonly channels: EngineRpcChannels;
      readonly handle: (request: EngineRequest) => Promise<unknown>;
      readonly log: Logger;
    },
  ) {}

  async start(): Promise<void> {
    this.options.subscriber.on('message', this.onMessage);
    await this.options.subscriber.subscribe(this.options.channels.requests);
  }

  async stop(): Promise<void> {
    this.options.subscriber.off('message', this.onMessage);
    await this.options.subscriber.unsubscribe(this.options.channels.requests).catch(() => undefined);
  }

  private async answer(id: string, replyTo: string, request: EngineRequest): Promise<void> {
    let reply: z.infer<typeof replySchema>;
    try {
      const value = await this.options.handle(request);
      reply = { id, ok: true, ...(value === undefined ? {} : { value }) };
    } catch (err) {
      this.options.log.error({ err, request: request.type }, 'engine request failed');
      reply = { id, ok: false, error: err instanceof Error ? err.message : String(err) };
    }
    await this.options.redis
      .publish(this.options.channels.replies(replyTo), JSON.stringify(reply))
      .catch((err: unknown) => {
        this.options.log.warn({ err }, 'engine answer not published');
      });
  }
}

function parseJson<T>(schema: z.ZodType<T>, text: string): T | undefined {
  try {
    const parsed = schema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
