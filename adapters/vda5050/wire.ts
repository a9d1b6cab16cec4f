/**
 * The VDA 5050 2.x messages as this adapter writes and reads them: only here and in the adapter (protocol
 * types stay in adapters). Inbound messages are checked against the official schema first, then read
 * through these types; fields we do not use are left out.
 */

export interface Header {
  readonly headerId: number;
  readonly timestamp: string;
  readonly version: string;
  readonly manufacturer: string;
  readonly serialNumber: string;
}

export type BlockingType = 'NONE' | 'SOFT' | 'HARD';

export interface ActionParameter {
  readonly key: string;
  readonly value: string | number | boolean;
}

export interface VdaAction {
  readonly actionId: string;
  readonly actionType: string;
  readonly blockingType: BlockingType;
  readonly actionParameters?: readonly ActionParameter[];
}

export interface VdaNode {
  readonly nodeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly nodePosition?: {
    readonly x: number;
    readonly y: number;
    readonly mapId: string;
    readonly allowedDeviationXY?: number;
  };
  readonly actions: readonly VdaAction[];
}

export interface VdaEdge {
  readonly edgeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly startNodeId: string;
  readonly endNodeId: string;
  readonly maxSpeed?: number;
  readonly length?: number;
  readonly actions: readonly VdaAction[];
}

export interface OrderBody {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly nodes: readonly VdaNode[];
  readonly edges: readonly VdaEdge[];
}

export type ActionStatus = 'WAITING' | 'INITIALIZING' | 'RUNNING' | 'PAUSED' | 'FINISHED' | 'FAILED';

export interface VdaError {
  readonly errorType: string;
  readonly errorLevel: 'WARNING' | 'FATAL';
  readonly errorDescription?: string;
  readonly errorReferences?: readonly { readonly referenceKey: string; readonly referenceValue: string }[];
}

export interface VdaState extends Header {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly lastNodeId: string;
  readonly lastNodeSequenceId: number;
  readonly nodeStates: readonly {
    readonly nodeId: string;
    readonly sequenceId: number;
    readonly released: boolean;
  }[];
  readonly edgeStates: readonly {
    readonly edgeId: string;
    readonly sequenceId: number;
    readonly released: boolean;
  }[];
  readonly agvPosition?: {
    readonly x: number;
    readonly y: number;
    readonly theta: number;
    readonly mapId: string;
  };
  readonly loads?: readonly { readonly loadId?: string; readonly loadType?: string }[];
  readonly driving: boolean;
  readonly paused?: boolean;
  readonly newBaseRequest?: boolean;
  readonly actionStates: readonly {
    readonly actionId: string;
    readonly actionType?: string;
    readonly actionStatus: ActionStatus;
    readonly resultDescription?: string;
  }[];
  readonly batteryState: { readonly batteryCharge: number; readonly charging: boolean };
  readonly operatingMode: 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL' | 'SERVICE' | 'TEACHIN';
  readonly errors: readonly VdaError[];
  /** Required by the schema; optional here so a state that lacks it still reads (S1). */
  readonly safetyState?: { readonly eStop: string; readonly fieldViolation: boolean };
}

export type ConnectionStateWire = 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN';

/** Error types by which an AGV refuses an order or update (spec 1.3, acceptance algorithm). */
export const ORDER_REJECTIONS: ReadonlySet<string> = new Set([
  'validationError',
  'orderError',
  'orderUpdateError',
  'noRouteError',
]);
