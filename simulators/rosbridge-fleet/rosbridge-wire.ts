/**
 * The rosbridge v2 operations this server reads and writes (ROSBRIDGE_PROTOCOL.md; the spec page's
 * protocol table). Client frames are `unknown` until `parseClientFrame` accepts them; what it rejects
 * comes back as the log line the real server would write (it never answers errors on the wire).
 */

/** A rosbridge message id: roslib sends strings; the protocol allows any JSON value, echoed as given. */
export type WireId = string | number;

export type ClientOp =
  | {
      readonly op: 'advertise';
      readonly id?: WireId;
      readonly topic: string;
      readonly type: string;
      readonly latch: boolean;
    }
  | { readonly op: 'unadvertise'; readonly id?: WireId; readonly topic: string }
  | { readonly op: 'publish'; readonly id?: WireId; readonly topic: string; readonly msg: unknown }
  | {
      readonly op: 'subscribe';
      readonly id?: WireId;
      readonly topic: string;
      readonly type?: string;
      /** Minimum time between two messages to this client, milliseconds; 0 = every message. */
      readonly throttleRateMs: number;
    }
  | { readonly op: 'unsubscribe'; readonly id?: WireId; readonly topic: string }
  | { readonly op: 'call_service'; readonly id?: WireId; readonly service: string; readonly args: unknown }
  | {
      readonly op: 'service_response';
      readonly id?: WireId;
      readonly service: string;
      readonly values: unknown;
      readonly result: boolean;
    }
  | {
      readonly op: 'advertise_service';
      readonly id?: WireId;
      readonly service: string;
      readonly type: string;
    }
  | { readonly op: 'unadvertise_service'; readonly id?: WireId; readonly service: string }
  | {
      readonly op: 'send_action_goal';
      readonly id?: WireId;
      readonly action: string;
      readonly actionType: string;
      readonly args: unknown;
      readonly feedback: boolean;
    }
  | { readonly op: 'cancel_action_goal'; readonly id?: WireId; readonly action: string }
  | {
      readonly op: 'fragment';
      readonly id: WireId;
      readonly data: string;
      readonly num: number;
      readonly total: number;
    };

export type ClientOpName = ClientOp['op'];

export const CLIENT_OPS: readonly ClientOpName[] = [
  'advertise',
  'unadvertise',
  'publish',
  'subscribe',
  'unsubscribe',
  'call_service',
  'service_response',
  'advertise_service',
  'unadvertise_service',
  'send_action_goal',
  'cancel_action_goal',
  'fragment',
];

export type ServerOp =
  | { readonly op: 'publish'; readonly topic: string; readonly msg: unknown }
  | {
      readonly op: 'service_response';
      readonly service: string;
      readonly values: unknown;
      readonly result: boolean;
      readonly id?: WireId;
    }
  | { readonly op: 'call_service'; readonly service: string; readonly args: unknown; readonly id: WireId }
  | {
      readonly op: 'action_feedback';
      readonly action: string;
      readonly values: unknown;
      readonly id?: WireId;
    }
  | {
      readonly op: 'action_result';
      readonly action: string;
      readonly values: unknown;
      /** action_msgs/GoalStatus: 4 SUCCEEDED, 5 CANCELED, 6 ABORTED; 0 with `result: false`. */
      readonly status: number;
      readonly result: boolean;
      readonly id?: WireId;
    };

/** What became of one text frame. `silent` is invalid JSON, which the real server drops without a word. */
export type ParsedFrame =
  | { readonly kind: 'op'; readonly op: ClientOp }
  | { readonly kind: 'rejected'; readonly id?: WireId; readonly log: string }
  | { readonly kind: 'silent' };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

class FieldError extends Error {}

function readId(frame: Record<string, unknown>): WireId | undefined {
  const id = frame.id;
  return typeof id === 'string' || typeof id === 'number' ? id : undefined;
}

function str(frame: Record<string, unknown>, field: string): string {
  const value = frame[field];
  if (value === undefined) throw new FieldError(`Expected a ${field} field but none was found.`);
  if (typeof value !== 'string')
    throw new FieldError(`Expected field ${field} to be a string but got ${typeof value}`);
  return value;
}

function optStr(frame: Record<string, unknown>, field: string): string | undefined {
  return frame[field] === undefined || frame[field] === null ? undefined : str(frame, field);
}

function optNum(frame: Record<string, unknown>, field: string, fallback: number): number {
  const value = frame[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isFinite(value))
    throw new FieldError(`Expected field ${field} to be a number but got ${typeof value}`);
  return value;
}

function optBool(frame: Record<string, unknown>, field: string, fallback: boolean): boolean {
  const value = frame[field];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean')
    throw new FieldError(`Expected field ${field} to be a boolean but got ${typeof value}`);
  return value;
}

function withId<T extends object>(id: WireId | undefined, op: T): T & { id?: WireId } {
  return id === undefined ? op : { ...op, id };
}

function toOp(name: ClientOpName, f: Record<string, unknown>, id: WireId | undefined): ClientOp {
  switch (name) {
    case 'advertise':
      return withId(id, {
        op: name,
        topic: str(f, 'topic'),
        type: str(f, 'type'),
        latch: optBool(f, 'latch', false),
      });
    case 'unadvertise':
      return withId(id, { op: name, topic: str(f, 'topic') });
    case 'publish':
      return withId(id, { op: name, topic: str(f, 'topic'), msg: f.msg ?? {} });
    case 'subscribe': {
      const type = optStr(f, 'type');
      const base = { op: name, topic: str(f, 'topic'), throttleRateMs: optNum(f, 'throttle_rate', 0) };
      return withId(id, type === undefined ? base : { ...base, type });
    }
    case 'unsubscribe':
      return withId(id, { op: name, topic: str(f, 'topic') });
    case 'call_service':
      return withId(id, { op: name, service: str(f, 'service'), args: f.args ?? [] });
    case 'service_response':
      return withId(id, {
        op: name,
        service: str(f, 'service'),
        values: f.values ?? {},
        result: optBool(f, 'result', true),
      });
    case 'advertise_service':
      return withId(id, { op: name, service: str(f, 'service'), type: str(f, 'type') });
    case 'unadvertise_service':
      return withId(id, { op: name, service: str(f, 'service') });
    case 'send_action_goal':
      return withId(id, {
        op: name,
        action: str(f, 'action'),
        actionType: str(f, 'action_type'),
        args: f.args ?? [],
        feedback: optBool(f, 'feedback', false),
      });
    case 'cancel_action_goal':
      return withId(id, { op: name, action: str(f, 'action') });
    case 'fragment': {
      if (id === undefined) throw new FieldError('Expected a id field but none was found.');
      return { op: name, id, data: str(f, 'data'), num: optNum(f, 'num', -1), total: optNum(f, 'total', -1) };
    }
  }
}

function isClientOpName(name: string): name is ClientOpName {
  return (CLIENT_OPS as readonly string[]).includes(name);
}

/** Reads one text frame the way the real server's `Protocol.incoming` does. */
export function parseClientFrame(text: string): ParsedFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { kind: 'silent' };
  }
  if (!isRecord(raw)) return { kind: 'silent' };
  const id = readId(raw);
  const rejected = (log: string): ParsedFrame =>
    id === undefined ? { kind: 'rejected', log } : { kind: 'rejected', id, log };
  const allowed = `Allowed operations: [${CLIENT_OPS.map((o) => `'${o}'`).join(', ')}]`;
  if (typeof raw.op !== 'string') {
    if ('receiver' in raw)
      return rejected(`Received a rosbridge v1.0 message. Original message was: ${text}`);
    return rejected(`Received a message without an op. ${allowed}. Original message was: ${text}`);
  }
  if (!isClientOpName(raw.op)) return rejected(`Unknown operation: ${raw.op}. ${allowed}`);
  try {
    return { kind: 'op', op: toOp(raw.op, raw, id) };
  } catch (err) {
    if (err instanceof FieldError) return rejected(`${raw.op}: ${err.message}`);
    throw err;
  }
}
