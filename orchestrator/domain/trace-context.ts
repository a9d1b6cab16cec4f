const TRACEPARENT = /^00-([\da-f]{32})-([\da-f]{16})-([\da-f]{2})$/;

/** A W3C trace context: the trace a request belongs to, and the span that sent it. */
export interface TraceContext {
  readonly traceId: string;
  readonly parentId: string;
  readonly flags: string;
}

/** Parses a `traceparent` header (W3C Trace Context, version 00); undefined when absent or invalid. */
export function parseTraceparent(header: string | undefined): TraceContext | undefined {
  const m = header === undefined ? null : TRACEPARENT.exec(header.trim());
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return { traceId: m[1]!, parentId: m[2]!, flags: m[3]! };
}

export function formatTraceparent(t: TraceContext): string {
  return `00-${t.traceId}-${t.parentId}-${t.flags}`;
}

/** The same trace, from a span of ours (`spanId`, 16 hex digits): what we send on to the next hop. */
export function childOf(t: TraceContext, spanId: string): TraceContext {
  return { ...t, parentId: spanId };
}
