import { createHash, randomUUID } from 'node:crypto';
import type {
  Load,
  LocationRef,
  OrderType,
  SourceSystem,
  TransportOrder,
} from '../domain/transport-order.ts';

export interface NewOrderInput {
  readonly type: OrderType;
  readonly sourceSystem: SourceSystem;
  readonly createdBy: string;
  readonly from: LocationRef;
  readonly to: LocationRef;
  readonly load: Load;
  readonly priority: number;
  readonly dueBy?: string;
  readonly externalRefs: Readonly<Record<string, string>>;
  readonly intendedRobot?: string;
  readonly dependsOn?: readonly string[];
  readonly correlationId: string;
  readonly traceparent?: string;
}

/** A new order in `received`, with a fresh id. `nowIso` is the acceptance time. */
export function newOrder(input: NewOrderInput, nowIso: string): TransportOrder {
  return {
    ...input,
    id: `TO-${randomUUID()}`,
    status: 'received',
    timestamps: { received: nowIso },
    history: [{ at: nowIso, status: 'received', by: input.createdBy }],
    createdAt: nowIso,
    updatedAt: nowIso,
    version: 1,
  };
}

/** sha-256 of a canonical JSON form (keys sorted), so the same body in another key order matches. */
export function fingerprint(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) =>
      a < b ? -1 : a > b ? 1 : 0,
    );
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return value === undefined ? 'null' : JSON.stringify(value);
}

/** GS1 mod-10 check over an 18-digit SSCC (weights 3,1,3,... from the digit left of the check digit). */
export function isValidSscc(sscc: string): boolean {
  if (!/^\d{18}$/.test(sscc)) return false;
  const digits = sscc.split('').map(Number); // ASCII digits only, checked above
  const check = digits.pop()!;
  const sum = digits.reverse().reduce((acc, d, i) => acc + d * (i % 2 === 0 ? 3 : 1), 0);
  return (10 - (sum % 10)) % 10 === check;
}
