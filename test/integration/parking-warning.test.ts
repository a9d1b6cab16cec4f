import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../orchestrator/config.ts';
import { startOrchestrator } from '../../orchestrator/orchestrator.ts';
import { loadPlant, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';

describe('start-up warning for a fleet larger than its parking', () => {
  it('when the demo plant (8 parking spots) runs 12 robots, then the orchestrator logs one warning with both counts and where the others wait', async () => {
    const { prefix, cleanup } = testPrefix('parking-warning');
    const lines: unknown[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => lines.push(JSON.parse(line)) });
    const config = loadConfig(testEnv(prefix, { SIMULATE: 'fleet' }));
    const demo = await loadPlant(config, log);
    const template = demo.fleet[0]!;
    // Four more robots, at home on the bottom road (no station there).
    const extra = ['R-06-03', 'R-12-03', 'R-18-03', 'R-24-03'].map((homeNode, i) => ({
      ...template,
      id: `AMR-${String(9 + i).padStart(2, '0')}`,
      homeNode,
    }));
    const running = await startOrchestrator({
      config,
      plant: { ...demo, fleet: [...demo.fleet, ...extra] },
      log,
    });
    try {
      const warnings = lines.filter(
        (l) => (l as { code?: unknown }).code === 'more-robots-than-parking-spots',
      );
      expect(warnings).toEqual([
        expect.objectContaining({
          level: 40,
          robots: 12,
          parkingSpots: 8,
          waitingNodes: expect.any(Array) as unknown,
          msg: expect.stringMatching(/^12 robots but 8 parking spots: /) as unknown,
        }),
      ]);
      const stations = new Set(demo.layout.stations.flatMap((s) => s.nodeIds));
      const waiting = (warnings[0] as { waitingNodes: string[] }).waitingNodes;
      expect(waiting).toHaveLength(4);
      for (const node of waiting) expect(stations.has(node)).toBe(false);
    } finally {
      await running.stop();
      await cleanup();
    }
  });
});
