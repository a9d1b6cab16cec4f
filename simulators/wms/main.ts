/**
 * WMS simulator CLI: `npx tsx simulators/wms/main.ts`. Configuration: see `wms-config.ts`
 * (`WMS_SIM_PORT`, `WMS_WEBHOOK_SECRET`, `WMS_SIM_BINS`, …); `LOG_LEVEL` (default info).
 */
import { pino } from 'pino';
import { wmsConfigFromEnv } from './wms-config.ts';
import { createWmsSimulator } from './wms-simulator.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });
const config = wmsConfigFromEnv(process.env);
const sim = await createWmsSimulator({ ...config, log });
log.info({ url: sim.url, bins: config.bins.length, ledger: `${sim.url}/ledger` }, 'wms simulator ready');

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    const { discrepancies, redeliveries, moves } = sim.ledger.snapshot();
    log.info(
      { moves: moves.length, discrepancies: discrepancies.length, redeliveries },
      'wms simulator stopping',
    );
    void sim.close();
  });
}
