import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The supervisors' map, built into map-ui/dist and served by the orchestrator at `/`.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: '/',
  build: {
    outDir: fileURLToPath(new URL('./dist', import.meta.url)),
    emptyOutDir: true,
    // pixi.js is one large chunk by design (its renderers are split off on their own).
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/v1': { target: process.env.FLEETBRIDGE_URL ?? 'http://localhost:8080', ws: true },
    },
  },
});
