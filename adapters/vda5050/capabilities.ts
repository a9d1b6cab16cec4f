import type { PeerProfile } from './profile.ts';
import type { ActionParameter, OrderBody, VdaAction, VdaEdge, VdaNode } from './wire.ts';

/**
 * What an AGV's VDA 5050 2.0 factsheet says it can take, and the checks the master runs on every order
 * before it is published (checklist O5, O6, O8, O9, F2; E4 for capabilities the AGV refused later).
 * Pure: no I/O, no clock. The adapter keeps the latest factsheet per AGV (F2) and passes what
 * `capabilitiesOf` made of it.
 */

export type Support = 'SUPPORTED' | 'REQUIRED';
export type ActionScope = 'NODE' | 'EDGE' | 'INSTANT';
export type ValueDataType = 'BOOL' | 'NUMBER' | 'INTEGER' | 'FLOAT' | 'STRING' | 'OBJECT' | 'ARRAY';

/** `protocolLimits.maxStringLens` keys of the 2.0 factsheet schema (idNumericalOnly is kept apart). */
const STRING_LIMITS = ['msgLen', 'topicSerialLen', 'topicElemLen', 'idLen', 'enumLen', 'loadIdLen'] as const;
export type StringLimit = (typeof STRING_LIMITS)[number];

/** `protocolLimits.maxArrayLens` keys of the 2.0 factsheet schema, spelled as the schema spells them. */
const ARRAY_LIMITS = [
  'order.nodes',
  'order.edges',
  'node.actions',
  'edge.actions',
  'actions.actionsParameters',
  'instantActions',
  'trajectory.knotVector',
  'trajectory.controlPoints',
  'state.nodeStates',
  'state.edgeStates',
  'state.loads',
  'state.actionStates',
  'state.errors',
  'state.information',
  'error.errorReferences',
  'information.infoReferences',
] as const;
export type ArrayLimit = (typeof ARRAY_LIMITS)[number];

const SCOPES: readonly ActionScope[] = ['NODE', 'EDGE', 'INSTANT'];
const DATA_TYPES: readonly ValueDataType[] = [
  'BOOL',
  'NUMBER',
  'INTEGER',
  'FLOAT',
  'STRING',
  'OBJECT',
  'ARRAY',
];

/** One entry of `protocolFeatures.optionalParameters`; `parameter` in the canonical `order.…` form. */
export interface OptionalParameter {
  readonly parameter: string;
  readonly support: Support;
}

/** One actionType of `protocolFeatures.agvActions` (entries listed twice are merged). */
export interface AgvAction {
  readonly actionType: string;
  readonly scopes: ReadonlySet<ActionScope>;
  /** Declared parameter keys and their value types (O8). */
  readonly parameters: ReadonlyMap<string, ValueDataType>;
}

export interface Capabilities {
  /** Only positive limits: 0 or a missing key means "no explicit limit" (F2, factsheet schema). */
  readonly maxStringLens: Readonly<Partial<Record<StringLimit, number>>>;
  readonly idNumericalOnly: boolean;
  /** Only positive limits, as for `maxStringLens`. */
  readonly maxArrayLens: Readonly<Partial<Record<ArrayLimit, number>>>;
  /** `timing.minOrderInterval` in ms (the factsheet gives seconds); 0 when absent. */
  readonly minOrderIntervalMs: number;
  /**
   * By lower-cased canonical name. `undefined` when the factsheet has no list or an empty one: then what
   * the AGV supports is unknown and the order goes as built (an AGV that publishes `[]` rarely means "no
   * node positions"; dropping them would make every order useless to it).
   */
  readonly optionalParameters: ReadonlyMap<string, OptionalParameter> | undefined;
  /** By actionType. `undefined` when the factsheet lists no actions: unknown, nothing is refused (O9). */
  readonly agvActions: ReadonlyMap<string, AgvAction> | undefined;
  /** Marked unsupported after the AGV refused them (E4), whatever the factsheet says; see `markUnsupported`. */
  readonly refused: {
    readonly parameters: ReadonlySet<string>;
    readonly actionTypes: ReadonlySet<string>;
  };
}

/** No factsheet (yet): no limits, nothing known, so nothing is dropped or refused (F2). */
export const NO_CAPABILITIES: Capabilities = capabilitiesOf(undefined);

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function array(v: unknown): readonly unknown[] {
  return Array.isArray(v) ? v : [];
}

/** A limit: a positive finite number, else absent (0, negative, missing, wrong type: "no explicit limit"). */
function positive(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

/**
 * The canonical form of an optional parameter name: the schema's example is
 * `order.nodes.nodePosition.allowedDeviationTheta`; factsheets in the field also write `nodes[].…`,
 * `node.…`, `edge.…` or leave out `order.`. Names of other topics (`state.…`) are kept as given.
 */
export function canonicalParameter(name: string): string {
  let n = name.replace(/\[\]/g, '').replace(/\s+/g, '');
  if (n.startsWith('order.')) n = n.slice('order.'.length);
  else if (!/^(nodes?|edges?|nodePosition|zoneSetId)(\.|$)/.test(n)) return n;
  n = n.replace(/^node(?=\.|$)/, 'nodes').replace(/^edge(?=\.|$)/, 'edges');
  if (n.startsWith('nodePosition')) n = `nodes.${n}`;
  return `order.${n}`;
}

/**
 * Reads a factsheet message leniently: it may or may not have passed the schema check, and sections may
 * be missing (F2: absent limits mean no explicit limit; absent feature lists mean unknown). Fields of the
 * wrong type are ignored rather than refused, so a sloppy factsheet degrades to "unknown", never to a
 * crash.
 */
export function capabilitiesOf(factsheet: unknown): Capabilities {
  const fs = isRecord(factsheet) ? factsheet : {};
  const limits = isRecord(fs.protocolLimits) ? fs.protocolLimits : {};
  const strings = isRecord(limits.maxStringLens) ? limits.maxStringLens : {};
  const arrays = isRecord(limits.maxArrayLens) ? limits.maxArrayLens : {};
  const timing = isRecord(limits.timing) ? limits.timing : {};
  const features = isRecord(fs.protocolFeatures) ? fs.protocolFeatures : {};

  const maxStringLens: Partial<Record<StringLimit, number>> = {};
  for (const key of STRING_LIMITS) {
    const v = positive(strings[key]);
    if (v !== undefined) maxStringLens[key] = v;
  }
  const maxArrayLens: Partial<Record<ArrayLimit, number>> = {};
  for (const key of ARRAY_LIMITS) {
    const v = positive(arrays[key]);
    if (v !== undefined) maxArrayLens[key] = v;
  }
  const interval = positive(timing.minOrderInterval);

  const optional = new Map<string, OptionalParameter>();
  for (const p of array(features.optionalParameters)) {
    if (!isRecord(p) || typeof p.parameter !== 'string') continue;
    if (p.support !== 'SUPPORTED' && p.support !== 'REQUIRED') continue;
    const parameter = canonicalParameter(p.parameter);
    const known = optional.get(parameter.toLowerCase());
    // Listed twice: REQUIRED wins, it is the stronger statement.
    if (known?.support !== 'REQUIRED')
      optional.set(parameter.toLowerCase(), { parameter, support: p.support });
  }

  const actions = new Map<string, { scopes: Set<ActionScope>; parameters: Map<string, ValueDataType> }>();
  for (const a of array(features.agvActions)) {
    if (!isRecord(a) || typeof a.actionType !== 'string' || a.actionType === '') continue;
    let entry = actions.get(a.actionType);
    if (!entry) {
      entry = { scopes: new Set(), parameters: new Map() };
      actions.set(a.actionType, entry);
    }
    for (const s of array(a.actionScopes))
      if (SCOPES.includes(s as ActionScope)) entry.scopes.add(s as ActionScope);
    for (const p of array(a.actionParameters))
      if (isRecord(p) && typeof p.key === 'string' && DATA_TYPES.includes(p.valueDataType as ValueDataType))
        entry.parameters.set(p.key, p.valueDataType as ValueDataType);
  }

  return {
    maxStringLens,
    idNumericalOnly: strings.idNumericalOnly === true,
    maxArrayLens,
    minOrderIntervalMs: interval === undefined ? 0 : Math.ceil(interval * 1000 - 1e-6),
    optionalParameters: optional.size > 0 ? optional : undefined,
    agvActions:
      actions.size > 0
        ? new Map([...actions].map(([actionType, e]) => [actionType, { actionType, ...e }]))
        : undefined,
    refused: { parameters: new Set(), actionTypes: new Set() },
  };
}

/** The least time between two order messages to this AGV (O6), 0 when the factsheet sets none. */
export function minOrderIntervalMs(caps: Capabilities): number {
  return caps.minOrderIntervalMs;
}

/**
 * E4: after an `orderError` (or similar) that references an optional field or an actionType, the master
 * stops sending it to that AGV until a new factsheet arrives (`capabilitiesOf` starts afresh), instead of
 * retrying the same order blindly. A refused optional parameter is dropped from later orders even when
 * the factsheet lists it; a refused actionType makes orders that need it a problem.
 */
export function markUnsupported(
  caps: Capabilities,
  ref: { readonly parameter: string } | { readonly actionType: string },
): Capabilities {
  if ('parameter' in ref) {
    const parameters = new Set(caps.refused.parameters).add(canonicalParameter(ref.parameter).toLowerCase());
    return { ...caps, refused: { ...caps.refused, parameters } };
  }
  const actionTypes = new Set(caps.refused.actionTypes).add(ref.actionType);
  return { ...caps, refused: { ...caps.refused, actionTypes } };
}

export type FitResult =
  | { readonly ok: true; readonly body: OrderBody; readonly dropped: readonly string[] }
  | { readonly ok: false; readonly problems: readonly string[] };

/** How action parameter values go out; only `parameterValues` of the peer profile matters here. */
export type FitOptions = Partial<Pick<PeerProfile, 'parameterValues'>>;

/**
 * Fits an order to what the AGV declared, or says why it cannot be sent. In this order:
 * 1. O6 counts: when `order.nodes`/`order.edges` are exceeded, unreleased horizon nodes are cut from the
 *    end together with their edges (edges stay nodes - 1, O1; the released prefix is untouched, O3). The
 *    horizon is only a preview, every update replaces it (O13). A released base over the limit is a
 *    problem: the engine must release shorter segments.
 * 2. O5 optional fields: the ones we send (`nodePosition`, its `allowedDeviationXY`, edge `length`,
 *    `maxSpeed`) are dropped unless listed SUPPORTED/REQUIRED, but only when the factsheet has a list (see
 *    `Capabilities.optionalParameters`). A listed REQUIRED parameter the order lacks is a problem: the
 *    master has no value for it (e.g. `order.nodes.nodePosition.theta`). Action parameters are not O5
 *    business: `agvActions` declares them per actionType.
 * 3. O6 strings: `idLen`, `idNumericalOnly` (ids are not mapped to numbers), `enumLen`, `loadIdLen`.
 * 4. Actions: O9 actionType listed for the scope it is used in (NODE/EDGE) when the factsheet lists
 *    actions; O6 actions per node/edge and parameters per action; O8 parameter values converted to the
 *    declared `valueDataType` (unless the profile sends strings: a peer profile is explicit configuration
 *    for a peer known to deviate, R5, so it wins).
 */
export function fitOrder(body: OrderBody, caps: Capabilities, options: FitOptions = {}): FitResult {
  const problems: string[] = [];
  const dropped: string[] = [];

  // 1. Node and edge counts, horizon first.
  const maxNodes = caps.maxArrayLens['order.nodes'];
  const maxEdges = caps.maxArrayLens['order.edges'];
  const nodes = [...body.nodes];
  const edges = [...body.edges];
  const over = (): boolean =>
    (maxNodes !== undefined && nodes.length > maxNodes) ||
    (maxEdges !== undefined && edges.length > maxEdges);
  let cut = 0;
  while (over()) {
    const node = nodes.at(-1);
    const edge = edges.at(-1);
    if (node === undefined || node.released || edge === undefined || edge.released) break;
    nodes.pop();
    edges.pop();
    cut += 1;
  }
  if (cut > 0)
    dropped.push(
      `horizon: last ${cut} node(s) and edge(s) (order.nodes ${limitText(maxNodes)}, order.edges ${limitText(maxEdges)})`,
    );
  if (maxNodes !== undefined && nodes.length > maxNodes)
    problems.push(
      `released base has ${nodes.filter((n) => n.released).length} nodes, the AGV takes at most ${maxNodes} (order.nodes)`,
    );
  if (maxEdges !== undefined && edges.length > maxEdges)
    problems.push(
      `released base has ${edges.filter((e) => e.released).length} edges, the AGV takes at most ${maxEdges} (order.edges)`,
    );

  // 2. Optional fields.
  const sends = (parameter: string): boolean => supports(caps, parameter);
  const dropIf = (parameter: string, present: boolean): boolean => {
    if (!present || sends(parameter)) return false;
    dropped.push(parameter);
    return true;
  };
  const dropPosition = dropIf(
    'order.nodes.nodePosition',
    nodes.some((n) => n.nodePosition !== undefined),
  );
  const dropDeviation =
    !dropPosition &&
    dropIf(
      'order.nodes.nodePosition.allowedDeviationXY',
      nodes.some((n) => n.nodePosition?.allowedDeviationXY !== undefined),
    );
  const dropLength = dropIf(
    'order.edges.length',
    edges.some((e) => e.length !== undefined),
  );
  const dropSpeed = dropIf(
    'order.edges.maxSpeed',
    edges.some((e) => e.maxSpeed !== undefined),
  );
  const fitNodes = nodes.map((n) => withoutNodeFields(n, dropPosition, dropDeviation));
  const fitEdges = edges.map((e) => withoutEdgeFields(e, dropLength, dropSpeed));
  const draft: OrderBody = { ...body, nodes: fitNodes, edges: fitEdges };
  for (const p of caps.optionalParameters?.values() ?? []) {
    if (p.support !== 'REQUIRED' || !p.parameter.startsWith('order.')) continue;
    if (!present(draft, p.parameter.slice('order.'.length).split('.')))
      problems.push(`the AGV requires ${p.parameter}, which the master does not supply`);
  }

  // 3. Ids and enum strings.
  problems.push(...stringProblems(draft, caps));

  // 4. Actions.
  const typed = options.parameterValues !== 'string';
  const actionsOf = (
    kind: 'node' | 'edge',
    id: string,
    sequenceId: number,
    actions: readonly VdaAction[],
  ): VdaAction[] => {
    const limit = caps.maxArrayLens[kind === 'node' ? 'node.actions' : 'edge.actions'];
    if (limit !== undefined && actions.length > limit)
      problems.push(
        `${kind} ${id} (sequenceId ${sequenceId}) has ${actions.length} actions, the AGV takes at most ${limit} (${kind}.actions)`,
      );
    return actions.map((a) => fitAction(a, kind === 'node' ? 'NODE' : 'EDGE', caps, typed, problems));
  };
  const out: OrderBody = {
    ...draft,
    nodes: fitNodes.map((n) => ({ ...n, actions: actionsOf('node', n.nodeId, n.sequenceId, n.actions) })),
    edges: fitEdges.map((e) => ({ ...e, actions: actionsOf('edge', e.edgeId, e.sequenceId, e.actions) })),
  };

  return problems.length > 0 ? { ok: false, problems: unique(problems) } : { ok: true, body: out, dropped };
}

export type InstantCheck = { readonly ok: true } | { readonly ok: false; readonly problem: string };

/**
 * Whether an instant action may be sent (O9, scope INSTANT). `cancelOrder` is always allowed: the spec
 * makes it mandatory and it is the master's only way out of an order, so a factsheet that forgets it
 * must not lock the master in. Everything else must be listed with INSTANT when the factsheet lists
 * actions at all.
 */
export function checkInstantAction(actionType: string, caps: Capabilities): InstantCheck {
  if (actionType === 'cancelOrder') return { ok: true };
  if (caps.refused.actionTypes.has(actionType))
    return {
      ok: false,
      problem: `actionType ${actionType} was refused by the AGV and is marked unsupported`,
    };
  if (caps.agvActions === undefined) return { ok: true };
  const declared = caps.agvActions.get(actionType);
  if (declared === undefined)
    return { ok: false, problem: `actionType ${actionType} is not in the factsheet's agvActions` };
  if (!declared.scopes.has('INSTANT'))
    return { ok: false, problem: `actionType ${actionType} is not declared with scope INSTANT` };
  return { ok: true };
}

/**
 * Whether an optional parameter may be sent: unknown list → yes; else listed, or one of its sub-fields
 * listed (`order.nodes.nodePosition.theta` SUPPORTED implies the `nodePosition` that carries it).
 * A parameter the AGV refused (E4), or whose parent it refused, is never sent.
 */
function supports(caps: Capabilities, parameter: string): boolean {
  const key = parameter.toLowerCase();
  for (const r of caps.refused.parameters) if (key === r || key.startsWith(`${r}.`)) return false;
  if (caps.optionalParameters === undefined) return true;
  for (const k of caps.optionalParameters.keys()) if (k === key || k.startsWith(`${key}.`)) return true;
  return false;
}

/**
 * Whether every element along `path` has the field: arrays on the way are entered element by element,
 * so `nodes.nodePosition.theta` needs a theta in every node's position (an empty array needs nothing).
 */
function present(root: unknown, path: readonly string[]): boolean {
  let values: unknown[] = [root];
  for (const key of path) {
    const next: unknown[] = [];
    for (const v of values) {
      if (!isRecord(v) || v[key] === undefined) return false;
      const x = v[key];
      if (Array.isArray(x)) next.push(...(x as unknown[]));
      else next.push(x);
    }
    values = next;
  }
  return true;
}

function withoutNodeFields(n: VdaNode, position: boolean, deviation: boolean): VdaNode {
  if (!n.nodePosition || (!position && !deviation)) return n;
  const { nodePosition, ...rest } = n;
  if (position) return rest;
  const { allowedDeviationXY: _, ...kept } = nodePosition;
  return { ...rest, nodePosition: kept };
}

function withoutEdgeFields(e: VdaEdge, length: boolean, speed: boolean): VdaEdge {
  const { length: l, maxSpeed: s, ...rest } = e;
  return {
    ...rest,
    ...(length || l === undefined ? {} : { length: l }),
    ...(speed || s === undefined ? {} : { maxSpeed: s }),
  };
}

/** O6 string limits. Ids per the schema's `idLen` list; `mapId` counts as an id there. */
function stringProblems(body: OrderBody, caps: Capabilities): string[] {
  const ids: [string, string][] = [['orderId', body.orderId]];
  for (const n of body.nodes) {
    ids.push(['nodeId', n.nodeId]);
    if (n.nodePosition) ids.push(['mapId', n.nodePosition.mapId]);
  }
  for (const e of body.edges)
    ids.push(['edgeId', e.edgeId], ['startNodeId', e.startNodeId], ['endNodeId', e.endNodeId]);
  const actions = [...body.nodes.flatMap((n) => n.actions), ...body.edges.flatMap((e) => e.actions)];
  const enums: [string, string][] = [];
  const loadIds: string[] = [];
  for (const a of actions) {
    ids.push(['actionId', a.actionId]);
    enums.push(['actionType', a.actionType], ['blockingType', a.blockingType]);
    for (const p of a.actionParameters ?? []) {
      enums.push(['actionParameter.key', p.key]);
      if (p.key === 'loadId' && typeof p.value === 'string') loadIds.push(p.value);
    }
  }
  const problems: string[] = [];
  const { idLen, enumLen, loadIdLen } = caps.maxStringLens;
  for (const [field, id] of ids) {
    if (idLen !== undefined && id.length > idLen)
      problems.push(`${field} "${id}" has ${id.length} characters, the AGV takes at most ${idLen} (idLen)`);
    if (caps.idNumericalOnly && !/^[0-9]+$/.test(id))
      problems.push(
        `${field} "${id}" is not numerical and the AGV takes numerical ids only (idNumericalOnly); mapping ids to numbers is not supported`,
      );
  }
  if (enumLen !== undefined)
    for (const [field, value] of enums)
      if (value.length > enumLen)
        problems.push(
          `${field} "${value}" has ${value.length} characters, the AGV takes at most ${enumLen} (enumLen)`,
        );
  if (loadIdLen !== undefined)
    for (const id of loadIds)
      if (id.length > loadIdLen)
        problems.push(
          `loadId "${id}" has ${id.length} characters, the AGV takes at most ${loadIdLen} (loadIdLen)`,
        );
  return problems;
}

/** O9 scope, O6 parameter count and refusals, O8 value types for one action. */
function fitAction(
  a: VdaAction,
  scope: 'NODE' | 'EDGE',
  caps: Capabilities,
  typed: boolean,
  problems: string[],
): VdaAction {
  if (caps.refused.actionTypes.has(a.actionType))
    problems.push(`actionType ${a.actionType} was refused by the AGV and is marked unsupported`);
  const declared = caps.agvActions?.get(a.actionType);
  if (caps.agvActions !== undefined) {
    if (declared === undefined)
      problems.push(`actionType ${a.actionType} is not in the factsheet's agvActions`);
    else if (!declared.scopes.has(scope))
      problems.push(`actionType ${a.actionType} is not declared with scope ${scope}`);
  }
  const parameters = a.actionParameters;
  if (parameters === undefined) return a;
  const limit = caps.maxArrayLens['actions.actionsParameters'];
  if (limit !== undefined && parameters.length > limit)
    problems.push(
      `action ${a.actionId} (${a.actionType}) has ${parameters.length} parameters, the AGV takes at most ${limit} (actions.actionsParameters)`,
    );
  if (!typed || declared === undefined) return a;
  return {
    ...a,
    actionParameters: parameters.map((p) => {
      const type = declared.parameters.get(p.key);
      if (type === undefined) return p;
      const value = convert(p.value, type);
      if (value === undefined) {
        problems.push(
          `action ${a.actionId} (${a.actionType}): parameter ${p.key} = ${JSON.stringify(p.value)} is not a valid ${type}`,
        );
        return p;
      }
      return { key: p.key, value };
    }),
  };
}

/**
 * A parameter value as the declared type (O8), or undefined when it cannot be one without guessing.
 * OBJECT and ARRAY values cannot be written by this adapter (its parameters are scalars): left as is.
 */
function convert(value: ActionParameter['value'], type: ValueDataType): ActionParameter['value'] | undefined {
  switch (type) {
    case 'STRING':
      return String(value);
    case 'BOOL':
      if (typeof value === 'boolean') return value;
      if (typeof value === 'string' && /^(true|false)$/i.test(value.trim()))
        return value.trim().toLowerCase() === 'true';
      return undefined;
    case 'NUMBER':
    case 'FLOAT':
    case 'INTEGER': {
      const n =
        typeof value === 'number'
          ? value
          : typeof value === 'string' && value.trim() !== ''
            ? Number(value)
            : NaN;
      if (!Number.isFinite(n)) return undefined;
      return type === 'INTEGER' && !Number.isInteger(n) ? undefined : n;
    }
    case 'OBJECT':
    case 'ARRAY':
      return value;
  }
}

function limitText(limit: number | undefined): string {
  return limit === undefined ? 'none' : String(limit);
}

function unique(items: readonly string[]): string[] {
  return [...new Set(items)];
}
