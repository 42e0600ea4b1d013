/** The generated schema files and the example config are in sync with src/config, and the example is complete and valid. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject } from 'ajv';
import { parse } from 'smol-toml';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs build script without type declarations
import { AJV_OPTIONS, schemaJson, validatorCode } from '../../scripts/schema-artifacts.mjs';
import { DAZZLE_TOML_SCHEMA, ENVIRONMENTS, exampleToml, loadConfig } from '../../src/config/index.js';
import validateGenerated from '../../src/config/toml-validator.generated.js';
import { REPO } from '../helpers.js';

const read = (rel: string) => readFileSync(join(REPO, rel), 'utf8');

describe('generated config artifacts', () => {
  it('grammar/dazzle.schema.json is up to date', () => {
    expect(read('grammar/dazzle.schema.json'), 'run npm run grammar').toBe((schemaJson as (s: unknown) => string)(DAZZLE_TOML_SCHEMA));
  });

  it('the standalone validator is up to date', () => {
    expect(read('src/config/toml-validator.generated.js'), 'run npm run grammar').toBe((validatorCode as (s: unknown) => string)(DAZZLE_TOML_SCHEMA));
  });

  it('dazzle.toml.example is up to date', () => {
    expect(read('dazzle.toml.example'), 'run npm run grammar').toBe(exampleToml());
  });

  it('the standalone validator agrees with ajv compiling the schema at run time', () => {
    const runtime = new Ajv(AJV_OPTIONS as object).compile(DAZZLE_TOML_SCHEMA);
    const docs = [
      parse(read('dazzle.toml.example')),
      { deploy: { compute: { cpu: '512' } } },
      { deploy: { compute: { memroy: 1 } } },
      { deploy: { env: { production: {} } } },
      { deploy: { tigerbeetle: { volume_iops: 1 }, secrets: { Bad: 'x' } } },
    ];
    for (const doc of docs) {
      const a = runtime(doc);
      const b = validateGenerated(doc);
      expect(b).toBe(a);
      expect((validateGenerated.errors ?? []).map((e: ErrorObject) => [e.instancePath, e.keyword])).toEqual((runtime.errors ?? []).map((e: ErrorObject) => [e.instancePath, e.keyword]));
    }
  });
});

describe('dazzle.toml.example', () => {
  const text = read('dazzle.toml.example');

  it.each(ENVIRONMENTS)('loads without errors or warnings in %s', (environment) => {
    const r = loadConfig({ path: 'dazzle.toml.example', text, environment });
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.deploy.environment).toBe(environment);
  });

  it('lists every key of the schema, each under its table with a comment above it', () => {
    const lines = text.split('\n');
    // Map each `key = value` line (active or commented out) to the table it is in.
    const seen = new Set<string>();
    let table = '';
    lines.forEach((line, i) => {
      const header = /^#? ?\[([^\]]+)\]$/.exec(line);
      if (header) table = header[1] as string;
      const kv = /^#? ?([a-z_]+) = /.exec(line);
      if (kv) {
        seen.add(`${table}.${kv[1]}`);
        // A comment says what each key is (the commented examples of map tables follow their header).
        if (!/^deploy\.(services|secrets|env)\./.test(`${table}.`)) expect(lines[i - 1], `comment above ${table}.${kv[1]}`).toMatch(/^# /);
      }
    });
    type S = { properties?: Record<string, S>; $ref?: string };
    const definitions = DAZZLE_TOML_SCHEMA.definitions as Record<string, S>;
    const deref = (x: S): S => (x.$ref ? (definitions[x.$ref.replace('#/definitions/', '')] as S) : x);
    const raw = (DAZZLE_TOML_SCHEMA.properties as Record<string, S>).deploy as S;
    const deploy = { properties: Object.fromEntries(Object.entries(raw.properties ?? {}).map(([k, v]) => [k, deref(v)])) } as { properties: Record<string, S> };
    const missing: string[] = [];
    for (const [key, sub] of Object.entries(deploy?.properties ?? {})) {
      if (sub.properties) {
        for (const k of Object.keys(sub.properties)) if (!seen.has(`deploy.${key}.${k}`)) missing.push(`deploy.${key}.${k}`);
      } else if (['services', 'secrets', 'env'].includes(key)) {
        if (![...seen].some((s) => s.startsWith(`deploy.${key}.`))) missing.push(`deploy.${key}`);
      } else if (!seen.has(`deploy.${key}`)) missing.push(`deploy.${key}`);
    }
    expect(missing).toEqual([]);
    // …and nothing that the schema does not know.
    const known = new Set<string>();
    for (const [key, sub] of Object.entries(deploy?.properties ?? {})) {
      known.add(`deploy.${key}`);
      for (const k of Object.keys(sub.properties ?? {})) known.add(`deploy.${key}.${k}`);
    }
    const unknown = [...seen].filter((s) => s.startsWith('deploy.') && !known.has(s) && !/^deploy\.(services|secrets|env)\./.test(s));
    expect(unknown).toEqual([]);
  });
});
