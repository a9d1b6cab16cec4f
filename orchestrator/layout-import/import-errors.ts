/**
 * Helpers the importers share to turn validator output into `LayoutImportError`s and warning paths.
 * Paths use the JavaScript accessor form `layouts[0].edges[3].startNodeId`.
 */
import type { z } from 'zod';
import { LayoutImportError } from '../domain/layout.ts';

/** `['layouts', 0, 'edges']` -> `layouts[0].edges`; the empty path is `(root)`. */
export function formatPath(segments: readonly PropertyKey[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? String(segment) : `.${String(segment)}`;
  }
  return out === '' ? '(root)' : out;
}

/** The segments of a JSON pointer (`/layouts/0/edges` -> `['layouts', 0, 'edges']`), indices as numbers. */
export function pointerSegments(pointer: string): (string | number)[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((raw) => raw.replaceAll('~1', '/').replaceAll('~0', '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** A JSON pointer as ajv reports it (`/layouts/0/edges`) in `formatPath` form. */
export function pointerToPath(pointer: string): string {
  return formatPath(pointerSegments(pointer));
}

/**
 * The first issue of a failed zod parse as a `LayoutImportError` with code `code`, the issue's path and
 * `what` (e.g. `invalid site file`) leading the message. The zod error is kept as `cause`.
 */
export function fromZodError(code: string, what: string, error: z.ZodError): LayoutImportError {
  const issue = error.issues[0];
  if (issue === undefined) return new LayoutImportError(code, what, undefined, { cause: error });
  const path = formatPath(issue.path);
  const more = error.issues.length > 1 ? ` (and ${error.issues.length - 1} more issues)` : '';
  return new LayoutImportError(code, `${what}: ${path}: ${issue.message}${more}`, path, { cause: error });
}

/** True for a plain JSON object (not null, not an array). */
export function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A short description of a JSON value's kind for error messages: `array`, `null`, `string`, ... */
export function jsonKind(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}
