import { fileURLToPath } from 'node:url';
import { SimRobotAdapter } from '../../adapters/sim/sim-robot-adapter.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import { systemClock } from '../../orchestrator/ports/clock.ts';
import { robotAdapterContract } from './robot-adapter-contract.ts';
import { layoutRouteFinder } from './route-finder.ts';

const layoutFile = (name: string): string => fileURLToPath(new URL(`../../layouts/${name}`, import.meta.url));

// The demo plant (8 robots at 2 m/s) at 50x: 100 m/s of plant motion, 1 m per 10 ms tick, a 3 s pick in 60 ms.
robotAdapterContract('SimRobotAdapter on the demo plant', async () => {
  const plant = await loadPlantFiles(layoutFile('demo-plant.lif.json'), layoutFile('demo-plant.site.json'));
  const { layout, fleet } = plant.value;
  const adapter = new SimRobotAdapter({ layout, fleet, clock: systemClock, speedup: 50, tickMs: 10 });
  const routeFor = layoutRouteFinder(adapter, layout, fleet);
  return {
    adapter,
    robotIds: fleet.map((r) => r.id),
    layout,
    routeFor,
    cleanup: () => Promise.resolve(),
    timing: { eventTimeoutMs: 3_000, quietMs: 200 },
  };
});
