/**
 * B6 (`specs/performance.md`): the map UI with 1,000 and 5,000 moving robots in headless Chromium without
 * a GPU. Target: >= 30 fps at 1,000 robots, >= 10 fps at 5,000. No baseline (absolute, same machine).
 *
 * The page is the real build (`map-ui/dist`, `npm run build:ui` first), served with the real contract
 * (`orchestrator/http/live-contract.ts`) by a feed server here: the layout is warehouse-20-40-10-2-1
 * (`GET /v1/layout`), and `ws /v1/live` sends a snapshot then a delta every 100 ms (the live server's top
 * rate) in which every robot has moved 0.15 m along its edge, as a fleet at 1.5 m/s does. The page's own
 * frame counter (`window.__fleetbridge.frames()`) is read over MEASURE_MS once all robots are drawn.
 * Chromium: Debian's package through playwright-core, `--disable-gpu` (software rendering).
 * Run alone: `npx tsx test/bench/b6-map-ui.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { WebSocketServer } from 'ws';
import type { Layout } from '../../orchestrator/domain/layout.ts';
import type { LiveRobot, LiveServerMessage } from '../../orchestrator/http/live-contract.ts';
import { importMovingAiMap } from '../../orchestrator/layout-import/movingai.ts';
import { launchBrowser, screenshot } from '../support/browser.ts';
import type { BenchOptions, BenchSection } from './bench-kit.ts';
import {
  fmt,
  isMain,
  markdownTable,
  movingAiText,
  mulberry32,
  printSection,
  randomInt,
  verdict,
} from './bench-kit.ts';

const MAP = 'warehouse-20-40-10-2-1';
const DIST = new URL('../../map-ui/dist/', import.meta.url).pathname;
const MEASURE_MS = 10_000;
const SEED = 6;
const STEP_M = 0.15;

const TYPES: Record<string, string> = {
  '.html': 'text/html',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

interface Mover {
  id: string;
  from: string;
  to: string;
  t: number;
}

/** Robots driving random walks over the layout's edges, one step per delta. */
class SyntheticFleet {
  private readonly nodes: Map<string, { x: number; y: number }>;
  private readonly next = new Map<string, string[]>();
  private readonly movers: Mover[] = [];
  private readonly random = mulberry32(SEED);

  constructor(layout: Layout, count: number) {
    this.nodes = new Map(layout.nodes.map((n) => [n.id, { x: n.x, y: n.y }]));
    for (const e of layout.edges) this.next.set(e.from, [...(this.next.get(e.from) ?? []), e.to]);
    const starts = layout.nodes.filter((n) => (this.next.get(n.id)?.length ?? 0) > 0);
    for (let i = 0; i < count; i++) {
      const from = starts[randomInt(this.random, starts.length)]!.id;
      this.movers.push({ id: `R${i}`, from, to: this.pick(from), t: this.random() });
    }
  }

  private pick(from: string): string {
    const options = this.next.get(from)!;
    return options[randomInt(this.random, options.length)]!;
  }

  step(): void {
    for (const m of this.movers) {
      m.t += STEP_M;
      if (m.t >= 1) {
        m.from = m.to;
        m.to = this.pick(m.from);
        m.t -= 1;
      }
    }
  }

  robots(): LiveRobot[] {
    return this.movers.map((m) => {
      const a = this.nodes.get(m.from)!;
      const b = this.nodes.get(m.to)!;
      return {
        id: m.id,
        vehicleType: 'amr',
        status: 'moving',
        nodeId: m.from,
        pose: {
          x: Math.round((a.x + (b.x - a.x) * m.t) * 100) / 100,
          y: Math.round((a.y + (b.y - a.y) * m.t) * 100) / 100,
          thetaRad: Math.round(Math.atan2(b.y - a.y, b.x - a.x) * 100) / 100,
        },
        batteryPct: 80,
        loads: [],
        releasedNodeIds: [m.from, m.to],
        plannedNodeIds: [],
        outOfService: false,
        errors: [],
      };
    });
  }
}

/** The page, `GET /v1/layout`, and `ws /v1/live` with the synthetic fleet; any key is accepted. */
async function startFeed(layout: Layout, count: number): Promise<{ url: string; server: Server }> {
  const fleet = new SyntheticFleet(layout, count);
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    if (path === '/v1/layout') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ...layout, blocked: { edges: [], nodes: [] } }));
      return;
    }
    if (path.startsWith('/v1/')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [] }));
      return;
    }
    const file = normalize(join(DIST, path === '/' ? 'index.html' : path));
    if (!file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
    res.end(readFileSync(file));
  });
  const wss = new WebSocketServer({ server, path: '/v1/live' });
  wss.on('connection', (socket) => {
    let seq = 0;
    let timer: ReturnType<typeof setInterval> | undefined;
    socket.once('message', () => {
      const snapshot: LiveServerMessage = {
        type: 'snapshot',
        seq: seq++,
        layoutVersion: layout.version,
        robots: fleet.robots(),
        orders: [],
        alarms: [],
        kpis: [],
        blocked: { edges: [], nodes: [] },
      };
      socket.send(JSON.stringify(snapshot));
      timer = setInterval(() => {
        fleet.step();
        const delta: LiveServerMessage = {
          type: 'delta',
          seq: seq++,
          robots: { upsert: fleet.robots(), remove: [] },
        };
        if (socket.bufferedAmount < 8e6) socket.send(JSON.stringify(delta));
      }, 100);
    });
    socket.on('close', () => {
      clearInterval(timer);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/`, server };
}

interface Fps {
  readonly robots: number;
  readonly drawn: number;
  readonly fps: number;
}

async function measure(layout: Layout, count: number, log: (line: string) => void): Promise<Fps> {
  const { url, server } = await startFeed(layout, count);
  const browser = await launchBrowser();
  try {
    const page = await browser.newPage({ viewport: { width: 1600, height: 900 } });
    await page.addInitScript(() => {
      sessionStorage.setItem('fleetbridge.key', 'bench-supervisor-key');
    });
    await page.goto(url);
    const keyField = page.getByTestId('login-key');
    if (await keyField.isVisible().catch(() => false)) {
      await keyField.fill('bench-supervisor-key');
      await page.getByTestId('login-submit').click();
    }
    const drawn = () =>
      page.evaluate(
        () =>
          (window as unknown as { __fleetbridge?: { robots(): unknown[] } }).__fleetbridge?.robots().length ??
          0,
      );
    const deadline = Date.now() + 60_000;
    while ((await drawn()) < count && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const frames = () =>
      page.evaluate(() =>
        (window as unknown as { __fleetbridge: { frames(): number } }).__fleetbridge.frames(),
      );
    await new Promise((r) => setTimeout(r, 2000)); // warm-up
    const f0 = await frames();
    const t0 = Date.now();
    await new Promise((r) => setTimeout(r, MEASURE_MS));
    const fps = ((await frames()) - f0) / ((Date.now() - t0) / 1000);
    await screenshot(page, `b6-${count}-robots`);
    const result = { robots: count, drawn: await drawn(), fps };
    log(`${count} robots: ${fmt(fps, 1)} fps (${result.drawn} drawn)`);
    return result;
  } finally {
    await browser.close();
    server.close();
  }
}

export async function run(options: BenchOptions = {}): Promise<BenchSection> {
  const log = options.log ?? (() => undefined);
  if (!existsSync(join(DIST, 'index.html')))
    throw new Error('map-ui/dist is missing: run npm run build:ui first');
  const layout = importMovingAiMap(movingAiText(MAP), { name: MAP }).value;
  const at1000 = await measure(layout, 1000, log);
  const at5000 = await measure(layout, 5000, log);
  const met1000 = at1000.fps >= 30 && at1000.drawn === 1000;
  const met5000 = at5000.fps >= 10 && at5000.drawn === 5000;
  const markdown = [
    `Layout ${MAP} (${layout.nodes.length} nodes), seed ${SEED}; every robot moves ${STEP_M} m per delta, a delta every 100 ms over \`ws /v1/live\`; the page's frame counter over ${MEASURE_MS / 1000} s after a 2 s warm-up; viewport 1600×900; Chromium \`--headless --disable-gpu\` (software rendering). Screenshots: \`test-artifacts/b6-*.png\`.`,
    '',
    markdownTable(
      ['robots', 'drawn', 'fps', 'target', 'verdict'],
      [
        ['1,000', String(at1000.drawn), fmt(at1000.fps, 1), '>= 30', verdict(met1000)],
        ['5,000', String(at5000.drawn), fmt(at5000.fps, 1), '>= 10', verdict(met5000)],
      ],
    ),
  ].join('\n');
  return {
    id: 'B6',
    title: 'map UI frame rate with 1,000 and 5,000 moving robots',
    markdown,
    targetsMet: met1000 && met5000,
    figures: { fpsAt1000: at1000.fps, fpsAt5000: at5000.fps },
  };
}

if (isMain(import.meta.url)) await printSection(run);
