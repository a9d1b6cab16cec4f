import { fitOrder, type Capabilities } from './capabilities.ts';
import type { OrderBody, VdaAction, VdaEdge, VdaNode } from './wire.ts';

/** Fixtures of the capabilities tests (`capabilities.test.ts`, `capabilities-fit.test.ts`). */

/** A factsheet as a small diff-drive carrier might publish it (valid against the 2.0.0 schema). */
export function factsheet(
  overrides: { protocolLimits?: object; protocolFeatures?: object } = {},
): Record<string, unknown> {
  return {
    headerId: 3,
    timestamp: '2026-12-01T18:00:00.00Z',
    version: '2.0.0',
    manufacturer: 'Acme',
    serialNumber: 'AMR-0042',
    typeSpecification: {
      seriesName: 'Carrier 600',
      agvKinematic: 'DIFF',
      agvClass: 'CARRIER',
      maxLoadMass: 600,
      localizationTypes: ['NATURAL'],
      navigationTypes: ['PHYSICAL_LINE_GUIDED', 'VIRTUAL_LINE_GUIDED'],
    },
    physicalParameters: {
      speedMin: 0.05,
      speedMax: 1.5,
      accelerationMax: 0.8,
      decelerationMax: 1.2,
      heightMin: 0.3,
      heightMax: 0.35,
      width: 0.8,
      length: 1.2,
    },
    protocolLimits: {
      maxStringLens: { msgLen: 65536, idLen: 32, idNumericalOnly: false, enumLen: 32, loadIdLen: 16 },
      maxArrayLens: {
        'order.nodes': 6,
        'order.edges': 5,
        'node.actions': 2,
        'edge.actions': 0,
        'actions.actionsParameters': 3,
        instantActions: 4,
      },
      timing: { minOrderInterval: 0.5, minStateInterval: 0.1, defaultStateInterval: 30 },
      ...overrides.protocolLimits,
    },
    protocolFeatures: {
      optionalParameters: [
        { parameter: 'order.nodes.nodePosition', support: 'REQUIRED' },
        { parameter: 'order.edges.length', support: 'SUPPORTED' },
      ],
      agvActions: [
        {
          actionType: 'pick',
          actionScopes: ['NODE'],
          actionParameters: [
            { key: 'loadId', valueDataType: 'STRING' },
            { key: 'stationName', valueDataType: 'STRING', isOptional: true },
            { key: 'height', valueDataType: 'FLOAT', isOptional: true },
          ],
        },
        {
          actionType: 'drop',
          actionScopes: ['NODE'],
          actionParameters: [{ key: 'loadId', valueDataType: 'STRING' }],
        },
        {
          actionType: 'startCharging',
          actionScopes: ['NODE', 'INSTANT'],
          actionParameters: [{ key: 'targetCharge', valueDataType: 'INTEGER', isOptional: true }],
        },
        { actionType: 'stopCharging', actionScopes: ['NODE', 'INSTANT'] },
        {
          actionType: 'beep',
          actionScopes: ['EDGE', 'INSTANT'],
          actionParameters: [{ key: 'loud', valueDataType: 'BOOL' }],
        },
        { actionType: 'startPause', actionScopes: ['INSTANT'] },
        { actionType: 'stopPause', actionScopes: ['INSTANT'] },
        { actionType: 'stateRequest', actionScopes: ['INSTANT'] },
      ],
      ...overrides.protocolFeatures,
    },
    agvGeometry: {},
    loadSpecification: { loadPositions: ['top'] },
  };
}

export function action(
  actionType: string,
  id: string,
  params: Record<string, string | number | boolean> = {},
): VdaAction {
  const actionParameters = Object.entries(params).map(([key, value]) => ({ key, value }));
  return {
    actionId: id,
    actionType,
    blockingType: 'HARD',
    ...(actionParameters.length > 0 ? { actionParameters } : {}),
  };
}

/**
 * An order over the nodes 1, 2, ... `count` (ids numeric so idNumericalOnly can pass), the first
 * `released` of them released, edges of 2 m with maxSpeed 1.
 */
export function order(
  count: number,
  released: number,
  actionsAt: Record<number, VdaAction[]> = {},
): OrderBody {
  const nodes: VdaNode[] = Array.from({ length: count }, (_, i) => ({
    nodeId: `${i + 1}`,
    sequenceId: 2 * i,
    released: i < released,
    nodePosition: { x: 2 * i, y: 0, mapId: '7' },
    actions: actionsAt[i] ?? [],
  }));
  const edges: VdaEdge[] = nodes.slice(1).map((n, i) => ({
    edgeId: `${i + 1}${i + 2}`,
    sequenceId: 2 * i + 1,
    released: n.released,
    startNodeId: `${i + 1}`,
    endNodeId: `${i + 2}`,
    length: 2,
    maxSpeed: 1,
    actions: [],
  }));
  return { orderId: '1001', orderUpdateId: 0, nodes, edges };
}

export function fitted(body: OrderBody, caps: Capabilities): { body: OrderBody; dropped: readonly string[] } {
  const r = fitOrder(body, caps);
  if (!r.ok) throw new Error(`expected ok, got ${r.problems.join('; ')}`);
  return { body: r.body, dropped: r.dropped };
}

export function problems(body: OrderBody, caps: Capabilities): readonly string[] {
  const r = fitOrder(body, caps);
  if (r.ok) throw new Error('expected problems');
  return r.problems;
}

/** The order message as published, for the schema check. */
export function message(body: OrderBody): object {
  return {
    headerId: 1,
    timestamp: '2026-12-01T18:00:00.00Z',
    version: '2.0.0',
    manufacturer: 'Acme',
    serialNumber: 'AMR-0042',
    ...body,
  };
}
