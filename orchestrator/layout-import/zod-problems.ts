/**
 * Every issue of a failed zod parse as an `ImportProblem` a person can act on: the JSON path, what was
 * found and what was expected (in the schema's own words where it has a `.describe()`), and for an
 * unknown key the known key it most likely stands for.
 */
import { z } from 'zod';
import { LayoutImportError, type ImportProblem } from '../domain/layout.ts';
import { closestName } from './closest-name.ts';
import { formatPath, jsonKind, showValue, valueAt } from './import-errors.ts';

type Schema = z.core.$ZodType;

export interface ZodProblemContext {
  /** The stable code every problem gets (`site-invalid`). */
  readonly code: string;
  /** The document that was parsed, to show what was found. */
  readonly doc: unknown;
  /** The schema it was parsed with, for known keys and descriptions. */
  readonly schema: Schema;
}

/** The problems of `error`, one per issue and one per unknown key, in zod's (document) order. */
export function zodProblems(error: z.ZodError, context: ZodProblemContext): ImportProblem[] {
  return error.issues.flatMap((issue) => issueProblems(issue, context));
}

/** A `LayoutImportError` with every problem of `error`; the zod error is kept as `cause`. */
export function fromZodError(error: z.ZodError, context: ZodProblemContext): LayoutImportError {
  const problems = zodProblems(error, context);
  const first = problems[0] ?? { code: context.code, message: 'invalid document' };
  const message =
    problems.length <= 1
      ? first.message
      : `${problems.length} problems: ${problems.map((p) => `${p.path ?? ''}: ${p.message}`).join('; ')}`;
  return new LayoutImportError(first.code, message, first.path, { cause: error, problems });
}

function issueProblems(issue: z.core.$ZodIssue, context: ZodProblemContext): ImportProblem[] {
  const { code, doc, schema } = context;
  const at = schemaAt(schema, issue.path);
  const found = valueAt(doc, issue.path);
  const expected = at === undefined ? undefined : description(at);
  const problem = (message: string, segments: readonly PropertyKey[] = issue.path): ImportProblem => ({
    code,
    message,
    path: formatPath(segments),
  });
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = at === undefined ? [] : objectKeys(at);
      return issue.keys.map((key) => {
        const guess = closestName(key, known);
        const hint = guess !== undefined ? `did you mean ${guess}?` : `known keys: ${known.join(', ')}`;
        return problem(`unknown key; ${hint}`, [...issue.path, key]);
      });
    }
    case 'invalid_type': {
      const want = expected ?? article(issue.expected);
      if (found === undefined) return [problem(`missing; expected ${want}`)];
      return [problem(`expected ${want}, got ${typed(found)}`)];
    }
    case 'invalid_value': {
      const values = issue.values.map((v) => String(v));
      const guess = typeof found === 'string' ? closestName(found, values) : undefined;
      const hint = guess !== undefined ? `; did you mean ${guess}?` : '';
      return [problem(`expected one of ${values.join(', ')}, got ${showValue(found)}${hint}`)];
    }
    case 'too_small':
      return [problem(tooSmall(issue, found))];
    case 'too_big':
      return [problem(`${plain(issue.message)}, got ${showValue(found)}`)];
    case 'invalid_union': {
      // The branch that got furthest (fewest issues) explains best what the value lacks.
      const branch = [...issue.errors].sort((a, b) => a.length - b.length)[0];
      if (branch !== undefined && branch.length > 0) {
        return branch.flatMap((nested) =>
          issueProblems({ ...nested, path: [...issue.path, ...nested.path] }, context),
        );
      }
      return [problem(`${expected ?? 'a valid value'} expected, got ${showValue(found)}`)];
    }
    case 'invalid_format': {
      // A schema's own regex message names what is wanted ('a topic level without / + # $').
      const own = issue.format === 'regex' && !/^Invalid/.test(issue.message);
      return [problem(`${own ? 'expected ' : ''}${plain(issue.message)}, got ${showValue(found)}`)];
    }
    case 'not_multiple_of':
    case 'invalid_key':
    case 'invalid_element':
    case 'custom':
      return [problem(`${plain(issue.message)}, got ${showValue(found)}`)];
  }
}

function tooSmall(issue: z.core.$ZodIssueTooSmall, found: unknown): string {
  const min = String(issue.minimum);
  if (issue.origin === 'string' && min === '1') return 'must not be empty';
  if (issue.origin === 'array')
    return `expected at least ${min} item${min === '1' ? '' : 's'}, got ${showValue(found)}`;
  if (issue.origin === 'number' || issue.origin === 'int')
    return `expected a number ${issue.inclusive ? 'of at least' : 'above'} ${min}, got ${showValue(found)}`;
  return `${plain(issue.message)}, got ${showValue(found)}`;
}

/** zod's message without its generic lead-in ("Invalid input: "). */
function plain(message: string): string {
  return message.replace(/^(Invalid input|Too big|Too small): /, '');
}

/** A found value with its JSON type where the value alone does not show it: `a string "2"`, `null`. */
function typed(found: unknown): string {
  const kind = jsonKind(found);
  return kind === 'string' || kind === 'number' || kind === 'boolean'
    ? `${article(kind)} ${showValue(found)}`
    : showValue(found);
}

function article(kind: string): string {
  return /^[aeiou]/.test(kind) ? `an ${kind}` : `a ${kind}`;
}

/** Wrappers (optional, default, pipe, ...) are looked through; objects and arrays are walked. */
function schemaAt(schema: Schema, segments: readonly PropertyKey[]): Schema | undefined {
  let current: Schema | undefined = schema;
  for (const segment of segments) {
    current = current === undefined ? undefined : child(unwrap(current), segment);
  }
  return current;
}

function child(schema: Schema, segment: PropertyKey): Schema | undefined {
  const def = schema._zod.def;
  if (def.type === 'array' && typeof segment === 'number') return (def as z.core.$ZodArrayDef).element;
  if (def.type === 'object' && typeof segment === 'string')
    return (def as z.core.$ZodObjectDef).shape[segment];
  if (def.type === 'union') {
    for (const option of (def as z.core.$ZodUnionDef).options) {
      const found = child(unwrap(option), segment);
      if (found !== undefined) return found;
    }
  }
  return undefined;
}

/** The keys an object schema (or any object branch of a union) knows. */
function objectKeys(schema: Schema): string[] {
  const inner = unwrap(schema);
  const def = inner._zod.def;
  if (def.type === 'object') return Object.keys((def as z.core.$ZodObjectDef).shape);
  if (def.type === 'union') return (def as z.core.$ZodUnionDef).options.flatMap(objectKeys);
  return [];
}

function unwrap(schema: Schema): Schema {
  let current = schema;
  for (;;) {
    const def = current._zod.def as { innerType?: Schema; in?: Schema; type: string };
    const next = def.type === 'pipe' ? def.in : def.innerType;
    if (next === undefined) return current;
    current = next;
  }
}

/** The `.describe()` text of `schema` or of a wrapper around it. */
function description(schema: Schema): string | undefined {
  let current: Schema | undefined = schema;
  while (current !== undefined) {
    const text = z.globalRegistry.get(current)?.description;
    if (text !== undefined) return text;
    const def = current._zod.def as { innerType?: Schema; in?: Schema; type: string };
    current = def.type === 'pipe' ? def.in : def.innerType;
  }
  return undefined;
}
