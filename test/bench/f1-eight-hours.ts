/**
 * F1 (issue 3, "done when"): the fleet simulator for 8 simulated hours with 50, 200 and 500 robots on
 * both Moving AI warehouse maps, and with 8 and 50 robots on the demo plant: 0 collisions, 0 deadlocks, 0
 * livelocks. The same runs as `npm run sim -- --layout <map> --robots N --hours 8 --seed 1`, one after
 * the other in this process (about an hour and a half on 2 cores). Run alone:
 * `npx tsx test/bench/f1-eight-hours.ts`.
 */
import { loadLayout } from '../../simulators/fleet-sim/load-layout.ts';
import { runLifelong, type LifelongKpis } from '../../simulators/fleet-sim/run-lifelong.ts';
import {
  fmt,
  isMain,
  machineLine,
  markdownTable,
  printSection,
  verdict,
  type BenchOptions,
  type BenchSection,
} from './bench-kit.ts';

export interface F1Options extends BenchOptions {
  /** Simulated hours per run; default 8. */
  readonly hours?: number;
  readonly seed?: number;
  /** Fleet sizes on the warehouse maps; default 50, 200, 500. */
  readonly robots?: readonly number[];
}

const MAPS = ['warehouse-10-20-10-2-1', 'warehouse-20-40-10-2-1'];
const FIXTURES = new URL('../../orchestrator/layout-import/fixtures/mapf/', import.meta.url);

export async function run(options: F1Options = {}): Promise<BenchSection> {
  const hours = options.hours ?? 8;
  const seed = options.seed ?? 1;
  const runs: { layout: string; path: string; robots: number; actionMs: number }[] = [
    { layout: 'demo plant', path: 'demo', robots: 8, actionMs: 3000 },
    // 50 robots on the demo plant's 222 nodes; 200 would cover 90 % of them, and 500 do not fit.
    { layout: 'demo plant', path: 'demo', robots: 50, actionMs: 3000 },
  ];
  for (const robots of options.robots ?? [50, 200, 500])
    for (const map of MAPS)
      runs.push({ layout: map, path: new URL(`${map}.map`, FIXTURES).pathname, robots, actionMs: 0 });

  const rows: { layout: string; kpis: LifelongKpis }[] = [];
  for (const r of runs) {
    options.log?.(`F1 ${r.layout}, ${r.robots} robots, ${hours} h`);
    const { layout, template, guidance } = await loadLayout(r.path, undefined);
    const kpis = await runLifelong({
      layout,
      guidance,
      robots: r.robots,
      robotTemplate: template,
      hours,
      seed,
      actionMs: r.actionMs,
      dueMinutes: 10,
      stepMs: 250,
    });
    rows.push({ layout: r.layout, kpis });
  }
  const clean = (k: LifelongKpis): boolean => k.collisions === 0 && k.deadlocks === 0 && k.livelocks === 0;
  const table = markdownTable(
    [
      'layout',
      'robots',
      'lanes',
      'tasks/h',
      'mean task s',
      'on time %',
      'collisions',
      'deadlocks',
      'livelocks',
      'stalls',
      'longest stall s',
      'min battery %',
      'step p99 ms',
      'x real time',
    ],
    rows.map(({ layout, kpis: k }) => [
      layout,
      String(k.robots),
      k.guidance,
      fmt(k.tasksPerHour, 0),
      fmt(k.meanTaskS, 0),
      fmt(k.onTimePct, 0),
      String(k.collisions),
      String(k.deadlocks),
      String(k.livelocks),
      String(k.stalls),
      fmt(k.longestStallS, 0),
      fmt(k.minBatteryPct, 0),
      fmt(k.stepP99Ms),
      fmt(k.speedFactor, 0),
    ]),
  );
  const failing = rows.filter((r) => !clean(r.kpis)).map((r) => `${r.layout} with ${r.kpis.robots}`);
  const markdown = [
    `${hours} simulated hours per run, seed ${seed}, lifelong random tasks (\`npm run sim\`); warehouse maps: unit edges and speed, instant pick and drop; demo plant: its own robots, 3 s pick and drop, chargers; lanes: the traffic guidance the simulator uses by default (crisscross on grid maps, none on a plant); ${machineLine()}`,
    '',
    table,
    '',
    `- 0 collisions, 0 deadlocks and 0 livelocks in every run: ${verdict(failing.length === 0)}${failing.length ? ` (not in: ${failing.join('; ')})` : ''}`,
    "- A deadlock is a set of robots that wait on each other for 60 s with no progress (the suite's definition: every node that would bring each of them closer to its goal is held by another of them); a livelock is a robot that comes no closer to its goal for 300 s; a stall (context, not a bar) is a robot with somewhere to go standing still for 60 s for any reason. The warehouse maps have no chargers (battery is not modelled there).",
  ].join('\n');
  const figures: Record<string, number> = {};
  for (const { layout, kpis } of rows) {
    figures[`${layout}.${kpis.robots}.tasksPerHour`] = kpis.tasksPerHour;
    figures[`${layout}.${kpis.robots}.deadlocks`] = kpis.deadlocks;
    figures[`${layout}.${kpis.robots}.stalls`] = kpis.stalls;
  }
  return {
    id: 'F1',
    title: 'Eight simulated hours, 50 / 200 / 500 robots (issue 3)',
    markdown,
    targetsMet: failing.length === 0,
    figures,
  };
}

if (isMain(import.meta.url)) await printSection(run);
