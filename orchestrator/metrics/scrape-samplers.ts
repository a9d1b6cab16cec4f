import type { RobotRuntime } from '../engine/engine-types.ts';
import { ROBOT_STATUSES } from '../http/public-robot.ts';
import { robotStatus } from '../live/live-view.ts';

/** The job states a queue's depth is reported in. */
export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed'] as const;
export type QueueState = (typeof QUEUE_STATES)[number];

/** What a scrape asks of one queue: a BullMQ `Queue` has both. */
export interface QueueProbe {
  getJobCounts(...types: QueueState[]): Promise<Record<string, number>>;
  /** Waiting jobs, oldest first; `timestamp`: when the job was added, ms since the epoch. */
  getWaiting(start: number, end: number): Promise<readonly { readonly timestamp: number }[]>;
}

export interface QueueSample {
  readonly counts: Readonly<Record<QueueState, number>>;
  /** Seconds since the oldest waiting job was added; 0 when none waits. */
  readonly oldestWaitingS: number;
}

/** Two round trips: the counts, and the oldest waiting job. `nowMs`: the service clock. */
export async function sampleQueue(queue: QueueProbe, nowMs: number): Promise<QueueSample> {
  const [counts, oldest] = await Promise.all([queue.getJobCounts(...QUEUE_STATES), queue.getWaiting(0, 0)]);
  const addedMs = oldest[0]?.timestamp;
  return {
    counts: {
      waiting: counts.waiting ?? 0,
      active: counts.active ?? 0,
      delayed: counts.delayed ?? 0,
      failed: counts.failed ?? 0,
    },
    oldestWaitingS: addedMs === undefined ? 0 : Math.max(0, (nowMs - addedMs) / 1000),
  };
}

export interface RobotSample {
  /** Every status for every adapter that has robots, zeros included: the counts sum to the fleet. */
  readonly byStatus: readonly { readonly status: string; readonly adapter: string; readonly count: number }[];
  /** Robots with somewhere to go that are not moving (status `waiting`): traffic waits. */
  readonly waiting: number;
}

/** Counts robots by their live-feed status (`robotStatus`, as `GET /v1/robots` says it) and adapter. */
export function sampleRobots(robots: readonly RobotRuntime[]): RobotSample {
  const counts = new Map<string, Map<string, number>>();
  let waiting = 0;
  for (const robot of robots) {
    const status = robotStatus(robot);
    if (status === 'waiting') waiting += 1;
    const byStatus = counts.get(robot.spec.adapter) ?? new Map<string, number>();
    byStatus.set(status, (byStatus.get(status) ?? 0) + 1);
    counts.set(robot.spec.adapter, byStatus);
  }
  const byStatus = [...counts].flatMap(([adapter, statuses]) =>
    ROBOT_STATUSES.map((status) => ({ status, adapter, count: statuses.get(status) ?? 0 })),
  );
  return { byStatus, waiting };
}

/** `promise`, or a rejection after `ms` (the promise itself is left to settle). */
export function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      reject(new Error(`no answer within ${ms} ms`));
    }, ms);
    timer.unref();
  });
  return Promise.race([promise, timeout]).finally(() => {
    clearTimeout(timer);
  });
}
