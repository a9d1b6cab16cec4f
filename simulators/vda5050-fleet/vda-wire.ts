/**
 * The VDA 5050 2.0 messages as the AGV simulator reads and writes them, the official-schema validators and
 * the factsheet it announces. The simulator is a wire peer of the master adapter, so it keeps its own small
 * types here instead of importing the adapter's (lint boundary: simulators talk over the wire only).
 */
import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

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
  /** The schema allows array, boolean, number, string or object. */
  readonly value: unknown;
}

export interface VdaAction {
  readonly actionId: string;
  readonly actionType: string;
  readonly blockingType: BlockingType;
  readonly actionDescription?: string;
  readonly actionParameters?: readonly ActionParameter[];
}

export interface NodePosition {
  readonly x: number;
  readonly y: number;
  readonly theta?: number;
  readonly allowedDeviationXY?: number;
  readonly allowedDeviationTheta?: number;
  readonly mapId: string;
  readonly mapDescription?: string;
}

export interface OrderNode {
  readonly nodeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly nodeDescription?: string;
  readonly nodePosition?: NodePosition;
  readonly actions: readonly VdaAction[];
}

export interface OrderEdge {
  readonly edgeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly startNodeId: string;
  readonly endNodeId: string;
  readonly edgeDescription?: string;
  readonly maxSpeed?: number;
  /** Not supported by this simulator (straight lines only): an order carrying one is rejected. */
  readonly trajectory?: unknown;
  readonly actions: readonly VdaAction[];
}

export interface OrderMessage extends Header {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly zoneSetId?: string;
  readonly nodes: readonly OrderNode[];
  readonly edges: readonly OrderEdge[];
}

export interface InstantActionsMessage extends Header {
  readonly actions: readonly VdaAction[];
}

export type ActionStatus = 'WAITING' | 'INITIALIZING' | 'RUNNING' | 'PAUSED' | 'FINISHED' | 'FAILED';

export interface ActionState {
  readonly actionId: string;
  readonly actionType?: string;
  readonly actionDescription?: string;
  readonly actionStatus: ActionStatus;
  readonly resultDescription?: string;
}

export interface ErrorReference {
  readonly referenceKey: string;
  readonly referenceValue: string;
}

export type ErrorLevel = 'WARNING' | 'FATAL';

export interface VdaError {
  readonly errorType: string;
  readonly errorLevel: ErrorLevel;
  readonly errorReferences?: readonly ErrorReference[];
  readonly errorDescription?: string;
}

export type OperatingMode = 'AUTOMATIC' | 'SEMIAUTOMATIC' | 'MANUAL' | 'SERVICE' | 'TEACHIN';

export interface NodeStateMsg {
  readonly nodeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly nodeDescription?: string;
  readonly nodePosition?: NodePosition;
}

export interface EdgeStateMsg {
  readonly edgeId: string;
  readonly sequenceId: number;
  readonly released: boolean;
  readonly edgeDescription?: string;
}

export interface AgvPosition {
  readonly x: number;
  readonly y: number;
  readonly theta: number;
  readonly mapId: string;
  readonly positionInitialized: boolean;
  readonly localizationScore?: number;
}

export interface Load {
  readonly loadId?: string;
  readonly loadType?: string;
  readonly loadPosition?: string;
}

export interface AgvState extends Header {
  readonly orderId: string;
  readonly orderUpdateId: number;
  readonly lastNodeId: string;
  readonly lastNodeSequenceId: number;
  readonly driving: boolean;
  readonly paused: boolean;
  readonly newBaseRequest: boolean;
  readonly operatingMode: OperatingMode;
  readonly nodeStates: readonly NodeStateMsg[];
  readonly edgeStates: readonly EdgeStateMsg[];
  readonly agvPosition: AgvPosition;
  readonly velocity: { readonly vx: number; readonly vy: number; readonly omega: number };
  readonly loads: readonly Load[];
  readonly actionStates: readonly ActionState[];
  readonly batteryState: { readonly batteryCharge: number; readonly charging: boolean };
  readonly errors: readonly VdaError[];
  readonly information: readonly never[];
  readonly safetyState: { readonly eStop: 'NONE'; readonly fieldViolation: boolean };
}

export type ConnectionState = 'ONLINE' | 'OFFLINE' | 'CONNECTIONBROKEN';

/** The topics of one vehicle; `order` and `instantActions` are inbound, the others outbound. */
export type VdaTopic = 'order' | 'instantActions' | 'state' | 'connection' | 'factsheet' | 'visualization';

/** `{interfaceName}/v{major}/{manufacturer}/{serialNumber}/{topic}` (part A 1.1). */
export function vdaTopic(
  interfaceName: string,
  version: string,
  manufacturer: string,
  serialNumber: string,
  topic: VdaTopic,
): string {
  const major = version.split('.')[0] ?? '2';
  return `${interfaceName}/v${major}/${manufacturer}/${serialNumber}/${topic}`;
}

/** ISO 8601 UTC with milliseconds and `Z`, which every VDA version's timestamp pattern accepts. */
export function vdaTimestamp(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The five header fields; `headerId` comes from the per-topic counter of the sender. */
export function vdaHeader(
  headerId: number,
  epochMs: number,
  version: string,
  manufacturer: string,
  serialNumber: string,
): Header {
  return { headerId, timestamp: vdaTimestamp(epochMs), version, manufacturer, serialNumber };
}

type SchemaName = 'order' | 'instantActions' | 'state' | 'factsheet' | 'connection' | 'visualization';

/** Compiled validators for the 2.0.0 schemas, built once per process: compiling is the slow part. */
export interface VdaValidators {
  readonly order: ValidateFunction<OrderMessage>;
  readonly instantActions: ValidateFunction<InstantActionsMessage>;
  readonly state: ValidateFunction<AgvState>;
  readonly factsheet: ValidateFunction;
  readonly connection: ValidateFunction;
  readonly visualization: ValidateFunction;
  /** ajv's one-line rendering of the last failure of `validate`. */
  errorsText(validate: ValidateFunction): string;
}

const SCHEMA_DIR = new URL('../../standards/vda5050/2.0.0/', import.meta.url);
let validators: VdaValidators | undefined;

function loadSchema(name: SchemaName): object {
  const parsed: unknown = JSON.parse(readFileSync(new URL(`${name}.schema`, SCHEMA_DIR), 'utf8'));
  if (typeof parsed !== 'object' || parsed === null) throw new Error(`schema ${name} is not an object`);
  return parsed;
}

/** The official VDA 5050 2.0.0 schemas (JSON Schema 2020-12); `strict: false` for their `unit`/`subtopic`. */
export function vdaValidators(): VdaValidators {
  if (validators) return validators;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  validators = {
    order: ajv.compile<OrderMessage>(loadSchema('order')),
    instantActions: ajv.compile<InstantActionsMessage>(loadSchema('instantActions')),
    state: ajv.compile<AgvState>(loadSchema('state')),
    factsheet: ajv.compile(loadSchema('factsheet')),
    connection: ajv.compile(loadSchema('connection')),
    visualization: ajv.compile(loadSchema('visualization')),
    errorsText: (validate) => ajv.errorsText(validate.errors, { dataVar: 'message' }),
  };
  return validators;
}

/** Scope of an action type on this vehicle, as announced in the factsheet's `agvActions`. */
export type ActionScope = 'INSTANT' | 'NODE' | 'EDGE';

interface ActionSpec {
  readonly scopes: readonly ActionScope[];
  readonly description: string;
  readonly parameters?: readonly { key: string; valueDataType: 'STRING' | 'FLOAT'; isOptional: boolean }[];
}

/** What the simulated vehicle can do; the order check and the factsheet both read this one table. */
export const SUPPORTED_ACTIONS: Readonly<Record<string, ActionSpec>> = {
  pick: {
    scopes: ['NODE'],
    description: 'Pick up a load; adds it to state.loads.',
    parameters: [
      { key: 'loadId', valueDataType: 'STRING', isOptional: true },
      { key: 'loadType', valueDataType: 'STRING', isOptional: true },
      { key: 'stationType', valueDataType: 'STRING', isOptional: true },
      { key: 'stationName', valueDataType: 'STRING', isOptional: true },
    ],
  },
  drop: {
    scopes: ['NODE'],
    description: 'Drop the load; removes it from state.loads.',
    parameters: [
      { key: 'loadId', valueDataType: 'STRING', isOptional: true },
      { key: 'loadType', valueDataType: 'STRING', isOptional: true },
      { key: 'stationType', valueDataType: 'STRING', isOptional: true },
      { key: 'stationName', valueDataType: 'STRING', isOptional: true },
    ],
  },
  startCharging: { scopes: ['NODE', 'INSTANT'], description: 'Sets batteryState.charging.' },
  stopCharging: { scopes: ['NODE', 'INSTANT'], description: 'Clears batteryState.charging.' },
  initPosition: {
    scopes: ['INSTANT'],
    description: 'Sets agvPosition and lastNodeId.',
    parameters: [
      { key: 'x', valueDataType: 'FLOAT', isOptional: false },
      { key: 'y', valueDataType: 'FLOAT', isOptional: false },
      { key: 'theta', valueDataType: 'FLOAT', isOptional: false },
      { key: 'mapId', valueDataType: 'STRING', isOptional: false },
      { key: 'lastNodeId', valueDataType: 'STRING', isOptional: false },
    ],
  },
  startPause: { scopes: ['INSTANT'], description: 'Stops driving and pauses actions.' },
  stopPause: { scopes: ['INSTANT'], description: 'Resumes driving and actions.' },
  cancelOrder: { scopes: ['INSTANT'], description: 'Stops at the next node and clears the order.' },
  stateRequest: { scopes: ['INSTANT'], description: 'Publishes a state.' },
  factsheetRequest: { scopes: ['INSTANT'], description: 'Publishes the factsheet.' },
};

export function supportsAction(actionType: string, scope: ActionScope): boolean {
  return (
    Object.hasOwn(SUPPORTED_ACTIONS, actionType) && SUPPORTED_ACTIONS[actionType]!.scopes.includes(scope)
  );
}

export interface FactsheetInput {
  readonly speedMps: number;
  readonly stateIntervalMs: number;
  readonly visualizationIntervalMs: number;
}

/**
 * The factsheet body (without header). Optional order fields not listed under `optionalParameters` are
 * unsupported (part A 1.9); this vehicle uses node positions (REQUIRED: it drives straight lines between
 * them), theta, allowedDeviationXY and edge maxSpeed, and no trajectories.
 */
export function factsheetBody(input: FactsheetInput): Record<string, unknown> {
  return {
    typeSpecification: {
      seriesName: 'FleetbridgeSimAGV',
      seriesDescription: 'Spec-strict VDA 5050 2.0 AGV simulator (straight lines between node positions)',
      agvKinematic: 'DIFF',
      agvClass: 'CARRIER',
      maxLoadMass: 500,
      localizationTypes: ['NATURAL'],
      navigationTypes: ['AUTONOMOUS'],
    },
    physicalParameters: {
      speedMin: 0.01,
      speedMax: input.speedMps,
      accelerationMax: 1,
      decelerationMax: 1,
      heightMin: 0.3,
      heightMax: 0.4,
      width: 0.6,
      length: 1,
    },
    protocolLimits: {
      maxStringLens: {},
      maxArrayLens: { 'state.loads': 1 },
      timing: {
        minOrderInterval: 0,
        minStateInterval: 0,
        defaultStateInterval: input.stateIntervalMs / 1000,
        visualizationInterval: input.visualizationIntervalMs / 1000,
      },
    },
    protocolFeatures: {
      optionalParameters: [
        { parameter: 'order.nodes.nodePosition', support: 'REQUIRED' },
        { parameter: 'order.nodes.nodePosition.theta', support: 'SUPPORTED' },
        { parameter: 'order.nodes.nodePosition.allowedDeviationXY', support: 'SUPPORTED' },
        { parameter: 'order.edges.maxSpeed', support: 'SUPPORTED' },
      ],
      agvActions: Object.entries(SUPPORTED_ACTIONS).map(([actionType, spec]) => ({
        actionType,
        actionDescription: spec.description,
        actionScopes: spec.scopes,
        ...(spec.parameters ? { actionParameters: spec.parameters } : {}),
      })),
    },
    agvGeometry: {
      envelopes2d: [
        {
          set: 'default',
          polygonPoints: [
            { x: 0.5, y: 0.3 },
            { x: -0.5, y: 0.3 },
            { x: -0.5, y: -0.3 },
            { x: 0.5, y: -0.3 },
          ],
        },
      ],
    },
    loadSpecification: {
      loadPositions: ['default'],
      loadSets: [{ setName: 'DEFAULT', loadType: 'EPAL', maxWeight: 500 }],
    },
  };
}
