/**
 * The fault API over HTTP, for a simulator running as its own process (`ADMIN_PORT`). JSON in and out;
 * errors are RFC 9457 problem+json. Routes:
 *   GET  /robots, GET /robots/{name}                          snapshots
 *   POST /robots/{name}/abort {text?} | /reject-next | /stale | /fresh | /estop | /release-estop
 *   POST /robots/{name}/battery {fraction} | /pose {x, y, thetaRad?}
 *   POST /server/kill | /server/restart                       drop / restore the rosbridge port
 * Every robot command answers the robot's snapshot after it.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { RosbridgeFleet, SimRobotHandle } from './rosbridge-fleet.ts';

type AdminCommand =
  | { readonly kind: 'list' }
  | { readonly kind: 'show'; readonly robot: string }
  | { readonly kind: 'abort'; readonly robot: string; readonly text?: string | undefined }
  | { readonly kind: 'reject-next' | 'stale' | 'fresh' | 'estop' | 'release-estop'; readonly robot: string }
  | { readonly kind: 'battery'; readonly robot: string; readonly fraction: number }
  | {
      readonly kind: 'pose';
      readonly robot: string;
      readonly x: number;
      readonly y: number;
      readonly thetaRad: number;
    }
  | { readonly kind: 'kill' | 'restart' };

class Problem extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const abortBody = z.object({ text: z.string().min(1).optional() }).strict();
const batteryBody = z.object({ fraction: z.number().min(0).max(1) }).strict();
const poseBody = z.object({ x: z.number(), y: z.number(), thetaRad: z.number().default(0) }).strict();
const SIMPLE = ['reject-next', 'stale', 'fresh', 'estop', 'release-estop'] as const;

function parseBody<T>(schema: z.ZodType<T>, body: unknown): T {
  const parsed = schema.safeParse(body ?? {});
  if (!parsed.success) throw new Problem(400, 'bad-body', z.prettifyError(parsed.error));
  return parsed.data;
}

function route(method: string, path: string, body: unknown): AdminCommand {
  const parts = path.split('/').filter((p) => p.length > 0);
  const [first, name, verb, ...rest] = parts;
  if (rest.length === 0 && first === 'robots') {
    if (method === 'GET' && name === undefined) return { kind: 'list' };
    if (method === 'GET' && name !== undefined && verb === undefined) return { kind: 'show', robot: name };
    if (method === 'POST' && name !== undefined && verb !== undefined) {
      if (verb === 'abort') return { kind: 'abort', robot: name, ...parseBody(abortBody, body) };
      if (verb === 'battery') return { kind: 'battery', robot: name, ...parseBody(batteryBody, body) };
      if (verb === 'pose') return { kind: 'pose', robot: name, ...parseBody(poseBody, body) };
      const simple = SIMPLE.find((s) => s === verb);
      if (simple) return { kind: simple, robot: name };
    }
  }
  if (method === 'POST' && first === 'server' && verb === undefined && rest.length === 0) {
    if (name === 'kill') return { kind: 'kill' };
    if (name === 'restart') return { kind: 'restart' };
  }
  throw new Problem(404, 'no-route', `no route ${method} ${path}`);
}

async function run(fleet: RosbridgeFleet, command: AdminCommand): Promise<unknown> {
  const robot = (name: string) => {
    try {
      return fleet.robot(name);
    } catch {
      throw new Problem(404, 'no-robot', `no robot ${name}`);
    }
  };
  const act = (name: string, change: (r: SimRobotHandle) => void) => {
    const r = robot(name);
    change(r);
    return r.snapshot();
  };
  switch (command.kind) {
    case 'list':
      return fleet.robots.map((r) => r.snapshot());
    case 'show':
      return robot(command.robot).snapshot();
    case 'abort':
      return act(command.robot, (r) => {
        r.abortGoal(command.text);
      });
    case 'reject-next':
      return act(command.robot, (r) => {
        r.rejectNextGoal();
      });
    case 'stale':
      return act(command.robot, (r) => {
        r.stopPublishingPoses();
      });
    case 'fresh':
      return act(command.robot, (r) => {
        r.resumePublishingPoses();
      });
    case 'estop':
      return act(command.robot, (r) => {
        r.eStop();
      });
    case 'release-estop':
      return act(command.robot, (r) => {
        r.releaseEStop();
      });
    case 'battery':
      return act(command.robot, (r) => {
        r.setBattery(command.fraction);
      });
    case 'pose':
      return act(command.robot, (r) => {
        r.setPose({ x: command.x, y: command.y, thetaRad: command.thetaRad });
      });
    case 'kill':
      await fleet.killServer();
      return { url: fleet.url, listening: false };
    case 'restart':
      await fleet.restartServer();
      return { url: fleet.url, listening: true };
  }
}

async function readJson(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString('utf8').trim();
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new Problem(400, 'bad-json', 'the body is not JSON');
  }
}

function answer(res: ServerResponse, status: number, body: unknown, type = 'application/json'): void {
  res.writeHead(status, { 'content-type': type });
  res.end(JSON.stringify(body));
}

export interface AdminServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves the fault API for `fleet` on `host:port` (0 = a free port). */
export async function startAdminServer(
  fleet: RosbridgeFleet,
  host: string,
  port: number,
): Promise<AdminServer> {
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://admin').pathname;
    readJson(req)
      .then((body) => run(fleet, route(req.method ?? 'GET', path, body)))
      .then(
        (result) => {
          answer(res, 200, result);
        },
        (err: unknown) => {
          const problem = err instanceof Problem ? err : new Problem(500, 'internal', String(err));
          answer(
            res,
            problem.status,
            { type: `/problems/${problem.type}`, title: problem.message, status: problem.status },
            'application/problem+json',
          );
        },
      );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const bound = (server.address() as AddressInfo).port;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
