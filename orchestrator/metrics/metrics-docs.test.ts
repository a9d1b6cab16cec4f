import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FleetbridgeMetrics } from './fleetbridge-metrics.ts';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

/** The families of our own series (`fleetbridge_*`), as the registry exposes them. */
async function families(): Promise<string[]> {
  const metrics = new FleetbridgeMetrics({
    sources: {
      orderCounts: () => Promise.resolve({}),
      queues: {
        intake: { getJobCounts: () => Promise.resolve({}), getWaiting: () => Promise.resolve([]) },
        notify: { getJobCounts: () => Promise.resolve({}), getWaiting: () => Promise.resolve([]) },
      },
      robots: () => [],
      clock: { now: () => 0 },
    },
  });
  const json = await metrics.registry.getMetricsAsJSON();
  return json.map((m) => m.name).filter((name) => name.startsWith('fleetbridge_'));
}

/** A series name as written in a query, without the suffix a histogram's parts carry. */
const family = (series: string): string => series.replace(/_(bucket|count|sum)$/, '');

describe('the series as documented', () => {
  it('when the README is read, then its Metrics section names every series of ours, and no other', async () => {
    const readme = read('README.md');
    const section = /\n## Metrics\n([\s\S]*?)\n## /.exec(readme)?.[1] ?? '';
    const named = new Set([...section.matchAll(/`(fleetbridge_\w+)/g)].map((m) => family(m[1]!)));
    expect([...named].sort()).toEqual((await families()).sort());
  });

  it('when the Grafana dashboard is read, then each panel queries series that exist, and every series has a panel', async () => {
    const dashboard = JSON.parse(read('deploy/grafana/fleetbridge-dashboard.json')) as {
      panels: { type: string; title: string; targets?: { expr: string }[] }[];
    };
    const queried = new Set<string>();
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row')) {
      expect(panel.targets?.length ?? 0, panel.title).toBeGreaterThan(0);
      for (const { expr } of panel.targets ?? [])
        for (const [series] of expr.matchAll(/fleetbridge_\w+/g)) queried.add(family(series));
    }
    expect([...queried].sort()).toEqual((await families()).sort());
  });
});
