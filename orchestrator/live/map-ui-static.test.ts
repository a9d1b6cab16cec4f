import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { mapUiRoutes } from './map-ui-static.ts';

describe('mapUiRoutes', () => {
  let dir: string;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'map-ui-'));
    const app = express();
    app.get('/docs', (_req, res) => res.send('docs'));
    app.use(mapUiRoutes(dir));
    app.use((_req, res) => res.status(404).send('not found'));
    server = await new Promise<Server>((resolve) => {
      const s = app.listen(0, '127.0.0.1', () => {
        resolve(s);
      });
    });
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterEach(async () => {
    await new Promise((resolve) => server.close(resolve));
    rmSync(dir, { recursive: true, force: true });
  });

  it('when the UI is not built, then / answers 503 with a page saying how to build it', async () => {
    const res = await fetch(`${url}/`);
    expect(res.status).toBe(503);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(await res.text()).toContain('map UI not built: run npm run build:ui');
  });

  it('when the UI is built (even after start), then / serves its index and its assets, and other routes stay', async () => {
    mkdirSync(join(dir, 'assets'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>map</title>');
    writeFileSync(join(dir, 'assets', 'app-1234.js'), 'console.log(1)');
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>map</title>');
    const asset = await fetch(`${url}/assets/app-1234.js`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toMatch(/immutable/);
    expect(await (await fetch(`${url}/docs`)).text()).toBe('docs');
    expect((await fetch(`${url}/nothing-here`)).status).toBe(404);
  });
});
