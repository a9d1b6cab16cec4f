import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runToExit } from '../support/run-to-exit.ts';

const CHECK_PLANT = 'orchestrator/check-plant.ts';

describe('npm run check-plant', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'fleetbridge-check-plant-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('when run without arguments, then it prints the demo plant as read and exits 0, starting nothing', async () => {
    // An unreachable Redis changes nothing: check-plant connects to nothing.
    const run = await runToExit(CHECK_PLANT, { env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.split('\n');
    expect(lines).toContain(
      'Plant files: LAYOUT layouts/demo-plant.lif.json, SITE layouts/demo-plant.site.json',
    );
    expect(lines).toContain('Layout "Demo plant" (id demo-plant, version 1)');
    expect(lines).toContain('  line-output     3  LINE-1-OUT, LINE-2-OUT, LINE-3-OUT');
    expect(lines).toContain('  line-side       3  LINE-1-IN, LINE-2-IN, LINE-3-IN');
    expect(lines).toContain(
      '  park            8  PARK-1, PARK-2, PARK-3, PARK-4, PARK-5, PARK-6, PARK-7, PARK-8',
    );
    expect(lines).toContain('  charger         4  CHG-1, CHG-2, CHG-3, CHG-4');
    expect(lines.some((l) => l.startsWith('  storage-bin    60  B-01-01, B-01-02'))).toBe(true);
    expect(run.stdout).toContain('B-06-10');
    expect(lines).toContain('  QUARANTINE      2  QA-01, QA-02');
    expect(lines).toContain('Fleet (8 robots)');
    expect(lines).toContain(
      '  AMR-01  sim       amr-pallet  home S-PARK-1 (PARK-1)  2 m/s, loads pallet, 1000 kg',
    );
    expect(lines.filter((l) => / {2}AMR-0\d {2}sim/.test(l))).toHaveLength(8);
    expect(lines).toContain('Warnings: none');
    expect(lines).toContain('OK: the plant can be run.');
  });

  it('when the site is broken, then it exits 2 with the start-up error lines and prints no plant', async () => {
    const site = join(dir, 'broken.site.json');
    await writeFile(
      site,
      JSON.stringify({
        name: 'Broken',
        stations: [{ match: 'PARK-*', role: 'parking' }],
        fleet: [
          { id: 'AMR-01', vehicleType: 'amr-pallet', homeNode: 'PARK-1' },
          { id: 'AMR-02', vehicleType: 'amr-pallet', homeNod: 'S-PARK-2' },
        ],
      }),
    );
    const run = await runToExit(CHECK_PLANT, { args: ['layouts/demo-plant.lif.json', site] });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).not.toMatch(/^ {4}at /m);
    expect(run.stderr.trimEnd().split('\n')).toEqual([
      `fleetbridge: SITE ${site}: stations[0].role: expected one of line-output, line-side, storage-bin, dock, charger, park, quarantine, empty-buffer, load-station, got "parking"; did you mean park?`,
      `fleetbridge: SITE ${site}: fleet[1].homeNode: missing; expected a node id of the layout (not a station id)`,
      `fleetbridge: SITE ${site}: fleet[1].homeNod: unknown key; did you mean homeNode?`,
      'fleetbridge: 3 problems; the orchestrator would not start',
    ]);
  });

  it('when only a layout is given, then it is read without a site and its warnings are listed', async () => {
    const layout = 'orchestrator/layout-import/fixtures/lif/13-battery-charging-station.json';
    const run = await runToExit(CHECK_PLANT, { args: [layout] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain(`Plant files: LAYOUT ${layout}, no SITE`);
    expect(run.stdout).toContain('  charger         1  N_CHARGER');
    expect(run.stdout).toContain('Warnings (2)');
    expect(run.stdout).toContain(
      'metaInformation.lifVersion: lifVersion 0.11.0 is not 1.x; read as LIF 1.0 [lif-version]',
    );
  });

  it("when the README's site-file example is checked with the demo layout, then it is good as written", async () => {
    const readme = await readFile('README.md', 'utf8');
    const section = readme.slice(readme.indexOf('### The site file'));
    const example = /```json\n([\s\S]*?)```/.exec(section)?.[1];
    expect(example).toBeDefined();
    const site = join(dir, 'readme.site.json');
    await writeFile(site, example ?? '');
    const run = await runToExit(CHECK_PLANT, { args: ['layouts/demo-plant.lif.json', site] });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('Fleet (2 robots)');
    expect(run.stdout).toMatch(
      /AGV-07 {2}vda5050 {3}amr-pallet {2}home S-PARK-2 \(PARK-2\) {2}1\.2 m\/s, loads pallet\/cage, 1200 kg, vda5050 Acme\/SN-0007 profile spec/,
    );
    expect(run.stdout).toContain('Warnings: none');
  });

  it('when run through npm, then the script is this entry point', async () => {
    const pkg = JSON.parse(await readFile('package.json', 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts['check-plant']).toBe(`tsx ${CHECK_PLANT}`);
  });

  it('when given more than two files, then it shows its usage and exits 2', async () => {
    const run = await runToExit(CHECK_PLANT, { args: ['a', 'b', 'c'] });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('usage: npm run check-plant -- [LAYOUT [SITE]]');
  });
});
