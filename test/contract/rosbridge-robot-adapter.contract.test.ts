import { fileURLToPath } from 'node:url';
import { afterAll } from 'vitest';
import { layoutToMap, type MapFrame } from '../../adapters/rosbridge/frames.ts';
import {
  RosbridgeRobotAdapter,
  type RosRobotConfig,
} from '../../adapters/rosbridge/rosbridge-robot-adapter.ts';
import type { RosProfile } from '../../adapters/rosbridge/ros-names.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import { RosbridgeFleet } from '../../simulators/rosbridge-fleet/rosbridge-fleet.ts';
import { startRos1Peer, type Ros1Peer } from '../support/ros1-peer.ts';
import { robotAdapterContract } from './robot-adapter-contract.ts';
import { layoutRouteFinder } from './route-finder.ts';

const layoutFile = (name: string): string => fileURLToPath(new URL(`../../layouts/${name}`, import.meta.url));
const plantFiles = (): ReturnType<typeof loadPlantFiles> =>
  loadPlantFiles(layoutFile('demo-plant.lif.json'), layoutFile('demo-plant.site.json'));

/** The robots' map frame on the layout: turned and shifted, so every goal and pose goes through it. */
const MAP_FRAME: MapFrame = { x: 24, y: 15, thetaRad: 0.5 };

// The same statements as the other adapters, over real WebSockets: the rosbridge adapter driving two
// robots of our rosbridge simulator (one bridge, a namespace each) on the demo plant at 10x plant speed.
for (const profile of ['ros1-move-base', 'ros2-nav2'] as const satisfies readonly RosProfile[]) {
  robotAdapterContract(`RosbridgeRobotAdapter with the rosbridge simulator (${profile})`, async () => {
    const plant = await plantFiles();
    const { layout } = plant.value;
    const fleet = plant.value.fleet.slice(0, 2).map((r) => ({ ...r, adapter: 'rosbridge' as const }));
    const sim = await RosbridgeFleet.start({
      robots: fleet.map((r, i) => {
        const home = layout.nodes.find((n) => n.id === r.homeNode)!;
        return {
          name: `amr${i + 1}`,
          profile,
          start: layoutToMap(MAP_FRAME, { x: home.x, y: home.y, thetaRad: 0 }),
          speedMps: r.maxSpeedMps,
        };
      }),
      port: 0,
      speedup: 10,
    });
    const robots: RosRobotConfig[] = fleet.map((r, i) => ({
      robotId: r.id,
      url: sim.url,
      profile,
      namespace: `/amr${i + 1}`,
      mapFrame: MAP_FRAME,
    }));
    const adapter = new RosbridgeRobotAdapter({ layout, robots, goalAcceptTimeoutMs: 2000 });
    const routeFor = layoutRouteFinder(adapter, layout, fleet);
    return {
      adapter,
      robotIds: fleet.map((r) => r.id),
      layout,
      routeFor,
      cleanup: () => sim.close(),
      timing: { eventTimeoutMs: 8_000, quietMs: 300 },
    };
  });
}

// And against the real thing: rosbridge_suite 0.11.17 on ROS 1 with the move_base-style robot. One peer
// for all its statements (a start and stop cost some 3.5 s): the robot started at map (0, 0), which
// `mapFrame` puts on the plant's middle node, and each statement starts from the node where the last one
// left it (the adapter finds the node under the robot).
let peer: Promise<Ros1Peer> | undefined;
afterAll(async () => {
  await (await peer)?.stop();
});

robotAdapterContract('RosbridgeRobotAdapter with the real ROS 1 rosbridge peer', async () => {
  const plant = await plantFiles();
  const { layout } = plant.value;
  const spec = { ...plant.value.fleet[0]!, adapter: 'rosbridge' as const };
  // The node nearest the plant's centre: every node of the plant is then well inside the peer's +-50 m box.
  const centre = layout.nodes.reduce((best, n) =>
    Math.hypot(n.x - 24, n.y - 16) < Math.hypot(best.x - 24, best.y - 16) ? n : best,
  );
  peer ??= startRos1Peer({ speedMps: 3 });
  const running = await peer;
  const adapter = new RosbridgeRobotAdapter({
    layout,
    robots: [
      {
        robotId: spec.id,
        url: running.url,
        profile: 'ros1-move-base',
        mapFrame: { x: centre.x, y: centre.y, thetaRad: 0 },
      },
    ],
  });
  const routeFor = layoutRouteFinder(adapter, layout, [spec]);
  return {
    adapter,
    robotIds: [spec.id],
    layout,
    routeFor,
    cleanup: () => Promise.resolve(),
    timing: { eventTimeoutMs: 15_000, quietMs: 600 },
  };
});
