/**
 * Conformance of a LIF document to the official LIF 1.0 JSON schema (`lif.schema.json`, a verbatim copy
 * of `json_schemas/LIF.schema`, MIT, VDMA e.V.). Deviations become warnings: whether the document is
 * usable is decided by `parseLifDocument`.
 */
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import type { ImportWarning } from '../domain/layout.ts';
import { pointerSegments, pointerToPath, valueAt } from './import-errors.ts';
import lifSchema from './lif.schema.json' with { type: 'json' };

const validateLif = new Ajv({ allErrors: true }).compile(lifSchema);

/**
 * One warning per schema violation in `doc`, with a stable code:
 * - `lif-missing-stations`: a layout without `stations` (13 layouts in 11 of the 18 official examples);
 * - `lif-numeric-string`: a number written as a string, e.g. `"stationHeight": "0.5"` (the other 7);
 * - `lif-action-parameter-type`: an action parameter value that is not a string;
 * - `lif-schema`: anything else, with ajv's message.
 */
export function lifConformanceWarnings(doc: unknown): ImportWarning[] {
  if (validateLif(doc)) return [];
  return (validateLif.errors ?? []).map((error) => toWarning(doc, error));
}

function toWarning(doc: unknown, error: ErrorObject): ImportWarning {
  const path = pointerToPath(error.instancePath);
  if (error.keyword === 'required' && error.params['missingProperty'] === 'stations') {
    return {
      code: 'lif-missing-stations',
      message: 'layout has no stations (schema requires the array)',
      path,
    };
  }
  if (error.keyword === 'type' && /\/actionParameters\/\d+\/value$/.test(error.instancePath)) {
    return { code: 'lif-action-parameter-type', message: 'action parameter value is not a string', path };
  }
  const value = valueAt(doc, pointerSegments(error.instancePath));
  if (error.keyword === 'type' && error.params['type'] === 'number' && isNumericString(value)) {
    return { code: 'lif-numeric-string', message: `number given as string ${JSON.stringify(value)}`, path };
  }
  return { code: 'lif-schema', message: `${error.keyword}: ${error.message ?? 'schema violation'}`, path };
}

function isNumericString(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value));
}
