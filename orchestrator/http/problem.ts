import type { ErrorRequestHandler, RequestHandler } from 'express';
import type { z } from 'zod';
import { EngineUnavailableError } from '../cluster/engine-rpc.ts';
import { isRedisUnavailable } from '../store/redis-unavailable.ts';

/** One thing wrong with a request: a JSON pointer into the body, or a header name. */
export type FieldError =
  | { readonly detail: string; readonly pointer: string }
  | { readonly detail: string; readonly header: string };

/**
 * Problem types (RFC 9457 `type`), one per error code. Relative URIs under `/problems/`; each is documented
 * with its status in the OpenAPI description.
 */
export const PROBLEM_TYPES = {
  'malformed-json': { status: 400, title: 'Malformed JSON' },
  'validation-error': { status: 400, title: 'The request does not match the schema' },
  'missing-idempotency-key': { status: 400, title: 'Idempotency-Key header (or eventId/requestId) required' },
  unauthorized: { status: 401, title: 'Missing or unknown API key' },
  forbidden: { status: 403, title: 'The API key role may not do this' },
  'not-found': { status: 404, title: 'Not found' },
  'idempotency-key-reused': { status: 409, title: 'Idempotency key reused with a different body' },
  'event-id-reused': { status: 409, title: 'MES eventId already used with a different body' },
  'request-id-reused': { status: 409, title: 'Transport requestId already used with a different body' },
  'handling-unit-on-open-order': {
    status: 409,
    title:
      'The handling unit or SSCC is already on an open order (send deliberateReMove: true to move it again)',
  },
  'conflicting-state': { status: 409, title: 'The order or robot is in a state that does not allow this' },
  'payload-too-large': { status: 413, title: 'Request body too large' },
  'unsupported-media-type': { status: 415, title: 'Content-Type must be application/json' },
  unprocessable: { status: 422, title: 'Well-formed but unusable' },
  'rate-limited': { status: 429, title: 'Too many requests with this API key; see Retry-After' },
  'not-ready': { status: 503, title: 'Service not ready' },
  overloaded: { status: 503, title: 'This instance has too many requests in flight; see Retry-After' },
  'engine-unavailable': {
    status: 503,
    title: 'The engine leader did not answer (a takeover takes a few seconds); see Retry-After',
  },
  internal: { status: 500, title: 'Internal error' },
} as const;
export type ProblemCode = keyof typeof PROBLEM_TYPES;

export class ProblemError extends Error {
  override readonly name = 'ProblemError';
  constructor(
    readonly code: ProblemCode,
    detail: string,
    readonly errors: readonly FieldError[] = [],
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(detail);
  }
}

export function problemBody(
  code: ProblemCode,
  detail: string,
  errors: readonly FieldError[],
  instance?: string,
): Record<string, unknown> {
  const { status, title } = PROBLEM_TYPES[code];
  return {
    type: `/problems/${code}`,
    title,
    status,
    detail,
    ...(instance ? { instance } : {}),
    ...(errors.length ? { errors } : {}),
  };
}

/** zod issues as field errors with JSON pointers relative to the body. */
export function zodFieldErrors(error: z.ZodError): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: `/${issue.path.map((p) => String(p).replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`,
    detail: issue.message,
  }));
}

/** Mutating requests must be JSON (415 otherwise); checked before the body is read. */
export const requireJson: RequestHandler = (req, _res, next) => {
  if (req.method === 'POST' || req.method === 'PATCH' || req.method === 'PUT') {
    const hasBody =
      req.headers['content-length'] !== '0' &&
      (req.headers['content-length'] !== undefined || req.headers['transfer-encoding'] !== undefined);
    if (hasBody && !req.is('application/json') && !req.is('application/*+json')) {
      next(
        new ProblemError(
          'unsupported-media-type',
          `Content-Type ${req.headers['content-type'] ?? '(none)'} is not JSON`,
          [{ header: 'Content-Type', detail: 'must be application/json' }],
        ),
      );
      return;
    }
  }
  next();
};

function isBodyParserError(err: unknown): err is { type: string; status: number; message: string } {
  return (
    typeof err === 'object' &&
    err !== null &&
    'type' in err &&
    'status' in err &&
    typeof (err as { type: unknown }).type === 'string'
  );
}

/** Last middleware: turns every error into problem+json. Unknown errors are logged and answered 500. */
export function problemHandler(onUnexpected: (err: unknown) => void): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let problem: ProblemError;
    if (err instanceof ProblemError) problem = err;
    else if (isRedisUnavailable(err))
      problem = new ProblemError(
        'not-ready',
        'Redis is unreachable; retry (with the same Idempotency-Key: the same order is answered)',
        [],
        {
          'Retry-After': '2',
        },
      );
    else if (err instanceof EngineUnavailableError)
      problem = new ProblemError('engine-unavailable', err.message, [], { 'Retry-After': '2' });
    else if (isBodyParserError(err) && err.type === 'entity.parse.failed')
      problem = new ProblemError('malformed-json', 'The body is not valid JSON', [
        { pointer: '/', detail: err.message },
      ]);
    else if (isBodyParserError(err) && err.type === 'entity.too.large')
      problem = new ProblemError('payload-too-large', 'The body exceeds the size limit', [
        { pointer: '/', detail: err.message },
      ]);
    else if (isBodyParserError(err) && err.type === 'encoding.unsupported')
      problem = new ProblemError('unsupported-media-type', err.message);
    else {
      onUnexpected(err);
      problem = new ProblemError('internal', 'Internal error; the request was not accepted');
    }
    const status = PROBLEM_TYPES[problem.code].status;
    res
      .status(status)
      .set(problem.headers)
      .type('application/problem+json')
      .send(JSON.stringify(problemBody(problem.code, problem.message, problem.errors, req.originalUrl)));
  };
}

export const notFoundHandler: RequestHandler = (req, _res, next) => {
  next(new ProblemError('not-found', `no route ${req.method} ${req.path}`));
};
