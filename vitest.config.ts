import { defineConfig } from 'vitest/config';

// Two projects: unit tests sit next to the code; integration tests under test/ use real Redis and HTTP.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: [
            'orchestrator/**/*.test.ts',
            'adapters/**/*.test.ts',
            'simulators/**/*.test.ts',
            'map-ui/**/*.test.ts',
          ],
          environment: 'node',
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.test.ts'],
          globalSetup: ['test/global-setup.ts'],
          environment: 'node',
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
