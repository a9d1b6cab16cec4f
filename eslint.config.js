// Type-aware lint: typescript-eslint strictTypeChecked, see STYLE.md "Toolchain".
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'map-ui/dist/', 'coverage/', 'test-artifacts/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      '@typescript-eslint/restrict-template-expressions': [
        'error',
        { allowNumber: true, allowBoolean: true },
      ],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unnecessary-condition': ['error', { allowConstantLoopConditions: true }],
    },
  },
  // Boundaries (ARCHITECTURE.md, "Folders"): the domain, engine and routing are pure, so the simulator and
  // the service run the same code; adapters see only ports and domain; simulators talk over the wire.
  {
    files: ['orchestrator/domain/**/*.ts', 'orchestrator/engine/**/*.ts', 'orchestrator/routing/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['node:*', 'ioredis', 'bullmq', 'express', 'pino', 'mqtt', 'ws'],
              message: 'pure code: no I/O here',
            },
            {
              group: ['**/services/**', '**/store/**', '**/http/**', '**/queue/**', '**/adapters/**'],
              message: 'pure code must not reach into the runtime',
            },
          ],
        },
      ],
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: 'the engine reads no clock: use the `now` it is given' },
        { object: 'Math', property: 'random', message: 'the engine is deterministic: no randomness' },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: 'the engine reads no clock',
        },
      ],
    },
  },
  {
    files: ['adapters/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [
                '**/orchestrator/services/**',
                '**/orchestrator/store/**',
                '**/orchestrator/http/**',
                '**/orchestrator/engine/**',
                '**/orchestrator/queue/**',
              ],
              message: 'adapters import ports and domain types only',
            },
          ],
        },
      ],
    },
  },
  {
    // The virtual-time fleet simulator runs the engine itself (ARCHITECTURE.md, "two clocks"); the other
    // simulators are wire peers.
    files: ['simulators/**/*.ts'],
    ignores: ['simulators/fleet-sim/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/orchestrator/**'],
              message: 'simulators talk to the orchestrator over the wire only',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.test.ts', 'test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
    },
  },
);
