/**
 * `dazzle deploy diff` as a command: baselines (the output folder, a git ref, a
 * folder), exit codes with --fail-on, formats, and the output folder left as it
 * was. A few runs are real processes; the rest run the command in this process
 * (the same code, without paying for a new process and aws-cdk-lib each time).
 */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { deployDiff } from '../../src/cli/diff-command.js';
import { synthApp } from '../../src/cli/synth.js';
import { run } from '../../src/cli/main.js';
import type { Io } from '../../src/cli/output.js';
import type { DiffReport } from '../../src/diff/index.js';
import { copyProject, REPO, runCli } from '../helpers.js';

process.env.CDK_VALIDATION = 'false';
const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const NEW_QUEUE = '\nchannel refunds "Refunds":\n  kind: queue\n  provider: auto\n';

function capture(color = false): Io & { out: () => string; err: () => string } {
  let out = '';
  let err = '';
  return { stdout: (s) => void (out += s), stderr: (s) => void (err += s), color, out: () => out, err: () => err };
}

/** Run the command in this process: exit code, stdout, stderr. */
async function dazzle(args: readonly string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  const io = capture();
  const code = await run(args, io, cwd);
  return { code, stdout: io.out(), stderr: io.err() };
}

/** Every file under a folder with its size and modification time: to show a command left it alone. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const n of readdirSync(d).sort()) {
      const p = join(d, n);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else out.push(`${relative(dir, p)} ${st.size} ${st.mtimeMs}`);
    }
  };
  walk(dir);
  return out;
}

/** A copy of the generated project (its infra/ included). */
function copyGenerated(from: string): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'dazzle-diff-cli-')), 'project');
  cpSync(from, dir, { recursive: true });
  return dir;
}

const removeChannel = (project: string) => {
  const file = join(project, 'dsl', 'messaging.dsl');
  writeFileSync(file, readFileSync(file, 'utf8').replace(/channel payment_jobs[\s\S]*?(?=channel ledger_events)/, ''));
};

describe('dazzle deploy diff against the last generation', () => {
  let generated: string;
  beforeAll(() => {
    generated = copyProject(EXAMPLE, join(mkdtempSync(join(tmpdir(), 'dazzle-diff-cli-')), 'project'));
    const r = runCli(['deploy', 'generate', '-p', generated]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('no change: exit 0, and the output folder is left exactly as it was (process)', () => {
    const project = copyGenerated(generated);
    const before = tree(join(project, 'infra'));
    const r = runCli(['deploy', 'diff', '-p', project], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ledger_app \(staging\): no changes against .*infra \(version [0-9a-f]{12}\)/);
    expect(r.stdout).toMatch(/run `npx cdk diff` in .*infra/);
    expect(r.stdout).not.toMatch(/\u001b\[/);
    expect(tree(join(project, 'infra'))).toEqual(before);
  });

  it('a removed channel and a hand-edited generated file: exit 1, versioned JSON, worst first', async () => {
    const project = copyGenerated(generated);
    removeChannel(project);
    const edited = join(project, 'infra', 'lib', 'messaging-stack.ts');
    // The schedule queue's dead letters (the last of the two), which the change keeps.
    writeFileSync(edited, readFileSync(edited, 'utf8').replace(/retentionPeriod: Duration.days\(14\),(?![\s\S]*retentionPeriod)/, 'retentionPeriod: Duration.days(7),'));
    const r = await dazzle(['deploy', 'diff', '-p', project, '--format', 'json'], REPO);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport & { diagnostics: unknown[] };
    expect(report).toMatchObject({ format_version: 1, app: 'ledger_app', environment: 'staging', baseline: { kind: 'output' }, diagnostics: [] });
    expect(report.summary.worst).toBe('destroys-data');
    expect(report.changes[0]?.impact).toBe('destroys-data');
    // The DSL at the last generation is not at hand (no git): no plan-level changes, and a note says so.
    expect(report.plan.known).toBe(false);
    expect(report.notes.join(' ')).toMatch(/--base-ref/);
    // The baseline is the folder as it is, hand edit included: regenerating puts the 14 days back.
    expect(report.edited_files).toEqual([`${relative(REPO, project)}/infra/lib/messaging-stack.ts`]);
    const dlq = report.stacks.find((s) => s.name === 'Messaging')?.resources.find((x) => x.logicalId.startsWith('ScheduleQueueDeadLetters') && x.type === 'AWS::SQS::Queue');
    expect(dlq?.properties).toContainEqual(expect.objectContaining({ name: 'MessageRetentionPeriod', before: 604800, after: 1209600 }));
  }, 120_000);

  it('--fail-on narrows when changes exit 1', async () => {
    const queue = copyGenerated(generated);
    appendFileSync(join(queue, 'dsl', 'messaging.dsl'), NEW_QUEUE);
    // Changes (exit 1 by default, as the other cases show), none destructive.
    expect((await dazzle(['deploy', 'diff', '-p', queue, '--fail-on', 'destructive'], REPO)).code).toBe(0);
    const bad = await dazzle(['deploy', 'diff', '-p', queue, '--fail-on', 'sometimes'], REPO);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/DZ0101/);
  }, 120_000);

  it('markdown: a summary, the changes worst first, and collapsible details per stack', async () => {
    const project = copyGenerated(generated);
    removeChannel(project);
    const r = await dazzle(['deploy', 'diff', '-p', project, '--format', 'markdown'], REPO);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^## Infrastructure diff: `ledger_app` \(staging\)/);
    expect(r.stdout).toMatch(/\| destroys data \| Messaging \| QueuePaymentJobs/);
    expect(r.stdout).toMatch(/<details><summary>Messaging \(`LedgerApp-staging-Messaging`\): modified/);
    expect(r.stdout.split('<details>').length - 1).toBe(r.stdout.split('</details>').length - 1);
  }, 60_000);

  it('colours the text on a terminal (a pipe gets none: see the process runs)', async () => {
    const project = copyGenerated(generated);
    removeChannel(project);
    const tty = capture(true);
    expect(await deployDiff({ project, format: 'text' }, tty, REPO, new Date(), true)).toBe(1);
    expect(tty.out()).toMatch(/\u001b\[1;31mdestroys data/);
  }, 60_000);

  it('refuses a baseline of another environment (DZ8105), and --base with --base-ref', async () => {
    const r = await dazzle(['deploy', 'diff', '-p', generated, '-e', 'prod'], REPO);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/error DZ8105: .*environment staging/);
    const both = await dazzle(['deploy', 'diff', '-p', generated, '--base', 'x', '--base-ref', 'HEAD'], REPO);
    expect(both.code).toBe(2);
    expect(both.stderr).toMatch(/DZ0101/);
  }, 60_000);

  it('--base: a saved cdk.out, or a folder that holds none (DZ8101)', async () => {
    const project = copyGenerated(generated);
    const saved = join(mkdtempSync(join(tmpdir(), 'dazzle-diff-saved-')), 'cdk.out');
    expect((await synthApp(join(project, 'infra'), { nag: false, outdir: saved })).templates.size).toBe(7);
    appendFileSync(join(project, 'dsl', 'messaging.dsl'), NEW_QUEUE);
    const r = await dazzle(['deploy', 'diff', '-p', project, '--base', saved, '--format', 'json'], REPO);
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.baseline.kind).toBe('dir');
    expect(report.stacks.find((s) => s.name === 'Messaging')?.resources.filter((x) => x.action === 'add').map((x) => x.type)).toContain('AWS::SQS::Queue');
    const empty = await dazzle(['deploy', 'diff', '-p', project, '--base', mkdtempSync(join(tmpdir(), 'dazzle-diff-empty-'))], REPO);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toMatch(/error DZ8101/);
  }, 120_000);

  it('no baseline: everything is added, with a note', async () => {
    const project = copyProject(EXAMPLE, join(mkdtempSync(join(tmpdir(), 'dazzle-diff-cli-')), 'project'));
    const r = await dazzle(['deploy', 'diff', '-p', project, '--format', 'json'], REPO);
    expect(r.code).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.baseline.kind).toBe('none');
    expect(report.summary.stacks.added).toBe(7);
    expect(report.notes.join(' ')).toMatch(/No baseline/);
    expect(readdirSync(project)).not.toContain('infra');
  }, 60_000);
});

describe('dazzle deploy diff --base-ref, in a git repository', () => {
  const git = (cwd: string, ...args: string[]) => {
    const r = spawnSync('git', ['-c', 'user.name=Dazzle Test', '-c', 'user.email=test@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  };
  let repo: string;
  let project: string;
  beforeAll(() => {
    repo = mkdtempSync(join(tmpdir(), 'dazzle-diff-git-'));
    project = copyProject(EXAMPLE, join(repo, 'apps', 'ledger'));
    git(repo, 'init', '-q');
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'the ledger app');
    appendFileSync(join(project, 'dsl', 'messaging.dsl'), NEW_QUEUE);
  });

  it('compares with the project at the ref: plan-level changes with their provenance and cost (process)', () => {
    const r = runCli(['deploy', 'diff', '--base-ref', 'HEAD', '--format', 'json'], { cwd: project, timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.baseline).toMatchObject({ kind: 'ref', label: expect.stringMatching(/^HEAD \([0-9a-f]{12}\)$/) });
    expect(report.summary.worst).toBe('safe');
    expect(report.plan.added).toEqual(['QueueRefunds', 'QueueRefundsDeadLettersAlarm', 'QueueRefundsAgeAlarm'].map((id) => expect.objectContaining({ stack: 'Messaging', id, because: 'channel (kind: queue) refunds (dsl/messaging.dsl:32)' })));
    expect(report.plan.cost.delta?.high).toBeGreaterThan(0);
    // Nothing was generated into the project, and the repository is as it was.
    expect(readdirSync(project)).not.toContain('infra');
    expect(git(repo, 'status', '--porcelain')).toBe(' M apps/ledger/dsl/messaging.dsl\n');
  });

  it('the default baseline finds its plan at HEAD when the generation was committed with its DSL', async () => {
    const clean = join(repo, 'apps', 'clean');
    copyProject(EXAMPLE, clean);
    expect((await dazzle(['deploy', 'generate', '-p', clean], repo)).code).toBe(0);
    git(repo, 'add', '-A');
    git(repo, 'commit', '-qm', 'generated');
    appendFileSync(join(clean, 'dsl', 'messaging.dsl'), NEW_QUEUE);
    const r = await dazzle(['deploy', 'diff', '-p', clean, '--format', 'json'], repo);
    const report = JSON.parse(r.stdout) as DiffReport;
    expect(report.plan.known).toBe(true);
    expect(report.plan.added.map((e) => e.id)).toEqual(['QueueRefunds', 'QueueRefundsDeadLettersAlarm', 'QueueRefundsAgeAlarm']);
  }, 120_000);

  it('a ref that names no commit, or a project outside git, is DZ8102; a commit where the project does not generate is DZ8103 (exit 2)', async () => {
    const bad = await dazzle(['deploy', 'diff', '--base-ref', 'no-such-branch'], project);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/error DZ8102: --base-ref "no-such-branch" names no commit/);
    const option = await dazzle(['deploy', 'diff', '--base-ref=--output=/tmp/x'], project);
    expect(option.code).toBe(2);
    expect(option.stderr).toMatch(/error DZ8102/);
    // A commit where the project does not check: DZ8103, naming the file as it was there.
    const broken = mkdtempSync(join(tmpdir(), 'dazzle-diff-broken-'));
    copyProject(EXAMPLE, broken);
    appendFileSync(join(broken, 'dsl', 'app.dsl'), '\nentity Broken "Broken":\n  id: uuid pk\n  owner: ref Nobody\n');
    git(broken, 'init', '-q');
    git(broken, 'add', '-A');
    git(broken, 'commit', '-qm', 'broken');
    writeFileSync(join(broken, 'dsl', 'app.dsl'), readFileSync(join(EXAMPLE, 'dsl', 'app.dsl'), 'utf8'));
    const then = await dazzle(['deploy', 'diff', '--base-ref', 'HEAD'], broken);
    expect(then.code).toBe(2);
    expect(then.stderr).toMatch(/error DZ8103: the project at HEAD \([0-9a-f]{12}\) does not generate: DZ\d{4} dsl\/app\.dsl:\d+:\d+/);
    const outside = copyProject(EXAMPLE, join(mkdtempSync(join(tmpdir(), 'dazzle-diff-nogit-')), 'p'));
    const none = await dazzle(['deploy', 'diff', '--base-ref', 'HEAD'], outside);
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/error DZ8102: .* is not in a git repository/);
  }, 60_000);
});
