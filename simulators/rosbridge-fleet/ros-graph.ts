/**
 * The simulated ROS graph behind the bridge: topics (with their established type, publishers, latched
 * last message, server-side subscribers and client subscriptions), services and ROS 2 actions. It knows
 * nothing of WebSockets; `client-session.ts` maps the rosbridge ops onto it, the robot profiles publish
 * and subscribe through it. Errors come back as the strings the real server logs.
 */

/** Owner of a publisher or service: `sim` for the robots, `client:<n>` for a WebSocket client. */
export type Owner = string;

/** A client's subscription to one topic (the session throttles and sends). */
export interface TopicSink {
  deliver(topic: string, msg: unknown): void;
}

/** A server-side subscriber: `validate` returns an error for a message it cannot read. */
export interface TopicHandler {
  validate(msg: unknown): string | undefined;
  handle(msg: unknown): void;
}

interface TopicEntry {
  readonly name: string;
  readonly type: string;
  latch: boolean;
  last: { readonly msg: unknown } | undefined;
  readonly handlers: Set<TopicHandler>;
  readonly sinks: Set<TopicSink>;
  readonly publishers: Set<Owner>;
}

export type ServiceOutcome =
  { readonly ok: true; readonly values: unknown } | { readonly ok: false; readonly error: string };

export interface ServiceEntry {
  readonly type: string;
  readonly owner: Owner;
  /** Answers exactly once through `respond`, now or later. */
  call(args: unknown, respond: (outcome: ServiceOutcome) => void): void;
}

/** Where one ROS 2 action goal reports; the session turns these into `action_feedback`/`action_result`. */
export interface ActionGoalSink {
  feedback(values: unknown): void;
  /** A result came back: `status` is action_msgs/GoalStatus (4 SUCCEEDED, 5 CANCELED, 6 ABORTED). */
  result(status: number, values: unknown): void;
  /** The bridge could not send the goal (bad type or fields): `result: false` with the error string. */
  fail(error: string): void;
}

export interface ActionGoalHandle {
  cancel(): void;
}

export interface ActionServer {
  readonly type: string;
  /** Returns a handle when the goal was accepted, undefined when it was rejected (no answer follows). */
  sendGoal(args: unknown, sink: ActionGoalSink): ActionGoalHandle | undefined;
}

/** `pkg/msg/Name`, `pkg/srv/Name` and `pkg/action/Name` are the same types as ROS 1's `pkg/Name`. */
export function sameRosType(a: string, b: string): boolean {
  const norm = (t: string): string => t.replace(/^([^/]+)\/(?:msg|srv|action)\//, '$1/');
  return norm(a) === norm(b);
}

export class RosGraph {
  private readonly topics = new Map<string, TopicEntry>();
  private readonly services = new Map<string, ServiceEntry>();
  private readonly actions = new Map<string, ActionServer>();

  topicType(name: string): string | undefined {
    return this.topics.get(name)?.type;
  }

  private establish(name: string, type: string): TopicEntry | string {
    const existing = this.topics.get(name);
    if (existing) {
      if (!sameRosType(existing.type, type))
        return `Tried to register topic ${name} with type ${type} but it is already established with type ${existing.type}`;
      return existing;
    }
    const entry: TopicEntry = {
      name,
      type,
      latch: false,
      last: undefined,
      handlers: new Set(),
      sinks: new Set(),
      publishers: new Set(),
    };
    this.topics.set(name, entry);
    return entry;
  }

  private collect(entry: TopicEntry): void {
    if (entry.handlers.size + entry.sinks.size + entry.publishers.size === 0) this.topics.delete(entry.name);
  }

  /** Registers `owner` as a publisher; an error string on a type conflict. */
  advertise(
    name: string,
    type: string,
    owner: Owner,
    options: { readonly latch: boolean },
  ): string | undefined {
    const entry = this.establish(name, type);
    if (typeof entry === 'string') return entry;
    entry.publishers.add(owner);
    if (options.latch) entry.latch = true;
    return undefined;
  }

  unadvertise(name: string, owner: Owner): void {
    const entry = this.topics.get(name);
    if (!entry) return;
    entry.publishers.delete(owner);
    this.collect(entry);
  }

  /** A publisher for the simulated robots; throws on a type conflict (a configuration error). */
  publisher(name: string, type: string, options: { readonly latch: boolean }): (msg: unknown) => void {
    const error = this.advertise(name, type, 'sim', options);
    if (error !== undefined) throw new Error(error);
    return (msg) => {
      this.deliver(this.topics.get(name), msg);
    };
  }

  /** A server-side subscriber (a robot listening for goals); throws on a type conflict. */
  listen(name: string, type: string, handler: TopicHandler): void {
    const entry = this.establish(name, type);
    if (typeof entry === 'string') throw new Error(entry);
    entry.handlers.add(handler);
  }

  /** A client's publish: infers the type when the client did not advertise; an error string to log. */
  publish(name: string, msg: unknown, owner: Owner): string | undefined {
    const entry = this.topics.get(name);
    if (!entry) return `Cannot infer topic type for topic ${name} as it is not yet advertised`;
    entry.publishers.add(owner);
    for (const handler of entry.handlers) {
      const error = handler.validate(msg);
      if (error !== undefined) return `${entry.type} message: ${error}`;
    }
    this.deliver(entry, msg);
    return undefined;
  }

  private deliver(entry: TopicEntry | undefined, msg: unknown): void {
    if (!entry) return;
    if (entry.latch) entry.last = { msg };
    for (const handler of entry.handlers) handler.handle(msg);
    for (const sink of entry.sinks) sink.deliver(entry.name, msg);
  }

  /**
   * Adds a client subscription (the type is inferred when left out). Answers the latched message to
   * deliver at once, or an error string.
   */
  subscribe(
    name: string,
    type: string | undefined,
    sink: TopicSink,
  ): { readonly latched?: { readonly msg: unknown } } | string {
    let entry: TopicEntry | string | undefined = this.topics.get(name);
    if (type !== undefined) entry = this.establish(name, type);
    if (entry === undefined) return `Cannot infer topic type for topic ${name} as it is not yet advertised`;
    if (typeof entry === 'string') return entry;
    entry.sinks.add(sink);
    return entry.last ? { latched: entry.last } : {};
  }

  unsubscribe(name: string, sink: TopicSink): void {
    const entry = this.topics.get(name);
    if (!entry) return;
    entry.sinks.delete(sink);
    this.collect(entry);
  }

  /** An error string when another owner already provides the service. */
  advertiseService(name: string, entry: ServiceEntry): string | undefined {
    const existing = this.services.get(name);
    if (existing && existing.owner !== entry.owner) return `Service ${name} is already advertised`;
    this.services.set(name, entry);
    return undefined;
  }

  unadvertiseService(name: string, owner: Owner): void {
    if (this.services.get(name)?.owner === owner) this.services.delete(name);
  }

  callService(name: string, args: unknown, respond: (outcome: ServiceOutcome) => void): void {
    const service = this.services.get(name);
    if (!service) {
      respond({ ok: false, error: `Service ${name} does not exist` });
      return;
    }
    service.call(args, respond);
  }

  advertiseAction(name: string, server: ActionServer): void {
    if (this.actions.has(name)) throw new Error(`action ${name} is already advertised`);
    this.actions.set(name, server);
  }

  action(name: string): ActionServer | undefined {
    return this.actions.get(name);
  }
}
