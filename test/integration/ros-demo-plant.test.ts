/**
 * Issue 15, "done when": the demo plant with ROS robots (`--fleet ros`: robots of the rosbridge simulator,
 * ROS 1 move_base and ROS 2 Nav2 by turns, driven by the rosbridge adapter over a real WebSocket), and a
 * mixed fleet from one site file (in-process sim, VDA 5050 over Mosquitto, rosbridge): orders are
 * confirmed, the WMS books every move once, no two robots ever come closer than half the shortest edge.
 */
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

const MIXED_SITE = fileURLToPath(new URL('../../layouts/demo-plant-mixed.site.json', import.meta.url));
/** Half the demo plant's shortest edge (1.5 m): two robots closer than this have collided. */
const CLOSE_M = 0.75;

interface RobotView {
  readonly id: string;
  readonly adapter: string;
  readonly pose?: { readonly x: number; readonly y: number } | null;
}

/** Runs the plant for `ms` real ms, sampling robots every 200 ms; the closest pair seen and the adapters. */
async function watch(
  plant: TestPlant,
  ms: number,
): Promise<{ closest: number; adapterOf: Map<string, string> }> {
  let closest = Infinity;
  let adapterOf = new Map<string, string>();
  const until = Date.now() + ms;
  while (Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    const robots = (await call(plant.orchestrator.url, 'GET', '/v1/robots', { key: KEYS.supervisor })).body
      .items as RobotView[];
    adapterOf = new Map(robots.map((r) => [r.id, r.adapter]));
    for (let i = 0; i < robots.length; i += 1)
      for (let j = i + 1; j < robots.length; j += 1) {
        const a = robots[i]!.pose;
        const b = robots[j]!.pose;
        if (a && b) closest = Math.min(closest, Math.hypot(a.x - b.x, a.y - b.y));
      }
  }
  return { closest, adapterOf };
}

async function confirmedBy(
  plant: TestPlant,
  adapterOf: Map<string, string>,
): Promise<Record<string, number>> {
  const page = await call(plant.orchestrator.url, 'GET', '/v1/transport-orders?status=confirmed&limit=500', {
    key: KEYS.supervisor,
  });
  const by: Record<string, number> = {};
  for (const o of page.body.items as { robotId?: string }[]) {
    const adapter = adapterOf.get(o.robotId ?? '') ?? '?';
    by[adapter] = (by[adapter] ?? 0) + 1;
  }
  return by;
}

describe('the demo plant with ROS robots', () => {
  let plant: TestPlant | undefined;
  afterEach(async () => {
    await plant?.cleanup();
    plant = undefined;
  });

  it('when the fleet is ROS robots of the rosbridge simulator (--fleet ros), then orders are confirmed, each booked once, with no collision', async () => {
    plant = await startTestPlant('ros-demo', {
      FLEET: 'ros',
      SIMULATE: 'fleet,mes,wms',
      SIM_SPEEDUP: '5',
      MES_RATE_PER_MIN: '60',
    });
    expect(plant.plant.fleet.every((r) => r.adapter === 'rosbridge')).toBe(true);
    const profiles = new Set(plant.plant.fleet.map((r) => r.rosbridge?.profile));
    expect(profiles).toEqual(new Set(['ros1-move-base', 'ros2-nav2']));
    const { closest, adapterOf } = await watch(plant, 45_000);
    const by = await confirmedBy(plant, adapterOf);
    expect(by.rosbridge ?? 0, JSON.stringify(by)).toBeGreaterThanOrEqual(5);
    expect(plant.simulators.wms!.ledger.snapshot().discrepancies).toEqual([]);
    expect(Number.isFinite(closest), 'robots report poses').toBe(true);
    expect(closest).toBeGreaterThanOrEqual(CLOSE_M);
  }, 120_000);

  it('when one site file has sim, VDA 5050 and ROS robots, then robots of every adapter carry orders to confirmed, with no collision', async () => {
    plant = await startTestPlant('mixed-demo', {
      SITE: MIXED_SITE,
      SIMULATE: 'fleet,mes,wms',
      SIM_SPEEDUP: '5',
      MES_RATE_PER_MIN: '60',
    });
    expect(new Set(plant.plant.fleet.map((r) => r.adapter))).toEqual(
      new Set(['sim', 'vda5050', 'rosbridge']),
    );
    const { closest, adapterOf } = await watch(plant, 60_000);
    const by = await confirmedBy(plant, adapterOf);
    for (const adapter of ['sim', 'vda5050', 'rosbridge'])
      expect(by[adapter] ?? 0, `${adapter}: ${JSON.stringify(by)}`).toBeGreaterThanOrEqual(1);
    expect(plant.simulators.wms!.ledger.snapshot().discrepancies).toEqual([]);
    expect(Number.isFinite(closest), 'robots report poses').toBe(true);
    expect(closest).toBeGreaterThanOrEqual(CLOSE_M);
  }, 150_000);
});
