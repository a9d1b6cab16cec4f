import { readFile } from 'node:fs/promises';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';
import { loadPlantFiles } from '../../orchestrator/layout-import/site.ts';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { RobotSpec } from '../../orchestrator/domain/robot.ts';
import type { TrafficGuidance } from '../../orchestrator/engine/traffic/guidance.ts';

/**
 * The layout and robot template of a fleet-simulator run: a Moving AI `.map` (B5's unit grid), a LIF file
 * with its site file, or `demo` (the demo plant); with the traffic guidance that suits it by default:
 * crisscross lanes on a grid map (dense 1-wide aisles), none on a plant.
 */
export async function loadLayout(
  path: string,
  site: string | undefined,
): Promise<{
  layout: Layout;
  template: Omit<RobotSpec, 'id' | 'homeNode'>;
  guidance: TrafficGuidance;
}> {
  if (path.endsWith('.map')) {
    const layout = importMovingAiMap(await readFile(path, 'utf8'), { name: path.split('/').pop()! }).value;
    return {
      layout,
      guidance: 'crisscross',
      template: {
        vehicleType: 'grid',
        adapter: 'sim',
        maxSpeedMps: 1,
        loadTypes: ['pallet'],
        maxPayloadKg: 1000,
      },
    };
  }
  const lif = path === 'demo' ? new URL('../../layouts/demo-plant.lif.json', import.meta.url).pathname : path;
  const siteFile =
    path === 'demo' ? new URL('../../layouts/demo-plant.site.json', import.meta.url).pathname : site;
  const plant = (await loadPlantFiles(lif, siteFile)).value;
  const first = plant.fleet[0];
  const template = first
    ? {
        vehicleType: first.vehicleType,
        adapter: 'sim' as const,
        maxSpeedMps: first.maxSpeedMps,
        loadTypes: first.loadTypes,
        maxPayloadKg: first.maxPayloadKg,
      }
    : {
        vehicleType: 'amr',
        adapter: 'sim' as const,
        maxSpeedMps: 1,
        loadTypes: ['pallet'],
        maxPayloadKg: 1000,
      };
  return { layout: plant.layout, template, guidance: 'none' };
}
