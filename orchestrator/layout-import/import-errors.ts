/**
 * Helpers the importers share for paths into JSON documents and for describing JSON values.
 * Paths use the JavaScript accessor form `layouts[0].edges[3].startNodeId`.
 */

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

/** The value at `segments` in `doc` (`['fleet', 0, 'homeNode']`), or undefined when there is none. */
export function valueAt(doc: unknown, segments: readonly PropertyKey[]): unknown {
  let current: unknown = doc;
  for (const key of segments) {
    if (Array.isArray(current) && typeof key === 'number') current = current[key] as unknown;
    else if (isJsonObject(current) && typeof key !== 'symbol' && Object.hasOwn(current, String(key)))
      current = current[String(key)];
    else return undefined;
  }
  return current;
}

/** A JSON value for a message: `"PARK-1"`, `3`, `an object`, `an array of 2`; long text shortened. */
export function showValue(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (isJsonObject(value)) return 'an object';
  const text = JSON.stringify(value);
  return text.length > 40 ? `${text.slice(0, 37)}..."` : text;
}
