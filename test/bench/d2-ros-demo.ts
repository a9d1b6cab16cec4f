/**
 * D2, D1 for ROS robots (issue 15): `npm start -- --fleet ros` (FLEET=ros: the demo plant's 8 robots as
 * robots of the rosbridge simulator, ROS 1 move_base and ROS 2 Nav2 by turns, driven by the rosbridge
 * adapter over a real WebSocket), 3 fresh runs, each watched for 2 minutes from the banner: at least 20
 * orders confirmed, 0 ledger discrepancies. Then one run of the mixed fleet (`SITE=layouts/demo-plant-mixed.site.json`:
 * in-process sim, VDA 5050 over Mosquitto and rosbridge robots in one plant), with the closest any two
 * robots came. Real time, real processes, private Redis prefixes. Run alone: `npx tsx test/bench/d2-ros-demo.ts`.
 */
import { fileURLToPath } from 'node:url';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import { fmt, isMain, markdownTable, percentile, printSection, summarize, verdict } from './bench-kit.ts';
import { CLOSE_M, oneRun, type RunResult } from './d1-demo-plant.ts';

const BAR_S = 120;
const BAR_ORDERS = 20;
const MIXED_SITE = fileURLToPath(new URL('../../layouts/demo-plant-mixed.site.json', import.meta.url));

export interface D2Options extends BenchOptions {
  /** Fresh `--fleet ros` runs; default 3. */
  readonly runs?: number;
}

function row(name: string, r: RunResult): string[] {
  const cycle = summarize(r.cycleS);
  return [
    name,
    fmt(r.to20S, 1),
    String(r.confirmedAtBar),
    `${fmt(cycle.mean, 1)} / ${fmt(percentile(r.cycleS, 95), 1)}`,
    String(r.discrepancies),
    Object.entries(r.failures)
      .map(([reason, n]) => `${reason} ${n}`)
      .join(', ') || 'none',
    Number.isFinite(r.closestM) ? fmt(r.closestM, 2) : '-',
    String(r.closeCalls),
    Object.entries(r.confirmedByAdapter)
      .map(([adapter, n]) => `${adapter} ${n}`)
      .join(', '),
  ];
}

export async function run(options: D2Options = {}): Promise<BenchSection> {
  const log = options.log ?? (() => {});
  const ros: RunResult[] = [];
  for (let i = 0; i < (options.runs ?? 3); i += 1) ros.push(await oneRun(log, i, { FLEET: 'ros' }));
  const mixed = await oneRun(log, 0, { SITE: MIXED_SITE });
  const good = (r: RunResult): boolean => r.to20S <= BAR_S && r.discrepancies === 0 && r.closeCalls === 0;
  const rosMet = ros.every(good);
  const mixedMet = good(mixed) && Object.keys(mixed.confirmedByAdapter).length === 3;
  const markdown = `\`npm start -- --fleet ros\`: the demo plant's 8 robots as robots of the rosbridge simulator
(\`simulators/rosbridge-fleet\`, ROS 1 move_base and ROS 2 Nav2 by turns, one namespace each, 2 m/s), driven by
the rosbridge adapter node by node over a WebSocket; pick and drop finish on arrival (the adapter's default
for navigation-only robots), MES simulator at 30 events/min, WMS simulator. ${ros.length} fresh runs, then one
run of the mixed fleet (\`SITE=layouts/demo-plant-mixed.site.json\`: 3 in-process, 2 VDA 5050 over Mosquitto,
3 rosbridge). Real time; the clock starts at the banner. Robots' poses sampled from \`GET /v1/robots\` every
250 ms; two robots closer than ${CLOSE_M} m (half the plant's shortest edge) count as a collision.

${markdownTable(
  [
    'run',
    '20th confirmed after (s)',
    `confirmed at ${BAR_S} s`,
    'received to confirmed, mean / p95 (s)',
    'ledger discrepancies',
    'failed',
    'closest two robots (m)',
    'collisions',
    'confirmed by adapter',
  ],
  [...ros.map((r, i) => row(`ros ${i + 1}`, r)), row('mixed', mixed)],
)}

- \`--fleet ros\`: ${BAR_ORDERS} orders confirmed within ${BAR_S} s, 0 discrepancies, 0 collisions, every run: ${verdict(rosMet)}
- Mixed fleet: the same, with orders carried by all three adapters: ${verdict(mixedMet)}
`;
  return {
    id: 'D2',
    title: 'D1 for ROS robots (--fleet ros) and a mixed fleet (issue 15)',
    markdown,
    targetsMet: rosMet && mixedMet,
    figures: {
      worstTo20S: Math.max(...ros.map((r) => (Number.isNaN(r.to20S) ? Infinity : r.to20S))),
      mixedConfirmed: mixed.confirmedAtBar,
    },
  };
}

if (isMain(import.meta.url)) await printSection(run);
