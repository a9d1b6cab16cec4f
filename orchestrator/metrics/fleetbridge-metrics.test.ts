import { describe, expect, it } from 'vitest';
import { liveRobot, NOW } from '../live/live-test-fixtures.ts';
import type { RobotRuntime } from '../engine/engine-types.ts';
import { FleetbridgeMetrics, type ScrapeSources } from './fleetbridge-metrics.ts';
import type { QueueProbe } from './scrape-samplers.ts';

/** A queue with fixed counts, whose oldest waiting job was added `ageMs` before NOW. */
function queue(counts: Record<string, number>, ageMs?: number): QueueProbe {
  return {
    getJobCounts: () => Promise.resolve(counts),
    getWaiting: () => Promise.resolve(ageMs === undefined ? [] : [{ timestamp: NOW - ageMs }]),
  };
}

function sources(patch: Partial<ScrapeSources> = {}): ScrapeSources {
  return {
    orderCounts: () => Promise.resolve({ received: 2, confirmed: 5 }),
    queues: {
      intake: queue({ waiting: 3, active: 1, delayed: 0, failed: 0 }, 4_500),
      notify: queue({ waiting: 0, active: 0, delayed: 2, failed: 7 }),
    },
    robots: () => [],
    clock: { now: () => NOW },
    ...patch,
  };
}

/** The sample lines of `name` in exposition text, e.g. `fleetbridge_orders{state="confirmed"} 5`. */
function lines(text: string, name: string): string[] {
  return text.split('\n').filter((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
}

describe('FleetbridgeMetrics', () => {
  it('when scraped, then orders by state and queue depths are sampled from their sources', async () => {
    const text = await new FleetbridgeMetrics({ sources: sources() }).scrape();
    expect(lines(text, 'fleetbridge_orders')).toEqual([
      'fleetbridge_orders{state="received"} 2',
      'fleetbridge_orders{state="confirmed"} 5',
    ]);
    expect(lines(text, 'fleetbridge_queue_jobs')).toEqual([
      'fleetbridge_queue_jobs{queue="intake",state="waiting"} 3',
      'fleetbridge_queue_jobs{queue="intake",state="active"} 1',
      'fleetbridge_queue_jobs{queue="intake",state="delayed"} 0',
      'fleetbridge_queue_jobs{queue="intake",state="failed"} 0',
      'fleetbridge_queue_jobs{queue="notify",state="waiting"} 0',
      'fleetbridge_queue_jobs{queue="notify",state="active"} 0',
      'fleetbridge_queue_jobs{queue="notify",state="delayed"} 2',
      'fleetbridge_queue_jobs{queue="notify",state="failed"} 7',
    ]);
    expect(lines(text, 'fleetbridge_queue_oldest_waiting_seconds')).toEqual([
      'fleetbridge_queue_oldest_waiting_seconds{queue="intake"} 4.5',
      'fleetbridge_queue_oldest_waiting_seconds{queue="notify"} 0',
    ]);
    expect(lines(text, 'fleetbridge_webhook_dead_letters')).toEqual(['fleetbridge_webhook_dead_letters 7']);
  });

  it('when robots are scraped, then every status of each adapter is counted, zeros included, and waits are traffic waits', async () => {
    const robots: RobotRuntime[] = [
      liveRobot('A1'),
      liveRobot('A2', { task: { kind: 'park', goalNodeId: 'B' } }),
      liveRobot('A3', { connection: 'offline' }),
      liveRobot('V1', { spec: { ...liveRobot('V1').spec, adapter: 'vda5050' }, driving: true }),
    ];
    const text = await new FleetbridgeMetrics({ sources: sources({ robots: () => robots }) }).scrape();
    const robotLines = lines(text, 'fleetbridge_robots');
    expect(robotLines).toHaveLength(16);
    expect(robotLines).toContain('fleetbridge_robots{status="idle",adapter="sim"} 1');
    expect(robotLines).toContain('fleetbridge_robots{status="waiting",adapter="sim"} 1');
    expect(robotLines).toContain('fleetbridge_robots{status="offline",adapter="sim"} 1');
    expect(robotLines).toContain('fleetbridge_robots{status="moving",adapter="vda5050"} 1');
    expect(robotLines).toContain('fleetbridge_robots{status="fault",adapter="vda5050"} 0');
    const total = robotLines.reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);
    expect(total).toBe(robots.length);
    expect(lines(text, 'fleetbridge_traffic_waiting_robots')).toEqual([
      'fleetbridge_traffic_waiting_robots 1',
    ]);
  });

  it('when a source fails or does not answer in time, then its series are left out and the failure is counted', async () => {
    const never: QueueProbe = {
      getJobCounts: () => new Promise(() => undefined),
      getWaiting: () => Promise.resolve([]),
    };
    const metrics = new FleetbridgeMetrics({
      sources: sources({
        orderCounts: () => Promise.reject(new Error('redis down')),
        queues: { intake: never, notify: queue({ waiting: 1 }) },
      }),
      sampleTimeoutMs: 20,
    });
    const text = await metrics.scrape();
    expect(lines(text, 'fleetbridge_orders')).toEqual([]);
    expect(lines(text, 'fleetbridge_queue_jobs').filter((l) => l.includes('intake'))).toEqual([]);
    expect(lines(text, 'fleetbridge_queue_jobs')).toContain(
      'fleetbridge_queue_jobs{queue="notify",state="waiting"} 1',
    );
    expect(lines(text, 'fleetbridge_metrics_sample_errors_total')).toEqual([
      'fleetbridge_metrics_sample_errors_total{source="orders"} 1',
      'fleetbridge_metrics_sample_errors_total{source="queue-intake"} 1',
      'fleetbridge_metrics_sample_errors_total{source="queue-notify"} 0',
    ]);
    expect(text).toContain('process_cpu_user_seconds_total');
  });

  it('when requests, steps, webhooks and Redis errors are reported, then they are counted by their labels', async () => {
    const metrics = new FleetbridgeMetrics({ sources: sources() });
    metrics.httpRequest('POST', '/v1/mes/events', 202, 0.004);
    metrics.httpRequest('POST', '/v1/mes/events', 202, 0.03);
    const done = metrics.engineStepStarted('tick');
    done();
    metrics.webhookAttempt('retried', 'wms');
    metrics.webhookAttempt('delivered', 'wms');
    metrics.redisError('queues');
    const text = await metrics.scrape();
    expect(lines(text, 'fleetbridge_http_request_duration_seconds_count')).toEqual([
      'fleetbridge_http_request_duration_seconds_count{method="POST",route="/v1/mes/events",status="202"} 2',
    ]);
    expect(text).toContain(
      'fleetbridge_http_request_duration_seconds_bucket{le="0.005",method="POST",route="/v1/mes/events",status="202"} 1',
    );
    expect(lines(text, 'fleetbridge_engine_step_duration_seconds_count')).toEqual([
      'fleetbridge_engine_step_duration_seconds_count{event="tick"} 1',
    ]);
    expect(lines(text, 'fleetbridge_webhook_attempts_total')).toEqual([
      'fleetbridge_webhook_attempts_total{outcome="retried",subscriber="wms"} 1',
      'fleetbridge_webhook_attempts_total{outcome="delivered",subscriber="wms"} 1',
    ]);
    expect(lines(text, 'fleetbridge_redis_errors_total')).toEqual([
      'fleetbridge_redis_errors_total{connection="main"} 0',
      'fleetbridge_redis_errors_total{connection="queues"} 1',
      'fleetbridge_redis_errors_total{connection="intake-worker"} 0',
      'fleetbridge_redis_errors_total{connection="notify-worker"} 0',
    ]);
  });

  it('when leadership is reported, then the gauge follows it and only becoming the leader counts a change', async () => {
    const metrics = new FleetbridgeMetrics({ sources: sources() });
    expect(lines(await metrics.scrape(), 'fleetbridge_leader_changes_total')).toEqual([
      'fleetbridge_leader_changes_total 0',
    ]);
    metrics.leadership('node-a', 'leader');
    metrics.leadership('node-a', 'leader');
    metrics.leadership('node-a', 'follower');
    metrics.leadership('node-a', 'leader');
    let text = await metrics.scrape();
    expect(lines(text, 'fleetbridge_leader')).toEqual(['fleetbridge_leader{instance_id="node-a"} 1']);
    expect(lines(text, 'fleetbridge_leader_changes_total')).toEqual(['fleetbridge_leader_changes_total 2']);
    metrics.leadership('node-a', 'follower');
    text = await metrics.scrape();
    expect(lines(text, 'fleetbridge_leader')).toEqual(['fleetbridge_leader{instance_id="node-a"} 0']);
  });

  it('when two instances live in one process, then their registries do not mix', async () => {
    const one = new FleetbridgeMetrics({ sources: sources() });
    const two = new FleetbridgeMetrics({ sources: sources() });
    one.redisError('main');
    expect(lines(await two.scrape(), 'fleetbridge_redis_errors_total')).toContain(
      'fleetbridge_redis_errors_total{connection="main"} 0',
    );
    expect(lines(await one.scrape(), 'fleetbridge_redis_errors_total')).toContain(
      'fleetbridge_redis_errors_total{connection="main"} 1',
    );
  });
});
