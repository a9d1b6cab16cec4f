import type { Redis } from 'ioredis';
import { EngineGateway } from './engine-gateway.ts';
import { EngineHost } from './engine-host.ts';
import { EngineRpcClient, EngineRpcServer } from './engine-rpc.ts';
import { startEngineSession, type EngineSession, type EngineSessionDeps } from './engine-session.ts';
import { FleetView } from './fleet-view.ts';
import { LeaderLease } from './leader-lease.ts';

/** This instance's part in the site's cluster: the engine while it leads, the leader's view while it follows. */
export interface EngineCluster {
  /** The engine as the API and workers see it: local while leading, else over engine-rpc. */
  readonly gateway: EngineGateway;
  /** Robots, blocks, alarms: the local engine's, or the leader's published view. */
  readonly fleetView: FleetView;
  /** The running session, while this instance leads. */
  session(): EngineSession | undefined;
  /** Follows the leader's view and listens for engine answers. */
  listen(): Promise<void>;
  /** Campaigns for the lease; resolves once this instance either runs the engine or follows. */
  campaign(): Promise<void>;
  /** Hands the lease back (a follower takes over at once) and stops listening. */
  stop(): Promise<void>;
}

/**
 * Builds the cluster plumbing of one instance (issue 16): a leader lease, an engine host that runs a
 * session (`engine-session.ts`) while this instance holds it, the engine-rpc server (only while leading: a
 * follower's refusal could otherwise answer first) and client, the fleet view, and the gateway over them.
 */
export function engineCluster(
  deps: Omit<EngineSessionDeps, 'fleetView'> & {
    /** A connection in subscriber mode, shared by every channel of this instance. */
    readonly subscriber: Redis;
    readonly instanceId: string;
  },
): EngineCluster {
  const { redis, subscriber, keys, instanceId, log } = deps;
  const channels = { requests: keys.engineRequests, replies: (id: string) => keys.engineReplies(id) };
  // Closures below reach the lease, fleet view and RPC server built after the host; they run once elected.
  const host = new EngineHost({
    startSession: async () => {
      const session = await startEngineSession({ ...deps, fleetView }, lease);
      await rpcServer.start();
      return {
        ...session,
        async stop() {
          await rpcServer.stop();
          await session.stop();
        },
      };
    },
    log,
    onRole: (role) => {
      deps.metrics.leadership(instanceId, role);
    },
  });
  const fleetView = new FleetView({
    redis,
    subscriber,
    key: keys.fleetView,
    instanceId,
    local: () => host.current()?.runtime,
    log,
  });
  const lease = new LeaderLease({
    redis,
    leaseKey: keys.leaderLease,
    epochKey: keys.leaderEpoch,
    instanceId,
    ttlMs: deps.config.leaderLeaseMs,
    onElected: host.elected,
    onDeposed: host.deposed,
    log,
  });
  const rpc = new EngineRpcClient({ redis, subscriber, channels, instanceId });
  const rpcServer = new EngineRpcServer({
    redis,
    subscriber,
    channels,
    handle: (request) => {
      const session = host.current();
      if (!session) return Promise.reject(new Error('this instance is no longer the engine leader'));
      return session.handle(request);
    },
    log,
  });
  const gateway = new EngineGateway({ local: () => host.current(), rpc, log });
  return {
    gateway,
    fleetView,
    session: () => host.current(),
    async listen() {
      await Promise.all([fleetView.start(), rpc.start()]);
    },
    async campaign() {
      await lease.start();
      await host.settled();
    },
    async stop() {
      await lease.stop();
      await Promise.all([fleetView.stop(), rpc.stop()]);
    },
  };
}
