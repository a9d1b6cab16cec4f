import { describe, expect, it } from 'vitest';
import { binCodes, wmsConfigFromEnv } from './wms-config.ts';

const secret = `whsec_${Buffer.from('k').toString('base64')}`;

describe('wms simulator config', () => {
  it('when WMS_SIM_BINS is a count, then bins are generated ten per aisle', () => {
    expect(binCodes(12).slice(8)).toEqual(['B-01-09', 'B-01-10', 'B-02-01', 'B-02-02']);
    expect(wmsConfigFromEnv({ WMS_WEBHOOK_SECRET: secret, WMS_SIM_BINS: '3' })).toMatchObject({
      port: 8090,
      host: '127.0.0.1',
      bins: ['B-01-01', 'B-01-02', 'B-01-03'],
      webhookSecrets: [secret],
    });
  });

  it('when bins, stock and two secrets are listed, then they are parsed', () => {
    const config = wmsConfigFromEnv({
      WMS_WEBHOOK_SECRET: `${secret} ${secret}x`,
      WMS_SIM_BINS: 'A-1, A-2',
      WMS_SIM_STOCK: 'A-1:SKU-1:40',
      WMS_SIM_PORT: '0',
    });
    expect(config).toMatchObject({
      port: 0,
      bins: ['A-1', 'A-2'],
      webhookSecrets: [secret, `${secret}x`],
      initialStock: [{ bin: 'A-1', sku: 'SKU-1', quantity: 40, handlingUnitId: 'HU-INIT-A-1' }],
    });
  });

  it('when the secret is missing or stock is garbled, then it throws', () => {
    expect(() => wmsConfigFromEnv({})).toThrow();
    expect(() => wmsConfigFromEnv({ WMS_WEBHOOK_SECRET: secret, WMS_SIM_STOCK: 'A-1:SKU' })).toThrow(
      RangeError,
    );
  });
});
