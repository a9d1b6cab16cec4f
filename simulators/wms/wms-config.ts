import { z } from 'zod';
import type { InitialStock } from './inventory.ts';
import type { WmsSimulatorOptions } from './wms-simulator.ts';

/**
 * The WMS simulator's CLI configuration, read once from the environment:
 * - `WMS_SIM_PORT` (default 8090), `WMS_SIM_HOST` (default 127.0.0.1)
 * - `WMS_WEBHOOK_SECRET`: one `whsec_` secret, or two separated by space/comma during rotation
 * - `WMS_SIM_BINS`: a comma list of bin codes, or a count (default 20) generating `B-01-01`, `B-01-02`, …
 *   ten bins per aisle
 * - `WMS_SIM_STOCK` (optional): comma list of `bin:sku:quantity`; each gets HU id `HU-INIT-<bin>`
 * - `WMS_SIM_QUARANTINE` (optional): comma list of quarantine locations
 */
export type WmsConfig = Omit<WmsSimulatorOptions, 'log' | 'now'> & { readonly port: number };

const list = (raw: string | undefined): string[] =>
  (raw ?? '')
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);

const envSchema = z.object({
  WMS_SIM_PORT: z.coerce.number().int().min(0).max(65535).default(8090),
  WMS_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  WMS_WEBHOOK_SECRET: z.string().startsWith('whsec_'),
  WMS_SIM_BINS: z.string().min(1).default('20'),
  WMS_SIM_STOCK: z.string().optional(),
  WMS_SIM_QUARANTINE: z.string().optional(),
});

/** `count` bin codes, ten per aisle: `B-01-01` … `B-01-10`, `B-02-01`, … */
export function binCodes(count: number): string[] {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return Array.from({ length: count }, (_, i) => `B-${pad(Math.floor(i / 10) + 1)}-${pad((i % 10) + 1)}`);
}

function parseStock(raw: string | undefined): InitialStock[] {
  return list(raw).map((entry) => {
    const [bin, sku, quantity] = entry.split(':');
    const qty = Number(quantity);
    if (!bin || !sku || !Number.isFinite(qty) || qty <= 0) {
      throw new RangeError(`WMS_SIM_STOCK entry "${entry}" is not bin:sku:quantity`);
    }
    return { bin, sku, quantity: qty, handlingUnitId: `HU-INIT-${bin}` };
  });
}

/**
 * Reads and validates the configuration.
 * @throws {ZodError | RangeError} naming the offending variable.
 */
export function wmsConfigFromEnv(env: Readonly<Record<string, string | undefined>>): WmsConfig {
  const e = envSchema.parse(env);
  const bins = /^\d+$/.test(e.WMS_SIM_BINS) ? binCodes(Number(e.WMS_SIM_BINS)) : list(e.WMS_SIM_BINS);
  return {
    port: e.WMS_SIM_PORT,
    host: e.WMS_SIM_HOST,
    webhookSecrets: list(e.WMS_WEBHOOK_SECRET),
    bins,
    initialStock: parseStock(e.WMS_SIM_STOCK),
    quarantine: list(e.WMS_SIM_QUARANTINE),
  };
}
