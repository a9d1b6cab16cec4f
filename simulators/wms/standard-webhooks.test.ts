import { describe, expect, it } from 'vitest';
import { decodeSecret, sign, signWebhook, verify } from './standard-webhooks.ts';

// Test vector published with the Standard Webhooks reference libraries.
const vector = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestampS: 1614265330,
  body: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};
const other = `whsec_${Buffer.from('another key of 32 bytes.........').toString('base64')}`;

function input(headers: ReturnType<typeof signWebhook>, body: string) {
  return {
    id: headers['webhook-id'],
    timestamp: headers['webhook-timestamp'],
    signature: headers['webhook-signature'],
    body,
  };
}

describe('standard webhooks', () => {
  it('when signing the reference vector, then the signature matches the published one', () => {
    expect(sign(vector.secret, vector.id, vector.timestampS, vector.body)).toBe(vector.signature);
  });

  it('when the signature, id and timestamp are intact, then verify accepts', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestampS, vector.body);
    expect(verify([vector.secret], input(headers, vector.body), { nowS: vector.timestampS + 10 })).toEqual({
      ok: true,
    });
  });

  it('when the body is tampered with, then verify rejects', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestampS, vector.body);
    const result = verify([vector.secret], input(headers, '{"test": 2432232315}'), {
      nowS: vector.timestampS,
    });
    expect(result).toEqual({ ok: false, reason: 'no-matching-signature' });
  });

  it('when the timestamp is more than 5 minutes away, then verify rejects either way', () => {
    const headers = signWebhook(vector.secret, vector.id, vector.timestampS, vector.body);
    expect(verify([vector.secret], input(headers, vector.body), { nowS: vector.timestampS + 301 })).toEqual({
      ok: false,
      reason: 'timestamp-too-old',
    });
    expect(verify([vector.secret], input(headers, vector.body), { nowS: vector.timestampS - 301 })).toEqual({
      ok: false,
      reason: 'timestamp-too-new',
    });
  });

  it('when two secrets are active, then a signature by either one, or both, is accepted', () => {
    const at = { nowS: vector.timestampS };
    for (const signers of [[vector.secret], [other], [other, vector.secret]]) {
      const headers = signWebhook(signers, vector.id, vector.timestampS, vector.body);
      expect(verify([vector.secret, other], input(headers, vector.body), at).ok).toBe(true);
    }
    const onlyOther = signWebhook(other, vector.id, vector.timestampS, vector.body);
    expect(verify([vector.secret], input(onlyOther, vector.body), at).ok).toBe(false);
  });

  it('when headers are missing or garbled, then verify rejects without throwing', () => {
    const base = { id: 'm', timestamp: '1', signature: 'v1,abc', body: '' };
    expect(verify([vector.secret], { ...base, id: undefined }, { nowS: 1 }).ok).toBe(false);
    expect(verify([vector.secret], { ...base, timestamp: 'soon' }, { nowS: 1 })).toEqual({
      ok: false,
      reason: 'bad-timestamp',
    });
    expect(verify([vector.secret], { ...base, signature: 'v2,x v1 ,,,' }, { nowS: 1 }).ok).toBe(false);
  });

  it('when a secret lacks the whsec_ prefix, then decoding throws', () => {
    expect(() => decodeSecret('MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw')).toThrow(TypeError);
  });
});
