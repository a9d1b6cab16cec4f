/**
 * One WebSocket client of the bridge: maps its rosbridge ops onto the `RosGraph` the way rosbridge's
 * Protocol and capabilities do (subscriptions merged per topic with the lowest throttle rate, unsubscribe
 * without an id removing all, service relays to clients that advertised a service, ROS 2 action ops keyed
 * by the goal's op id). Errors are only logged, as by the real server: no `status` op is ever sent.
 */
import {
  sameRosType,
  type ActionGoalHandle,
  type Owner,
  type RosGraph,
  type TopicSink,
} from './ros-graph.ts';
import { parseClientFrame, type ClientOp, type ServerOp, type WireId } from './rosbridge-wire.ts';

export type LogLevel = 'info' | 'warn' | 'error';
export type BridgeLog = (level: LogLevel, message: string) => void;

interface Subscription {
  /** Subscription id (null when the client sent none) -> throttle rate, ms. */
  readonly rates: Map<WireId | null, number>;
  readonly sink: TopicSink;
  lastSentMs: number | undefined;
}

interface PendingRelay {
  readonly respond: (outcome: { ok: true; values: unknown } | { ok: false; error: string }) => void;
}

const MAX_FRAGMENTS = 10_000;

export interface ClientSessionOptions {
  readonly clientId: number;
  readonly graph: RosGraph;
  /** Sends one text frame to this client; a closed socket drops it. */
  readonly send: (text: string) => void;
  readonly log: BridgeLog;
  /** Wall clock for throttling, ms. */
  readonly clock: () => number;
}

export class ClientSession {
  readonly owner: Owner;
  private readonly subscriptions = new Map<string, Subscription>();
  private readonly advertised = new Map<string, Set<WireId | null>>();
  private readonly published = new Set<string>();
  private readonly services = new Set<string>();
  private readonly relays = new Map<string, PendingRelay>();
  private readonly goals = new Map<string, ActionGoalHandle>();
  private readonly fragments = new Map<WireId, { total: number; parts: Map<number, string> }>();
  private relaySeq = 0;
  private closed = false;

  constructor(private readonly opts: ClientSessionOptions) {
    this.owner = `client:${opts.clientId}`;
  }

  private log(level: LogLevel, message: string, id?: WireId): void {
    const prefix = id === undefined ? '' : `[id: ${id}] `;
    this.opts.log(level, `[Client ${this.opts.clientId}] ${prefix}${message}`);
  }

  private send(op: ServerOp): void {
    if (!this.closed) this.opts.send(JSON.stringify(op));
  }

  /** Handles one text frame (binary frames are passed in decoded as UTF-8). */
  handleText(text: string): void {
    const parsed = parseClientFrame(text);
    switch (parsed.kind) {
      case 'silent':
        return;
      case 'rejected':
        this.log('error', parsed.log, parsed.id);
        return;
      case 'op':
        this.handleOp(parsed.op);
        return;
    }
  }

  private handleOp(op: ClientOp): void {
    const { graph } = this.opts;
    switch (op.op) {
      case 'advertise': {
        const error = graph.advertise(op.topic, op.type, this.owner, { latch: op.latch });
        if (error !== undefined) {
          this.log('error', `advertise: ${error}`, op.id);
          return;
        }
        const ids = this.advertised.get(op.topic) ?? new Set();
        ids.add(op.id ?? null);
        this.advertised.set(op.topic, ids);
        return;
      }
      case 'unadvertise': {
        const ids = this.advertised.get(op.topic);
        if (!ids) return;
        if (op.id === undefined) ids.clear();
        else ids.delete(op.id);
        if (ids.size === 0) {
          this.advertised.delete(op.topic);
          graph.unadvertise(op.topic, this.owner);
        }
        return;
      }
      case 'publish': {
        const error = graph.publish(op.topic, op.msg, this.owner);
        if (error !== undefined) {
          this.log('error', `publish: ${error}`, op.id);
          return;
        }
        this.published.add(op.topic);
        return;
      }
      case 'subscribe': {
        this.subscribe(op);
        return;
      }
      case 'unsubscribe': {
        this.unsubscribe(op.topic, op.id);
        return;
      }
      case 'call_service':
        graph.callService(op.service, op.args, (outcome) => {
          if (outcome.ok) {
            this.send({
              op: 'service_response',
              service: op.service,
              values: outcome.values,
              result: true,
              ...idOf(op.id),
            });
            return;
          }
          this.log('error', `call_service: ${outcome.error}`, op.id);
          this.send({
            op: 'service_response',
            service: op.service,
            values: outcome.error,
            result: false,
            ...idOf(op.id),
          });
        });
        return;
      case 'advertise_service': {
        this.advertiseService(op.service, op.type, op.id);
        return;
      }
      case 'unadvertise_service':
        this.services.delete(op.service);
        graph.unadvertiseService(op.service, this.owner);
        return;
      case 'service_response': {
        const key = op.id === undefined ? undefined : String(op.id);
        const relay = key === undefined ? undefined : this.relays.get(key);
        if (!relay || key === undefined) {
          this.log('error', `service_response: no call awaits this response (${op.service})`, op.id);
          return;
        }
        this.relays.delete(key);
        relay.respond(op.result ? { ok: true, values: op.values } : { ok: false, error: String(op.values) });
        return;
      }
      case 'send_action_goal': {
        this.sendActionGoal(op);
        return;
      }
      case 'cancel_action_goal':
        if (op.id !== undefined) this.goals.get(String(op.id))?.cancel();
        return;
      case 'fragment': {
        this.fragment(op.id, op.data, op.num, op.total);
        return;
      }
    }
  }

  private subscribe(op: Extract<ClientOp, { op: 'subscribe' }>): void {
    let sub = this.subscriptions.get(op.topic);
    const isNew = sub === undefined;
    if (!sub) {
      const created: Subscription = {
        rates: new Map(),
        lastSentMs: undefined,
        sink: {
          deliver: (topic, msg) => {
            this.deliver(topic, created, msg);
          },
        },
      };
      sub = created;
    }
    const result = this.opts.graph.subscribe(op.topic, op.type, sub.sink);
    if (typeof result === 'string') {
      this.log('error', `subscribe: ${result}`, op.id);
      return;
    }
    sub.rates.set(op.id ?? null, Math.max(0, op.throttleRateMs));
    this.subscriptions.set(op.topic, sub);
    this.log('info', `Subscribed to ${op.topic}`);
    if (isNew && result.latched) this.deliver(op.topic, sub, result.latched.msg);
  }

  private unsubscribe(topic: string, id: WireId | undefined): void {
    const sub = this.subscriptions.get(topic);
    if (!sub) return;
    if (id === undefined) sub.rates.clear();
    else sub.rates.delete(id);
    if (sub.rates.size === 0) {
      this.subscriptions.delete(topic);
      this.opts.graph.unsubscribe(topic, sub.sink);
    }
    this.log('info', `Unsubscribed from ${topic}`);
  }

  private deliver(topic: string, sub: Subscription, msg: unknown): void {
    const throttleMs = Math.min(...sub.rates.values());
    const now = this.opts.clock();
    if (throttleMs > 0 && sub.lastSentMs !== undefined && now - sub.lastSentMs < throttleMs) return;
    sub.lastSentMs = now;
    this.send({ op: 'publish', topic, msg });
  }

  private advertiseService(service: string, type: string, id: WireId | undefined): void {
    const error = this.opts.graph.advertiseService(service, {
      type,
      owner: this.owner,
      call: (args, respond) => {
        const relayId = `service_request:${service}:${++this.relaySeq}`;
        this.relays.set(relayId, { respond });
        this.send({ op: 'call_service', service, args, id: relayId });
      },
    });
    if (error !== undefined) {
      this.log('error', `advertise_service: ${error}`, id);
      return;
    }
    this.services.add(service);
  }

  private sendActionGoal(op: Extract<ClientOp, { op: 'send_action_goal' }>): void {
    const { id, action } = op;
    if (id === undefined) {
      this.log('error', 'send_action_goal: Action goal must have an ID');
      return;
    }
    const server = this.opts.graph.action(action);
    if (!server) {
      // rclpy's wait_for_server times out and the goal is sent anyway: nobody ever answers it.
      this.log('warn', `send_action_goal: no action server ${action}; the goal is never answered`, id);
      return;
    }
    const key = String(id);
    const fail = (error: string): void => {
      this.log('error', `send_action_goal: ${error}`, id);
      this.send({ op: 'action_result', action, values: error, status: 0, result: false, id });
    };
    if (!sameRosType(server.type, op.actionType)) {
      fail(`action type ${op.actionType} does not match ${action} (${server.type})`);
      return;
    }
    const state = { answered: false }; // a goal may end before sendGoal returns (aborted at once)
    let handle: ActionGoalHandle | undefined = undefined;
    handle = server.sendGoal(op.args, {
      feedback: (values) => {
        if (op.feedback && !state.answered) this.send({ op: 'action_feedback', action, values, id });
      },
      result: (status, values) => {
        if (state.answered) return;
        state.answered = true;
        if (handle !== undefined && this.goals.get(key) === handle) this.goals.delete(key);
        this.send({ op: 'action_result', action, values, status, result: true, id });
      },
      fail: (error) => {
        if (state.answered) return;
        state.answered = true;
        fail(error);
      },
    });
    if (handle && !state.answered) this.goals.set(key, handle);
  }

  private fragment(id: WireId, data: string, num: number, total: number): void {
    if (
      !Number.isInteger(num) ||
      !Number.isInteger(total) ||
      total < 1 ||
      total > MAX_FRAGMENTS ||
      num < 0 ||
      num >= total
    ) {
      this.log('error', `fragment: num ${num} of total ${total} is out of range`, id);
      return;
    }
    const entry = this.fragments.get(id) ?? { total, parts: new Map<number, string>() };
    entry.parts.set(num, data);
    this.fragments.set(id, entry);
    if (entry.parts.size < entry.total) return;
    this.fragments.delete(id);
    const joined = Array.from({ length: entry.total }, (_, i) => entry.parts.get(i) ?? '').join('');
    this.handleText(joined);
  }

  /** The client left: its subscriptions, publishers and services go; running action goals go on. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    const { graph } = this.opts;
    for (const [topic, sub] of this.subscriptions) graph.unsubscribe(topic, sub.sink);
    for (const topic of new Set([...this.advertised.keys(), ...this.published]))
      graph.unadvertise(topic, this.owner);
    for (const service of this.services) graph.unadvertiseService(service, this.owner);
    for (const relay of this.relays.values())
      relay.respond({ ok: false, error: 'the service provider disconnected' });
    this.subscriptions.clear();
    this.advertised.clear();
    this.relays.clear();
    this.goals.clear();
  }
}

function idOf(id: WireId | undefined): { id?: WireId } {
  return id === undefined ? {} : { id };
}
