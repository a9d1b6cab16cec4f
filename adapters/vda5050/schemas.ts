import { readFileSync } from 'node:fs';
import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/** The official schemas (MIT, VDA), copied into `standards/vda5050/` with the patches its README lists. */
const SCHEMA_DIR = new URL('../../standards/vda5050/', import.meta.url);

export type Topic = 'order' | 'instantActions' | 'state' | 'connection' | 'factsheet' | 'visualization';

export type SchemaCheck = { readonly ok: true } | { readonly ok: false; readonly errors: string };

const addFormats = addFormatsModule as unknown as (ajv: Ajv2020) => Ajv2020;
const cache = new Map<string, ValidateFunction>();

/**
 * T8: what an inbound timestamp may look like: ISO 8601 with any fraction and with or without a zone
 * (AGVs send local times and other precisions; the master never orders messages by them).
 */
const TOLERANT_DATE_TIME = /^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d(:?\d\d)?)?$/i;

/**
 * Checks a message against the official schema of its topic and version (checklist T6: every outgoing
 * order and instantActions message before it is published; inbound states before they are used).
 * `inbound` tolerates timestamps without a zone (T8); outgoing messages are held to RFC 3339.
 * Compiled once per version, topic and direction.
 */
export function checkSchema(
  version: string,
  topic: Topic,
  message: unknown,
  { inbound = false }: { readonly inbound?: boolean } = {},
): SchemaCheck {
  const key = `${version}/${topic}`;
  const cached = `${key}/${inbound ? 'in' : 'out'}`;
  let validate = cache.get(cached);
  if (!validate) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    if (inbound) ajv.addFormat('date-time', TOLERANT_DATE_TIME);
    const schema = JSON.parse(readFileSync(new URL(`${key}.schema`, SCHEMA_DIR), 'utf8')) as object;
    validate = ajv.compile(schema);
    cache.set(cached, validate);
  }
  if (validate(message)) return { ok: true };
  return { ok: false, errors: describe(validate.errors ?? []) };
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 5)
    .map((e) => `${e.instancePath || '/'} ${e.message ?? 'invalid'}`)
    .join('; ');
}
