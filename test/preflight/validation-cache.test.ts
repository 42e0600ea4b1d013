/**
 * Preflight's cache of CloudFormation validation findings (keyed by each template's
 * content): the same findings cold and warm, the validator never asked when every
 * template is cached (not even after a `deploy synth` rebuilt the assembly), only a
 * changed template validated again, the assembly synth replaces validated ahead of
 * it, a corrupt or linked cache file ignored and rewritten, and a validation that
 * cannot run still failing the run.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { collectPreflight, type PreflightRun } from '../../src/cli/preflight-command.js';
import { synthApp } from '../../src/cli/synth.js';
import { startTemplateValidation, type TemplateValidator } from '../../src/cli/template-validation.js';
import { appKey, EMPTY_CACHE, parseCache, readCache, templateKey, updatedCache, VALIDATION_CACHE, writeCache } from '../../src/cli/template-validation-cache.js';
import { FIXED_TIME, generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { EXAMPLE } from './helpers.js';

let real: TemplateValidator;
beforeAll(() => {
  real = startTemplateValidation();
});
afterAll(async () => {
  await real.close();
});

/** A validator that records what it is asked (warm-ups, and the stacks of each validation). */
function recording(inner: TemplateValidator) {
  const warmed: string[][] = [];
  const validated: string[][] = [];
  const validator: TemplateValidator = {
    warm: (types, region) => {
      warmed.push([...types]);
      inner.warm(types, region);
    },
    validate: (templates, region) => {
      validated.push(templates.map((t) => t.stack));
      return inner.validate(templates, region);
    },
    close: async () => undefined,
  };
  return { validator, warmed, validated };
}

const broken: TemplateValidator = { warm: () => undefined, validate: () => Promise.reject(new Error('CloudFormation template validation failed: no schemas')), close: async () => undefined };

const run = (project: string, validator: TemplateValidator) => collectPreflight({ project, format: 'text' }, REPO, { now: FIXED_TIME, githubActions: false, validator });
const schemaFindings = (r: PreflightRun) => (r.report?.findings ?? []).filter((f) => f.rule === 'CFN_SCHEMA');

/** The example in staging, generated, with a hand edit CloudFormation refuses on each TigerBeetle volume. */
function editedApp(): { project: string; app: string } {
  const project = projectCopy(EXAMPLE);
  const prepared = generateApp(project, 'staging');
  const app = writeApp(prepared.app.files, prepared.outDir);
  setThroughput(app, "'fast'");
  return { project, app };
}

function setThroughput(app: string, value: string): void {
  const file = join(app, 'lib', 'tigerbeetle-stack.ts');
  const text = readFileSync(file, 'utf8');
  const marker = "    Tags.of(volume).add('Name', name);";
  const edited = text.includes('addPropertyOverride')
    ? text.replace(/addPropertyOverride\('Throughput', [^)]*\)/, `addPropertyOverride('Throughput', ${value})`)
    : text.replace(marker, `${marker}\n    (volume.node.defaultChild as ec2.CfnVolume).addPropertyOverride('Throughput', ${value});`);
  expect(edited).toContain(`addPropertyOverride('Throughput', ${value})`);
  writeFileSync(file, edited);
}

describe('cached template validation', () => {
  let project: string;
  let app: string;
  let cold: PreflightRun;
  let stacks: string[];

  beforeAll(async () => {
    ({ project, app } = editedApp());
    const r = recording(real);
    cold = await run(project, r.validator);
    stacks = r.validated.flat();
    expect(r.warmed).toHaveLength(1);
    expect(r.validated).toHaveLength(1);
  }, 120_000);

  it('cold: every template is validated, and the hand edit is found on each TigerBeetle volume', () => {
    expect(stacks.length).toBeGreaterThan(3);
    expect(schemaFindings(cold)).toHaveLength(3);
    expect(existsSync(join(app, 'cdk.out', VALIDATION_CACHE))).toBe(true);
  });

  it('warm: the same report, and the validator is neither warmed nor asked (also after deploy synth rebuilt the assembly)', async () => {
    const warm = await run(project, broken);
    expect(warm.report).toEqual(cold.report);
    expect(warm.diagnostics).toEqual(cold.diagnostics);
    const synth = await synthApp(app);
    expect(synth.templates.size).toBe(stacks.length);
    const r = recording(broken);
    const again = await run(project, r.validator);
    expect(r.warmed).toEqual([]);
    expect(r.validated).toEqual([]);
    expect(again.report).toEqual(cold.report);
  }, 120_000);

  it('a changed template invalidates its entry: only that stack is validated, with the findings of a run without a cache', async () => {
    setThroughput(app, "'faster'");
    const r = recording(real);
    const changed = await run(project, r.validator);
    expect(r.validated).toEqual([[expect.stringMatching(/-TigerBeetle$/)]]);
    expect(schemaFindings(changed).map((f) => f.message)).toEqual(Array(3).fill(expect.stringContaining('Properties.Throughput')));
    rmSync(join(app, 'cdk.out', VALIDATION_CACHE));
    const fresh = await run(project, real);
    expect(changed.report).toEqual(fresh.report);
    setThroughput(app, "'fast'");
    await run(project, real);
  }, 120_000);

  it('a corrupt cache file is ignored (every template validated, the same findings, ahead of synth from the assembly it replaces) and rewritten', async () => {
    const file = join(app, 'cdk.out', VALIDATION_CACHE);
    writeFileSync(file, '{"format":1,"templates":{"zz":[]},');
    const r = recording(real);
    const after = await run(project, r.validator);
    // The assembly synth replaces is validated ahead of it; synth writes the same templates again, so nothing is left after it.
    expect(r.validated).toEqual([[...stacks].sort().map((s) => `${s}.template.json`)]);
    expect(after.report).toEqual(cold.report);
    expect(parseCache(readFileSync(file, 'utf8')).templates.size).toBe(stacks.length);
  }, 120_000);

  it('a changed template is validated after synth when the assembly it replaces was validated ahead', async () => {
    rmSync(join(app, 'cdk.out', VALIDATION_CACHE));
    setThroughput(app, "'slow'");
    const r = recording(real);
    const changed = await run(project, r.validator);
    expect(r.validated).toEqual([[...stacks].sort().map((s) => `${s}.template.json`), [expect.stringMatching(/-TigerBeetle$/)]]);
    expect(schemaFindings(changed).map((f) => f.message)).toEqual(Array(3).fill(expect.stringContaining('Properties.Throughput')));
    rmSync(join(app, 'cdk.out', VALIDATION_CACHE));
    expect((await run(project, real)).report).toEqual(changed.report);
    setThroughput(app, "'fast'");
    await run(project, real);
  }, 120_000);

  it('a validation that cannot run fails the run (ahead of synth or after it), and records nothing', async () => {
    const file = join(app, 'cdk.out', VALIDATION_CACHE);
    writeFileSync(file, 'not json');
    await expect(run(project, broken)).rejects.toThrow('no schemas');
    expect(readFileSync(file, 'utf8')).toBe('not json');
    rmSync(join(app, 'cdk.out'), { recursive: true });
    await expect(run(project, broken)).rejects.toThrow('no schemas');
  }, 120_000);
});

describe('the cache file', () => {
  const issue = { rule: 'F3002', severity: 'error', description: 'no', logicalId: 'Q', properties: ['Properties.Nope'], resourceType: 'AWS::SQS::Queue' } as const;
  const key = templateKey('{"Resources":{}}', 'us-east-1');

  it('reads back what it writes, byte for byte the same for the same entries', () => {
    const text = updatedCache(EMPTY_CACHE, key, new Map([[key, [issue]]]));
    const cache = parseCache(text);
    expect(cache.templates.get(key)).toEqual([issue]);
    expect(cache.apps.get(key)).toEqual([key]);
    expect(updatedCache(cache, key, new Map([[key, [issue]]]))).toBe(text);
  });

  it('keys a template by its text and region (and so by nothing that is not in them)', () => {
    expect(templateKey('{"Resources":{}}', 'us-east-1')).toBe(key);
    expect(templateKey('{"Resources": {}}', 'us-east-1')).not.toBe(key);
    expect(templateKey('{"Resources":{}}', 'eu-west-1')).not.toBe(key);
  });

  it.each([
    ['not JSON', '{'],
    ['another format', JSON.stringify({ format: 2, templates: {}, apps: {} })],
    ['a key that is not a checksum', JSON.stringify({ format: 1, templates: { '../x': [] }, apps: {} })],
    ['a finding with a field it never writes', JSON.stringify({ format: 1, templates: { [key]: [{ ...issue, path: '/etc/passwd' }] }, apps: {} })],
    ['a finding of another severity', JSON.stringify({ format: 1, templates: { [key]: [{ ...issue, severity: 'fatal' }] }, apps: {} })],
    ['an app of something else than checksums', JSON.stringify({ format: 1, templates: {}, apps: { [key]: ['x'] } })],
  ])('is empty when the file is %s', (_, text) => {
    expect(parseCache(text)).toBe(EMPTY_CACHE);
  });

  it('is never read or written through a symbolic link', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dazzle-cache-'));
    const elsewhere = join(dir, 'elsewhere.json');
    const text = updatedCache(EMPTY_CACHE, undefined, new Map([[key, [issue]]]));
    writeFileSync(elsewhere, text);
    symlinkSync(elsewhere, join(dir, VALIDATION_CACHE));
    expect(readCache(dir)).toBe(EMPTY_CACHE);
    expect(writeCache(dir, updatedCache(EMPTY_CACHE, undefined, new Map()))).toBe(true);
    expect(readFileSync(elsewhere, 'utf8')).toBe(text);
    expect(readCache(dir).templates.size).toBe(0);
  });

  it('predicts nothing from a version file that names a path outside the app', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dazzle-cache-app-'));
    writeFileSync(join(dir, '.dazzle-infra-version.json'), JSON.stringify({ files: [{ path: '../outside' }] }));
    expect(appKey(dir, 'us-east-1')).toBeUndefined();
    writeFileSync(join(dir, '.dazzle-infra-version.json'), JSON.stringify({ files: [{ path: 'lib/app.ts' }] }));
    const before = appKey(dir, 'us-east-1');
    expect(before).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(join(dir, 'cdk.context.json'), '{}');
    expect(appKey(dir, 'us-east-1')).not.toBe(before);
  });
});
