import { z } from 'zod';
import { COMMON_PROBLEMS, OPERATIONS, type Operation } from './operations.ts';
import { PROBLEM_TYPES, type ProblemCode } from './problem.ts';

type JsonObject = Record<string, unknown>;

/** A zod schema as a JSON Schema 2020-12 object (OpenAPI 3.1's dialect), as requests are read. */
function jsonSchema(schema: z.ZodType): JsonObject {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, {
    target: 'draft-2020-12',
    io: 'input',
    unrepresentable: 'any',
  }) as JsonObject;
  return rest;
}

const problemSchema: JsonObject = {
  type: 'object',
  description: 'RFC 9457 problem details; `errors` names each field (JSON pointer into the body) or header',
  required: ['type', 'title', 'status', 'detail'],
  properties: {
    type: {
      type: 'string',
      enum: Object.keys(PROBLEM_TYPES).map((code) => `/problems/${code}`),
      description: 'Dereferences to its documentation (`/docs#problem-<code>`)',
    },
    title: { type: 'string' },
    status: { type: 'integer' },
    detail: { type: 'string' },
    instance: { type: 'string' },
    errors: {
      type: 'array',
      items: {
        oneOf: [
          {
            type: 'object',
            required: ['pointer', 'detail'],
            properties: { pointer: { type: 'string' }, detail: { type: 'string' } },
          },
          {
            type: 'object',
            required: ['header', 'detail'],
            properties: { header: { type: 'string' }, detail: { type: 'string' } },
          },
        ],
      },
    },
  },
};

/** What each problem type means, for the document's description and the docs page. */
export const PROBLEM_HELP: Readonly<Record<ProblemCode, string>> = {
  'malformed-json': 'The body is not JSON.',
  'validation-error': 'A field has the wrong type, is missing, or is out of range; `errors` names each.',
  'missing-idempotency-key':
    'Intake needs an `Idempotency-Key` header, or `eventId` / `requestId` in the body.',
  unauthorized: 'No `Authorization: Bearer <key>` header, or a key Fleetbridge does not know.',
  forbidden: "The key's role may not call this operation (see each operation's roles).",
  'not-found': 'No such order, robot, alarm, edge, node or route (or an order the caller may not see).',
  'idempotency-key-reused': 'The idempotency key was used before with another body; nothing was created.',
  'event-id-reused':
    "The MES event's `eventId` made an order before, with another body (whatever the Idempotency-Key); nothing was created. The detail names the order.",
  'request-id-reused':
    "The transport request's `requestId` made an order before, with another body (whatever the Idempotency-Key); nothing was created. The detail names the order.",
  'handling-unit-on-open-order':
    'The `handlingUnitId` or `sscc` is on an open order (not yet delivered), named in the detail; nothing was created. Send `deliberateReMove: true` to move it again on purpose: the new order then takes the handling unit over.',
  'conflicting-state':
    'The order or robot is in a state that does not allow this (an order that has ended, a robot with an order sent to park).',
  'payload-too-large': 'The body exceeds 64 kB.',
  'unsupported-media-type': 'The body is not `application/json`.',
  unprocessable:
    'Well-formed but unusable: unknown location, quantity not above 0, bad SSCC, unknown event type.',
  'rate-limited': 'The key made more requests per second than allowed; retry after `Retry-After` seconds.',
  'not-ready': 'The service is starting or has lost Redis; retry after `Retry-After` seconds.',
  overloaded:
    'This instance is working on as many requests as it may at once (`MAX_IN_FLIGHT`); nothing was done. Retry after `Retry-After` seconds, or on another instance.',
  'engine-unavailable':
    'A robot or order command needs the engine, and its leader instance did not answer (no leader during a takeover, which takes a few seconds, or a timeout); nothing was changed. Retry after `Retry-After` seconds.',
  internal: 'An unexpected error; the request was not accepted. It is logged with the request.',
};

function operationObject(id: string, op: Operation): JsonObject {
  const parameters: JsonObject[] = [];
  for (const [name, param] of Object.entries(op.params ?? {}))
    parameters.push(
      typeof param === 'string'
        ? { name, in: 'path', required: true, description: param, schema: { type: 'string' } }
        : {
            name,
            in: 'path',
            required: true,
            description: param.description,
            schema: { type: 'string', enum: [...param.enum] },
          },
    );
  if (op.query) {
    const query = jsonSchema(op.query) as { properties?: Record<string, JsonObject>; required?: string[] };
    for (const [name, schema] of Object.entries(query.properties ?? {}))
      parameters.push({ name, in: 'query', required: query.required?.includes(name) ?? false, schema });
  }
  if (op.idempotent) parameters.push({ $ref: '#/components/parameters/IdempotencyKey' });

  const responses: JsonObject = {
    [String(op.success.status)]: {
      description: op.success.description,
      ...(op.success.status === 204
        ? {}
        : {
            content: {
              [op.success.mediaType ?? 'application/json']: {
                schema: op.success.schema ? jsonSchema(op.success.schema) : {},
              },
            },
          }),
    },
  };
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of [...op.problems, ...(op.commonProblems ?? COMMON_PROBLEMS)]) {
    const status = PROBLEM_TYPES[code].status;
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  for (const [status, codes] of [...byStatus].sort((a, b) => a[0] - b[0])) {
    responses[String(status)] = {
      description: codes.map((c) => `\`${c}\`: ${PROBLEM_TYPES[c].title}`).join('; '),
      ...(status === 429 || status === 503
        ? { headers: { 'Retry-After': { $ref: '#/components/headers/RetryAfter' } } }
        : {}),
      content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
    };
  }
  return {
    operationId: id,
    summary: op.summary,
    description: `Roles: ${op.roles.join(', ')}.`,
    tags: [op.tag],
    'x-roles': [...op.roles],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(op.body
      ? {
          requestBody: {
            required: op.method !== 'post' || op.idempotent === true,
            content: { 'application/json': { schema: jsonSchema(op.body) } },
          },
        }
      : {}),
    responses,
  };
}

/** The OpenAPI 3.1 description of the API (`GET /openapi.json`), from `OPERATIONS` and their zod schemas. */
export function openApiDocument(): JsonObject {
  const paths: Record<string, JsonObject> = {};
  for (const [id, op] of Object.entries(OPERATIONS) as [string, Operation][]) {
    paths[op.path] = { ...paths[op.path], [op.method]: operationObject(id, op) };
  }
  const problemTable = (Object.keys(PROBLEM_TYPES) as ProblemCode[])
    .map((c) => `| \`/problems/${c}\` | ${PROBLEM_TYPES[c].status} | ${PROBLEM_HELP[c]} |`)
    .join('\n');
  return {
    openapi: '3.1.0',
    info: {
      title: 'Fleetbridge API',
      version: '1.0.0',
      description: [
        'The MES/WMS contract of Fleetbridge: intake of plant events and transport requests, order queries',
        'and commands, the fleet and the layout. Every request carries `Authorization: Bearer <api key>`;',
        'each operation names the roles that may call it. Errors are RFC 9457 problem+json:',
        '',
        '| type | status | meaning |',
        '| --- | --- | --- |',
        problemTable,
      ].join('\n'),
    },
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }],
    tags: [
      { name: 'intake', description: 'MES events and transport requests (idempotent, answered 202)' },
      { name: 'orders', description: 'Transport orders: query, cancel, change' },
      { name: 'robots', description: 'The fleet and its alarms' },
      { name: 'layout', description: 'The plant layout and run-time blocks' },
      { name: 'webhooks', description: 'Webhook subscribers and the dead-letter list' },
      { name: 'keys', description: 'API keys with roles' },
      { name: 'metrics', description: 'Prometheus metrics for plant IT (a `metrics` key, or public)' },
    ],
    paths,
    components: {
      securitySchemes: { apiKey: { type: 'http', scheme: 'bearer', description: 'An API key' } },
      schemas: { Problem: problemSchema },
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            "Makes a retry safe: the same key and body answer the first answer again; another body is 409. Kept 24 h. Without it, the body's `eventId` / `requestId` is used. Whatever the key, an MES `eventId` or a transport `requestId` (per source system) makes one order only: the same id with the same body answers that order again, with another body 409 `event-id-reused` / `request-id-reused`.",
          schema: { type: 'string', minLength: 1, maxLength: 200 },
        },
      },
      headers: {
        RetryAfter: {
          description: 'Seconds to wait before retrying',
          schema: { type: 'integer', minimum: 1 },
        },
      },
    },
  };
}
