import { z } from 'zod';

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

const builtIn = z.string().refine((name) => name in PROFILES, {
  message: `not a built-in profile (${Object.keys(PROFILES).join(', ')})`,
});

const parameter = z.strictObject({
  key: z.string().min(1),
  value: z.union([z.string(), z.number(), z.boolean()]),
});

/**
 * A profile as configuration (R5: explicit, not a code fork): overrides on a built-in profile named by
 * `extends` (default `spec`). Unknown keys are errors, so a misspelt option is never silently ignored.
 */
export const profileConfigSchema = z.strictObject({
  extends: builtIn.optional(),
  version: z.enum(['2.0.0', '2.1.0']).optional(),
  interfaceName: z
    .string()
    .min(1)
    .regex(/^[^/+#$]+$/, 'a topic level without / + # $')
    .optional(),
  stitchingActions: z.enum(['resend', 'omit']).optional(),
  instantActionsField: z.enum(['actions', 'actions+instantActions']).optional(),
  qos: z.union([z.literal(0), z.literal(1)]).optional(),
  parameterValues: z.enum(['typed', 'string']).optional(),
  acceptMajor: z.number().int().positive().optional(),
  actionParameters: z.record(z.string(), z.array(parameter)).optional(),
});

/** A built-in profile's name, or a profile configuration on top of one. */
export const profileRefSchema = z.union([builtIn, profileConfigSchema]);

/**
 * The profile a robot's configuration names.
 * @throws RangeError when it names no built-in profile or its overrides are invalid (config is checked
 *   when the site file is read, so this is a programming error).
 */
export function resolveProfile(ref: unknown = 'spec'): PeerProfile {
  const parsed = profileRefSchema.safeParse(ref);
  if (!parsed.success)
    throw new RangeError(`invalid VDA 5050 profile: ${parsed.error.issues[0]?.message ?? ''}`);
  if (typeof parsed.data === 'string') return PROFILES[parsed.data]!;
  const { extends: base = 'spec', ...overrides } = parsed.data;
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  return { ...PROFILES[base]!, ...defined };
}
