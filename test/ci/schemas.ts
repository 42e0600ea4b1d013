/**
 * The vendored GitHub Action and workflow JSON Schemas (`../shared/schemas`, draft-07, from
 * SchemaStore), compiled with ajv as their README says: not strict (ajv's strict mode refuses
 * them), with ajv-formats for their `format` keywords.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { SHARED } from '../helpers.js';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;
type SchemaName = 'github-action' | 'github-workflow' | 'sarif-2.1.0';

/** `validate(schema, value)` → the errors (`path: message`), empty when valid. */
export function schemaValidator(): (name: SchemaName, value: unknown) => string[] {
  const ajv = addFormats(new Ajv({ strict: false, allErrors: true, validateSchema: false }));
  const compiled = new Map<SchemaName, ValidateFunction>();
  return (name, value) => {
    let validate = compiled.get(name);
    if (!validate) {
      const schema = JSON.parse(readFileSync(join(SHARED, 'schemas', `${name}.schema.json`), 'utf8')) as Record<string, unknown>;
      delete schema.$schema;
      validate = ajv.compile(schema);
      compiled.set(name, validate);
    }
    return validate(value) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'}: ${e.message ?? ''}`);
  };
}
