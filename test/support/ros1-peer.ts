/**
 * The real ROS 1 rosbridge peer (`../shared/peers/ros1-rosbridge`, installed by its setup-ros1.sh into
 * ROS_PEER_WORK) started for a test on free ports: rosmaster, rosapi, the move_base-style robot and
 * rosbridge_websocket, which run-peer.sh respawns 2 s after it dies. The robot starts at map (0, 0).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface Ros1Peer {
  readonly url: string;
  readonly work: string;
  /** `kill -9` of rosbridge_websocket (the robot and master live on; the bridge comes back in ~2 s). */
  killBridge(): Promise<void>;
  /** What the peer printed so far (run-peer's own lines). */
  output(): string;
  stop(): Promise<void>;
}

const repoRoot = fileURLToPath(new URL('../..', import.meta.url));

export function peerDir(): string {
  return resolve(process.env.ROS_PEER_DIR ?? resolve(repoRoot, '../shared/peers/ros1-rosbridge'));
}

export function peerWork(): string {
  return process.env.ROS_PEER_WORK ?? '/var/tmp/fleetbridge-ros-peer';
}

/** A port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => {
        resolvePort(port);
      });
    });
  });
}

export async function startRos1Peer(
  options: { speedMps?: number; readyTimeoutMs?: number } = {},
): Promise<Ros1Peer> {
  const work = peerWork();
  const ports = await Promise.all([freePort(), freePort(), freePort(), freePort()]);
  if (new Set(ports).size < 4) throw new Error('free ports repeated; try again');
  const [peerPort, masterPort, xmlrpcPort, tcprosPort] = ports;
  const child: ChildProcess = spawn('bash', [`${peerDir()}/run-peer.sh`, work], {
    env: {
      ...process.env,
      PEER_PORT: String(peerPort),
      ROS_MASTER_PORT: String(masterPort),
      ROBOT_XMLRPC_PORT: String(xmlrpcPort),
      ROBOT_TCPROS_PORT: String(tcprosPort),
      ROBOT_SPEED: String(options.speedMps ?? 1),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<void>((done) =>
    child.once('exit', () => {
      done();
    }),
  );
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  };
  const ready = await new Promise<boolean>((done) => {
    const timer = setTimeout(() => {
      done(false);
    }, options.readyTimeoutMs ?? 30_000);
    const check = (): void => {
      if (output.includes('PEER READY')) {
        clearTimeout(timer);
        done(true);
      }
    };
    child.stdout?.on('data', check);
    void exited.then(() => {
      clearTimeout(timer);
      done(output.includes('PEER READY'));
    });
  });
  if (!ready) {
    await stop();
    throw new Error(`the ROS 1 peer did not get ready:\n${output}`);
  }
  return {
    url: `ws://127.0.0.1:${peerPort}`,
    work,
    output: () => output,
    killBridge: async () => {
      const pid = Number((await readFile(`${work}/run/rosbridge.pid`, 'utf8')).trim());
      process.kill(pid, 'SIGKILL');
    },
    stop,
  };
}
