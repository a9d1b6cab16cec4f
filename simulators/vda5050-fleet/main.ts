/**
 * VDA 5050 fleet simulator CLI:
 * `npx tsx simulators/vda5050-fleet/main.ts --broker mqtt://127.0.0.1:1883 --config vehicles.json [--speedup 10]`.
 * The configuration (a `VdaFleetConfig` without `brokerUrl`, or with one that `--broker` overrides) comes
 * from `--config` or, when that is absent, from the env variable `VDA_FLEET_CONFIG` as JSON. SIGTERM and
 * SIGINT stop it gracefully: every vehicle publishes OFFLINE before it disconnects.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { VdaFleetSimulator, type VdaFleetConfig } from './fleet.ts';

const positionSchema = z.object({
  x: z.number(),
  y: z.number(),
  theta: z.number(),
  mapId: z.string().min(1),
  lastNodeId: z.string(),
});

const configSchema = z.object({
  brokerUrl: z.string().optional(),
  interfaceName: z.string().min(1).optional(),
  speedMps: z.number().positive().optional(),
  actionDurationMs: z.number().nonnegative().optional(),
  speedup: z.number().positive().optional(),
  stateIntervalMs: z.number().positive().optional(),
  vehicles: z
    .array(
      z.object({
        manufacturer: z.string().regex(/^[A-Za-z0-9_.:-]+$/),
        serialNumber: z.string().regex(/^[A-Za-z0-9_.:-]+$/),
        initialPosition: positionSchema,
      }),
    )
    .min(1),
});

/** Reads and checks the configuration; exits with a message instead of a stack trace on bad input. */
function loadConfig(argv: readonly string[], env: NodeJS.ProcessEnv): VdaFleetConfig {
  const { values } = parseArgs({
    args: [...argv],
    options: { broker: { type: 'string' }, config: { type: 'string' }, speedup: { type: 'string' } },
  });
  const raw = values.config !== undefined ? readFileSync(values.config, 'utf8') : env.VDA_FLEET_CONFIG;
  if (raw === undefined) throw new Error('give --config <file> or VDA_FLEET_CONFIG');
  const parsed = configSchema.parse(JSON.parse(raw));
  const brokerUrl = values.broker ?? parsed.brokerUrl ?? 'mqtt://127.0.0.1:1883';
  const speedup = values.speedup !== undefined ? Number(values.speedup) : parsed.speedup;
  if (speedup !== undefined && !(speedup > 0)) throw new Error('--speedup must be a positive number');
  return {
    brokerUrl,
    vehicles: parsed.vehicles,
    ...(parsed.interfaceName !== undefined ? { interfaceName: parsed.interfaceName } : {}),
    ...(parsed.speedMps !== undefined ? { speedMps: parsed.speedMps } : {}),
    ...(parsed.actionDurationMs !== undefined ? { actionDurationMs: parsed.actionDurationMs } : {}),
    ...(parsed.stateIntervalMs !== undefined ? { stateIntervalMs: parsed.stateIntervalMs } : {}),
    ...(speedup !== undefined ? { speedup } : {}),
  };
}

async function main(): Promise<void> {
  const config = loadConfig(process.argv.slice(2), process.env);
  const fleet = new VdaFleetSimulator(config);
  await fleet.start();
  console.log(`vda5050 fleet: ${config.vehicles.length} vehicle(s) online at ${config.brokerUrl}`);
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      fleet.stop().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('vda5050 fleet: stop failed', err);
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  console.error('vda5050 fleet:', err instanceof Error ? err.message : err);
  process.exit(1);
});
