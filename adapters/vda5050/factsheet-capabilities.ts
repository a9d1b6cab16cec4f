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

export function isRecord(v: unknown): v is Record<string, unknown> {
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
