/**
 * The map UI end to end: the real build served by the orchestrator at `/`, the running demo plant (real
 * Redis, HTTP, ws /v1/live, simulated fleet, MES and WMS simulators), driven in headless Chromium (Debian's
 * package through playwright-core). Screenshots go to `test-artifacts/map-ui-*.png`.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { LiveRobot, LiveServerMessage } from '../../orchestrator/http/live-contract.ts';
import { call } from '../support/api.ts';
import { launchBrowser, screenshot } from '../support/browser.ts';
import { KEYS, startTestPlant } from '../support/plant-harness.ts';
import { waitFor } from '../support/wait-for.ts';

interface DrawnRobot {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly status: string;
}

/** The robots as the live feed shows them now (a supervisor's ws /v1/live connection). */
async function liveRobots(baseUrl: string): Promise<{ robots: Map<string, LiveRobot>; close(): void }> {
  const robots = new Map<string, LiveRobot>();
  const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/v1/live`);
  socket.on('open', () => {
    socket.send(JSON.stringify({ type: 'auth', key: KEYS.supervisor }));
  });
  socket.on('message', (data: Buffer) => {
    const message = JSON.parse(data.toString()) as LiveServerMessage;
    if (message.type === 'snapshot') for (const r of message.robots) robots.set(r.id, r);
    if (message.type === 'delta') for (const r of message.robots?.upsert ?? []) robots.set(r.id, r);
  });
  await waitFor('the live snapshot', () => Promise.resolve(robots.size > 0 ? true : undefined), 10_000);
  return {
    robots,
    close: () => {
      socket.close();
    },
  };
}

const drawn = (page: Page): Promise<DrawnRobot[]> =>
  page.evaluate(
    () => (window as unknown as { __fleetbridge?: { robots(): DrawnRobot[] } }).__fleetbridge?.robots() ?? [],
  );

describe('map UI in headless Chromium against the running demo plant', () => {
  let plant: Awaited<ReturnType<typeof startTestPlant>>;
  let browser: Browser;
  let page: Page;
  const robotsApi = async () =>
    (await call(plant.orchestrator.url, 'GET', '/v1/robots', { key: KEYS.supervisor })).body.items as (Record<
      string,
      unknown
    > & { id: string; nodeId: string | null; orderId: string | null; operatorPaused: boolean })[];

  beforeAll(async () => {
    plant = await startTestPlant('map-ui', {
      SIMULATE: 'fleet,mes,wms',
      SIM_SPEEDUP: '10',
      MES_RATE_PER_MIN: '60',
    });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1280, height: 720 } });
    page.on('dialog', (dialog) => void dialog.accept());
    await page.goto(plant.orchestrator.url);
    await page.getByTestId('login-key').fill(KEYS.supervisor);
    await page.getByTestId('login-submit').click();
  }, 90_000);

  afterAll(async () => {
    await browser.close();
    await plant.cleanup();
  });

  it('when the page opens, then it shows every robot of the plant, and a robot moves between two screenshots', async () => {
    const fleet = plant.plant.fleet.map((r) => r.id).sort();
    await waitFor(
      'every robot drawn',
      async () => ((await drawn(page)).length === fleet.length ? true : undefined),
      20_000,
    );
    expect((await drawn(page)).map((r) => r.id).sort()).toEqual(fleet);
    for (const id of fleet) await expect(page.getByTestId(`robot-row-${id}`).count()).resolves.toBe(1);
    const before = await drawn(page);
    await screenshot(page, 'map-ui-first');
    const moved = await waitFor(
      'a robot drawn somewhere else',
      async () => {
        const now = await drawn(page);
        return now.find((r) => {
          const was = before.find((b) => b.id === r.id)!;
          return Math.hypot(r.x - was.x, r.y - was.y) > 0.5;
        });
      },
      30_000,
    );
    await screenshot(page, 'map-ui-second');
    expect(moved.id).toBeDefined();
  });

  it('when a supervisor pauses a moving robot in the UI, then the engine stops it, and resume lets it go on', async () => {
    const working = await waitFor(
      'a robot with an order',
      async () => (await robotsApi()).find((r) => r.orderId !== null && r.nodeId !== null),
      60_000,
    );
    await page.getByTestId('tab-robots').click();
    await page.getByTestId(`robot-row-${working.id}`).click();
    await page.getByTestId('robot-action-pause').click();
    await waitFor(
      'the robot paused in the engine',
      async () => ((await robotsApi()).find((r) => r.id === working.id)?.operatorPaused ? true : undefined),
      10_000,
    );
    const stoppedAt = (await robotsApi()).find((r) => r.id === working.id)!.nodeId;
    await new Promise((r) => setTimeout(r, 3000)); // 30 plant seconds
    expect((await robotsApi()).find((r) => r.id === working.id)!.nodeId).toBe(stoppedAt);
    await screenshot(page, 'map-ui-paused');
    await page.getByTestId('robot-action-resume').click();
    await waitFor(
      'the robot moving on',
      async () =>
        (await robotsApi()).find((r) => r.id === working.id)?.nodeId !== stoppedAt ? true : undefined,
      30_000,
    );
  });

  it('when a supervisor blocks an edge in the UI, then the layout has it blocked and no robot drives it while it is', async () => {
    const layout = plant.plant.layout;
    // An edge on some robot's planned route beyond what it holds, from the live feed the UI draws.
    const feed = await liveRobots(plant.orchestrator.url);
    const target = await waitFor(
      'a robot with a route ahead',
      () => {
        for (const r of feed.robots.values()) {
          const [a, b] = r.plannedNodeIds;
          const edge = layout.edges.find((e) => e.from === a && e.to === b);
          if (edge) return Promise.resolve({ edge, robotId: r.id });
        }
        return Promise.resolve(undefined);
      },
      60_000,
    );
    await page.getByTestId('edge-block-input').fill(target.edge.id);
    await page.getByTestId('edge-block-button').click();
    await waitFor(
      'the edge blocked',
      async () => {
        const l = (await call(plant.orchestrator.url, 'GET', '/v1/layout', { key: KEYS.supervisor }))
          .body as {
          blocked: { edges: string[] };
        };
        return l.blocked.edges.includes(target.edge.id) ? true : undefined;
      },
      10_000,
    );
    // The robot that planned over it plans around it (or waits, if there is no other way), and for
    // 5 s (50 plant s) no robot is released onto it.
    const { edge } = target;
    const over = (nodes: readonly string[]) =>
      nodes.some((n, i) => n === edge.from && nodes[i + 1] === edge.to);
    await waitFor(
      'the route replanned',
      () => Promise.resolve(over(feed.robots.get(target.robotId)!.plannedNodeIds) ? undefined : true),
      10_000,
    );
    await screenshot(page, 'map-ui-blocked');
    const until = Date.now() + 5000;
    while (Date.now() < until) {
      for (const r of feed.robots.values()) expect(over(r.releasedNodeIds), r.id).toBe(false);
      await new Promise((r) => setTimeout(r, 100));
    }
    feed.close();
  });

  it('when a simulated robot faults, then an alarm appears in the UI and can be acknowledged', async () => {
    const victim = plant.plant.fleet[0]!.id;
    plant.orchestrator.simFleet!.setFault(victim, {
      code: 'drive-fault',
      level: 'fatal',
      message: 'motor overheated',
    });
    const row = await waitFor(
      'an alarm row for the fault',
      async () => {
        const rows = page.locator('[data-testid^="alarm-row-"]', { hasText: 'motor overheated' });
        return (await rows.count()) > 0 ? rows.first() : undefined;
      },
      15_000,
    );
    await screenshot(page, 'map-ui-alarm');
    const id = (await row.getAttribute('data-testid'))!.replace('alarm-row-', '');
    await page.getByTestId(`alarm-ack-${id}`).click();
    await waitFor(
      'the alarm acknowledged',
      async () => {
        const alarms = (await call(plant.orchestrator.url, 'GET', '/v1/alarms', { key: KEYS.supervisor }))
          .body.items as { id: number; acknowledged?: boolean }[];
        return alarms.find((a) => String(a.id) === id)?.acknowledged ? true : undefined;
      },
      10_000,
    );
    plant.orchestrator.simFleet!.setFault(victim, undefined);
  });
});
