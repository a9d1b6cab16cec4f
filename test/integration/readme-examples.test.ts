import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestPlant } from '../support/plant-harness.ts';

type Plant = Awaited<ReturnType<typeof startTestPlant>>;

/** Every complete `curl` example in README.md's shell blocks, as written (placeholders `…` excluded). */
function readmeCurls(): string[] {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
  const commands: string[] = [];
  for (const block of blocks) {
    // Join continued lines and the multi-line quoted JSON bodies into one command per `curl`.
    const parts = block.split(/\n(?=curl )/);
    for (const part of parts) {
      const command = part.replace(/\s*#.*$/gm, '').trim();
      if (command.startsWith('curl ') && !command.includes('…')) commands.push(command);
    }
  }
  return commands;
}

describe('README API examples work as written', () => {
  let plant: Plant;
  const commands = readmeCurls();

  beforeAll(async () => {
    // Demo mode with the demo keys, exactly as `npm start` runs.
    plant = await startTestPlant('readme', {
      DEMO: '1',
      API_KEYS: '',
      WMS_WEBHOOK_SECRET: 'whsec_ZGVtby13ZWJob29rLXNlY3JldC0wMTIzNDU2Nzg5',
    });
  });
  afterAll(async () => {
    await plant.cleanup();
  });

  it('finds the examples', () => {
    expect(commands.length).toBeGreaterThanOrEqual(8);
  });

  it.each(commands.map((c) => [c.split('\n')[0]!, c]))('%s', async (_title, command) => {
    const local = command.replaceAll('http://127.0.0.1:8080', plant.orchestrator.url);
    // Asynchronous: the server under test runs in this process and must keep answering.
    const { stdout: out } = await promisify(execFile)('sh', ['-c', `${local} -w '\\n%{http_code}'`], {
      encoding: 'utf8',
    });
    const lines = out.trimEnd().split('\n');
    const status = Number(lines.pop());
    expect(status, out).toBeGreaterThanOrEqual(200);
    expect(status, out).toBeLessThan(300);
    expect(() => JSON.parse(lines.join('\n')) as unknown).not.toThrow();
  });
});
