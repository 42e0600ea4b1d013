/**
 * `dazzle deploy preflight` as a process, on a copy of the ledger example whose app
 * was generated with `dazzle deploy generate`: exit codes, every format, --output,
 * GitHub annotations, --rules, --fail-on, acknowledgements in dazzle.toml (and bad
 * ones, at their line), a stale app and a hand edit. The seed's CI step runs
 * `dazzle deploy preflight` after `generate`: it used to exit 2 ("not available").
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';
import { EXAMPLE } from './helpers.js';

const SARIF_SCHEMA = join(REPO, '..', 'shared', 'schemas', 'sarif-2.1.0.schema.json');

let project: string;
const cli = (args: readonly string[], env: Record<string, string> = {}) => runCli(['deploy', 'preflight', '-p', project, ...args], { cwd: project, env: { GITHUB_ACTIONS: '', ...env }, timeoutMs: 120_000 });

beforeAll(() => {
  project = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-preflight-cli-')));
  for (const env of ['staging', 'prod']) {
    const g = runCli(['deploy', 'generate', '-p', project, '-e', env, '--out', join(project, `infra-${env}`)], { cwd: project });
    if (g.code !== 0) throw new Error(g.stderr);
  }
}, 120_000);

/** A SARIF validator (SARIF 2.1.0's own JSON Schema), or undefined without ../shared. */
function sarifValidator() {
  if (!existsSync(SARIF_SCHEMA)) return undefined;
  const ajv = new Ajv({ allErrors: true, strict: false });
  (addFormats as unknown as (a: Ajv) => void)(ajv);
  return ajv.compile(JSON.parse(readFileSync(SARIF_SCHEMA, 'utf8')) as object);
}

describe('deploy preflight', () => {
  it('passes on the example in staging: exit 0, nothing found, the verdict last', () => {
    const r = cli(['--out', 'infra-staging']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Preflight of ledger_app \(staging, us-east-1\): 7 stacks, \d+ resources; failing on high or above\n/);
    expect(r.stdout.trimEnd().split('\n').at(-1)).toBe('preflight passed: nothing unacknowledged at high or above (no findings)');
  });

  it('prod: the example acknowledges plain HTTP in dazzle.toml, so it passes and the finding is shown as acknowledged (json, versioned)', () => {
    const r = cli(['-e', 'prod', '--out', 'infra-prod', '--format', 'json']);
    expect(r.code).toBe(0);
    const j = JSON.parse(r.stdout) as { format_version: number; ok: boolean; findings: { rule: string; acknowledged: { reason: string; file: string; line: number } | null; file: string }[]; summary: Record<string, number> };
    expect(j.format_version).toBe(1);
    expect(j.ok).toBe(true);
    expect(j.findings.map((f) => [f.rule, Boolean(f.acknowledged)])).toEqual([['LB_PLAIN_HTTP', true]]);
    const toml = readFileSync(join(project, 'dazzle.toml'), 'utf8').split('\n');
    expect(toml[(j.findings[0]?.acknowledged?.line ?? 0) - 1]).toBe('rule = "LB_PLAIN_HTTP"');
    expect(j.summary).toMatchObject({ high: 0, acknowledged: 1, failing: 0 });
  });

  it('--rules hipaa adds the pack\'s findings (high and below), --fail-on critical lets them pass (exit 0); --output writes SARIF that validates, at lines that exist, while the text goes to the terminal; GitHub annotations under GITHUB_ACTIONS=true', () => {
    const report = join(project, 'preflight.sarif');
    const r = cli(['--out', 'infra-staging', '--rules', 'hipaa', '--fail-on', 'critical', '--format', 'sarif', '--output', report], { GITHUB_ACTIONS: 'true' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^Preflight of ledger_app \(staging, us-east-1\): 7 stacks, \d+ resources; failing on critical or above\n/);
    expect(r.stdout).toMatch(/\nhigh \(\d+\)\n {2}\S+:\d+:\d+ {2}HIPAA\.Security-\w+\n/);
    expect(r.stdout).toMatch(/^::error file=[^,]+,line=\d+,col=\d+,title=HIPAA\.Security-\w+ \(high\)::/m);
    expect(r.stdout).toContain('preflight passed: nothing unacknowledged at critical or above');
    const sarif = JSON.parse(readFileSync(report, 'utf8')) as { version: string; runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number; locations: { physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }[] }[] }[] };
    expect(sarif.version).toBe('2.1.0');
    const validate = sarifValidator();
    if (validate) expect(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    const run = sarif.runs[0];
    expect(run?.results.length).toBeGreaterThan(0);
    for (const res of run?.results ?? []) {
      expect(run?.tool.driver.rules[res.ruleIndex]?.id).toBe(res.ruleId);
      const loc = res.locations[0]?.physicalLocation;
      const file = join(project, decodeURIComponent(loc?.artifactLocation.uri ?? ''));
      expect(existsSync(file), file).toBe(true);
      expect(readFileSync(file, 'utf8').split('\n').length).toBeGreaterThanOrEqual(loc?.region.startLine ?? Infinity);
    }
  });

  it('a stale app (dazzle.toml changed since generate) is APP_STALE, and a hand edit is listed (APP_EDITED) and checked: cluster id 0 in staging, a property CloudFormation refuses', () => {
    const copy = copyProject(project, mkdtempSync(join(tmpdir(), 'dazzle-preflight-stale-')));
    const stack = join(copy, 'infra-staging', 'lib', 'tigerbeetle-stack.ts');
    const edited = readFileSync(stack, 'utf8')
      .replace("const CLUSTER_ID = '1';", "const CLUSTER_ID = '0';")
      .replace("    Tags.of(volume).add('Name', name);", "    Tags.of(volume).add('Name', name);\n    (volume.node.defaultChild as ec2.CfnVolume).addPropertyOverride('Throughput', 'fast');");
    expect(edited).toContain("addPropertyOverride('Throughput', 'fast')");
    writeFileSync(stack, edited);
    writeFileSync(join(copy, 'dazzle.toml'), readFileSync(join(copy, 'dazzle.toml'), 'utf8').replace('desired_count = 2', 'desired_count = 3'));
    const r = runCli(['deploy', 'preflight', '-p', copy, '--out', join(copy, 'infra-staging'), '--format', 'json'], { cwd: copy, timeoutMs: 120_000 });
    expect(r.code).toBe(1);
    const j = JSON.parse(r.stdout) as { findings: { rule: string; level: string; file: string; line: number }[] };
    expect(j.findings.map((f) => [f.rule, f.level]).sort()).toEqual([
      ['APP_EDITED', 'medium'],
      ['APP_STALE', 'high'],
      ['CFN_SCHEMA', 'high'],
      ['CFN_SCHEMA', 'high'],
      ['CFN_SCHEMA', 'high'],
      ['TB_TEST_CLUSTER_ID', 'high'],
    ]);
    expect(j.findings.filter((f) => f.rule === 'CFN_SCHEMA').map((f) => (f as unknown as { message: string }).message)).toEqual(Array(3).fill(expect.stringMatching(/^AWS::EC2::Volume LedgerApp-staging-TigerBeetle\/Replica\dData \(Properties\.Throughput\): .*integer.*\[CloudFormation F30\d\d\]$/)));
    expect(j.findings.find((f) => f.rule === 'APP_EDITED')?.file).toBe('infra-staging/lib/tigerbeetle-stack.ts');
    // At the table where cluster_id is written (the example sets other TigerBeetle keys there).
    expect(j.findings.find((f) => f.rule === 'TB_TEST_CLUSTER_ID')?.file).toBe('dazzle.toml');
  });

  it.each([
    ['an unknown rule', 'rule = "TB_LOW_IOP"\nreason = "We accept the IOPS of staging for now"', 'DZ8001', 'rule = ', "did you mean 'TB_LOW_IOPS'?"],
    ['no reason', 'rule = "TB_LOW_IOPS"', 'DZ4005', '[[deploy.preflight.acknowledge]]', "has no 'reason'"],
    ['a one-word reason', 'rule = "TB_LOW_IOPS"\nreason = "fine"', 'DZ4005', 'reason = ', 'at least three words'],
    ['a date that is not one', 'rule = "TB_LOW_IOPS"\nreason = "We accept the IOPS of staging for now"\nexpires = "2027-02-30"', 'DZ4005', 'expires = ', 'not a day of the calendar'],
    ['a date in another form', 'rule = "TB_LOW_IOPS"\nreason = "We accept the IOPS of staging for now"\nexpires = "next spring"', 'DZ4005', 'expires = ', 'YYYY-MM-DD'],
  ])('a bad acknowledgement (%s) is exit 2 at its dazzle.toml line and column, before anything is synthesized', (_, entry, code, lineStart, words) => {
    const copy = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-preflight-ack-')));
    const before = readFileSync(join(copy, 'dazzle.toml'), 'utf8');
    writeFileSync(join(copy, 'dazzle.toml'), `${before}\n[[deploy.preflight.acknowledge]]\n${entry}\n`);
    const r = runCli(['deploy', 'preflight', '-p', copy], { cwd: copy });
    expect(r.code).toBe(2);
    const m = new RegExp(`^dazzle\\.toml:(\\d+):(\\d+) - error ${code}: .*${words.replace(/[[\]()?.]/g, '\\$&')}`, 'm').exec(`${r.stderr}`) ?? new RegExp(`^dazzle\\.toml:(\\d+):(\\d+) - error ${code}: `, 'm').exec(r.stderr);
    expect(m, r.stderr).not.toBeNull();
    expect(r.stderr).toContain(words);
    const line = (readFileSync(join(copy, 'dazzle.toml'), 'utf8').split('\n')[Number(m?.[1]) - 1] ?? '');
    expect(line.startsWith(lineStart)).toBe(true);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  it('an unknown --rules pack is exit 2 (DZ8004) naming the packs there are', () => {
    const r = cli(['--rules', 'hipaa,soc2']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("error DZ8004: --rules 'soc2': not a cdk-nag rule pack");
    expect(r.stderr).toContain('nist-800-53-r5');
  });
});
