/**
 * MES simulator CLI: `npx tsx simulators/mes/main.ts`. Configuration: see `mes-config.ts`
 * (`FLEETBRIDGE_URL`, `MES_API_KEY`, `MES_RATE_PER_MIN`, …); `LOG_LEVEL` (default info).
 */
import { pino } from 'pino';
import { mesConfigFromEnv } from './mes-config.ts';
import { createMesSimulator } from './mes-simulator.ts';

const STATS_EVERY_MS = 30_000;

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const mes = createMesSimulator({ ...mesConfigFromEnv(process.env), log });
mes.start();
// The simulator's own timer is unref'd; this ref'd one keeps the CLI alive and reports progress.
const statsTimer = setInterval(() => {
  log.info({ stats: mes.stats() }, 'mes simulator stats');
}, STATS_EVERY_MS);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    clearInterval(statsTimer);
    void mes.stop();
  });
}
