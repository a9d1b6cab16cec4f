import { describe, expect, it } from 'vitest';
import { ConfigError } from './config.ts';
import { ListenError } from './http/app.ts';
import { PlantFileError } from './layout-import/plant-file-error.ts';
import { RedisUnavailableError } from './orchestrator.ts';
import { explainStartupError } from './startup-errors.ts';

describe('explainStartupError', () => {
  it.each([
    [
      'port-in-use',
      8080,
      'HOST:PORT 127.0.0.1:8080 is already in use (PORT=8080); stop what listens there, or set PORT to another port, e.g. PORT=8081, or PORT=0 for any free one',
    ],
    [
      'port-denied',
      80,
      'HOST:PORT 127.0.0.1:80 needs privileges to bind (PORT=80); use a port of 1024 or above, e.g. PORT=8080, or PORT=0 for any free port',
    ],
    [
      'address-unavailable',
      8080,
      'HOST:PORT 127.0.0.1:8080: HOST=127.0.0.1 is not an address of this machine; use 127.0.0.1, 0.0.0.0 or one of its addresses',
    ],
  ] as const)(
    'when listening fails with %s, then one line names HOST:PORT and what to do',
    (code, port, line) => {
      expect(explainStartupError(new ListenError(code, '127.0.0.1', port))).toEqual({
        lines: [line],
        exitCode: 2,
      });
    },
  );

  it('when the plant files have problems, then each is a line with its variable, file and path, then a count', () => {
    const file = { role: 'site', path: '/nowhere/plant.site.json' } as const;
    const err = new PlantFileError([
      { code: 'site-invalid', message: 'missing; expected a robot id', path: 'fleet[0].id', file },
      {
        code: 'not-json',
        message: 'invalid JSON: trailing comma before }',
        path: 'line 2, column 3',
        file: { role: 'layout', path: 'x.json' },
      },
    ]);
    expect(explainStartupError(err)).toEqual({
      lines: [
        'SITE /nowhere/plant.site.json: fleet[0].id: missing; expected a robot id',
        'LAYOUT x.json: line 2, column 3: invalid JSON: trailing comma before }',
        '2 problems in the plant files; nothing was started (npm run check-plant -- LAYOUT SITE checks them alone)',
      ],
      exitCode: 2,
    });
  });

  it('when the plant has very many problems, then 50 are listed and the rest counted', () => {
    const file = { role: 'layout', path: 'grid.map' } as const;
    const problems = Array.from({ length: 70 }, (_, i) => ({
      code: 'movingai-cell',
      message: 'unknown cell',
      path: `line ${i + 5}`,
      file,
    }));
    const lines = explainStartupError(new PlantFileError(problems))?.lines ?? [];
    expect(lines).toHaveLength(52);
    expect(lines[50]).toBe('... and 20 more');
  });

  it('when configuration or Redis is the problem, then exit codes are 2 and 3; anything else is not explained', () => {
    expect(explainStartupError(new ConfigError('PORT: must be a whole number'))?.exitCode).toBe(2);
    expect(
      explainStartupError(new RedisUnavailableError('Redis is not reachable at redis://x'))?.exitCode,
    ).toBe(3);
    expect(
      explainStartupError(new TypeError("Cannot read properties of null (reading 'port')")),
    ).toBeUndefined();
  });
});
