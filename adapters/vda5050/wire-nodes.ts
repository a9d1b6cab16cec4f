import type { Layout, NodeId } from '../../orchestrator/domain/layout.ts';
import type { RouteNode } from '../kit/released-route.ts';
import { wireId } from './order-builder.ts';

/** The layout's nodes by the id the AGVs use on the wire (`wireId`); two nodes may not share one. */
export class WireNodes {
  private readonly nodeOfWire = new Map<string, NodeId>();

  constructor(layout: Layout) {
    for (const node of layout.nodes) {
      const id = wireId(node.id);
      const other = this.nodeOfWire.get(id);
      if (other !== undefined) throw new RangeError(`nodes ${other} and ${node.id} have one wire id ${id}`);
      this.nodeOfWire.set(id, node.id);
    }
  }

  /** The layout node of a wire id, or undefined when the layout has none. */
  nodeOf(wire: string): NodeId | undefined {
    return this.nodeOfWire.get(wire);
  }
}

/** A released node of an order (or of a state's nodeStates) on the kit's released route: its sequenceId is its place. */
export function routeNode(n: { readonly nodeId: string; readonly sequenceId: number }): RouteNode {
  return { nodeId: n.nodeId, seq: n.sequenceId };
}
