/**
 * B5 (`specs/performance.md`): fleet throughput in virtual time, lifelong random tasks on the Moving AI
 * warehouse maps, unit edges and speed, instant actions. Our engine (through the virtual-time fleet, the
 * same code the orchestrator runs) beside (a) the interference-free bound and (b) a reference PIBT, all
 * on one task stream and one set of start nodes per seed.
 */
import { runLifelong, type LifelongKpis } from '../../simulators/fleet-sim/run-lifelong.ts';
import type { TrafficGuidance } from '../../orchestrator/engine/traffic/guidance.ts';
import { runInterferenceFree } from './b5/interference-free.ts';
import { runReferencePibt } from './b5/reference-pibt.ts';
import { b5Scenario } from './b5/scenario.ts';
import {
  fmt,
  isMain,
  machineLine,
  markdownTable,
  movingAiLayout,
  movingAiText,
  verdict,
  type BenchOptions,
  type BenchSection,
} from './bench-kit.ts';

export interface B5Options extends BenchOptions {
  /** Simulated hours per run. Default 0.25 (the 8-hour runs are `npm run sim`, in BENCHMARKS.md too). */
  readonly hours?: number;
  readonly robots?: readonly number[];
  readonly maps?: readonly string[];
  readonly seed?: number;
}

interface Row {
  readonly map: string;
  readonly robots: number;
  readonly ours: LifelongKpis;
  /** The same run without lane guidance, for what the lanes are worth. */
  readonly noLanes: LifelongKpis;
  readonly pibtPerHour: number;
  readonly boundPerHour: number;
  readonly pibtCollisions: number;
  /** The reference's longest time without getting closer to a goal, steps (= s). */
  readonly pibtLongestStallS: number;
  readonly pibtStandStills: number;
}

export async function run(options: B5Options = {}): Promise<BenchSection> {
  const hours = options.hours ?? 0.25;
  const seed = options.seed ?? 1;
  const maps = options.maps ?? ['warehouse-10-20-10-2-1', 'warehouse-20-40-10-2-1'];
  const robotCounts = options.robots ?? [50, 200, 500];
  const steps = Math.round(hours * 3600);
  const rows: Row[] = [];
  for (const map of maps) {
    const text = movingAiText(map);
    const layout = movingAiLayout(map);
    for (const robots of robotCounts) {
      const scenario = b5Scenario(text, { seed, robots });
      options.log?.(`B5 ${map} ${robots} robots: engine, crisscross lanes and none`);
      const runOurs = (guidance: TrafficGuidance): Promise<LifelongKpis> =>
        runLifelong({
          layout,
          guidance,
          robots,
          robotTemplate: {
            vehicleType: 'grid',
            adapter: 'sim',
            maxSpeedMps: 1,
            loadTypes: ['pallet'],
            maxPayloadKg: 1000,
          },
          hours,
          seed,
          starts: scenario.starts,
          actionMs: 0,
          dueMinutes: 10,
          stepMs: 250,
        });
      const ours = await runOurs('crisscross');
      const noLanes = await runOurs('none');
      options.log?.(`B5 ${map} ${robots} robots: reference PIBT and bound`);
      const pibt = runReferencePibt({ mapText: text, robots, steps, seed, actionSteps: 0 });
      const bound = runInterferenceFree({ mapText: text, robots, steps, seed, actionSteps: 0 });
      rows.push({
        map,
        robots,
        ours,
        noLanes,
        pibtPerHour: pibt.throughputPerHour,
        boundPerHour: bound.throughputPerHour,
        pibtCollisions: pibt.collisions,
        pibtLongestStallS: pibt.maxStallSteps,
        pibtStandStills: pibt.standStills,
      });
    }
  }

  const at = (robots: number) => rows.filter((r) => r.robots === robots);
  const safe = rows.every((r) => r.ours.collisions === 0 && r.ours.deadlocks === 0 && r.ours.livelocks === 0);
  const boundAt50 = at(50).every((r) => r.ours.tasksPerHour >= 0.9 * r.boundPerHour);
  const pibtAt200 = at(200).every((r) => r.ours.tasksPerHour >= r.pibtPerHour);
  const stepAt500 = at(500).every((r) => r.ours.stepP99Ms <= 50);
  const speedAt200 = at(200).every((r) => r.ours.speedFactor >= 100);
  const table = markdownTable(
    [
      'map',
      'robots',
      'ours tasks/h',
      'ours, no lanes: tasks/h, deadlocks',
      'PIBT tasks/h',
      'bound tasks/h',
      'ours / bound',
      'ours / PIBT',
      'collisions',
      'deadlocks',
      'livelocks',
      'stalls, ours / PIBT',
      'longest stall s, ours / PIBT',
      'step p99 ms',
      'x real time',
    ],
    rows.map((r) => [
      r.map,
      String(r.robots),
      fmt(r.ours.tasksPerHour, 0),
      `${fmt(r.noLanes.tasksPerHour, 0)}, ${r.noLanes.deadlocks}`,
      fmt(r.pibtPerHour, 0),
      fmt(r.boundPerHour, 0),
      fmt(r.ours.tasksPerHour / r.boundPerHour),
      fmt(r.ours.tasksPerHour / r.pibtPerHour),
      String(r.ours.collisions),
      String(r.ours.deadlocks),
      String(r.ours.livelocks),
      `${r.ours.stalls} / ${r.pibtStandStills}`,
      `${fmt(r.ours.longestStallS, 0)} / ${fmt(r.pibtLongestStallS, 0)}`,
      fmt(r.ours.stepP99Ms),
      fmt(r.ours.speedFactor, 0),
    ]),
  );
  const markdown = [
    `${hours} simulated hour(s) per run, seed ${seed}, lifelong random tasks, unit edges and speed, instant pick and drop; ours with crisscross lane guidance (the fleet simulator's default on grid maps, \`engine/traffic/guidance.ts\`), and once more without; ${machineLine()}`,
    '',
    table,
    '',
    `- 0 collisions, 0 deadlocks (robots that wait on each other for 60 s with no progress, as the suite defines it) and 0 livelocks (a robot no closer to its goal for 300 s) in every run: ${verdict(safe)}`,
    '- Stalls (a robot with somewhere to go standing still for 60 s, for any reason) and the longest stall (longest time any robot went without coming closer to its goal) are context, not targets: PIBT lets robots of low priority wait, the reference as well as ours.',
    `- throughput ≥ 0.9 of the interference-free bound at 50 robots: ${verdict(boundAt50)}`,
    `- throughput ≥ reference PIBT at 200 robots: ${verdict(pibtAt200)}`,
    `- engine step p99 ≤ 50 ms at 500 robots: ${verdict(stepAt500)}`,
    `- ≥ 100x faster than real time at 200 robots: ${verdict(speedAt200)}`,
  ].join('\n');
  const figures: Record<string, number> = {};
  for (const r of rows) {
    figures[`${r.map}.${r.robots}.oursPerHour`] = r.ours.tasksPerHour;
    figures[`${r.map}.${r.robots}.pibtPerHour`] = r.pibtPerHour;
    figures[`${r.map}.${r.robots}.boundPerHour`] = r.boundPerHour;
  }
  return {
    id: 'B5',
    title: 'Fleet throughput in virtual time',
    markdown,
    targetsMet: safe && boundAt50 && pibtAt200 && stepAt500 && speedAt200,
    figures,
  };
}

if (isMain(import.meta.url)) {
  const section = await run({ log: (l) => process.stderr.write(`${l}\n`) });
  process.stdout.write(`## ${section.id}: ${section.title}\n\n${section.markdown}\n`);
}
