/**
 * Where generate records each unit's stack, and what it reads back: the version file's
 * `placement` keeps a queue in its stack from one generation to the next; an entry that names no
 * stack of its family is DZ7050 at its line and the unit is placed afresh. And `deploy synth`
 * checks that the app is current by the inputs' checksum alone, without parsing the DSL again.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { VERSION_FILE } from '../../src/emit/index.js';
import { generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { REPO, runCli } from '../helpers.js';

const LEDGER_APP = join(REPO, 'examples', 'ledger-app');

describe('the placement generate records', () => {
  it('is read back by the next generation; an entry naming no stack of its family is DZ7050 at its line, and the unit is placed afresh', () => {
    const project = projectCopy(LEDGER_APP);
    const first = generateApp(project, 'prod');
    expect(JSON.parse(first.app.files.get(VERSION_FILE) as string).placement).toEqual({
      'bucket:files': 'Data',
      'bus:ledger_events': 'Messaging',
      'queue:payment_jobs': 'Messaging',
      'schedule:nightly_reconciliation': 'Messaging',
      'service:web': 'Compute',
    });
    const infra = writeApp(first.app.files, join(project, 'infra'));
    const file = join(infra, VERSION_FILE);
    const edited = readFileSync(file, 'utf8').replace('"queue:payment_jobs": "Messaging"', '"queue:payment_jobs": "Compute7"');
    writeFileSync(file, edited);
    const again = generateApp(project, 'prod');
    const warnings = again.diagnostics.filter((d) => d.code === 'DZ7050');
    const line = edited.split('\n').findIndex((l) => l.includes('"queue:payment_jobs"')) + 1;
    expect(warnings.map((d) => [d.span?.file?.replace(/^.*\/infra\//, 'infra/'), d.span?.line])).toEqual([['infra/.dazzle-infra-version.json', line]]);
    expect(warnings[0]?.message).toContain("'Compute7'");
    expect(again.plan.placement['queue:payment_jobs']).toBe('Messaging');
  });
});

describe('deploy synth', () => {
  it('checks the app against its inputs by their checksum, without parsing the DSL: a DSL broken since generation is DZ6004, not a syntax error', () => {
    const project = projectCopy(LEDGER_APP);
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod']).code).toBe(0);
    const dsl = join(project, 'dsl', 'messaging.dsl');
    writeFileSync(dsl, `${readFileSync(dsl, 'utf8')}\nchannel broken "Broken:\n`);
    const check = runCli(['check', '-p', project]);
    expect(check.code).toBe(2);
    const r = runCli(['deploy', 'synth', '-p', project, '-e', 'prod'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('warning DZ6004');
    expect(r.stderr).not.toMatch(/error DZ1|error DZ2/);
  }, 120_000);
});
