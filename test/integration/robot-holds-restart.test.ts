import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig, type Config } from '../../orchestrator/config.ts';
import { runPlant, type RunningPlant } from '../../orchestrator/main.ts';
import { call } from '../support/api.ts';
import { KEYS, testEnv } from '../support/plant-harness.ts';
import { testPrefix } from '../support/redis-prefix.ts';

/** A supervisor's pause and out-of-service outlive a restart of the orchestrator (real Redis and HTTP). */
describe('robot holds across a restart', () => {
  const { prefix, cleanup } = testPrefix('holds');
  const log = pino({ level: 'silent' });
  let config: Config;
  let plant: RunningPlant | undefined;

  beforeAll(async () => {
    config = loadConfig(testEnv(prefix));
    plant = await runPlant(config, log);
  });
  afterAll(async () => {
    await plant?.stop();
    await cleanup();
  });

  const robots = async (url: string) =>
    (await call(url, 'GET', '/v1/robots', { key: KEYS.supervisor })).body.items as {
      id: string;
      operatorPaused: boolean;
      outOfService: boolean;
    }[];
  const act = (url: string, id: string, action: string) =>
    call(url, 'POST', `/v1/robots/${id}/${action}`, { key: KEYS.supervisor, body: {} });

  it('when robots were paused or taken out of service, then they still are after a restart, and resume and into-service are kept too', async () => {
    const [a, b, c] = plant!.plant.fleet.map((r) => r.id);
    let url = plant!.orchestrator.url;
    expect((await act(url, a!, 'pause')).status).toBe(200);
    expect((await act(url, b!, 'out-of-service')).status).toBe(200);
    expect((await act(url, c!, 'pause')).status).toBe(200);
    expect((await act(url, c!, 'resume')).status).toBe(200);

    await plant!.stop();
    plant = undefined;
    plant = await runPlant(config, log);
    url = plant.orchestrator.url;
    const after = new Map((await robots(url)).map((r) => [r.id, r]));
    expect(after.get(a!)).toMatchObject({ operatorPaused: true, outOfService: false });
    expect(after.get(b!)).toMatchObject({ operatorPaused: false, outOfService: true });
    expect(after.get(c!)).toMatchObject({ operatorPaused: false, outOfService: false });

    expect((await act(url, b!, 'into-service')).status).toBe(200);
    await plant.stop();
    plant = await runPlant(config, log);
    const again = new Map((await robots(plant.orchestrator.url)).map((r) => [r.id, r]));
    expect(again.get(b!)).toMatchObject({ outOfService: false });
    expect(again.get(a!)).toMatchObject({ operatorPaused: true });
  });
});
