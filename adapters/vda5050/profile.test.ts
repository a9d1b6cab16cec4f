import { describe, expect, it } from 'vitest';
import { PROFILES, resolveProfile } from './profile.ts';

describe('resolveProfile (R5: peer profiles as configuration)', () => {
  it('when a built-in name is given, then that profile is used; nothing means spec', () => {
    expect(resolveProfile('vda-5050-lib')).toBe(PROFILES['vda-5050-lib']);
    expect(resolveProfile()).toBe(PROFILES.spec);
  });

  it('when overrides are given, then they go on top of the profile they extend (spec by default)', () => {
    expect(resolveProfile({ extends: 'vda-5050-lib', qos: 1 })).toEqual({
      ...PROFILES['vda-5050-lib'],
      qos: 1,
    });
    expect(resolveProfile({ interfaceName: 'plant', parameterValues: 'string' })).toEqual({
      ...PROFILES.spec,
      interfaceName: 'plant',
      parameterValues: 'string',
    });
  });

  it.each([
    ['an unknown name', 'acme'],
    ['a misspelt option', { stitchingAction: 'omit' }],
    ['a QoS VDA 5050 does not use', { qos: 2 }],
    ['an interface name with a wildcard', { interfaceName: 'uagv/#' }],
  ])('when the profile has %s, then it is refused', (_what, ref) => {
    expect(() => resolveProfile(ref)).toThrow(RangeError);
  });
});
