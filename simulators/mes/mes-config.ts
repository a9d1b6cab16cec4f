import { z } from 'zod';
import type { MesSimulatorOptions } from './mes-simulator.ts';

/**
 * The MES simulator's CLI configuration, read once from the environment:
 * - `FLEETBRIDGE_URL` (default `http://127.0.0.1:8080`), `MES_API_KEY` (required)
 * - `MES_RATE_PER_MIN` (default 6), `MES_SEED` (default 1)
 * - `MES_LINES`: comma list of `output:lineSide` (default `LINE-1-OUT:LINE-1-IN,LINE-2-OUT:LINE-2-IN`)
 * - `MES_SKUS`: comma list (default `SKU-1,SKU-2,SKU-3`)
 * - `MES_MIX`: `production:material[:quality-hold:container-empty]` weights (default `4:4:1:1`)
 */
export type MesConfig = Omit<MesSimulatorOptions, 'log' | 'now' | 'fetch'>;

const csv = (raw: string): string[] =>
  raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const envSchema = z.object({
  FLEETBRIDGE_URL: z.url().default('http://127.0.0.1:8080'),
  MES_API_KEY: z.string().min(1),
  MES_RATE_PER_MIN: z.coerce.number().positive().default(6),
  MES_SEED: z.coerce.number().int().default(1),
  MES_LINES: z.string().default('LINE-1-OUT:LINE-1-IN,LINE-2-OUT:LINE-2-IN'),
  MES_SKUS: z.string().default('SKU-1,SKU-2,SKU-3'),
  MES_MIX: z
    .string()
    .regex(
      /^\d+(\.\d+)?(:\d+(\.\d+)?){1,3}$/,
      'expected production:material[:quality-hold:container-empty], e.g. 4:4:1:1',
    )
    .default('4:4:1:1'),
});

/**
 * Reads and validates the configuration.
 * @throws {ZodError | RangeError} naming the offending variable.
 */
export function mesConfigFromEnv(env: Readonly<Record<string, string | undefined>>): MesConfig {
  const e = envSchema.parse(env);
  const lines = csv(e.MES_LINES).map((entry) => {
    const [output, lineSide, extra] = entry.split(':');
    if (!output || !lineSide || extra !== undefined) {
      throw new RangeError(`MES_LINES entry "${entry}" is not output:lineSide`);
    }
    return { output, lineSide };
  });
  const [production, material, quality, empty] = e.MES_MIX.split(':').map(Number);
  return {
    baseUrl: e.FLEETBRIDGE_URL,
    apiKey: e.MES_API_KEY,
    ratePerMinute: e.MES_RATE_PER_MIN,
    seed: e.MES_SEED,
    lines,
    skus: csv(e.MES_SKUS),
    mix: {
      productionCompleted: production ?? 1,
      materialRequested: material ?? 1,
      qualityHold: quality ?? 0,
      containerEmpty: empty ?? 0,
    },
  };
}
