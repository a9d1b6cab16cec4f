import {
  supportsAction,
  type ActionStatus,
  type ErrorReference,
  type OperatingMode,
  type OrderMessage,
  type VdaAction,
} from './vda-wire.ts';

/** The simulator's reading of the 2.0 rules the schema cannot express (part A of the VDA 5050 checklist). */

export function isTerminal(status: ActionStatus): boolean {
  return status === 'FINISHED' || status === 'FAILED';
}

export function isMasterControlled(mode: OperatingMode): boolean {
  return mode === 'AUTOMATIC' || mode === 'SEMIAUTOMATIC';
}

export function ref(referenceKey: string, referenceValue: string | number): ErrorReference {
  return { referenceKey, referenceValue: String(referenceValue) };
}

/** Whatever header/order ids a (possibly invalid) message carries, as error references for the master. */
export function messageReferences(parsed: unknown, topic: 'order' | 'instantActions'): ErrorReference[] {
  const refs = [ref('topic', topic)];
  if (typeof parsed !== 'object' || parsed === null) return refs;
  const fields = parsed as Record<string, unknown>;
  if (typeof fields.headerId === 'number') refs.push(ref('headerId', fields.headerId));
  if (typeof fields.orderId === 'string') refs.push(ref('orderId', fields.orderId));
  if (typeof fields.orderUpdateId === 'number') refs.push(ref('orderUpdateId', fields.orderUpdateId));
  return refs;
}

/**
 * Graph rules the schema cannot express (part A 1.3): #edges = #nodes - 1, edges join adjacent nodes,
 * increasing sequenceIds, released elements form a prefix, unique actionIds. Returns the first breach.
 */
export function orderGraphProblem(order: OrderMessage): string | undefined {
  const { nodes, edges } = order;
  if (nodes.length === 0) return 'an order needs at least one node';
  if (edges.length !== nodes.length - 1) return `${nodes.length} nodes need ${nodes.length - 1} edges`;
  const chain: { id: string; sequenceId: number; released: boolean }[] = [];
  for (const [i, node] of nodes.entries()) {
    chain.push({ id: node.nodeId, sequenceId: node.sequenceId, released: node.released });
    const edge = edges[i];
    if (!edge) continue;
    const next = nodes[i + 1]!;
    if (edge.startNodeId !== node.nodeId || edge.endNodeId !== next.nodeId) {
      return `edge ${edge.edgeId} must join ${node.nodeId} and ${next.nodeId}`;
    }
    if (edge.released && !next.released) return `released edge ${edge.edgeId} ends in an unreleased node`;
    chain.push({ id: edge.edgeId, sequenceId: edge.sequenceId, released: edge.released });
  }
  for (let i = 1; i < chain.length; i++) {
    const prev = chain[i - 1]!;
    const cur = chain[i]!;
    if (cur.sequenceId <= prev.sequenceId) return `sequenceId of ${cur.id} must exceed that of ${prev.id}`;
    if (cur.released && !prev.released) return `released ${cur.id} follows unreleased ${prev.id}`;
  }
  const actionIds = [...nodes, ...edges].flatMap((element) => element.actions.map((a) => a.actionId));
  const duplicate = actionIds.find((id, i) => actionIds.indexOf(id) !== i);
  if (duplicate !== undefined) return `actionId ${duplicate} appears twice`;
  return undefined;
}

/** Actions and optional fields this vehicle cannot use (part A step 4), as orderError references. */
export function unsupportedOrderParts(order: OrderMessage): ErrorReference[] {
  const refs: ErrorReference[] = [];
  for (const node of order.nodes) {
    if (!node.nodePosition) refs.push(ref('nodeId', node.nodeId), ref('field', 'nodePosition'));
    for (const action of node.actions) {
      if (!supportsAction(action.actionType, 'NODE')) {
        refs.push(ref('actionId', action.actionId), ref('actionType', action.actionType));
      }
    }
  }
  for (const edge of order.edges) {
    if (edge.trajectory !== undefined) refs.push(ref('edgeId', edge.edgeId), ref('field', 'trajectory'));
    for (const action of edge.actions) {
      refs.push(ref('actionId', action.actionId), ref('actionType', action.actionType));
    }
  }
  return refs;
}

export function stringParameter(action: VdaAction, key: string): string | undefined {
  const value = action.actionParameters?.find((p) => p.key === key)?.value;
  return typeof value === 'string' ? value : undefined;
}

export function numberParameter(action: VdaAction, key: string): number | undefined {
  const value = action.actionParameters?.find((p) => p.key === key)?.value;
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}
