import { describe, expect, it } from 'vitest';
import type { Plant } from '../domain/site.ts';
import { describePlant } from './describe-plant.ts';

const plant: Plant = {
  layout: {
    id: 'cell',
    name: 'Cell 7',
    version: '2',
    nodes: [
      { id: 'N1', x: 0, y: 0, mapId: 'ground' },
      { id: 'P1', x: 1, y: 0, mapId: 'ground' },
    ],
    edges: [{ id: 'E1', from: 'N1', to: 'P1', lengthM: 1 }],
    stations: [
      { id: 'B-1', nodeIds: ['N1'], role: 'storage-bin', zone: 'STORAGE' },
      { id: 'PARK-1', nodeIds: ['P1'], role: 'park' },
    ],
  },
  fleet: [
    {
      id: 'AGV-1',
      vehicleType: 'fork',
      adapter: 'vda5050',
      homeNode: 'P1',
      maxSpeedMps: 1.5,
      loadTypes: ['pallet'],
      maxPayloadKg: 1000,
      vda5050: { manufacturer: 'Acme', serialNumber: 'SN-1' },
    },
  ],
};

describe('describePlant', () => {
  it('when a plant is described, then it lists layout, stations by role, zones, fleet and warnings', () => {
    const text = describePlant(plant, [
      { code: 'site-rule-unused', message: 'rule "X" matches no station', path: 'stations[0]' },
    ]);
    expect(text).toEqual([
      'Layout "Cell 7" (id cell, version 2)',
      '  2 nodes, 1 edges, 2 stations; map ground',
      '',
      'Stations by role',
      '  storage-bin     1  B-1',
      '  park            1  PARK-1',
      '',
      'Zones',
      '  STORAGE         1  B-1',
      '',
      'Fleet (1 robot)',
      '  AGV-1  vda5050   fork  home P1 (PARK-1)  1.5 m/s, loads pallet, 1000 kg, vda5050 Acme/SN-1 profile spec',
      '',
      'Warnings (1)',
      '  stations[0]: rule "X" matches no station [site-rule-unused]',
    ]);
  });

  it('when a role has many stations, then the codes wrap and the list is capped', () => {
    const stations = Array.from({ length: 130 }, (_, i) => ({
      id: `S-${String(i).padStart(3, '0')}`,
      nodeIds: ['N1'],
      role: 'storage-bin' as const,
    }));
    const text = describePlant({ layout: { ...plant.layout, stations }, fleet: [] }, []);
    const bins = text.filter((line) => line.includes('S-'));
    expect(bins.every((line) => line.length <= 100)).toBe(true);
    expect(bins.join(' ')).toContain('S-099, ... and 30 more');
    expect(text).toContain(
      'Fleet: none (no SITE, or a site without fleet): the orchestrator would run without robots',
    );
  });
});
