import type { Layout, StationRole } from './layout.ts';
import type { RobotSpec } from './robot.ts';

/**
 * The site file that sits beside a LIF layout (`SITE=plant.site.json`): the plant roles and zones LIF
 * cannot express, and the fleet. Format and rules: README, "The site file".
 */
export interface SiteStationRule {
  /** A station id, or a pattern where `*` matches any run of characters (`B-*`). */
  readonly match: string;
  readonly role: StationRole;
  readonly zone?: string;
}

export interface Site {
  readonly name: string;
  readonly stations: readonly SiteStationRule[];
  readonly fleet: readonly RobotSpec[];
}

/** A plant ready to run: the layout with roles applied, and its fleet. */
export interface Plant {
  readonly layout: Layout;
  readonly fleet: readonly RobotSpec[];
}
