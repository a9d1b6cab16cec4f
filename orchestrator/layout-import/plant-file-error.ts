/**
 * Problems of the plant files (layout and site) as one error, and as the one-line messages the
 * entry points print: `SITE layouts/x.site.json: fleet[4].homeNode: PARK-1 is a station; ...`.
 */
import { relative, isAbsolute } from 'node:path';
import { LayoutImportError, describeProblem, type ImportProblem } from '../domain/layout.ts';

/** Which plant file, and where it is (as given). */
export interface PlantFile {
  readonly role: 'layout' | 'site';
  readonly path: string;
}

export interface PlantProblem extends ImportProblem {
  readonly file: PlantFile;
}

/** Every problem of the plant files; `code` and `path` are the first problem's. */
export class PlantFileError extends LayoutImportError {
  override readonly problems: readonly PlantProblem[];
  constructor(problems: readonly PlantProblem[]) {
    const first = problems[0];
    super(
      first?.code ?? 'plant-invalid',
      problems.map((p) => `${p.file.path}: ${describeProblem(p)}`).join('\n'),
      first?.path,
      { problems },
    );
    this.problems = problems;
  }
}

export interface ProblemLineOptions {
  /** How each file is named in front of its path: the variable or argument that gave it. */
  readonly names?: Readonly<Record<PlantFile['role'], string>>;
  /** Paths below this directory are shown relative to it; default the working directory. */
  readonly cwd?: string;
}

/** One line per problem: `<name> <file>: <path>: <message>`, e.g. `SITE plant.site.json: fleet[0].id: missing; ...`. */
export function plantProblemLines(
  problems: readonly PlantProblem[],
  options: ProblemLineOptions = {},
): string[] {
  const names = options.names ?? { layout: 'LAYOUT', site: 'SITE' };
  const cwd = options.cwd ?? process.cwd();
  return problems.map((p) => `${names[p.file.role]} ${shownPath(p.file.path, cwd)}: ${describeProblem(p)}`);
}

/** `path` relative to `cwd` when it lies below it, else as given. */
export function shownPath(path: string, cwd: string): string {
  if (!isAbsolute(path)) return path;
  const inside = relative(cwd, path);
  return inside !== '' && !inside.startsWith('..') && !isAbsolute(inside) ? inside : path;
}
