import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Layout } from '../domain/layout.ts';
import { LayoutImportError } from '../domain/layout.ts';
import type { Site } from '../domain/site.ts';
import { exportProjectLayout } from './project-json.ts';
import { PlantFileError, plantProblemLines } from './plant-file-error.ts';
import { applySite, loadPlantFiles, parseSite } from './site.ts';

const layout: Layout = {
  id: 'L',
  name: 'L',
  version: '1',
  nodes: [
    { id: 'N1', x: 0, y: 0, mapId: 'm' },
    { id: 'N2', x: 2, y: 0, mapId: 'm' },
    { id: 'N3', x: 4, y: 0, mapId: 'm', vehicleTypes: ['small'] },
  ],
  edges: [],
  stations: [
    { id: 'B-01-01', nodeIds: ['N1'], role: 'load-station' },
    { id: 'B-01-02', nodeIds: ['N2'], role: 'load-station', zone: 'OLD' },
    { id: 'CHG-1', nodeIds: ['N3'], role: 'charger' },
  ],
};

const robot = { id: 'AMR-01', vehicleType: 'small', homeNode: 'N3' };

function thrown(run: () => unknown): LayoutImportError {
  try {
    run();
  } catch (error) {
    if (error instanceof LayoutImportError) return error;
    throw error;
  }
  throw new Error('expected a LayoutImportError');
}

const fixture = (relative: string): string => fileURLToPath(new URL(relative, import.meta.url));

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'fleetbridge-site-'));
  tempDirs.push(dir);
  return dir;
}
afterAll(async () => {
  await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
});

describe('parseSite', () => {
  it('when fleet fields are omitted, then the documented defaults apply', () => {
    expect(parseSite({ name: 'S', fleet: [robot] })).toEqual({
      name: 'S',
      stations: [],
      fleet: [{ ...robot, adapter: 'sim', maxSpeedMps: 1.5, loadTypes: ['pallet'], maxPayloadKg: 1000 }],
    });
  });

  it('when a robot has a VDA 5050 identity and a profile on top of a built-in one, then both are kept', () => {
    const vda5050 = {
      manufacturer: 'Acme',
      serialNumber: 'SN-1',
      profile: { extends: 'vda-5050-lib', qos: 1 },
    };
    expect(
      parseSite({ name: 'S', fleet: [{ ...robot, adapter: 'vda5050', vda5050 }] }).fleet[0],
    ).toMatchObject({
      adapter: 'vda5050',
      vda5050,
    });
  });

  it.each([
    ['a misspelt key', { name: 'S', fleet: [{ ...robot, maxSpeed: 2 }] }, 'fleet[0].maxSpeed'],
    ['an unknown role', { name: 'S', stations: [{ match: 'B-*', role: 'shelf' }] }, 'stations[0].role'],
    ['an unknown adapter', { name: 'S', fleet: [{ ...robot, adapter: 'opcua' }] }, 'fleet[0].adapter'],
    ['no name', { fleet: [] }, 'name'],
    [
      'a VDA 5050 serial number with a topic wildcard',
      { name: 'S', fleet: [{ ...robot, vda5050: { manufacturer: 'Acme', serialNumber: 'SN/1' } }] },
      'fleet[0].vda5050.serialNumber',
    ],
    [
      'a VDA 5050 profile that names no built-in one',
      {
        name: 'S',
        fleet: [{ ...robot, vda5050: { manufacturer: 'Acme', serialNumber: 'SN1', profile: 'acme' } }],
      },
      'fleet[0].vda5050.profile',
    ],
    [
      'a rosbridge block with a misspelt key',
      {
        name: 'S',
        fleet: [
          {
            ...robot,
            adapter: 'rosbridge',
            rosbridge: { url: 'ws://h:9090', profile: 'ros1-move-base', nameSpace: '/a' },
          },
        ],
      },
      'fleet[0].rosbridge.nameSpace',
    ],
    [
      'a rosbridge block with an unknown profile',
      { name: 'S', fleet: [{ ...robot, rosbridge: { url: 'ws://h:9090', profile: 'ros3' } }] },
      'fleet[0].rosbridge.profile',
    ],
  ])('when the site has %s, then it is rejected with the path', (_what, doc, path) => {
    const error = thrown(() => parseSite(doc));
    expect(error.code).toBe('site-invalid');
    expect(error.path).toBe(path);
  });
});

describe('parseSite problems', () => {
  it('when a key is misspelt, then both the unknown key and the missing one are named, with the known key', () => {
    const { homeNode: _home, ...rest } = robot;
    const error = thrown(() => parseSite({ name: 'S', fleet: [{ ...rest, homenode: 'N3' }] }));
    expect(error.problems.map((p) => `${p.path ?? ''}: ${p.message}`)).toEqual([
      'fleet[0].homeNode: missing; expected a node id of the layout (not a station id)',
      'fleet[0].homenode: unknown key; did you mean homeNode?',
    ]);
  });

  it('when the site has several mistakes, then every one is reported with its path and what was expected', () => {
    const doc = {
      name: 'S',
      stations: [{ match: 'B-*', role: 'storage' }],
      fleet: [
        { ...robot, maxSpeedMps: '2' },
        { ...robot, id: 'AMR-02', adapter: 'opcua', colour: 'red' },
      ],
    };
    const error = thrown(() => parseSite(doc));
    expect(error.code).toBe('site-invalid');
    expect(error.problems).toEqual([
      {
        code: 'site-invalid',
        path: 'stations[0].role',
        message: expect.stringMatching(
          /^expected one of line-output, .*, got "storage"; did you mean storage-bin\?$/,
        ),
      },
      { code: 'site-invalid', path: 'fleet[0].maxSpeedMps', message: 'expected a number, got a string "2"' },
      {
        code: 'site-invalid',
        path: 'fleet[1].adapter',
        message: 'expected one of sim, vda5050, rosbridge, got "opcua"',
      },
      {
        code: 'site-invalid',
        path: 'fleet[1].colour',
        message: expect.stringMatching(/^unknown key; known keys: id, vehicleType, adapter, homeNode/),
      },
    ]);
  });
});

describe('applySite', () => {
  const site = (s: Partial<Site>): Site => ({ name: 'S', stations: [], fleet: [], ...s });

  it('when rules match, then the first matching rule sets role and zone, and unmatched stations keep theirs', () => {
    const { value, warnings } = applySite(
      layout,
      site({
        stations: [
          { match: 'B-01-02', role: 'quarantine' },
          { match: 'B-*', role: 'storage-bin', zone: 'STORAGE' },
          { match: 'B-01-01', role: 'dock' },
        ],
      }),
    );
    expect(value.layout.stations).toEqual([
      { id: 'B-01-01', nodeIds: ['N1'], role: 'storage-bin', zone: 'STORAGE' },
      { id: 'B-01-02', nodeIds: ['N2'], role: 'quarantine', zone: 'OLD' },
      { id: 'CHG-1', nodeIds: ['N3'], role: 'charger' },
    ]);
    expect(warnings).toEqual([expect.objectContaining({ code: 'site-rule-unused', path: 'stations[2]' })]);
  });

  it('when a pattern has regex characters, then they match literally', () => {
    const { warnings } = applySite(layout, site({ stations: [{ match: 'B.01.*', role: 'dock' }] }));
    expect(warnings.map((w) => w.code)).toEqual(['site-rule-unused']);
  });

  it('when a robot home node is not in the layout, then the error has its path and a node id to use', () => {
    const error = thrown(() =>
      applySite(layout, parseSite({ name: 'S', fleet: [{ ...robot, homeNode: 'N9' }] })),
    );
    expect(error.code).toBe('site-unknown-home-node');
    expect(error.path).toBe('fleet[0].homeNode');
    expect(error.message).toBe('N9 is not a node of layout L; homeNode takes a node id, did you mean N1?');
  });

  it('when a station id is given as home node, then the error says so and names the station node', () => {
    const error = thrown(() =>
      applySite(
        layout,
        parseSite({ name: 'S', fleet: [robot, { ...robot, id: 'AMR-02', homeNode: 'B-01-02' }] }),
      ),
    );
    expect(error.problems).toEqual([
      {
        code: 'site-unknown-home-node',
        path: 'fleet[1].homeNode',
        message: 'B-01-02 is a station; homeNode takes a node id, e.g. N2 (the node of B-01-02)',
      },
    ]);
  });

  it('when several robots are wrong, then every problem is reported', () => {
    const fleet = [
      { ...robot, homeNode: 'CHG-1' },
      { ...robot, homeNode: 'N1' },
      { ...robot, id: 'AMR-03', vehicleType: 'big' },
    ];
    const error = thrown(() => applySite(layout, parseSite({ name: 'S', fleet })));
    expect(error.problems.map((p) => [p.code, p.path])).toEqual([
      ['site-unknown-home-node', 'fleet[0].homeNode'],
      ['site-duplicate-robot', 'fleet[1].id'],
      ['site-home-node-vehicle-type', 'fleet[2].homeNode'],
    ]);
    expect(error.problems[2]?.message).toBe(
      'node N3 is closed to vehicle type big (open to small); the layout knows only vehicle types small',
    );
  });

  it('when robot ids repeat or a home node is closed to the vehicle type, then it is an error', () => {
    const twice = parseSite({ name: 'S', fleet: [robot, { ...robot, homeNode: 'N1' }] });
    expect(thrown(() => applySite(layout, twice)).code).toBe('site-duplicate-robot');
    const big = parseSite({ name: 'S', fleet: [{ ...robot, vehicleType: 'big' }] });
    expect(thrown(() => applySite(layout, big)).code).toBe('site-home-node-vehicle-type');
  });

  it('when a robot has adapter rosbridge but no rosbridge block, then it is an error at fleet[i].rosbridge', () => {
    const rosbridge = { url: 'ws://10.0.0.5:9090', profile: 'ros2-nav2', namespace: '/amr2' };
    const fleet = [
      { ...robot, adapter: 'rosbridge', rosbridge },
      { ...robot, id: 'AMR-02', homeNode: 'N1', adapter: 'rosbridge' },
    ];
    const error = thrown(() => applySite(layout, parseSite({ name: 'S', fleet })));
    expect(error.problems).toEqual([
      {
        code: 'site-rosbridge-missing',
        path: 'fleet[1].rosbridge',
        message:
          'AMR-02 has adapter rosbridge but no rosbridge block; give at least {"url": "ws://host:9090", "profile": "ros1-move-base"}',
      },
    ]);
    expect(
      applySite(layout, parseSite({ name: 'S', fleet: fleet.slice(0, 1) })).value.fleet[0],
    ).toMatchObject({
      adapter: 'rosbridge',
      rosbridge,
    });
  });

  it('when two robots share a home node, then it is a warning', () => {
    const fleet = parseSite({ name: 'S', fleet: [robot, { ...robot, id: 'AMR-02' }] });
    expect(applySite(layout, fleet).warnings).toContainEqual(
      expect.objectContaining({ code: 'site-shared-home-node', path: 'fleet[1].homeNode' }),
    );
  });

  it('when a station cannot be reached or left by a vehicle type, then a warning names station and type', () => {
    const oneWay: Layout = {
      ...layout,
      nodes: layout.nodes
        .map((n) => ({ ...n, vehicleTypes: undefined }))
        .map(({ vehicleTypes: _v, ...n }) => n),
      edges: [
        { id: 'N3>N2', from: 'N3', to: 'N2', lengthM: 2 },
        { id: 'N2>N3', from: 'N2', to: 'N3', lengthM: 2 },
        { id: 'N2>N1', from: 'N2', to: 'N1', lengthM: 2 }, // one way in: N1 is a trap
      ],
    };
    const warnings = applySite(oneWay, parseSite({ name: 'S', fleet: [robot] })).warnings;
    expect(warnings.filter((w) => w.code === 'station-unreachable')).toEqual([
      expect.objectContaining({
        path: 'B-01-01',
        message: expect.stringMatching(/B-01-01 cannot be left again by vehicle type small/),
      }),
    ]);
    const twoWay = { ...oneWay, edges: [...oneWay.edges, { id: 'N1>N2', from: 'N1', to: 'N2', lengthM: 2 }] };
    expect(applySite(twoWay, parseSite({ name: 'S', fleet: [robot] })).warnings).toEqual([]);
  });
});

describe('loadPlantFiles', () => {
  it('when given the demo plant LIF and site, then the plant has roles, zones and 8 robots', async () => {
    const { value, warnings } = await loadPlantFiles(
      fixture('../../layouts/demo-plant.lif.json'),
      fixture('../../layouts/demo-plant.site.json'),
    );
    expect(warnings).toEqual([]);
    expect(value.fleet.map((r) => r.id)).toEqual([
      'AMR-01',
      'AMR-02',
      'AMR-03',
      'AMR-04',
      'AMR-05',
      'AMR-06',
      'AMR-07',
      'AMR-08',
    ]);
    expect(value.layout.stations.find((s) => s.id === 'B-03-07')).toMatchObject({
      role: 'storage-bin',
      zone: 'STORAGE',
    });
  });

  it('when given a Moving AI map without site, then the fleet is empty and the layout is named after the file', async () => {
    const { value } = await loadPlantFiles(fixture('./fixtures/mapf/warehouse-10-20-10-2-1.map'), undefined);
    expect(value.fleet).toEqual([]);
    expect(value.layout.id).toBe('warehouse-10-20-10-2-1');
  });

  it('when given a project JSON layout, then it is read with the project importer', async () => {
    const dir = await tempDir();
    const path = join(dir, 'plant.json');
    await writeFile(path, JSON.stringify(exportProjectLayout(layout)));
    const sitePath = join(dir, 'plant.site.json');
    await writeFile(sitePath, JSON.stringify({ name: 'S', fleet: [robot] }));
    const { value } = await loadPlantFiles(path, sitePath);
    expect(value.layout).toEqual(layout);
    expect(value.fleet.map((r) => r.homeNode)).toEqual(['N3']);
  });

  it('when both files have problems, then all of them are reported, each naming its file', async () => {
    const dir = await tempDir();
    const layoutPath = join(dir, 'plant.json');
    const broken = { ...layout, edges: [{ id: 'E7', from: 'N1', to: 'N99', lengthM: 1 }] };
    await writeFile(layoutPath, JSON.stringify({ ...exportProjectLayout(broken), colour: 'red' }));
    const sitePath = join(dir, 'plant.site.json');
    await writeFile(sitePath, '{\n  "name": "S",\n  "fleet": [,]\n}\n');
    const error = await loadPlantFiles(layoutPath, sitePath).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PlantFileError);
    expect(plantProblemLines((error as PlantFileError).problems, { cwd: dir })).toEqual([
      'LAYOUT plant.json: colour: unknown key; known keys: format, formatVersion, id, name, version, nodes, edges, stations',
      'SITE plant.site.json: line 3, column 13: invalid JSON: expected a value, found ","',
    ]);
  });

  it('when the layout is good and the site refers to it wrongly, then the site problems name the site file', async () => {
    const dir = await tempDir();
    const layoutPath = join(dir, 'plant.json');
    await writeFile(layoutPath, JSON.stringify(exportProjectLayout(layout)));
    const sitePath = join(dir, 'plant.site.json');
    await writeFile(sitePath, JSON.stringify({ name: 'S', fleet: [{ ...robot, homeNode: 'CHG-1' }] }));
    const error = await loadPlantFiles(layoutPath, sitePath).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(
      plantProblemLines((error as PlantFileError).problems, { names: { layout: 'L', site: 'S' } }),
    ).toEqual([
      `S ${sitePath}: fleet[0].homeNode: CHG-1 is a station; homeNode takes a node id, e.g. N3 (the node of CHG-1)`,
    ]);
  });

  it('when the file is unreadable, not JSON, or of no known format, then the error says so', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'broken.json'), '{ nope');
    await writeFile(join(dir, 'order.json'), JSON.stringify({ orderId: 'o1', nodes: [] }));
    const codeOf = (path: string): Promise<unknown> =>
      loadPlantFiles(path, undefined).then(
        () => 'no error',
        (error: unknown) => (error instanceof LayoutImportError ? error.code : error),
      );
    expect(await codeOf(join(dir, 'missing.json'))).toBe('file-unreadable');
    expect(await codeOf(join(dir, 'broken.json'))).toBe('not-json');
    expect(await codeOf(join(dir, 'order.json'))).toBe('layout-format-unknown');
  });
});
