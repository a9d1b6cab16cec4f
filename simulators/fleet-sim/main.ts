import { parseArgs } from 'node:util';
import { runLifelong, type LifelongKpis } from './run-lifelong.ts';
import { loadLayout } from './load-layout.ts';
import { TRAFFIC_GUIDANCE, type TrafficGuidance } from '../../orchestrator/engine/traffic/guidance.ts';

const USAGE = `usage: npm run sim -- --layout <file.map | plant.lif.json | demo> [--site plant.site.json]
       [--robots 200] [--hours 8] [--tasks lifelong] [--open-orders N] [--seed 1] [--action-ms N]
       [--step-ms 250] [--guidance crisscross|none] [--release-ahead] [--json]
  --open-orders: orders open at once (default one per robot; fewer leave robots idle)
  --guidance: soft one-way lanes for traffic; default crisscross on a .map grid, none on a plant
  --release-ahead: every robot gets its next edge before the end of the current one (as VDA 5050 AGVs do)`;

/**
 * The fleet in virtual time (issue 3): the orchestrator's engine and the simulated robots, hours of plant
 * time in seconds. Prints KPIs as \`name: value\` lines (or one JSON object with --json) and exits 1 on
 * any collision, deadlock or livelock, 2 on bad arguments.
 */
async function main(argv: string[]): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      options: {
        layout: { type: 'string' },
        site: { type: 'string' },
        robots: { type: 'string', default: '50' },
        hours: { type: 'string', default: '1' },
        tasks: { type: 'string', default: 'lifelong' },
        'open-orders': { type: 'string' },
        seed: { type: 'string', default: '1' },
        'action-ms': { type: 'string' },
        'step-ms': { type: 'string', default: '250' },
        guidance: { type: 'string' },
        'release-ahead': { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
      },
      strict: true,
    }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (!args.layout || args.tasks !== 'lifelong') {
    process.stderr.write(`${USAGE}\n(only --tasks lifelong exists today)\n`);
    return 2;
  }
  if (args.guidance !== undefined && !TRAFFIC_GUIDANCE.includes(args.guidance as TrafficGuidance)) {
    process.stderr.write(`--guidance must be one of ${TRAFFIC_GUIDANCE.join(', ')}\n${USAGE}\n`);
    return 2;
  }
  if (args['open-orders'] !== undefined && !Number.isInteger(Number(args['open-orders']))) {
    process.stderr.write(`--open-orders must be a whole number\n${USAGE}\n`);
    return 2;
  }
  const grid = args.layout.endsWith('.map');
  const { layout, template, guidance } = await loadLayout(args.layout, args.site);
  const kpis: LifelongKpis = await runLifelong({
    layout,
    robots: Number(args.robots),
    ...(args['open-orders'] === undefined ? {} : { openOrders: Number(args['open-orders']) }),
    robotTemplate: args['release-ahead'] ? { ...template, releaseAhead: true } : template,
    guidance: (args.guidance as TrafficGuidance | undefined) ?? guidance,
    hours: Number(args.hours),
    seed: Number(args.seed),
    // Moving AI maps are B5's unit-edge, unit-speed world with instant actions; plants pick and drop in 3 s.
    actionMs: args['action-ms'] === undefined ? (grid ? 0 : 3000) : Number(args['action-ms']),
    dueMinutes: 10,
    stepMs: Number(args['step-ms']),
    ...(args.json
      ? {}
      : {
          onProgress: (s: number, done: number) =>
            process.stderr.write(`  ${(s / 3600).toFixed(2)} h simulated, ${done} tasks\r`),
        }),
  });
  if (args.json) process.stdout.write(`${JSON.stringify(kpis)}\n`);
  else
    process.stdout.write(
      `\n${Object.entries(kpis)
        .map(([k, v]) => `${k}: ${String(v)}`)
        .join('\n')}\n`,
    );
  return kpis.collisions > 0 || kpis.deadlocks > 0 || kpis.livelocks > 0 ? 1 : 0;
}

process.exitCode = await main(process.argv.slice(2));
