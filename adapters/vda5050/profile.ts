/**
 * Per-peer compatibility profiles (checklist R5): what differs between conformant AGVs and real ones is
 * configuration, never a code fork. `spec` is VDA 5050 2.0 as written; `vda-5050-lib` is the registry's
 * vda-5050-lib 1.4.0 (spec part B: it re-executes or duplicates stitching-node actions, and reads the
 * 1.1 field name `instantActions`).
 */
export interface PeerProfile {
  /** The `version` header and the schema set messages are validated against. */
  readonly version: '2.0.0' | '2.1.0';
  /** First topic level; `uagv` is the de-facto default. */
  readonly interfaceName: string;
  /** Stitching node of an order update: its actions sent again as first sent (spec), or none (lib). */
  readonly stitchingActions: 'resend' | 'omit';
  /** `actions` (2.0), or also the 1.1 name `instantActions` with the same array (extra fields are legal). */
  readonly instantActionsField: 'actions' | 'actions+instantActions';
  /** QoS of `order` and `instantActions` (T2: 0 unless the peer needs more). */
  readonly qos: 0 | 1;
  /** Action parameter values as JSON numbers (spec) or as strings (peers that only read strings). */
  readonly parameterValues: 'typed' | 'string';
  /** State messages of a major version other than ours are refused; minor and patch may differ (T7). */
  readonly acceptMajor: number;
  /**
   * Parameters a peer wants on an action type that the engine does not decide (station and load types, a
   * vendor's own keys), by VDA 5050 actionType: added to every such action unless already set.
   */
  readonly actionParameters: Readonly<
    Record<string, readonly { key: string; value: string | number | boolean }[]>
  >;
}

export const SPEC_PROFILE: PeerProfile = {
  version: '2.0.0',
  interfaceName: 'uagv',
  stitchingActions: 'resend',
  instantActionsField: 'actions',
  qos: 0,
  parameterValues: 'typed',
  acceptMajor: 2,
  actionParameters: {},
};

export const PROFILES: Readonly<Record<string, PeerProfile>> = {
  spec: SPEC_PROFILE,
  'vda-5050-lib': {
    ...SPEC_PROFILE,
    stitchingActions: 'omit',
    instantActionsField: 'actions+instantActions',
  },
};
