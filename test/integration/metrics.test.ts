import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, orderReaches, productionCompleted } from '../support/api.ts';
import { KEYS, startTestPlant, type TestPlant } from '../support/plant-harness.ts';

interface Sample {
  readonly name: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly value: number;
}

/** The samples of a Prometheus text exposition (comments left out). */
function parseExposition(text: string): Sample[] {
  return text
    .split('\n')
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
      if (!match) throw new Error(`not an exposition line: ${line}`);
      const labels: Record<string, string> = {};
      for (const [, key, value] of (match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g))
        labels[key!] = value!;
      return { name: match[1]!, labels, value: Number(match[3]) };
    });
}

/** The samples of `name` whose labels include `labels`. */
function find(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): Sample[] {
  return samples.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
}

const sum = (samples: readonly Sample[]): number => samples.reduce((total, s) => total + s.value, 0);

/** `GET /metrics` scraped over real HTTP after one MES event went all the way to `confirmed`. */
describe('GET /metrics, on real Redis and HTTP', () => {
  let plant: TestPlant | undefined;
  let url: string;
  let orderId: string;
  let samples: Sample[];
  beforeAll(async () => {
    plant = await startTestPlant('metrics');
    url = plant.orchestrator.url;
    const accepted = await call(url, 'POST', '/v1/mes/events', {
      key: KEYS.mes,
      body: productionCompleted(),
    });
    expect(accepted.status).toBe(202);
    orderId = accepted.body.id as string;
    await orderReaches(url, orderId, ['confirmed']);
    const res = await fetch(`${url}/metrics`, { headers: { authorization: `Bearer ${KEYS.metrics}` } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    samples = parseExposition(await res.text());
  });
  afterAll(() => plant?.cleanup());

  it('when scraped, then requests are counted by route pattern and status, never by URL', () => {
    const intake = find(samples, 'fleetbridge_http_request_duration_seconds_count', {
      method: 'POST',
      route: '/v1/mes/events',
      status: '202',
    });
    expect(sum(intake)).toBe(1);
    const polls = find(samples, 'fleetbridge_http_request_duration_seconds_count', {
      method: 'GET',
      route: '/v1/transport-orders/:id',
      status: '200',
    });
    expect(sum(polls)).toBeGreaterThanOrEqual(1);
    const routes = new Set(
      find(samples, 'fleetbridge_http_request_duration_seconds_count').map((s) => s.labels.route),
    );
    expect([...routes].filter((r) => r?.includes(orderId))).toEqual([]);
  });

  it('when scraped, then orders by state include the confirmed order and queues report their depths', () => {
    expect(sum(find(samples, 'fleetbridge_orders', { state: 'confirmed' }))).toBeGreaterThanOrEqual(1);
    expect(find(samples, 'fleetbridge_orders').map((s) => s.labels.state)).toContain('received');
    for (const queue of ['intake', 'notify']) {
      const states = find(samples, 'fleetbridge_queue_jobs', { queue }).map((s) => s.labels.state);
      expect(states.sort()).toEqual(['active', 'delayed', 'failed', 'waiting']);
      const oldest = find(samples, 'fleetbridge_queue_oldest_waiting_seconds', { queue });
      expect(oldest).toHaveLength(1);
      expect(oldest[0]!.value).toBeGreaterThanOrEqual(0);
    }
    expect(find(samples, 'fleetbridge_webhook_dead_letters').map((s) => s.value)).toEqual([0]);
    expect(find(samples, 'fleetbridge_metrics_sample_errors_total').every((s) => s.value === 0)).toBe(true);
  });

  it('when scraped, then robots by status sum to the fleet and the engine, leader, webhook and Redis series are there', () => {
    const robots = find(samples, 'fleetbridge_robots', { adapter: 'sim' });
    expect(sum(robots)).toBe(plant!.plant.fleet.length);
    expect(find(samples, 'fleetbridge_traffic_waiting_robots')).toHaveLength(1);
    expect(sum(find(samples, 'fleetbridge_engine_step_duration_seconds_count'))).toBeGreaterThan(0);
    expect(
      sum(find(samples, 'fleetbridge_engine_step_duration_seconds_count', { event: 'tick' })),
    ).toBeGreaterThan(0);
    const leader = find(samples, 'fleetbridge_leader');
    expect(leader.map((s) => s.value)).toEqual([1]);
    expect(leader[0]!.labels.instance_id).toMatch(/.+/);
    expect(find(samples, 'fleetbridge_leader_changes_total').map((s) => s.value)).toEqual([1]);
    expect(
      sum(find(samples, 'fleetbridge_webhook_attempts_total', { outcome: 'delivered', subscriber: 'wms' })),
    ).toBeGreaterThanOrEqual(1);
    const redis = find(samples, 'fleetbridge_redis_errors_total');
    expect(redis.map((s) => s.labels.connection).sort()).toEqual([
      'intake-worker',
      'main',
      'notify-worker',
      'queues',
    ]);
    expect(find(samples, 'process_cpu_user_seconds_total')).toHaveLength(1);
  });

  it('when /metrics is called without a key or with a role other than metrics and admin, then it answers 401 and 403', async () => {
    const none = await call(url, 'GET', '/metrics');
    expect(none.status).toBe(401);
    expect(none.body.type).toBe('/problems/unauthorized');
    for (const role of ['mes', 'wms', 'supervisor', 'integrator'] as const) {
      const refused = await call(url, 'GET', '/metrics', { key: KEYS[role] });
      expect(`${role} ${refused.status}`).toBe(`${role} 403`);
    }
    const admin = await call(url, 'GET', '/metrics', { key: KEYS.admin });
    expect(admin.status).toBe(200);
    expect(admin.body).toContain('fleetbridge_orders{state="confirmed"}');
  });
});
