import { isRecord, type Capabilities, type ValueDataType } from './factsheet-capabilities.ts';
import type { PeerProfile } from './profile.ts';
import type { ActionParameter, OrderBody, VdaAction, VdaEdge, VdaNode } from './wire.ts';

/**
 * Fitting an order to what the AGV's factsheet declared (O5, O6, O8, O9; E4 for what it refused later),
 * before it is published. Pure: no I/O, no clock.
 */

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
