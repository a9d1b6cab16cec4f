/**
 * Issue 16: several instances of one process, the engine on the lease holder only. On real Redis and real
 * processes: a follower takes over from a leader killed with kill -9, and its live feed shows the robots
 * moving again; every accepted order ends confirmed exactly once; a deposed leader's late writes are
 * refused by the fencing token.
 */
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FleetView } from '../../orchestrator/cluster/fleet-view.ts';
import { FencedOutError, LeaderLease, type Leadership } from '../../orchestrator/cluster/leader-lease.ts';
import { loadConfig } from '../../orchestrator/config.ts';
import type { LiveDelta, LiveRobot, LiveSnapshot } from '../../orchestrator/http/live-contract.ts';
import { connectLive } from '../../orchestrator/live/live-test-client.ts';
import { loadPlant } from '../../orchestrator/main.ts';
import { newOrder } from '../../orchestrator/services/order-factory.ts';
import type { EngineRuntime } from '../../orchestrator/services/engine-runtime.ts';
import { OrderStore } from '../../orchestrator/store/order-store.ts';
import { RedisKeys } from '../../orchestrator/store/redis-keys.ts';
import { RobotHoldStore } from '../../orchestrator/store/robot-hold-store.ts';
import { RedisSimSnapshotStore } from '../../orchestrator/store/sim-snapshot-store.ts';
import { createWmsSimulator, type WmsSimulator } from '../../simulators/wms/wms-simulator.ts';
import { call, productionCompleted } from '../support/api.ts';
import { startOrchestratorProcess, type OrchestratorProcess } from '../support/orchestrator-process.ts';
import { KEYS, WEBHOOK_SECRET, testEnv } from '../support/plant-harness.ts';
import { REDIS_URL, testPrefix } from '../support/redis-prefix.ts';
import { waitFor } from '../support/wait-for.ts';

const silent = pino({ level: 'silent' });

interface Readiness {
  readonly status: string;
  readonly instance: string;
  readonly engine: 'leader' | 'follower';
  readonly leader?: string;
}

async function readiness(url: string): Promise<Readiness | undefined> {
  try {
    return (await (await fetch(`${url}/readyz`)).json()) as Readiness;
  } catch {
    return undefined;
  }
}

const poseOf = (r: LiveRobot): string => JSON.stringify(r.pose ?? null);

describe('two orchestrator instances on one site', () => {
  const { prefix, cleanup } = testPrefix('cluster');
  let wms: WmsSimulator;
  const running: OrchestratorProcess[] = [];
  let env: Record<string, string>;

  beforeAll(async () => {
    const plant = await loadPlant(loadConfig(testEnv(prefix)), silent);
    const bins = plant.layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
    wms = await createWmsSimulator({ port: 0, webhookSecrets: [WEBHOOK_SECRET], bins });
    env = testEnv(prefix, { SIMULATE: 'fleet', WMS_URL: wms.url, SIM_SPEEDUP: '4' });
  });
  afterAll(async () => {
    for (const p of running) await p.stop().catch(() => undefined);
    await wms.close();
    await cleanup();
  });

  it('when the leader is killed with kill -9, then the follower takes over, its live feed shows robots moving again, and every accepted order ends confirmed once', async () => {
    const first = await startOrchestratorProcess(env);
    running.push(first);
    const second = await startOrchestratorProcess(env);
    running.push(second);
    const a = await readiness(first.url);
    const b = await readiness(second.url);
    expect(a).toMatchObject({ status: 'ready', engine: 'leader', leader: a?.instance });
    expect(b).toMatchObject({ status: 'ready', engine: 'follower' });
    // The follower mirrors the leader's fleet view.
    await waitFor(
      'the follower to name the leader',
      async () => ((await readiness(second.url))?.leader === a?.instance ? true : undefined),
      10_000,
    );

    // Orders posted to the follower: intake runs there, the engine on the leader.
    const ids: string[] = [];
    for (const location of ['LINE-1-OUT', 'LINE-2-OUT', 'LINE-3-OUT', 'LINE-1-OUT', 'LINE-2-OUT']) {
      const r = await call(second.url, 'POST', '/v1/mes/events', {
        key: KEYS.mes,
        body: productionCompleted({ location }),
      });
      expect(r.status).toBe(202);
      ids.push(r.body.id as string);
    }
    const live = connectLive(`${second.url.replace(/^http/, 'ws')}/v1/live`);
    await live.send(JSON.stringify({ type: 'auth', key: KEYS.supervisor }));
    const snapshot = (await live.next()) as LiveSnapshot;
    expect(snapshot.robots).toHaveLength(8);
    await waitFor(
      'a robot on the way with one of the orders',
      async () => {
        const r = await call(second.url, 'GET', `/v1/transport-orders/${ids[0]!}`, { key: KEYS.supervisor });
        return ['to-pickup', 'picking', 'to-dropoff'].includes(r.body.status as string) ? true : undefined;
      },
      20_000,
    );

    await first.kill();
    running.splice(running.indexOf(first), 1);
    await waitFor(
      'the follower to take the engine over',
      async () => ((await readiness(second.url))?.engine === 'leader' ? true : undefined),
      20_000,
    );
    // The live feed of the new leader (the same socket, never reconnected) shows robots moving again.
    const poses = new Map<string, string>();
    let moved: string | undefined;
    const deadline = Date.now() + 20_000;
    while (!moved && Date.now() < deadline) {
      const delta = (await live.next()) as LiveDelta;
      for (const r of delta.robots?.upsert ?? []) {
        const before = poses.get(r.id);
        if (before !== undefined && before !== poseOf(r)) moved = r.id;
        poses.set(r.id, poseOf(r));
      }
    }
    expect(moved, 'a robot moved after the takeover').toBeDefined();
    live.ws.close();

    const statuses = await waitFor(
      'every order confirmed',
      async () => {
        const all = await Promise.all(
          ids.map(async (id) => {
            const r = await call(second.url, 'GET', `/v1/transport-orders/${id}`, { key: KEYS.supervisor });
            return r.body as { status: string; history: { status: string }[] };
          }),
        );
        return all.every((o) => o.status === 'confirmed') ? all : undefined;
      },
      90_000,
    );
    // Once each: one confirmation in every history, one delivery per order in the WMS's book.
    for (const o of statuses) expect(o.history.filter((h) => h.status === 'confirmed')).toHaveLength(1);
    const ledger = wms.ledger.snapshot();
    expect(ledger.discrepancies).toEqual([]);
    for (const id of ids) expect(ledger.moves.filter((m) => m.orderId === id)).toHaveLength(1);
  }, 180_000);
});

describe('the fencing token', () => {
  const { prefix, cleanup } = testPrefix('fence');
  const redis = new Redis(REDIS_URL);
  const keys = new RedisKeys(prefix);
  afterAll(async () => {
    await cleanup();
    redis.disconnect();
  });

  it('when a leader is deposed while it sleeps, then its late order write, fleet view, simulated fleet snapshot and robot hold are refused, and the new leader writes', async () => {
    const elected: Leadership[] = [];
    const lease = (instanceId: string): LeaderLease =>
      new LeaderLease({
        redis,
        leaseKey: keys.leaderLease,
        epochKey: keys.leaderEpoch,
        instanceId,
        ttlMs: 600,
        campaignEveryMs: 50,
        onElected: (l) => {
          elected.push(l);
          return Promise.resolve();
        },
        onDeposed: () => Promise.resolve(),
        log: silent,
      });
    const store = new OrderStore(redis, keys);
    const order = newOrder(
      {
        type: 'fg-putaway',
        sourceSystem: 'MES',
        createdBy: 'mes',
        from: { location: 'LINE-1-OUT' },
        to: { decidedBy: 'wms' },
        load: { handlingUnitId: 'HU-FENCE-1' },
        priority: 0,
        externalRefs: {},
        correlationId: 'corr-fence',
      },
      new Date().toISOString(),
    );
    await store.create(order, { scope: 'mes', key: 'fence-1', fingerprint: 'f' });

    const old = lease('old');
    await old.start();
    const oldFence = old.fence()!;
    expect(oldFence.value).toBe(`old:${elected[0]!.token}`);
    // The old leader stops renewing (a long GC pause, a frozen VM): its lease lapses, another takes it.
    await old.stop().catch(() => undefined);
    await redis.set(keys.leaderLease, oldFence.value, 'PX', 600); // as if still held, then lapsing
    const next = lease('new');
    await next.start();
    await waitFor('the new leader', () => Promise.resolve(next.fence()), 5000);
    const newFence = next.fence()!;
    expect(elected.at(-1)!.token).toBeGreaterThan(elected[0]!.token);

    // The old leader wakes up and writes with the fence it still has in memory: refused, nothing changed.
    const planned = (o: typeof order) => ({ ...o, status: 'planned' as const, version: o.version + 1 });
    await expect(store.update(order.id, planned, oldFence)).rejects.toBeInstanceOf(FencedOutError);
    expect((await store.get(order.id))?.status).toBe('received');
    const view = (instanceId: string) =>
      new FleetView({
        redis,
        subscriber: redis,
        key: keys.fleetView,
        instanceId,
        local: () => undefined,
        log: silent,
        everyMs: 20,
      });
    const fakeRuntime = {
      fleetState: () => ({ robots: {}, blocks: { edges: [], nodes: [] } }),
      recentAlarms: () => [],
      alarms: { version: 1 },
    } as unknown as EngineRuntime;
    const stale = view('old');
    stale.startPublishing(fakeRuntime, () => oldFence);
    await new Promise((r) => setTimeout(r, 200));
    stale.stopPublishing();
    expect(await redis.get(keys.fleetView)).toBeNull();

    // Nor its simulated fleet's snapshot, nor a robot hold.
    const sims = new RedisSimSnapshotStore(redis, keys.simRobots, () => oldFence);
    await expect(sims.save([{ id: 'R1', nodeId: 'N1', batteryPct: 50, loads: [] }])).rejects.toBeInstanceOf(
      FencedOutError,
    );
    expect(await redis.get(keys.simRobots)).toBeNull();
    const holds = new RobotHoldStore(redis, keys);
    await expect(holds.apply('R1', 'pause', oldFence)).rejects.toBeInstanceOf(FencedOutError);
    expect((await holds.load()).paused).toEqual([]);
    await holds.apply('R1', 'pause', newFence);
    expect((await holds.load()).paused).toEqual(['R1']);
    await new RedisSimSnapshotStore(redis, keys.simRobots, () => newFence).save([
      { id: 'R1', nodeId: 'N1', batteryPct: 50, loads: [] },
    ]);
    expect(await redis.get(keys.simRobots)).not.toBeNull();

    // The new leader's writes go through.
    expect((await store.update(order.id, planned, newFence)).status).toBe('planned');
    const current = view('new');
    current.startPublishing(fakeRuntime, () => newFence);
    await waitFor(
      'the new leader’s fleet view',
      async () => (await redis.get(keys.fleetView)) ?? undefined,
      5000,
    );
    current.stopPublishing();
    expect(JSON.parse((await redis.get(keys.fleetView))!)).toMatchObject({ leader: 'new' });
    await next.stop();
  });
});
