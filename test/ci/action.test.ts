/**
 * The Action (action.yml) run for real under a simulated GitHub runner: its
 * steps' shell runs with the inputs substituted, calling the built dazzle on a
 * copy of the example in a git repository whose pull request changes the
 * TigerBeetle cluster (a change that destroys data) and lowers its IOPS (a
 * preflight finding at high). One full run is shared; the report step alone is
 * run again for the other gates and for the comment's update.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itShared, REPO } from '../helpers.js';
import { schemaValidator } from './schemas.js';
import { fakeGh, parseCommandFile, readAction, runAction, seedComment, type RunOptions, type RunResult } from './runner.js';

const ACTION = readAction(join(REPO, 'action.yml'));
const REPORT = 'dazzle deploy ci report';

function git(cwd: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.trim();
}

/** A repository with the example under shop/, a base commit and the pull request's head commit. */
function repository(root: string): { workspace: string; base: string; head: string } {
  const workspace = join(root, 'repo');
  mkdirSync(workspace);
  cpSync(join(REPO, 'examples', 'ledger-app'), join(workspace, 'shop'), { recursive: true, filter: (src) => !src.includes('/infra') });
  writeFileSync(join(workspace, '.gitignore'), 'shop/infra/\n');
  git(workspace, 'init', '-q', '-b', 'main');
  git(workspace, 'add', '-A');
  git(workspace, 'commit', '-q', '-m', 'base');
  const base = git(workspace, 'rev-parse', 'HEAD');
  const toml = join(workspace, 'shop', 'dazzle.toml');
  writeFileSync(toml, readFileSync(toml, 'utf8').replace('node_count = 3 ', 'node_count = 5 ').replace('volume_iops = 10000', 'volume_iops = 4000'));
  git(workspace, 'commit', '-q', '-am', 'grow the cluster');
  return { workspace, base, head: git(workspace, 'rev-parse', 'HEAD') };
}

describe('the Action under a simulated runner', () => {
  let root: string;
  let options: RunOptions;
  let gh: ReturnType<typeof fakeGh>;
  let first: RunResult;
  let base: string;
  const tomlLine = (text: string) => text.split('\n').findIndex((l) => l.startsWith('volume_iops')) + 1;

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dazzle-action-'));
    const repo = repository(root);
    base = repo.base;
    gh = fakeGh(join(root, 'gh'));
    // Someone else's comment on the pull request, which the Action leaves alone.
    seedComment(join(root, 'gh'), 'Looks good to me.');
    options = {
      with: { project: 'shop' },
      workspace: repo.workspace,
      temp: join(root, 'runner'),
      actionPath: REPO,
      eventName: 'pull_request',
      event: { action: 'synchronize', number: 7, pull_request: { number: 7, base: { ref: 'main', sha: repo.base }, head: { sha: repo.head } } },
      path: [gh.bin],
    };
    first = runAction(ACTION, options);
  }, 240_000);

  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('runs every step, and fails at the report for the finding and the destructive change', () => {
    expect(first.steps.map((s) => [s.name, s.outcome])).toEqual([
      ['Install dazzle', 'success'],
      ['dazzle check', 'success'],
      ['dazzle deploy plan', 'success'],
      ['dazzle deploy generate', 'success'],
      ['dazzle deploy synth', 'success'],
      ['dazzle deploy preflight', 'success'],
      ['dazzle deploy diff', 'success'],
      [REPORT, 'failure'],
    ]);
    expect(first.ok).toBe(false);
    expect(first.step(REPORT).status).toBe(1);
    expect(first.step(REPORT).stderr).toMatch(/failed: preflight: \d+ unacknowledged findings? at high or above \(fail-on: high\); diff: the change destroys data \(fail-on-diff: destructive\)/);
  });

  it('sets the outputs', () => {
    expect(first.outputs['has-changes']).toBe('true');
    expect(first.outputs.destructive).toBe('true');
    const sarif = JSON.parse(readFileSync(first.outputs.sarif as string, 'utf8')) as { runs: { results: { suppressions?: unknown[]; properties: { severity: string } }[] }[] };
    const open = sarif.runs[0]!.results.filter((r) => !r.suppressions);
    expect(Number(first.outputs.findings)).toBe(open.length);
    expect(open.some((r) => r.properties.severity === 'high')).toBe(true);
    // Two more replicas: the cost goes up by a fixed amount.
    expect(first.outputs['cost-delta']).toMatch(/^\+\d+\.\d\d(\.\.\+\d+\.\d\d)?$/);
    expect(Number(first.outputs['cost-delta']!.split('..')[0])).toBeGreaterThan(0);
  });

  it('writes the job summary: the verdict, the plan diagram and stacks, the findings, the changes by impact and the cost', () => {
    const s = first.summary;
    expect(s).toMatch(/^## dazzle: `ledger_app` \(staging\) — failed/);
    expect(s).toContain('```mermaid\ngraph LR');
    expect(s).toMatch(/\| TigerBeetle \| `Replica0` \| AWS::AutoScaling::AutoScalingGroup \|/);
    expect(s).toMatch(/\| \*\*high\*\* \| `TB_LOW_IOPS` \| `shop\/dazzle\.toml:\d+` \|/);
    expect(s).toMatch(/#### destroys data \(\d+\)\n\n- \*\*critical\*\* TigerBeetle: /);
    expect(s).toMatch(/### Monthly cost \(estimate\)\n\n\| before \| after \| change \|\n\|---\|---\|---\|\n\| \$[\d,.]+(–\$[\d,.]+)? \| \$[\d,.]+(–\$[\d,.]+)? \| \+\$/);
    expect(s).toContain(`| diff against \`${base}`.slice(0, 24));
  });

  it('is the summary docs/ci-summary.md shows (up to the base commit)', () => {
    const doc = readFileSync(join(REPO, 'docs', 'ci-summary.md'), 'utf8');
    const shown = doc.slice(doc.indexOf('\n---\n') + '\n---\n'.length).trimStart();
    // The docs compare with HEAD~1, the run with the base's commit: the same commit, named differently.
    const anyBase = (summary: string) => {
      const base = /^\| diff against `([^`]+)` \|/m.exec(summary)?.[1];
      expect(base).toBeDefined();
      return summary.replaceAll(base as string, 'BASE');
    };
    expect(anyBase(shown)).toBe(anyBase(first.summary));
  });

  it('annotates the dazzle.toml line of each preflight finding', () => {
    const toml = readFileSync(join(options.workspace, 'shop', 'dazzle.toml'), 'utf8');
    expect(first.step('dazzle deploy preflight').stdout).toContain(`::error file=shop/dazzle.toml,line=${tomlLine(toml)},`);
  });

  it('creates one comment with the marker, and leaves the others alone', () => {
    const posts = gh.calls().filter((c) => c.args.includes('POST'));
    expect(posts).toHaveLength(1);
    expect(gh.calls().every((c) => (c as { token?: string }).token === 'ghs_test_token')).toBe(true);
    const comments = gh.comments();
    expect(comments.map((c) => c.body.split('\n')[0])).toEqual(['Looks good to me.', '<!-- dazzle deploy ci report: project=shop environment=staging -->']);
    expect(comments[1]!.body).toContain('TB_LOW_IOPS');
    expect(comments[1]!.body.length).toBeLessThan(65_536);
  });

  const reportAgain = (inputs: Record<string, string>) =>
    runAction(ACTION, {
      ...options,
      with: { ...options.with, ...inputs },
      only: [REPORT],
      priorOutputs: { setup: first.steps[0]!.outputs },
    });

  it('fails for the destructive change alone when preflight fails only at critical', () => {
    const r = reportAgain({ 'fail-on': 'critical', comment: 'false' });
    expect(r.step(REPORT).status).toBe(1);
    expect(r.step(REPORT).stderr).toContain('failed: diff: the change destroys data (fail-on-diff: destructive)');
    expect(r.step(REPORT).stderr).not.toContain('preflight:');
  });

  it('fails for the preflight finding alone when the diff is not a gate', () => {
    const r = reportAgain({ 'fail-on-diff': 'none', comment: 'false' });
    expect(r.step(REPORT).status).toBe(1);
    expect(r.step(REPORT).stderr).toMatch(/failed: preflight: \d+ unacknowledged findings? at high or above \(fail-on: high\) \[/);
  });

  it('passes when neither gate applies, and updates the comment in place', () => {
    const r = reportAgain({ 'fail-on': 'critical', 'fail-on-diff': 'none' });
    expect(r.step(REPORT).status).toBe(0);
    expect(r.ok).toBe(true);
    expect(r.outputs).toMatchObject({ 'has-changes': 'true', destructive: 'true' });
    const calls = gh.calls();
    expect(calls.filter((c) => c.args.includes('POST'))).toHaveLength(1);
    expect(calls.filter((c) => c.args.includes('PATCH')).map((c) => c.args.find((a) => a.startsWith('repos/')))).toEqual(['repos/acme/shop/issues/comments/1001']);
    const comments = gh.comments();
    expect(comments).toHaveLength(2);
    expect(comments[1]!.body).toMatch(/— passed/);
  });

  it('on a push, has no pull request to comment on: a note, not a failure', () => {
    const r = runAction(ACTION, { ...options, eventName: 'push', event: { before: base }, with: { ...options.with, 'fail-on': 'critical', 'fail-on-diff': 'none' }, only: [REPORT], priorOutputs: { setup: first.steps[0]!.outputs } });
    expect(r.step(REPORT).status).toBe(0);
    expect(r.step(REPORT).stderr).toContain('DZ8204');
  });

  itShared('writes SARIF that the SARIF 2.1.0 schema accepts', () => {
    expect(schemaValidator()('sarif-2.1.0', JSON.parse(readFileSync(first.outputs.sarif as string, 'utf8')))).toEqual([]);
  });

  it('writes the outputs in the runner file format', () => {
    const text = Object.entries(first.step(REPORT).outputs).map(([k, v]) => `${k}=${v}\n`).join('');
    expect(parseCommandFile(text)).toEqual(first.step(REPORT).outputs);
  });
});

describe('the Action when a step cannot run', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'dazzle-action-fail-'));
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const run = (workspace: string, extra: Partial<RunOptions> = {}) => {
    const gh = fakeGh(join(workspace, '..', 'gh'));
    return {
      gh,
      result: runAction(ACTION, {
        with: { project: 'shop' },
        workspace,
        temp: join(workspace, '..', 'runner'),
        actionPath: REPO,
        eventName: 'pull_request',
        event: { pull_request: { number: 3, base: { ref: 'main', sha: '' } } },
        path: [gh.bin],
        ...extra,
      }),
    };
  };

  it('a DSL error: check fails, the report still annotates its line, writes the summary and comments', () => {
    const workspace = join(root, 'broken', 'repo');
    mkdirSync(workspace, { recursive: true });
    cpSync(join(REPO, 'examples', 'ledger-app'), join(workspace, 'shop'), { recursive: true, filter: (src) => !src.includes('/infra') });
    const dsl = join(workspace, 'shop', 'dsl', 'ledgers.dsl');
    const lines = readFileSync(dsl, 'utf8').split('\n');
    const at = lines.findIndex((l) => /^\s+\S+:\s*\S/.test(l) && !l.trim().startsWith('#'));
    lines[at] = lines[at]!.replace(/:(\s*)(\S)/, ':$1%$2');
    writeFileSync(dsl, lines.join('\n'));
    const { result, gh } = run(workspace, { with: { project: 'shop', 'base-ref': '' } });
    expect(result.steps.map((s) => s.outcome)).toEqual(['success', 'failure', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'failure']);
    const report = result.step(REPORT);
    expect(report.stdout).toMatch(new RegExp(`::error file=shop/dsl/ledgers\\.dsl,line=${at + 1},col=\\d+`));
    expect(result.summary).toMatch(/\*\*Failed:\*\* dazzle check found \d+ errors?; no plan report: its step failed or did not run/);
    expect(result.summary).toMatch(/\| error \| DZ\d{4} \| `shop\/dsl\/ledgers\.dsl:/);
    expect(gh.comments()).toHaveLength(1);
    expect(result.outputs).toMatchObject({ 'has-changes': '', destructive: '', findings: '', 'cost-delta': '' });
  });

  it('refuses to run as another dazzle version than the workflow asks for', () => {
    const workspace = join(root, 'version', 'repo');
    mkdirSync(workspace, { recursive: true });
    const { result } = run(workspace, { with: { project: 'shop', version: '9.9.9' } });
    expect(result.ok).toBe(false);
    expect(result.steps.map((s) => s.outcome)).toEqual(['failure', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped', 'skipped']);
    expect(result.step('Install dazzle').stdout).toContain('::error title=dazzle version::this Action is dazzle 0.1.0, and the workflow asks for 9.9.9');
  });

  it('runs dazzle from its own checkout: puts its bin on PATH, names the report folder and the SARIF', () => {
    // The branch that runs `npm ci` in a checkout not yet built runs for real in this repository's
    // CI (the job that uses ./ on a fresh checkout); here the checkout is the built one.
    const workspace = join(root, 'install', 'repo');
    mkdirSync(workspace, { recursive: true });
    const sarif = join(root, 'install', 'findings.sarif');
    const { result } = run(workspace, { with: { project: 'shop', environment: 'prod', sarif }, only: ['Install dazzle'] });
    const install = result.step('Install dazzle');
    expect(install.outcome, install.stderr).toBe('success');
    expect(install.stdout.trim()).toBe(JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version);
    expect(readFileSync(join(workspace, '..', 'runner', 'path.txt'), 'utf8')).toBe(`${REPO}/bin\n`);
    expect(install.outputs).toEqual({ dir: join(workspace, '..', 'runner', 'dazzle', 'prod-dazzle'), sarif });
    expect(result.outputs.sarif).toBe(sarif);
  });
});
