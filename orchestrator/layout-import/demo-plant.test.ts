import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { demoPlantFiles, VEHICLE_TYPE } from '../../layouts/make-demo-plant.ts';
import type { Plant } from '../domain/site.ts';
import { Router } from '../routing/router.ts';
import { lifConformanceWarnings } from './lif-conformance.ts';
import { loadPlantFiles } from './site.ts';

const lifUrl = new URL('../../layouts/demo-plant.lif.json', import.meta.url);
const siteUrl = new URL('../../layouts/demo-plant.site.json', import.meta.url);
const { value: plant, warnings } = await loadPlantFiles(fileURLToPath(lifUrl), fileURLToPath(siteUrl));

const stationNode = (p: Plant, id: string): string => {
  const station = p.layout.stations.find((s) => s.id === id);
  if (station === undefined) throw new Error(`no station ${id}`);
  return station.nodeIds[0]!;
};

describe('the demo plant (layouts/demo-plant.*.json)', () => {
  it('when the generator runs, then it produces exactly the committed files', async () => {
    for (const file of await demoPlantFiles()) {
      expect(
        await readFile(file.url, 'utf8'),
        `${fileURLToPath(file.url)} is stale: run layouts/make-demo-plant.ts`,
      ).toBe(file.text);
    }
  });

  it('when imported, then the LIF passes the official schema and nothing is warned about', async () => {
    const doc: unknown = JSON.parse(await readFile(lifUrl, 'utf8'));
    expect(lifConformanceWarnings(doc)).toEqual([]);
    expect(warnings).toEqual([]);
  });

  it('has the stations and roles the demo needs, and at least 60 storage bins on their own nodes', () => {
    const roles = new Map(plant.layout.stations.map((s) => [s.id, s.role]));
    const expected: [string, string][] = [
      ...[1, 2, 3].flatMap((i): [string, string][] => [
        [`LINE-${i}-OUT`, 'line-output'],
        [`LINE-${i}-IN`, 'line-side'],
      ]),
      ['QA-01', 'quarantine'],
      ['QA-02', 'quarantine'],
      ['EMPTY-01', 'empty-buffer'],
      ['EMPTY-02', 'empty-buffer'],
      ['DOCK-1', 'dock'],
      ['DOCK-2', 'dock'],
      ...[1, 2, 3, 4].map((i): [string, string] => [`CHG-${i}`, 'charger']),
      ...[1, 2, 3, 4, 5, 6, 7, 8].map((i): [string, string] => [`PARK-${i}`, 'park']),
    ];
    for (const [id, role] of expected) expect(roles.get(id), id).toBe(role);

    const bins = plant.layout.stations.filter((s) => s.role === 'storage-bin');
    expect(bins.length).toBeGreaterThanOrEqual(60);
    expect(bins.every((b) => /^B-\d{2}-\d{2}$/.test(b.id) && b.zone === 'STORAGE')).toBe(true);
    const binNodes = bins.map((b) => b.nodeIds[0]!);
    expect(new Set(binNodes).size).toBe(bins.length);
    // Dead-end spurs: one edge out, back to the aisle node the one edge in comes from.
    const router = new Router(plant.layout);
    for (const node of binNodes) {
      const out = router.outEdges(node);
      expect(out).toHaveLength(1);
      expect(router.outEdges(out[0]!.to).some((e) => e.to === node)).toBe(true);
    }
  });

  it('has nodes 1.5 to 3 m apart along every edge, all open to the one vehicle type', () => {
    expect(plant.layout.edges.every((e) => e.lengthM >= 1.5 && e.lengthM <= 3)).toBe(true);
    expect(plant.layout.nodes.every((n) => n.vehicleTypes?.join() === VEHICLE_TYPE)).toBe(true);
  });

  it('when every station is routed to every other for amr-pallet, then all are reachable', () => {
    const router = new Router(plant.layout);
    const nodes = plant.layout.stations.map((s) => s.nodeIds[0]!);
    const unreachable: string[] = [];
    for (const from of nodes) {
      for (const to of nodes) {
        if (router.route({ from, to, vehicleType: VEHICLE_TYPE }) === undefined)
          unreachable.push(`${from}->${to}`);
      }
    }
    expect(unreachable).toEqual([]);
  });

  it('keeps trips between lines and storage short: at most 30 s at 1.5 m/s', () => {
    const router = new Router(plant.layout);
    const lines = plant.layout.stations.filter((s) => s.id.startsWith('LINE-')).map((s) => s.id);
    const bins = plant.layout.stations.filter((s) => s.role === 'storage-bin').map((s) => s.id);
    let worstS = 0;
    for (const line of lines) {
      for (const bin of bins) {
        for (const [a, b] of [
          [line, bin],
          [bin, line],
        ] as const) {
          const route = router.route({
            from: stationNode(plant, a),
            to: stationNode(plant, b),
            vehicleType: VEHICLE_TYPE,
            speedMps: 1.5,
          });
          worstS = Math.max(worstS, route?.durationS ?? Infinity);
        }
      }
    }
    expect(worstS).toBeLessThanOrEqual(30);
  });

  it('parks the 8 simulated robots on the parking spots', () => {
    const parks = new Set(plant.layout.stations.filter((s) => s.role === 'park').map((s) => s.nodeIds[0]));
    expect(plant.fleet).toHaveLength(8);
    for (const robot of plant.fleet) {
      expect(robot).toMatchObject({ vehicleType: VEHICLE_TYPE, adapter: 'sim', maxSpeedMps: 2 });
      expect(parks.has(robot.homeNode), robot.id).toBe(true);
    }
    expect(new Set(plant.fleet.map((r) => r.homeNode)).size).toBe(8);
  });
});
