import type { LiveRobotStatus } from '../../../orchestrator/http/live-contract.ts';
import { STATUS_COLOURS } from './robot-view.ts';

/** How a station is drawn, by role group: one colour and shape per group, shared with the legend. */
export interface RoleStyle {
  readonly group: string;
  /** The legend's words. */
  readonly label: string;
  /** 0xRRGGBB. */
  readonly colour: number;
  readonly shape: 'square' | 'circle';
  /** Labels of lower ranks win where labels would overlap (lines and docks before storage bins). */
  readonly labelRank: number;
}

const LINE: RoleStyle = {
  group: 'line',
  label: 'line',
  colour: 0x48c9b0,
  shape: 'square',
  labelRank: 0,
};
const DOCK: RoleStyle = { group: 'dock', label: 'dock', colour: 0xeb984e, shape: 'square', labelRank: 0 };
const QUARANTINE: RoleStyle = {
  group: 'quarantine',
  label: 'quarantine',
  colour: 0xd4ac0d,
  shape: 'square',
  labelRank: 0,
};
const EMPTIES: RoleStyle = {
  group: 'empties',
  label: 'empties',
  colour: 0xaab7b8,
  shape: 'square',
  labelRank: 0,
};
const STORAGE: RoleStyle = {
  group: 'storage',
  label: 'storage',
  colour: 0x5d8aa8,
  shape: 'square',
  labelRank: 2,
};
const CHARGER: RoleStyle = {
  group: 'charger',
  label: 'charger',
  colour: 0xf4d03f,
  shape: 'circle',
  labelRank: 1,
};
const PARK: RoleStyle = { group: 'park', label: 'park', colour: 0xa569bd, shape: 'square', labelRank: 1 };
const OTHER: RoleStyle = {
  group: 'other',
  label: 'load station',
  colour: 0x85c1e9,
  shape: 'square',
  labelRank: 1,
};

const BY_ROLE: Readonly<Record<string, RoleStyle>> = {
  'line-output': LINE,
  'line-side': LINE,
  dock: DOCK,
  quarantine: QUARANTINE,
  'empty-buffer': EMPTIES,
  'storage-bin': STORAGE,
  charger: CHARGER,
  park: PARK,
  'load-station': OTHER,
};

/** The style of a station role (`STATION_ROLES` of the layout); unknown roles as load stations. */
export function roleStyle(role: string): RoleStyle {
  return BY_ROLE[role] ?? OTHER;
}

/** The station groups in the legend's order. */
export const ROLE_LEGEND: readonly RoleStyle[] = [LINE, STORAGE, DOCK, QUARANTINE, EMPTIES, CHARGER, PARK];

/** Robot statuses in the legend's order, with the legend's words. */
export const STATUS_LEGEND: readonly { status: LiveRobotStatus; label: string; colour: number }[] = (
  [
    ['moving', 'moving'],
    ['working', 'pick / drop'],
    ['waiting', 'waiting for traffic'],
    ['idle', 'idle'],
    ['charging', 'charging'],
    ['paused', 'paused'],
    ['fault', 'fault'],
    ['offline', 'offline / out of service'],
  ] as const
).map(([status, label]) => ({ status, label, colour: STATUS_COLOURS[status] }));
