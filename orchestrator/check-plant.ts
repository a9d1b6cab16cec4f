/**
 * `npm run check-plant -- [LAYOUT [SITE]]`: reads the plant files exactly as the orchestrator does and
 * prints the plant as read (stations by role, zones, fleet, warnings). Starts nothing: no Redis, no
 * HTTP. Exit 0 when the plant can be run, 2 with one line per problem when not (as at start-up).
 * Without arguments it checks the demo plant; with LAYOUT alone, the layout without a site.
 */
import { parseArgs } from 'node:util';
import { loadPlantFiles } from './layout-import/site.ts';
import { describePlant } from './layout-import/describe-plant.ts';
import { PlantFileError, plantProblemLines, shownPath } from './layout-import/plant-file-error.ts';
import { plantPaths } from './plant-paths.ts';

const USAGE = 'usage: npm run check-plant -- [LAYOUT [SITE]]   (no arguments: the demo plant)';

async function checkPlant(argv: readonly string[]): Promise<number> {
  let positionals: string[];
  try {
    const parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: { help: { type: 'boolean' } },
    });
    if (parsed.values.help === true) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    positionals = parsed.positionals;
  } catch (err) {
    process.stderr.write(`check-plant: ${(err as Error).message}\n${USAGE}\n`);
    return 2;
  }
  if (positionals.length > 2) {
    process.stderr.write(`check-plant: at most two files, got ${positionals.length}\n${USAGE}\n`);
    return 2;
  }
  const { layoutPath, sitePath } = plantPaths(positionals[0], positionals[1]);
  const cwd = process.cwd();
  try {
    const { value, warnings } = await loadPlantFiles(layoutPath, sitePath);
    const files = [
      `LAYOUT ${shownPath(layoutPath, cwd)}`,
      sitePath === undefined ? 'no SITE' : `SITE ${shownPath(sitePath, cwd)}`,
    ];
    process.stdout.write(
      [
        `Plant files: ${files.join(', ')}`,
        '',
        ...describePlant(value, warnings),
        '',
        `OK: the plant can be run${warnings.length > 0 ? ` (${warnings.length} warnings above)` : ''}.`,
        '',
      ].join('\n'),
    );
    return 0;
  } catch (err) {
    if (!(err instanceof PlantFileError)) throw err;
    const lines = plantProblemLines(err.problems, { cwd });
    const count = `${err.problems.length} problem${err.problems.length === 1 ? '' : 's'}`;
    process.stderr.write(
      [
        ...lines.map((l) => `fleetbridge: ${l}`),
        `fleetbridge: ${count}; the orchestrator would not start`,
        '',
      ].join('\n'),
    );
    return 2;
  }
}

process.exitCode = await checkPlant(process.argv.slice(2));
