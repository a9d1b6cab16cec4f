import { describe, expect, it } from 'vitest';
import { closestName, editDistance } from './closest-name.ts';

describe('closestName', () => {
  const keys = ['id', 'vehicleType', 'adapter', 'homeNode', 'maxSpeedMps', 'loadTypes', 'maxPayloadKg'];

  it.each([
    ['homenode', 'homeNode'],
    ['vehicletype', 'vehicleType'],
    ['maxSpeed', 'maxSpeedMps'],
    ['adaptor', 'adapter'],
    ['loadType', 'loadTypes'],
  ])('when %s is misspelt, then %s is suggested', (name, expected) => {
    expect(closestName(name, keys)).toBe(expected);
  });

  it('when nothing is close, then there is no suggestion', () => {
    expect(closestName('colour', keys)).toBeUndefined();
    expect(closestName('x', [])).toBeUndefined();
  });

  it('when the name is a candidate itself, then it is not suggested', () => {
    expect(closestName('id', ['id'])).toBeUndefined();
  });

  it('when the distance is counted, then insertions, deletions and substitutions cost one each', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('', 'abc')).toBe(3);
    expect(editDistance('same', 'same')).toBe(0);
  });
});
