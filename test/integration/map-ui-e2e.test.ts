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
import { boxOf, inkHeightPx, labelsOf, plantFillsMap, viewOf, within } from '../support/map-page.ts';
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
    // 5 s (50 plant s) no robot is released onto it. A robot released onto the edge before the block
    // reached the engine may finish driving it (a block cannot stop a robot mid-edge): those show in the
    // feed within a few of its 100 ms deltas. Any other robot, and those once they are off it, must never
    // get it while it is blocked.
    const { edge } = target;
    const over = (nodes: readonly string[]) =>
      nodes.some((n, i) => n === edge.from && nodes[i + 1] === edge.to);
    const excused = new Set<string>();
    const settleUntil = Date.now() + 500;
    while (Date.now() < settleUntil) {
      for (const r of feed.robots.values()) if (over(r.releasedNodeIds)) excused.add(r.id);
      await new Promise((r) => setTimeout(r, 50));
    }
    const violations: string[] = [];
    const watch = setInterval(() => {
      for (const r of feed.robots.values()) {
        if (!over(r.releasedNodeIds)) excused.delete(r.id);
        else if (!excused.has(r.id)) violations.push(`${r.id} released onto blocked ${edge.id}`);
      }
    }, 100);
    try {
      await waitFor(
        'the route replanned',
        () => Promise.resolve(over(feed.robots.get(target.robotId)!.plannedNodeIds) ? undefined : true),
        10_000,
      );
      await screenshot(page, 'map-ui-blocked');
      await new Promise((r) => setTimeout(r, 5000));
    } finally {
      clearInterval(watch);
    }
    expect(violations).toEqual([]);
    feed.close();
  });

  it('when the page is 1280x720, then the first open order reads in full and its Cancel is in view, the side panel not scrolled', async () => {
    // A backlog longer than the box: 14 more moves, a few of them already past due.
    for (let i = 1; i <= 14; i++) {
      const accepted = await call(plant.orchestrator.url, 'POST', '/v1/transport-requests', {
        key: KEYS.wms,
        headers: { 'idempotency-key': `e2e-backlog-${i}` },
        body: {
          type: 'custom',
          from: { location: i % 2 ? 'DOCK-1' : 'DOCK-2' },
          to: { location: i % 2 ? 'DOCK-2' : 'DOCK-1' },
          load: { handlingUnitId: `HU-E2E-${i}`, sku: 'SKU-300', quantity: 1, uom: 'PAL' },
          priority: 2,
          ...(i <= 3 ? { dueBy: new Date(Date.now() - 60_000).toISOString() } : {}),
          externalRefs: { warehouseTask: `WT-E2E-${i}` },
        },
      });
      expect(accepted.status).toBe(202);
    }
    await page.getByTestId('tab-orders').click();
    await waitFor(
      'the backlog listed',
      async () =>
        (await page.getByTestId('orders-open').locator('[data-testid^="order-row-"]').count()) >= 14
          ? true
          : undefined,
      30_000,
    );
    const cancel = await waitFor(
      'an open order with its Cancel button',
      async () => {
        const buttons = page.getByTestId('orders-open').locator('[data-testid^="order-cancel-"]');
        return (await buttons.count()) > 0 ? buttons.first() : undefined;
      },
      30_000,
    );
    const side = page.getByTestId('side-panel');
    const button = boxOf((await cancel.boundingBox())!);
    expect(within(button, { left: 0, top: 0, right: 1280, bottom: 720 }), 'Cancel inside the viewport').toBe(
      true,
    );
    expect(within(button, boxOf((await side.boundingBox())!)), 'Cancel inside the side panel').toBe(true);
    expect(await cancel.isVisible()).toBe(true);
    // Nothing scrolls sideways: not the side panel, not the orders box.
    const sideways = await side.evaluate((el) => {
      const body = el.querySelector('[data-testid="tab-body-orders"]')!;
      return [
        el.scrollLeft,
        el.scrollWidth - el.clientWidth,
        body.scrollLeft,
        body.scrollWidth - body.clientWidth,
      ];
    });
    expect(sideways).toEqual([0, 0, 0, 0]);
    // The orders scroll in their own box; the side panel itself does not scroll.
    const scroll = await side.evaluate((el) => {
      const body = el.querySelector('[data-testid="tab-body-orders"]')!;
      return { side: el.scrollHeight - el.clientHeight, orders: body.scrollHeight - body.clientHeight };
    });
    expect(scroll.side).toBe(0);
    expect(scroll.orders).toBeGreaterThan(0);
    // KPIs and alarms stay in view above the orders.
    for (const id of ['panel-kpis', 'panel-alarms', 'kpi-openOrders', 'kpi-utilisationPct']) {
      const b = boxOf((await page.getByTestId(id).boundingBox())!);
      expect(within(b, { left: 0, top: 0, right: 1280, bottom: 720 }), id).toBe(true);
    }
    // The row says what moves where: type, from -> to, load.
    const row = page.getByTestId('orders-open').locator('[data-testid^="order-row-"]').first();
    // (textContent: rows off screen skip rendering, content-visibility: auto, and have no innerText)
    expect(await row.locator('.o-what').textContent()).toMatch(
      /^(putaway|replenish|QA move|empties|custom) \S+ → \S+$/,
    );
    expect(await row.locator('.o-load').textContent()).toMatch(/SKU|HU|SSCC/);
    // The KPIs see the backlog and the three orders past due (the next sample, 5 s at most): whether
    // still open (overdue) or delivered since (late), on time is a percentage below 100, not 100 and
    // not unknown.
    const onTime = await waitFor(
      'the KPIs counting the late orders',
      async () => {
        const text = await page.getByTestId('kpi-onTimePct').innerText();
        const pct = /([\d.]+)%/.exec(text);
        return pct && Number(pct[1]) < 100 ? Number(pct[1]) : undefined;
      },
      15_000,
    );
    expect(onTime).toBeGreaterThanOrEqual(0);
    expect(Number(/\d+/.exec(await page.getByTestId('kpi-openOrders').innerText())?.[0])).toBeGreaterThan(0);
    await screenshot(page, 'map-ui-1280x720');
  });

  it('when the plant is fitted at 1280x720, then station codes are drawn at a readable size, every line and dock station among them', async () => {
    await page.getByTestId('map-fit').click();
    await waitFor('the plant fitted', () => plantFillsMap(page), 5000);
    const map = boxOf((await page.getByTestId('map').boundingBox())!);
    const labels = await waitFor(
      'station codes drawn',
      async () => {
        const l = await labelsOf(page);
        return l.length > 0 ? l : undefined;
      },
      10_000,
    );
    const shown = new Set(labels.map((l) => l.id));
    const important = plant.plant.layout.stations.filter((st) =>
      ['line-output', 'line-side', 'dock'].includes(st.role),
    );
    expect(important.length).toBeGreaterThan(0);
    for (const st of important) expect(shown, st.id).toContain(st.id);
    expect(labels.length, 'most station codes shown').toBeGreaterThanOrEqual(
      plant.plant.layout.stations.length / 2,
    );
    for (const label of labels.filter((l) => important.some((st) => st.id === l.id))) {
      const box = {
        left: label.left,
        top: label.top,
        right: label.left + label.width,
        bottom: label.top + label.height,
      };
      expect(within(box, map), `${label.id} inside the map`).toBe(true);
      expect(label.fontPx, `${label.id} font size`).toBeGreaterThanOrEqual(10);
      // The text itself, measured in the bitmap's pixels: capitals of a 10 px font are about 7 px tall.
      expect(await inkHeightPx(page, label), `${label.id} ink height`).toBeGreaterThanOrEqual(7);
    }
    const legend = await page.getByTestId('legend').innerText();
    for (const words of ['waiting for traffic', 'storage', 'charger', 'one-way', 'blocked'])
      expect(legend).toContain(words);
  });

  it('when the window is resized, then the fitted plant is fitted again; once panned, the zoom stays', async () => {
    await page.getByTestId('map-fit').click();
    await waitFor('the plant fitted', () => plantFillsMap(page), 5000);
    await page.setViewportSize({ width: 1600, height: 900 });
    await waitFor('the plant fitted to the larger window', () => plantFillsMap(page), 5000);
    await screenshot(page, 'map-ui-1600x900');
    await page.setViewportSize({ width: 1024, height: 640 });
    await waitFor('the plant fitted to the smaller window', () => plantFillsMap(page), 5000);
    const small = await labelsOf(page);
    expect(small.length).toBeGreaterThan(0);
    for (const l of small) expect(l.fontPx, l.id).toBeGreaterThanOrEqual(10);
    await screenshot(page, 'map-ui-1024x640');
    await page.setViewportSize({ width: 1280, height: 720 });
    await waitFor('the plant fitted at 1280x720 again', () => plantFillsMap(page), 5000);
    // A supervisor who panned keeps the zoom and the place they chose.
    const map = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(map.x + 100, map.y + map.height - 30);
    await page.mouse.down();
    await page.mouse.move(map.x + 160, map.y + map.height - 60, { steps: 5 });
    await page.mouse.up();
    const panned = (await viewOf(page))!;
    expect(panned.fitted).toBe(false);
    await page.setViewportSize({ width: 1100, height: 700 });
    await waitFor(
      'the map resized',
      async () => ((await page.getByTestId('map').boundingBox())!.height < map.height ? true : undefined),
      5000,
    );
    expect((await viewOf(page))!.scale).toBe(panned.scale);
    await page.setViewportSize({ width: 1280, height: 720 });
    await page.getByTestId('map-fit').click();
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
    // Finished orders have their own list, apart from the open ones.
    await page.getByTestId('tab-finished').click();
    await waitFor(
      'a finished order listed',
      async () =>
        (await page.getByTestId('orders-finished').locator('[data-testid^="order-row-"]').count()) > 0
          ? true
          : undefined,
      30_000,
    );
    const finished = (await page.getByTestId('orders-finished').textContent()) ?? '';
    expect(finished).toMatch(/delivered|confirmed|failed|cancelled/);
    expect(await page.getByTestId('orders-finished').locator('[data-testid^="order-cancel-"]').count()).toBe(
      0,
    );
    await screenshot(page, 'map-ui-finished');
  });
});
