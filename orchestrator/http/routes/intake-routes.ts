import { Router, type Request, type Response } from 'express';
import type { Clock } from '../../ports/clock.ts';
import { handlingUnitsOf, type LocationRef, type SourceSystem } from '../../domain/transport-order.ts';
import { endedUnfinished } from '../../domain/order-lifecycle.ts';
import type { OrderService } from '../../services/order-service.ts';
import type { PlantDirectory } from '../../services/plant-directory.ts';
import { deriveMove, type DerivedMove, type MesEvent } from '../../services/mes-events.ts';
import { fingerprint, isValidSscc, newOrder } from '../../services/order-factory.ts';
import { principalOf, requireRole } from '../auth.ts';
import { rolesOf } from '../operations.ts';
import { traceOf } from '../trace.ts';
import { formatTraceparent } from '../../domain/trace-context.ts';
import { ProblemError, zodFieldErrors, type FieldError } from '../problem.ts';
import {
  MES_DATA_SCHEMAS,
  MES_EVENT_TYPES,
  mesEventEnvelope,
  transportRequestBody,
  type MesEventType,
} from '../schemas.ts';

export interface IntakeRouteDeps {
  readonly orders: OrderService;
  readonly plant: PlantDirectory;
  readonly clock: Clock;
}

/** `POST /v1/mes/events` and `POST /v1/transport-requests`: validate, deduplicate, store, answer 202. */
export function intakeRoutes(deps: IntakeRouteDeps): Router {
  const router = Router();

  router.post('/mes/events', requireRole(...rolesOf('postMesEvent')), async (req, res) => {
    const envelope = mesEventEnvelope.safeParse(req.body);
    if (!envelope.success)
      throw new ProblemError('validation-error', 'invalid MES event', zodFieldErrors(envelope.error));
    const type = envelope.data.type;
    if (!isMesEventType(type)) {
      throw new ProblemError('unprocessable', `unknown event type ${type}`, [
        { pointer: '/type', detail: `must be one of ${MES_EVENT_TYPES.join(', ')}` },
      ]);
    }
    const data = MES_DATA_SCHEMAS[type].safeParse(envelope.data.data);
    if (!data.success)
      throw new ProblemError(
        'validation-error',
        `invalid ${type} data`,
        prefixPointers(zodFieldErrors(data.error), '/data'),
      );
    const move = deriveMove({ type, data: data.data } as MesEvent, deps.plant);
    if (Array.isArray(move))
      throw new ProblemError('unprocessable', `the ${type} event cannot be used`, move);
    await accept(req, res, deps, {
      scope: 'mes-events',
      bodyKey: envelope.data.eventId,
      sourceSystem: 'MES',
      move,
      correlationId: envelope.data.eventId,
      openHandlingUnits: envelope.data.deliberateReMove === true ? 'move-again' : 'refuse',
    });
  });

  router.post('/transport-requests', requireRole(...rolesOf('postTransportRequest')), async (req, res) => {
    const parsed = transportRequestBody.safeParse(req.body);
    if (!parsed.success)
      throw new ProblemError('validation-error', 'invalid transport request', zodFieldErrors(parsed.error));
    const body = parsed.data;
    const errors: FieldError[] = [
      ...checkRef(deps.plant, body.from, '/from'),
      ...checkRef(deps.plant, body.to, '/to'),
    ];
    if (body.load.quantity !== undefined && !(body.load.quantity > 0))
      errors.push({ pointer: '/load/quantity', detail: 'must be greater than 0' });
    if (body.load.sscc !== undefined && !isValidSscc(body.load.sscc))
      errors.push({ pointer: '/load/sscc', detail: 'must be 18 digits with a valid GS1 check digit' });
    const dependsOn = body.dependsOn ?? [];
    const found = new Map((await deps.orders.getMany(dependsOn)).map((o) => [o.id, o.status]));
    for (const [i, id] of dependsOn.entries()) {
      const status = found.get(id);
      if (status === undefined) errors.push({ pointer: `/dependsOn/${i}`, detail: `unknown order ${id}` });
      else if (endedUnfinished(status))
        errors.push({ pointer: `/dependsOn/${i}`, detail: `order ${id} has ended ${status}` });
    }
    if (errors.length)
      throw new ProblemError('unprocessable', 'the transport request cannot be used', errors);
    const role = principalOf(req).role;
    const move: DerivedMove & ExplicitChoices = {
      type: body.type,
      from: body.from,
      to: body.to,
      load: stripUndefined(body.load),
      priority: body.priority,
      ...(body.dueBy ? { dueBy: body.dueBy } : {}),
      externalRefs: body.externalRefs,
      ...(body.intendedRobot ? { intendedRobot: body.intendedRobot } : {}),
      ...(body.dependsOn?.length ? { dependsOn: body.dependsOn } : {}),
    };
    const sourceSystem: SourceSystem = role === 'wms' ? 'WMS' : role === 'mes' ? 'MES' : 'supervisor';
    await accept(req, res, deps, {
      scope: 'transport-requests',
      bodyKey: body.requestId,
      sourceSystem,
      move,
      correlationId: body.requestId,
      openHandlingUnits: body.deliberateReMove === true ? 'move-again' : 'refuse',
    });
  });

  return router;
}

function isMesEventType(type: string): type is MesEventType {
  return (MES_EVENT_TYPES as readonly string[]).includes(type);
}

function checkRef(plant: PlantDirectory, ref: LocationRef, pointer: string): FieldError[] {
  if ('location' in ref && !plant.hasLocation(ref.location))
    return [{ pointer: `${pointer}/location`, detail: `unknown location ${ref.location}` }];
  if ('zone' in ref && !plant.hasZone(ref.zone))
    return [{ pointer: `${pointer}/zone`, detail: `unknown zone ${ref.zone}` }];
  return [];
}

function prefixPointers(errors: FieldError[], prefix: string): FieldError[] {
  return errors.map((e) =>
    'pointer' in e ? { ...e, pointer: `${prefix}${e.pointer === '/' ? '' : e.pointer}` } : e,
  );
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as {
    [K in keyof T]: Exclude<T[K], undefined>;
  };
}

interface Acceptance {
  readonly scope: 'mes-events' | 'transport-requests';
  /**
   * The body's own id (eventId / requestId): the request's identity per source system, and its
   * idempotency key when no Idempotency-Key header is sent.
   */
  readonly bodyKey: string | undefined;
  readonly sourceSystem: SourceSystem;
  readonly move: DerivedMove & ExplicitChoices;
  readonly correlationId: string | undefined;
  readonly openHandlingUnits: 'refuse' | 'move-again';
}

/** The 409 for a request identity seen before with another body. */
const IDENTITY_REUSED = {
  'mes-events': { code: 'event-id-reused', pointer: '/eventId', name: 'eventId' },
  'transport-requests': { code: 'request-id-reused', pointer: '/requestId', name: 'requestId' },
} as const;

/** What only an explicit transport request can say: the robot to use, the orders to wait for. */
interface ExplicitChoices {
  readonly intendedRobot?: string;
  readonly dependsOn?: readonly string[];
}

/**
 * Stores the order once per idempotency key and once per request identity (eventId / requestId per
 * source system) and answers 202; replays of either with the same body answer the first order again.
 */
async function accept(req: Request, res: Response, deps: IntakeRouteDeps, a: Acceptance): Promise<void> {
  const header = req.get('idempotency-key');
  const key = header ?? a.bodyKey;
  if (key === undefined || key.length === 0 || key.length > 200) {
    throw new ProblemError(
      'missing-idempotency-key',
      'send an Idempotency-Key header (1-200 characters) or the body id',
      [{ header: 'Idempotency-Key', detail: 'required' }],
    );
  }
  const principal = principalOf(req);
  const traceparent = formatTraceparent(traceOf(req));
  const order = newOrder(
    {
      ...a.move,
      sourceSystem: a.sourceSystem,
      createdBy: principal.name,
      correlationId: a.correlationId ?? key,
      traceparent,
    },
    new Date(deps.clock.now()).toISOString(),
  );
  const print = fingerprint(req.body);
  const result = await deps.orders.create(order, {
    scope: a.scope,
    key,
    fingerprint: print,
    ...(a.bodyKey === undefined ? {} : { identity: { sourceSystem: a.sourceSystem, id: a.bodyKey } }),
    handlingUnits: handlingUnitsOf(order.load),
    openHandlingUnits: a.openHandlingUnits,
  });
  if (result.kind === 'handling-unit-open') {
    const { field, value } = result.unit;
    throw new ProblemError(
      'handling-unit-on-open-order',
      `${field} ${value} is already on open order ${result.orderId}; send deliberateReMove: true to move it again`,
      [{ pointer: loadPointer(a.scope, field), detail: `on open order ${result.orderId}` }],
    );
  }
  if (result.kind === 'replayed' && result.fingerprint !== print) {
    if (result.by === 'idempotency-key')
      throw new ProblemError(
        'idempotency-key-reused',
        `idempotency key ${key} was used with a different body`,
        [{ header: 'Idempotency-Key', detail: 'reused with a different body' }],
      );
    const reused = IDENTITY_REUSED[a.scope];
    throw new ProblemError(
      reused.code,
      `${reused.name} ${a.bodyKey ?? ''} made order ${result.orderId} with a different body`,
      [{ pointer: reused.pointer, detail: `already made order ${result.orderId} with a different body` }],
    );
  }
  const id = result.kind === 'created' ? result.order.id : result.orderId;
  const status =
    result.kind === 'created' ? result.order.status : ((await deps.orders.get(id))?.status ?? 'received');
  const self = `/v1/transport-orders/${id}`;
  res.status(202).location(self).json({ id, status, links: { self } });
}

/** Where a load field sits in the request body. */
function loadPointer(scope: Acceptance['scope'], field: 'handlingUnitId' | 'sscc'): string {
  return scope === 'mes-events' ? `/data/${field}` : `/load/${field}`;
}
