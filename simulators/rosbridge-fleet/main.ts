/**
 * Rosbridge fleet simulator CLI: `npx tsx simulators/rosbridge-fleet/main.ts`. Configuration: see
 * `fleet-config.ts` (`ROSBRIDGE_PORT`, `ROBOTS`, `SPEED`, `SPEEDUP`, `ADMIN_PORT`, …); `LOG_LEVEL`
 * (default info; the bridge's per-subscription lines are debug). SIGTERM and SIGINT stop it.
 */
import { pino } from 'pino';
import { startAdminServer, type AdminServer } from './admin-http.ts';
import { fleetConfigFromEnv } from './fleet-config.ts';
import { RosbridgeFleet } from './rosbridge-fleet.ts';

const log = pino({ level: process.env.LOG_LEVEL ?? 'info' });

async function main(): Promise<void> {
  const config = fleetConfigFromEnv(process.env);
  const fleet = await RosbridgeFleet.start({
    ...config.fleet,
    log: (level, message) => {
      // The real server logs every (un)subscription at info; here they would drown the rest.
      if (level === 'info' && /Subscribed to|Unsubscribed from/.test(message)) log.debug(message);
      else log[level](message);
    },
  });
  let admin: AdminServer | undefined;
  if (config.adminPort !== undefined)
    admin = await startAdminServer(fleet, config.fleet.host ?? '127.0.0.1', config.adminPort);
  for (const robot of fleet.robots) {
    const s = robot.snapshot();
    log.info({ namespace: s.namespace || '/', profile: s.profile, pose: s.pose }, `robot ${s.name}`);
  }
  log.info({ url: fleet.url, admin: admin?.url }, 'rosbridge fleet ready');
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      if (stopping) return;
      stopping = true;
      Promise.all([fleet.close(), admin?.close()]).then(
        () => process.exit(0),
        (err: unknown) => {
          log.error({ err }, 'rosbridge fleet: stop failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err: unknown) => {
  console.error('rosbridge fleet:', err instanceof Error ? err.message : err);
  process.exit(2);
});
