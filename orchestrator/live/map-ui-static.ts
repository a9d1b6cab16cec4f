import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

/** Where `npm run build:ui` (Vite) writes the map UI. */
export const MAP_UI_DIST = fileURLToPath(new URL('../../map-ui/dist', import.meta.url));

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fleetbridge: map UI not built</title></head>
<body style="font-family: system-ui, sans-serif; margin: 3rem">
<h1>map UI not built: run npm run build:ui</h1>
<p>The orchestrator serves the supervisors' map from <code>map-ui/dist</code>, which does not exist yet.
Build it with <code>npm run build:ui</code> (<code>npm start</code> does this first) and reload.</p>
<p>The API is up: see <a href="/docs">/docs</a>.</p>
</body></html>
`;

/**
 * The map UI at `/`: the files of its build (`index.html` for `/`), or, when it is not built, a 503 page
 * saying how to build it. Mounted after the API and docs routes so it shadows none of them; whether the
 * build exists is checked per request, so building it while the orchestrator runs is enough.
 */
export function mapUiRoutes(distDir: string = MAP_UI_DIST): Router {
  const router = Router();
  const index = join(distDir, 'index.html');
  router.get(['/', '/index.html'], (_req, res) => {
    if (existsSync(index)) res.set('Cache-Control', 'no-cache').sendFile(index);
    else res.status(503).set('Retry-After', '60').type('html').send(NOT_BUILT);
  });
  // Vite names its assets by content hash: they may be cached for good.
  router.use(express.static(distDir, { index: false, redirect: false, immutable: true, maxAge: '1y' }));
  return router;
}
