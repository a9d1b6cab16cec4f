import { z } from 'zod';
import type { Role } from '../config.ts';
import { ROBOT_INTERVENTIONS } from '../engine/engine-types.ts';
import { subscriptionInput } from '../services/subscriber-directory.ts';
import type { ProblemCode } from './problem.ts';
import { publicRobotSchema } from './public-robot.ts';
import {
  amendBody,
  blockBody,
  newKeyBody,
  cancelBody,
  MES_DATA_SCHEMAS,
  MES_EVENT_TYPES,
  mesEventEnvelope,
  orderListQuery,
  transportRequestBody,
} from './schemas.ts';

/**
 * Every operation of the HTTP API, once: the routes take their roles from here and the OpenAPI document
 * (`openapi.ts`) is built from it, with the request schemas the routes validate with. A route that is not
 * listed here is not part of the contract (a test checks that every mounted route is).
 */
export interface Operation {
  readonly method: 'get' | 'post' | 'put' | 'patch' | 'delete';
  /** OpenAPI path, `{param}` style. */
  readonly path: string;
  readonly summary: string;
  readonly tag: 'intake' | 'orders' | 'robots' | 'layout' | 'webhooks' | 'keys' | 'metrics';
  readonly roles: readonly Role[];
  readonly body?: z.ZodType;
  readonly query?: z.ZodObject;
  /** Path parameters and what they name (with the values allowed, where they are a fixed set). */
  readonly params?: Readonly<Record<string, string | PathParam>>;
  /** Takes an `Idempotency-Key` header (or the body's own id). */
  readonly idempotent?: boolean;
  readonly success: {
    readonly status: number;
    readonly description: string;
    readonly schema?: z.ZodType;
    /** The answer's media type; default `application/json`. */
    readonly mediaType?: string;
  };
  /** Problem types this operation answers with, beyond its `commonProblems`. */
  readonly problems: readonly ProblemCode[];
  /** The problems it shares with others; default COMMON_PROBLEMS, those of every `/v1` operation. */
  readonly commonProblems?: readonly ProblemCode[];
}

/** A path parameter that takes one of a fixed set of values. */
export interface PathParam {
  readonly description: string;
  readonly enum: readonly string[];
}

/** Problems any `/v1` operation may answer with. */
export const COMMON_PROBLEMS: readonly ProblemCode[] = [
  'unauthorized',
  'forbidden',
  'rate-limited',
  'not-ready',
  'overloaded',
  'internal',
];
/** Problems of every operation that reads a JSON body. */
const BODY_PROBLEMS: readonly ProblemCode[] = [
  'malformed-json',
  'validation-error',
  'payload-too-large',
  'unsupported-media-type',
];

/** Who may read the fleet and the layout. */
const OPERATORS: readonly Role[] = ['supervisor', 'integrator', 'admin'];
/** Who may change the layout at run time (contract: supervisor, and integrator "manage ... layout"). */
const LAYOUT_EDITORS: readonly Role[] = ['supervisor', 'integrator'];
const READERS: readonly Role[] = ['mes', 'wms', 'supervisor', 'integrator', 'admin'];
const ORDER_CALLERS: readonly Role[] = ['mes', 'wms', 'supervisor'];
/** Who may intervene on robots and acknowledge alarms (the map UI's one-click actions). */
const SUPERVISORS: readonly Role[] = ['supervisor', 'admin'];
/** Who may see and replay dead-lettered webhooks: admins own subscribers, supervisors see the alarm. */
const DEAD_LETTER_HANDLERS: readonly Role[] = ['admin', 'supervisor'];

/** The 202 answer of intake. */
export const acceptedAnswer = z.object({
  id: z.string(),
  status: z.string(),
  links: z.object({ self: z.string() }),
});

/** A MES event as documented: one variant per event type, each with its own `data`. */
export const mesEventDocumented = z.union(
  MES_EVENT_TYPES.map((type) =>
    mesEventEnvelope.extend({ type: z.literal(type), data: MES_DATA_SCHEMAS[type] }),
  ) as unknown as readonly [z.ZodObject, z.ZodObject, ...z.ZodObject[]],
);

const ORDER_ID = { id: 'Fleetbridge transport order id' };

export const OPERATIONS = {
  postMesEvent: {
    method: 'post',
    path: '/v1/mes/events',
    summary: 'One plant event from the MES; Fleetbridge derives the transport',
    tag: 'intake',
    roles: ['mes'],
    body: mesEventDocumented,
    idempotent: true,
    success: { status: 202, description: 'Accepted (or the first answer again)', schema: acceptedAnswer },
    problems: [
      ...BODY_PROBLEMS,
      'missing-idempotency-key',
      'idempotency-key-reused',
      'event-id-reused',
      'handling-unit-on-open-order',
      'unprocessable',
    ],
  },
  postTransportRequest: {
    method: 'post',
    path: '/v1/transport-requests',
    summary: 'An explicit move: type, from, to (location or zone), load, priority, dueBy, externalRefs',
    tag: 'intake',
    roles: ['wms', 'mes', 'supervisor'],
    body: transportRequestBody,
    idempotent: true,
    success: { status: 202, description: 'Accepted (or the first answer again)', schema: acceptedAnswer },
    problems: [
      ...BODY_PROBLEMS,
      'missing-idempotency-key',
      'idempotency-key-reused',
      'request-id-reused',
      'handling-unit-on-open-order',
      'unprocessable',
    ],
  },
  listTransportOrders: {
    method: 'get',
    path: '/v1/transport-orders',
    summary: 'Transport orders, newest first, with filters and paging (links.next)',
    tag: 'orders',
    roles: READERS,
    query: orderListQuery,
    success: { status: 200, description: '{ items, links.next? }; mes and wms see their own orders' },
    problems: ['validation-error'],
  },
  getTransportOrder: {
    method: 'get',
    path: '/v1/transport-orders/{id}',
    summary: 'One transport order: state, robot, timestamps per state, external refs, history',
    tag: 'orders',
    roles: READERS,
    params: ORDER_ID,
    success: { status: 200, description: 'The order' },
    problems: ['not-found'],
  },
  cancelTransportOrder: {
    method: 'post',
    path: '/v1/transport-orders/{id}/cancel',
    summary: 'Cancel: normal (a running handling action finishes) or force',
    tag: 'orders',
    roles: ORDER_CALLERS,
    params: ORDER_ID,
    body: cancelBody,
    success: { status: 200, description: 'The cancelled order' },
    problems: [...BODY_PROBLEMS, 'not-found', 'conflicting-state'],
  },
  amendTransportOrder: {
    method: 'patch',
    path: '/v1/transport-orders/{id}',
    summary: 'Change priority or dueBy',
    tag: 'orders',
    roles: ORDER_CALLERS,
    params: ORDER_ID,
    body: amendBody,
    success: { status: 200, description: 'The changed order' },
    problems: [...BODY_PROBLEMS, 'not-found', 'conflicting-state'],
  },
  listRobots: {
    method: 'get',
    path: '/v1/robots',
    summary: 'The fleet: position, battery, state, load, errors, current order',
    tag: 'robots',
    roles: OPERATORS,
    success: {
      status: 200,
      description: '{ items }',
      schema: z.object({ items: z.array(publicRobotSchema) }),
    },
    problems: [],
  },
  getRobot: {
    method: 'get',
    path: '/v1/robots/{id}',
    summary: 'One robot, as `GET /v1/robots` lists it',
    tag: 'robots',
    roles: OPERATORS,
    params: { id: 'Robot id' },
    success: { status: 200, description: 'The robot', schema: publicRobotSchema },
    problems: ['not-found'],
  },
  listAlarms: {
    method: 'get',
    path: '/v1/alarms',
    summary: 'Recent alarms (faults, unreachable goals, rejected orders)',
    tag: 'robots',
    roles: OPERATORS,
    success: { status: 200, description: '{ items }' },
    problems: [],
  },
  interveneOnRobot: {
    method: 'post',
    path: '/v1/robots/{id}/{action}',
    summary:
      'Pause or resume a robot, send it to charge or to its home node (no order), or take it out of or back into service',
    tag: 'robots',
    roles: SUPERVISORS,
    params: {
      id: 'Robot id',
      action: {
        description:
          'pause, resume; charge, park (refused while it has an order); out-of-service (an order not yet picked up goes to another robot), into-service',
        enum: ROBOT_INTERVENTIONS,
      },
    },
    success: {
      status: 200,
      description: 'The robot as the command left it (paused after pause, its charge task after charge ...)',
      schema: publicRobotSchema,
    },
    problems: ['validation-error', 'not-found', 'conflicting-state'],
  },
  acknowledgeAlarm: {
    method: 'post',
    path: '/v1/alarms/{id}/acknowledge',
    summary: 'Mark an alarm as seen (the first acknowledgement stands)',
    tag: 'robots',
    roles: SUPERVISORS,
    params: { id: 'Alarm id (from `GET /v1/alarms`)' },
    success: { status: 200, description: 'The alarm, `acknowledged`' },
    problems: ['not-found'],
  },
  getLayout: {
    method: 'get',
    path: '/v1/layout',
    summary: 'The plant layout with the blocks in force',
    tag: 'layout',
    roles: OPERATORS,
    success: { status: 200, description: 'Nodes, edges, stations and `blocked`' },
    problems: [],
  },
  blockEdge: {
    method: 'put',
    path: '/v1/layout/edges/{id}/blocked',
    summary: 'Close or reopen an edge; traffic replans at once',
    tag: 'layout',
    roles: LAYOUT_EDITORS,
    params: { id: 'Edge id of the layout' },
    body: blockBody,
    success: { status: 200, description: 'The blocks in force' },
    problems: [...BODY_PROBLEMS, 'not-found'],
  },
  blockNode: {
    method: 'put',
    path: '/v1/layout/nodes/{id}/blocked',
    summary: 'Close or reopen a node; traffic replans at once',
    tag: 'layout',
    roles: LAYOUT_EDITORS,
    params: { id: 'Node id of the layout' },
    body: blockBody,
    success: { status: 200, description: 'The blocks in force' },
    problems: [...BODY_PROBLEMS, 'not-found'],
  },
  listSubscriptions: {
    method: 'get',
    path: '/v1/webhooks/subscriptions',
    summary: 'Webhook subscribers (config and API), secrets shown by their last four characters',
    tag: 'webhooks',
    roles: ['admin'],
    success: { status: 200, description: '{ items }' },
    problems: [],
  },
  addSubscription: {
    method: 'post',
    path: '/v1/webhooks/subscriptions',
    summary: 'Add a subscriber: url, 1-2 whsec_ secrets, events (transport.* or names), sourceSystems',
    tag: 'webhooks',
    roles: ['admin'],
    body: subscriptionInput,
    success: { status: 201, description: 'The subscriber' },
    problems: BODY_PROBLEMS,
  },
  removeSubscription: {
    method: 'delete',
    path: '/v1/webhooks/subscriptions/{id}',
    summary: 'Remove a subscriber added through the API',
    tag: 'webhooks',
    roles: ['admin'],
    params: { id: 'Subscription id' },
    success: { status: 204, description: 'Removed' },
    problems: ['not-found', 'conflicting-state'],
  },
  listDeadLetters: {
    method: 'get',
    path: '/v1/webhooks/dead-letters',
    summary: 'Webhooks given up on after their last retry, newest first',
    tag: 'webhooks',
    roles: DEAD_LETTER_HANDLERS,
    success: { status: 200, description: '{ items }' },
    problems: [],
  },
  replayDeadLetter: {
    method: 'post',
    path: '/v1/webhooks/dead-letters/{id}/replay',
    summary: 'Send a dead-lettered webhook again, with a fresh set of retries (same webhook-id)',
    tag: 'webhooks',
    roles: DEAD_LETTER_HANDLERS,
    params: { id: 'Dead letter id' },
    success: { status: 202, description: 'Queued again' },
    problems: ['not-found'],
  },
  listKeys: {
    method: 'get',
    path: '/v1/keys',
    summary: 'API keys by role and principal name (never the keys)',
    tag: 'keys',
    roles: ['admin'],
    success: { status: 200, description: '{ items }' },
    problems: [],
  },
  addKey: {
    method: 'post',
    path: '/v1/keys',
    summary: 'Make an API key for a role; the key is in this answer only',
    tag: 'keys',
    roles: ['admin'],
    body: newKeyBody,
    success: { status: 201, description: 'The key record, with `key`' },
    problems: BODY_PROBLEMS,
  },
  removeKey: {
    method: 'delete',
    path: '/v1/keys/{id}',
    summary: 'Revoke an API key added through the API, at once',
    tag: 'keys',
    roles: ['admin'],
    params: { id: 'Key id' },
    success: { status: 204, description: 'Revoked' },
    problems: ['not-found', 'conflicting-state'],
  },
  getMetrics: {
    method: 'get',
    path: '/metrics',
    summary:
      'Prometheus metrics (text format): requests, orders by state, queues, webhooks, robots, engine steps, leader, Redis errors; no key needed when METRICS_PUBLIC=1',
    tag: 'metrics',
    roles: ['metrics', 'admin'],
    success: {
      status: 200,
      description: 'Prometheus text exposition format 0.0.4; every series is named in the README',
      schema: z.string(),
      mediaType: 'text/plain; version=0.0.4',
    },
    problems: [],
    // Outside /v1: neither rate limited nor refused while not ready.
    commonProblems: ['unauthorized', 'forbidden', 'internal'],
  },
} as const satisfies Record<string, Operation>;

export type OperationId = keyof typeof OPERATIONS;

/** The roles that may call an operation, for `requireRole`. */
export function rolesOf(id: OperationId): Role[] {
  return [...OPERATIONS[id].roles];
}
