import { describe, expect, it } from 'vitest';
import { MES_DATA_SCHEMAS, mesEventEnvelope, MES_EVENT_TYPES } from '../../orchestrator/http/schemas.ts';
import { createMesEventFactory } from '../../simulators/mes/mes-events.ts';

/** The MES simulator speaks the contract Fleetbridge validates: its events pass Fleetbridge's own schemas. */
describe('MES simulator events against the intake schemas', () => {
  it('when the simulator builds each of the four event types, then Fleetbridge would accept its shape', () => {
    const factory = createMesEventFactory({
      lines: [{ output: 'LINE-1-OUT', lineSide: 'LINE-1-IN' }],
      skus: ['SKU-100'],
      seed: 7,
      runId: 'contract',
    });
    for (const type of MES_EVENT_TYPES) {
      for (let i = 0; i < 20; i += 1) {
        const event = factory.next(type);
        const envelope = mesEventEnvelope.parse(event);
        expect(envelope.type).toBe(type);
        const data = MES_DATA_SCHEMAS[type].safeParse(envelope.data);
        expect(data.success, `${type}: ${JSON.stringify(data.error?.issues)}`).toBe(true);
      }
    }
  });
});
