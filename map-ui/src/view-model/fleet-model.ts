import type {
  LiveAlarm,
  LiveBlocks,
  LiveKpis,
  LiveOrder,
  LiveRobot,
  LiveServerMessage,
} from '../../../orchestrator/http/live-contract.ts';

/** What applying one message means for the client. */
export type ApplyOutcome =
  | { readonly kind: 'applied' }
  /** A `seq` gap or a delta before any snapshot: the client must reconnect for a fresh snapshot. */
  | { readonly kind: 'resync-needed'; readonly expectedSeq: number | undefined; readonly gotSeq: number }
  /** The layout changed: fetch `GET /v1/layout` again; a new snapshot follows. */
  | { readonly kind: 'layout-changed'; readonly layoutVersion: string };

/** KPI samples kept for the sparklines (one each 5 s of plant time: 20 minutes). */
export const KPI_HISTORY = 240;

/**
 * The fleet as the live feed last described it. Mutable on purpose: at 5,000 robots and 10 deltas a
 * second, copying the robot map per message costs more than the drawing. `changedRobots` collects the
 * ids touched since the scene last drained it.
 */
export class FleetModel {
  seq: number | undefined = undefined;
  layoutVersion: string | undefined = undefined;
  readonly robots = new Map<string, LiveRobot>();
  readonly orders = new Map<string, LiveOrder>();
  readonly alarms = new Map<number, LiveAlarm>();
  kpis: LiveKpis[] = [];
  blocked: LiveBlocks = { edges: [], nodes: [] };
  /** Robots a delta upserted that no earlier message had announced (drawn anyway). */
  unknownRobotUpserts = 0;
  /** Ids added, changed or removed since the last `drainChanges`. */
  readonly changedRobots = new Set<string>();
  /** Set by every snapshot: the scene rebuilds everything. */
  fullRefresh = true;

  /** Applies one server message; nothing changes when the answer is `resync-needed`. */
  apply(msg: LiveServerMessage): ApplyOutcome {
    if (msg.type === 'snapshot') {
      this.applySnapshot(msg);
      return { kind: 'applied' };
    }
    if (this.seq === undefined || msg.seq !== this.seq + 1) {
      return {
        kind: 'resync-needed',
        expectedSeq: this.seq === undefined ? undefined : this.seq + 1,
        gotSeq: msg.seq,
      };
    }
    this.seq = msg.seq;
    switch (msg.type) {
      case 'layout-changed':
        this.layoutVersion = msg.layoutVersion;
        return { kind: 'layout-changed', layoutVersion: msg.layoutVersion };
      case 'delta':
        for (const robot of msg.robots?.upsert ?? []) {
          if (!this.robots.has(robot.id)) this.unknownRobotUpserts++;
          this.robots.set(robot.id, robot);
          this.changedRobots.add(robot.id);
        }
        for (const id of msg.robots?.remove ?? []) {
          this.robots.delete(id);
          this.changedRobots.add(id);
        }
        for (const order of msg.orders?.upsert ?? []) this.orders.set(order.id, order);
        for (const id of msg.orders?.remove ?? []) this.orders.delete(id);
        for (const alarm of msg.alarms?.upsert ?? []) this.alarms.set(alarm.id, alarm);
        if (msg.kpis) this.kpis = [...this.kpis, msg.kpis].slice(-KPI_HISTORY);
        if (msg.blocked) this.blocked = msg.blocked;
        return { kind: 'applied' };
    }
  }

  /** Forgets the sequence so the next message must be a snapshot (after a reconnect). */
  resetSequence(): void {
    this.seq = undefined;
  }

  /** The ids changed since the last call, and whether a snapshot asks for a full rebuild. */
  drainChanges(): { readonly full: boolean; readonly ids: readonly string[] } {
    const out = { full: this.fullRefresh, ids: [...this.changedRobots] };
    this.changedRobots.clear();
    this.fullRefresh = false;
    return out;
  }

  private applySnapshot(msg: Extract<LiveServerMessage, { type: 'snapshot' }>): void {
    this.seq = msg.seq;
    this.layoutVersion = msg.layoutVersion;
    this.robots.clear();
    for (const r of msg.robots) this.robots.set(r.id, r);
    this.orders.clear();
    for (const o of msg.orders) this.orders.set(o.id, o);
    this.alarms.clear();
    for (const a of msg.alarms) this.alarms.set(a.id, a);
    this.kpis = msg.kpis.slice(-KPI_HISTORY);
    this.blocked = msg.blocked;
    this.changedRobots.clear();
    this.fullRefresh = true;
  }
}
