import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testEnv } from '../support/plant-harness.ts';
import { REDIS_URL, testPrefix } from '../support/redis-prefix.ts';
import { runToExit, type Exited } from '../support/run-to-exit.ts';

const MAIN = 'orchestrator/main.ts';
const DEMO_LAYOUT = 'layouts/demo-plant.lif.json';
const robot = { id: 'AMR-01', vehicleType: 'amr-pallet', homeNode: 'S-PARK-1' };

/** A start-up mistake ends the process with exit 2 and messages, never a stack trace. */
function expectCleanFailure(run: Exited): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stderr).not.toMatch(/^ {4}at /m);
  expect(run.stderr).not.toMatch(/TypeError|LayoutImportError|PlantFileError|node:internal/);
}

/** The messages, one per line, without the `fleetbridge: ` lead. */
function messages(run: Exited): string[] {
  return run.stderr
    .trimEnd()
    .split('\n')
    .map((line) => line.replace(/^fleetbridge: /, ''));
}

describe('start-up mistakes of npm run orchestrator end with exit 2 and one line per problem', () => {
  const { prefix, cleanup } = testPrefix('startup');
  let dir: string;
  const file = async (name: string, content: unknown): Promise<string> => {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content, null, 2));
    return path;
  };
  const orchestrator = (extra: Record<string, string>): Promise<Exited> =>
    runToExit(MAIN, { env: testEnv(prefix, extra) });

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetbridge-startup-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await cleanup();
  });

  it('when the port is in use, then HOST:PORT and the PORT variable are named, and nothing was started', async () => {
    const busy: Server = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const address = busy.address();
    const port = typeof address === 'object' && address !== null ? address.port : 0;
    try {
      const run = await orchestrator({ PORT: String(port) });
      expectCleanFailure(run);
      expect(messages(run)).toEqual([
        `HOST:PORT 127.0.0.1:${port} is already in use (PORT=${port}); stop what listens there, or set PORT to another port, e.g. PORT=${port + 1}, or PORT=0 for any free one`,
      ]);
    } finally {
      await new Promise((resolve) => busy.close(resolve));
    }
    // The port is bound before anything else: no order store, queue or engine state was touched.
    const redis = new Redis(REDIS_URL);
    try {
      expect(await redis.keys(`${prefix}:*`)).toEqual([]);
    } finally {
      redis.disconnect();
    }
  });

  it('when the LAYOUT file does not exist, then the variable and the file are named', async () => {
    const missing = join(dir, 'plant.lif.json');
    const run = await orchestrator({ LAYOUT: missing });
    expectCleanFailure(run);
    expect(messages(run)[0]).toBe(`LAYOUT ${missing}: cannot read the file: no such file`);
  });

  it('when SITE cannot be read (a directory), then the variable and the file are named', async () => {
    const folder = join(dir, 'site-folder');
    await mkdir(folder, { recursive: true });
    const run = await orchestrator({ LAYOUT: DEMO_LAYOUT, SITE: folder });
    expectCleanFailure(run);
    expect(messages(run)[0]).toBe(`SITE ${folder}: cannot read the file: it is a directory`);
  });

  it('when the site file has several mistakes, then every one is reported with its JSON path', async () => {
    const site = await file('several.site.json', {
      name: 'Plant',
      stations: [{ match: 'B-*', role: 'storage' }],
      fleet: [
        { ...robot, maxSpeedMps: '2' },
        { ...robot, id: 'AMR-02', adapter: 'opcua' },
        { ...robot, id: 'AMR-03', homeNode: 7 },
      ],
    });
    const run = await orchestrator({ LAYOUT: DEMO_LAYOUT, SITE: site });
    expectCleanFailure(run);
    expect(messages(run)).toEqual([
      expect.stringMatching(
        /^SITE .*several\.site\.json: stations\[0\]\.role: expected one of line-output, .*, got "storage"; did you mean storage-bin\?$/,
      ),
      `SITE ${site}: fleet[0].maxSpeedMps: expected a number, got a string "2"`,
      `SITE ${site}: fleet[1].adapter: expected one of sim, vda5050, rosbridge, got "opcua"`,
      `SITE ${site}: fleet[2].homeNode: expected a node id of the layout (not a station id), got a number 7`,
      '4 problems in the plant files; nothing was started (npm run check-plant -- LAYOUT SITE checks them alone)',
    ]);
  });

  it('when robots name stations or unknown nodes as home, then each is reported with a node id to use', async () => {
    const site = await file('homes.site.json', {
      name: 'Plant',
      fleet: [
        { ...robot, homeNode: 'PARK-1' },
        { ...robot, homeNode: 'S-PARK-2' },
        { ...robot, id: 'AMR-05', homeNode: 'S-PRAK-5' },
      ],
    });
    const run = await orchestrator({ LAYOUT: DEMO_LAYOUT, SITE: site });
    expectCleanFailure(run);
    expect(messages(run).slice(0, 3)).toEqual([
      `SITE ${site}: fleet[0].homeNode: PARK-1 is a station; homeNode takes a node id, e.g. S-PARK-1 (the node of PARK-1)`,
      `SITE ${site}: fleet[1].id: AMR-01 is already the id of fleet[0]; robot ids must be unique`,
      `SITE ${site}: fleet[2].homeNode: S-PRAK-5 is not a node of layout demo-plant; homeNode takes a node id, did you mean S-PARK-5?`,
    ]);
  });

  it('when a key is misspelt, then it is named with the key it most likely stands for', async () => {
    const { homeNode: _home, ...rest } = robot;
    const site = await file('misspelt.site.json', {
      name: 'Plant',
      fleet: [{ ...rest, homenode: 'S-PARK-1' }],
    });
    const run = await orchestrator({ LAYOUT: DEMO_LAYOUT, SITE: site });
    expectCleanFailure(run);
    expect(messages(run).slice(0, 2)).toEqual([
      `SITE ${site}: fleet[0].homeNode: missing; expected a node id of the layout (not a station id)`,
      `SITE ${site}: fleet[0].homenode: unknown key; did you mean homeNode?`,
    ]);
    expect(run.stderr).not.toContain('more issues');
  });

  it('when a file is not valid JSON, then line and column are given, and the other file is checked too', async () => {
    const site = await file(
      'syntax.site.json',
      '{\n  "name": "Plant",\n  "fleet": [\n    { "id": "AMR-01", },\n  ]\n}\n',
    );
    const lif = JSON.parse(await readFile(DEMO_LAYOUT, 'utf8')) as {
      layouts: { edges: { endNodeId: string }[] }[];
    };
    lif.layouts[0]!.edges[2]!.endNodeId = 'NOWHERE';
    const layout = await file('dangling.lif.json', lif);
    const run = await orchestrator({ LAYOUT: layout, SITE: site });
    expectCleanFailure(run);
    expect(messages(run)).toEqual([
      `LAYOUT ${layout}: layouts[0].edges[2]: edge R-09-03>R-12-03 references unknown node NOWHERE`,
      `SITE ${site}: line 4, column 23: invalid JSON: trailing comma before }`,
      '2 problems in the plant files; nothing was started (npm run check-plant -- LAYOUT SITE checks them alone)',
    ]);
  });
});

describe('start-up mistakes of npm start (the demo) end the same way', () => {
  it('when the demo is given a broken site, then it stops before starting Redis or anything else', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fleetbridge-demo-startup-'));
    try {
      const site = join(dir, 'demo.site.json');
      await writeFile(site, JSON.stringify({ name: 'Demo', fleet: [{ ...robot, homeNode: 'PARK-1' }] }));
      // An unreachable Redis: the plant is checked first, so the demo never gets to start a private one.
      const run = await runToExit('orchestrator/demo.ts', {
        env: { SITE: site, PORT: '0', REDIS_URL: 'redis://127.0.0.1:1' },
      });
      expectCleanFailure(run);
      expect(messages(run)[0]).toBe(
        `SITE ${site}: fleet[0].homeNode: PARK-1 is a station; homeNode takes a node id, e.g. S-PARK-1 (the node of PARK-1)`,
      );
      expect(run.stdout).not.toContain('started a private one');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
