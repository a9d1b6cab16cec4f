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
 * Checks a message against the official schema of its topic and version (checklist T6: every outgoing
 * order and instantActions message before it is published; inbound states before they are used).
 * Compiled once per version and topic.
 */
export function checkSchema(version: string, topic: Topic, message: unknown): SchemaCheck {
  const key = `${version}/${topic}`;
  let validate = cache.get(key);
  if (!validate) {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const schema = JSON.parse(readFileSync(new URL(`${key}.schema`, SCHEMA_DIR), 'utf8')) as object;
    validate = ajv.compile(schema);
    cache.set(key, validate);
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
