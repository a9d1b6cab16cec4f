/**
 * Generates the demo plant: `demo-plant.lif.json` (LIF 1.0.0) and `demo-plant.site.json`.
 * Run `npx tsx layouts/make-demo-plant.ts` after changing this file, and commit all three.
 *
 * The plant, map frame (metres, x right, y up), 46 m x 28 m, laid out for short trips (the demo runs
 * ~25 orders in 2 minutes with 8 robots at 2 m/s):
 * - a two-lane loop road, as AMR plants are laid out (one lane per direction, so robots never meet head
 *   on): the outer lane through (3,3) (45,3) (45,27) (3,27) runs counter-clockwise, an inner lane 1.5 m
 *   inside runs clockwise, nodes every 3 m, with a lane change (two-way) at every position;
 * - storage right under the top road: 6 two-way through-aisles at x = 9, 15, ..., 39 from the inner lane
 *   at the top down to the inner lane at the bottom; bins `B-aa-pp` are dead-end spurs 1.5 m either side
 *   of the aisle nodes at y = 23.5, 21.5, ..., 15.5 (odd positions left, even right, numbered from the
 *   top), 60 in all;
 * - 2 m spurs off the outer lane: empty buffer, lines, quarantine and 4 parking spots on top (the busy
 *   side), docks and 4 more parking spots on the right, chargers on the left.
 * One vehicle type, `amr-pallet`; no speed limits in the layout (robots drive their own maximum).
 */
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { format, resolveConfig } from 'prettier';
import type { StationRole } from '../orchestrator/domain/layout.ts';

export const VEHICLE_TYPE = 'amr-pallet';
const MAP_ID = 'demo-plant-ground';
/** The loop road's corners and node spacing, metres. */
const ROAD = { xMin: 3, xMax: 45, yMin: 3, yMax: 27, step: 3 };
/** The inner lane runs this far inside the outer one, metres. */
const LANE_GAP_M = 1.5;
const AISLE_XS = [9, 15, 21, 27, 33, 39] as const;
/** Aisle nodes between the inner lane at the top and at the bottom (1.5 to 3 m apart); bins hang off the first five. */
const AISLE_YS = [23.5, 21.5, 19.5, 17.5, 15.5, 13, 10.5, 8, 6] as const;
const BIN_YS = AISLE_YS.slice(0, 5);
const BIN_OFFSET_M = 1.5;
const SPUR_M = 2;

interface LifAction {
  actionType: string;
  requirementType: 'REQUIRED' | 'CONDITIONAL' | 'OPTIONAL';
  blockingType: 'NONE' | 'SOFT' | 'HARD';
}
interface LifNodeOut {
  nodeId: string;
  mapId: string;
  nodePosition: { x: number; y: number };
  vehicleTypeNodeProperties: { vehicleTypeId: string; actions?: LifAction[] }[];
}
interface LifEdgeOut {
  edgeId: string;
  startNodeId: string;
  endNodeId: string;
  vehicleTypeEdgeProperties: { vehicleTypeId: string; rotationAllowed: boolean }[];
}
interface LifStationOut {
  stationId: string;
  stationName: string;
  interactionNodeIds: string[];
}
export interface DemoPlantLif {
  metaInformation: {
    projectIdentification: string;
    creator: string;
    exportTimestamp: string;
    lifVersion: string;
  };
  layouts: {
    layoutId: string;
    layoutName: string;
    layoutVersion: string;
    layoutLevelId: string;
    layoutDescription: string;
    nodes: LifNodeOut[];
    edges: LifEdgeOut[];
    stations: LifStationOut[];
  }[];
}
export interface DemoPlantSite {
  name: string;
  stations: { match: string; role: StationRole; zone?: string }[];
  fleet: { id: string; vehicleType: string; adapter: 'sim'; homeNode: string; maxSpeedMps: number }[];
}

const pad = (n: number): string => String(n).padStart(2, '0');
const roadId = (x: number, y: number): string => `R-${pad(x)}-${pad(y)}`;
/** Inner-lane and aisle nodes may sit on half metres: ids carry tenths (`I-045-255`). */
const innerId = (x: number, y: number): string =>
  `I-${String(Math.round(x * 10)).padStart(3, '0')}-${String(Math.round(y * 10)).padStart(3, '0')}`;
const stationNodeId = (stationId: string): string => `S-${stationId}`;
const loadActions = (): LifAction[] => [
  { actionType: 'pick', requirementType: 'CONDITIONAL', blockingType: 'HARD' },
  { actionType: 'drop', requirementType: 'CONDITIONAL', blockingType: 'HARD' },
];
const chargeActions = (): LifAction[] => [
  { actionType: 'startCharging', requirementType: 'CONDITIONAL', blockingType: 'HARD' },
  { actionType: 'stopCharging', requirementType: 'CONDITIONAL', blockingType: 'HARD' },
];

/** A station on a spur off the loop road node (x, y), its node at (x + dx, y + dy). */
interface LoopStation {
  id: string;
  name: string;
  x: number;
  y: number;
  dx: number;
  dy: number;
  actions: LifAction[];
}

function loopStations(): LoopStation[] {
  const top = { y: ROAD.yMax, dx: 0, dy: SPUR_M };
  const left = { x: ROAD.xMin, dx: -SPUR_M, dy: 0 };
  const right = { x: ROAD.xMax, dx: SPUR_M, dy: 0 };
  const load = loadActions();
  return [
    { id: 'EMPTY-01', name: 'Empty containers 1', x: 6, ...top, actions: load },
    { id: 'EMPTY-02', name: 'Empty containers 2', x: 9, ...top, actions: load },
    ...[15, 24, 33].flatMap((x, i) => [
      { id: `LINE-${i + 1}-OUT`, name: `Line ${i + 1} output`, x, ...top, actions: load },
      { id: `LINE-${i + 1}-IN`, name: `Line ${i + 1} line-side`, x: x + 3, ...top, actions: load },
    ]),
    { id: 'QA-01', name: 'Quarantine 1', x: 42, ...top, actions: load },
    { id: 'QA-02', name: 'Quarantine 2', x: 45, ...top, actions: load },
    { id: 'DOCK-1', name: 'Dock 1', y: 21, ...right, actions: load },
    { id: 'DOCK-2', name: 'Dock 2', y: 24, ...right, actions: load },
    // Parking close to the work: the free spots on the top side, between the lines, and the right side.
    ...[12, 21, 30, 39].map((x, i) => ({
      id: `PARK-${i + 1}`,
      name: `Parking ${i + 1}`,
      x,
      ...top,
      actions: [],
    })),
    ...[9, 12, 15, 18].map((y, i) => ({
      id: `PARK-${i + 5}`,
      name: `Parking ${i + 5}`,
      y,
      ...right,
      actions: [],
    })),
    ...[1, 2, 3, 4].map((i) => ({
      id: `CHG-${i}`,
      name: `Charger ${i}`,
      y: 6 + 3 * i,
      ...left,
      actions: chargeActions(),
    })),
  ];
}

/** The demo plant as a LIF 1.0.0 document; deterministic (fixed export timestamp). */
export function buildDemoPlantLif(): DemoPlantLif {
  const nodes: LifNodeOut[] = [];
  const edges: LifEdgeOut[] = [];
  const stations: LifStationOut[] = [];
  const addNode = (nodeId: string, x: number, y: number, actions: LifAction[] = []): void => {
    nodes.push({
      nodeId,
      mapId: MAP_ID,
      nodePosition: { x, y },
      vehicleTypeNodeProperties: [
        { vehicleTypeId: VEHICLE_TYPE, ...(actions.length > 0 ? { actions } : {}) },
      ],
    });
  };
  const addOneWay = (from: string, to: string): void => {
    edges.push({
      edgeId: `${from}>${to}`,
      startNodeId: from,
      endNodeId: to,
      vehicleTypeEdgeProperties: [{ vehicleTypeId: VEHICLE_TYPE, rotationAllowed: true }],
    });
  };
  const addTwoWay = (a: string, b: string): void => {
    addOneWay(a, b);
    addOneWay(b, a);
  };
  const addStation = (
    id: string,
    name: string,
    x: number,
    y: number,
    via: string,
    actions: LifAction[],
  ): void => {
    addNode(stationNodeId(id), x, y, actions);
    addTwoWay(via, stationNodeId(id));
    stations.push({ stationId: id, stationName: name, interactionNodeIds: [stationNodeId(id)] });
  };

  // Loop road, walked counter-clockwise from (3,3).
  const loop: [number, number][] = [];
  for (let x = ROAD.xMin; x < ROAD.xMax; x += ROAD.step) loop.push([x, ROAD.yMin]);
  for (let y = ROAD.yMin; y < ROAD.yMax; y += ROAD.step) loop.push([ROAD.xMax, y]);
  for (let x = ROAD.xMax; x > ROAD.xMin; x -= ROAD.step) loop.push([x, ROAD.yMax]);
  for (let y = ROAD.yMax; y > ROAD.yMin; y -= ROAD.step) loop.push([ROAD.xMin, y]);
  for (const [x, y] of loop) addNode(roadId(x, y), x, y);
  loop.forEach(([x, y], i) => {
    const [nx, ny] = loop[(i + 1) % loop.length]!;
    addOneWay(roadId(x, y), roadId(nx, ny));
  });

  // Inner lane: every outer position moved LANE_GAP_M inwards (corners dropped), driven clockwise, with a
  // two-way lane change to its outer twin.
  const inwards = ([x, y]: [number, number]): [number, number] | undefined => {
    const onX = x === ROAD.xMin || x === ROAD.xMax;
    const onY = y === ROAD.yMin || y === ROAD.yMax;
    if (onX && onY) return undefined;
    if (onY) return [x, y === ROAD.yMin ? y + LANE_GAP_M : y - LANE_GAP_M];
    return [x === ROAD.xMin ? x + LANE_GAP_M : x - LANE_GAP_M, y];
  };
  const inner: [number, number][] = [];
  for (const point of loop) {
    const twin = inwards(point);
    if (!twin) continue;
    inner.push(twin);
    addNode(innerId(...twin), ...twin);
    addTwoWay(roadId(...point), innerId(...twin));
  }
  inner.forEach((point, i) => {
    const next = inner[(i + 1) % inner.length]!;
    addOneWay(innerId(...next), innerId(...point)); // clockwise: against the outer lane
  });

  // Storage aisles with their bins, from the inner lane at the top to the inner lane at the bottom.
  AISLE_XS.forEach((x, a) => {
    let previous = innerId(x, ROAD.yMax - LANE_GAP_M);
    for (const y of AISLE_YS) {
      addNode(innerId(x, y), x, y);
      addTwoWay(previous, innerId(x, y));
      previous = innerId(x, y);
    }
    addTwoWay(previous, innerId(x, ROAD.yMin + LANE_GAP_M));
    BIN_YS.forEach((y, k) => {
      for (const [side, dx] of [
        [1, -BIN_OFFSET_M],
        [2, BIN_OFFSET_M],
      ] as const) {
        const id = `B-${pad(a + 1)}-${pad(2 * k + side)}`;
        addStation(id, `Bin ${id.slice(2)}`, x + dx, y, innerId(x, y), loadActions());
      }
    });
  });

  for (const s of loopStations()) {
    addStation(s.id, s.name, s.x + s.dx, s.y + s.dy, roadId(s.x, s.y), s.actions);
  }

  return {
    metaInformation: {
      projectIdentification: 'Fleetbridge demo plant',
      creator: 'Fleetbridge layouts/make-demo-plant.ts',
      exportTimestamp: '2025-01-01T00:00:00.00Z',
      lifVersion: '1.0.0',
    },
    layouts: [
      {
        layoutId: 'demo-plant',
        layoutName: 'Demo plant',
        layoutVersion: '1',
        layoutLevelId: '0',
        layoutDescription:
          '3 production lines, 60 storage bins, quarantine, empty buffer, 2 docks, 4 chargers, 8 parking spots',
        nodes,
        edges,
        stations,
      },
    ],
  };
}

/** The site file: plant roles and zones for the LIF stations, and 8 simulated robots parked at PARK-1..8. */
export function buildDemoPlantSite(): DemoPlantSite {
  return {
    name: 'Fleetbridge demo plant',
    stations: [
      { match: 'LINE-*-OUT', role: 'line-output' },
      { match: 'LINE-*-IN', role: 'line-side' },
      { match: 'B-*', role: 'storage-bin', zone: 'STORAGE' },
      { match: 'QA-*', role: 'quarantine', zone: 'QUARANTINE' },
      { match: 'EMPTY-*', role: 'empty-buffer' },
      { match: 'DOCK-*', role: 'dock' },
      { match: 'CHG-*', role: 'charger' },
      { match: 'PARK-*', role: 'park' },
    ],
    fleet: Array.from({ length: 8 }, (_, i) => ({
      id: `AMR-${pad(i + 1)}`,
      vehicleType: VEHICLE_TYPE,
      adapter: 'sim' as const,
      homeNode: stationNodeId(`PARK-${i + 1}`),
      maxSpeedMps: 2,
    })),
  };
}

/**
 * The files as written, formatted by prettier with the repository's settings, so that `npm run format`
 * leaves them as they are. `url` is where they belong (beside this script).
 */
export async function demoPlantFiles(): Promise<{ url: URL; text: string }[]> {
  const files = [
    { name: 'demo-plant.lif.json', content: buildDemoPlantLif() },
    { name: 'demo-plant.site.json', content: buildDemoPlantSite() },
  ];
  return Promise.all(
    files.map(async ({ name, content }) => {
      const url = new URL(name, import.meta.url);
      const filepath = fileURLToPath(url);
      const options = (await resolveConfig(filepath)) ?? {};
      return { url, text: await format(JSON.stringify(content), { ...options, filepath }) };
    }),
  );
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const file of await demoPlantFiles()) {
    await writeFile(file.url, file.text);
    console.log(`wrote ${fileURLToPath(file.url)}`);
  }
}
