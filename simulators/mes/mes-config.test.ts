import { describe, expect, it } from 'vitest';
import { mesConfigFromEnv } from './mes-config.ts';

describe('mes simulator config', () => {
  it('when only the key is set, then the defaults apply', () => {
    expect(mesConfigFromEnv({ MES_API_KEY: 'k' })).toEqual({
      baseUrl: 'http://127.0.0.1:8080',
      apiKey: 'k',
      ratePerMinute: 6,
      seed: 1,
      lines: [
        { output: 'LINE-1-OUT', lineSide: 'LINE-1-IN' },
        { output: 'LINE-2-OUT', lineSide: 'LINE-2-IN' },
      ],
      skus: ['SKU-1', 'SKU-2', 'SKU-3'],
      mix: { productionCompleted: 4, materialRequested: 4, qualityHold: 1, containerEmpty: 1 },
    });
  });

  it('when values are given, then they are parsed', () => {
    const config = mesConfigFromEnv({
      MES_API_KEY: 'k',
      FLEETBRIDGE_URL: 'http://10.0.0.5:9000',
      MES_RATE_PER_MIN: '120',
      MES_LINES: 'L3-OUT:L3-IN',
      MES_MIX: '2:1',
    });
    expect(config).toMatchObject({
      baseUrl: 'http://10.0.0.5:9000',
      ratePerMinute: 120,
      lines: [{ output: 'L3-OUT', lineSide: 'L3-IN' }],
      mix: { productionCompleted: 2, materialRequested: 1, qualityHold: 0, containerEmpty: 0 },
    });
    expect(mesConfigFromEnv({ MES_API_KEY: 'k', MES_MIX: '1:1:0.5:2' }).mix).toEqual({
      productionCompleted: 1,
      materialRequested: 1,
      qualityHold: 0.5,
      containerEmpty: 2,
    });
  });

  it('when the key is missing or a value is garbled, then it throws', () => {
    expect(() => mesConfigFromEnv({})).toThrow();
    expect(() => mesConfigFromEnv({ MES_API_KEY: 'k', MES_RATE_PER_MIN: 'fast' })).toThrow();
    expect(() => mesConfigFromEnv({ MES_API_KEY: 'k', MES_LINES: 'L3-OUT' })).toThrow(RangeError);
    expect(() => mesConfigFromEnv({ MES_API_KEY: 'k', MES_MIX: '1:1:1:1:1' })).toThrow();
  });
});
