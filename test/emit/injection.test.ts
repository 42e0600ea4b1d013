/**
 * The code-injection reproducers: a DSL string with a newline, a DSL string with U+2028 and
 * U+2029, and a DSL file whose name holds a newline each used to put `process.exit(42)` into a
 * stack file, which `dazzle deploy synth` then ran. Two layers now stop them:
 * - the check refuses a control character or line separator in such a value, at its place
 *   (DZ2206), so generate writes nothing;
 * - emission is safe on its own: the same values put straight into the plan (past the check)
 *   are generated, type-checked (one tsc run for every app here) and synthesized, and stay
 *   inert: a literal that is the exact string in the template, or a neutralised comment.
 * A file name is not a DSL value, so that case runs through the CLI end to end.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli } from '../helpers.js';
import { planWith, synthPlan, typecheckApps } from './in-process.js';

const LEDGER = join(REPO, 'examples', 'ledger-app');

/** A copy of the example with `change` applied to dsl/messaging.dsl. */
function ledgerWith(change: (dsl: string) => string): string {
  const dir = copyProject(LEDGER, mkdtempSync(join(tmpdir(), 'dazzle-inject-')));
  const file = join(dir, 'dsl', 'messaging.dsl');
  writeFileSync(file, change(readFileSync(file, 'utf8')));
  return dir;
}

/** Every app generated here, type-checked together at the end. */
const apps: string[] = [];

/** Generate and synthesize with the CLI; the templates by stack kind. */
function generateAndSynth(project: string): { templates: Map<string, any>; sources: Map<string, string> } {
  const gen = runCli(['deploy', 'generate', '-p', project, '--env', 'dev']);
  expect(gen.code, gen.stderr).toBe(0);
  const synth = runCli(['deploy', 'synth', '-p', project, '--env', 'dev'], { timeoutMs: 120_000 });
  // 42 is the payload's exit code: it ran.
  expect(synth.code, `${synth.stdout}\n${synth.stderr}`).toBe(0);
  const app = join(project, 'infra');
  apps.push(app);
  const templates = new Map<string, any>();
  for (const f of readdirSync(join(app, 'cdk.out')).filter((x) => x.endsWith('.template.json'))) templates.set(f.replace(/^.*-(\w+)\.template\.json$/, '$1'), JSON.parse(readFileSync(join(app, 'cdk.out', f), 'utf8')));
  const sources = new Map<string, string>();
  for (const f of readdirSync(join(app, 'lib'))) sources.set(f, readFileSync(join(app, 'lib', f), 'utf8'));
  return { templates, sources };
}

const schedules = (t: any) => Object.values(t.Resources as Record<string, any>).filter((r) => r.Type === 'AWS::Scheduler::Schedule');

describe('code injection through generated code', () => {
  it('the check refuses a timezone with a newline or U+2028 and a retention with U+2029, at the value; generate writes nothing', () => {
    for (const [change, at] of [
      [(t: string) => t.replace('timezone: "Europe/London"', 'timezone: "UTC\\nprocess.exit(42);//"'), 'dsl/messaging.dsl:29:17'],
      [(t: string) => t.replace('timezone: "Europe/London"', 'timezone: "UTC\u2028process.exit(42);//"'), 'dsl/messaging.dsl:29:17'],
      [(t: string) => t.replace('retention: 7d', 'retention: "7d\u2029process.exit(42);//"'), 'dsl/messaging.dsl:24:19'],
    ] as const) {
      const project = ledgerWith(change);
      const gen = runCli(['deploy', 'generate', '-p', '.', '--env', 'dev', '--format', 'json'], { cwd: project });
      expect(gen.code, gen.stderr).toBe(2);
      const out = JSON.parse(gen.stdout) as { diagnostics: { code: string; file: string; line: number; col: number }[] };
      expect(out.diagnostics.map((d) => `${d.code} ${d.file}:${d.line}:${d.col}`)).toEqual([`DZ2206 ${at}`]);
      expect(readdirSync(project)).not.toContain('infra');
    }
  });

  /** The example's dev plan with its schedule's timezone (and the bus retention) replaced past the check. */
  function hostilePlan(timezone: string, retention?: string) {
    const plan = structuredClone(planWith(LEDGER, 'dev'));
    const aws = plan.aws as unknown as { schedules: { timezone: string | null }[]; buses: { retention: string | null }[] };
    (aws.schedules[0] as { timezone: string | null }).timezone = timezone;
    if (retention !== undefined) for (const b of aws.buses) b.retention = retention;
    return plan;
  }

  const schedulesOf = (json: Map<string, Record<string, any>>) => schedules(json.get('Messaging'));
  const messagingSource = (files: ReadonlyMap<string, string>) => files.get('lib/messaging-stack.ts') ?? '';

  it('emission alone: a timezone "UTC\\nprocess.exit(42);//" is a literal, not a line of code', async () => {
    const { app, dir, json } = await synthPlan(hostilePlan('UTC\nprocess.exit(42);//'));
    apps.push(dir);
    expect(schedulesOf(json).map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual(['UTC\nprocess.exit(42);//']);
    const lines = messagingSource(app.files).split('\n');
    expect(lines.filter((l) => l.includes('process.exit'))).toEqual([
      '    // Schedule nightly_reconciliation: cron(0 2 * * ? *) (UTC\\nprocess.exit(42);//) → the worker, through the schedule queue.',
      "      schedule: scheduler.ScheduleExpression.expression('cron(0 2 * * ? *)', TimeZone.of('UTC\\nprocess.exit(42);//')),",
    ]);
  }, 120_000);

  it('emission alone: U+2028 and U+2029 stay inside their literal or comment', async () => {
    const { app, dir, json } = await synthPlan(hostilePlan('UTC\u2028process.exit(42);//', '7d\u2029process.exit(42);//'));
    apps.push(dir);
    expect(schedulesOf(json).map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual(['UTC\u2028process.exit(42);//']);
    const source = messagingSource(app.files);
    expect(source).not.toMatch(/[\u2028\u2029]/);
    expect(source).toContain("TimeZone.of('UTC\\u2028process.exit(42);//')");
    expect(source).toContain("    // retention '7d\\u2029process.exit(42);//' is not a number of days, so the bus has no archive.");
  }, 120_000);

  it('a .dsl file whose name holds a newline is named in comments, neutralised', () => {
    const project = ledgerWith((t) => t);
    // The rest of the name makes the injected line valid JavaScript: `process.exit(42);(0?a.dsl:27)`.
    renameSync(join(project, 'dsl', 'messaging.dsl'), join(project, 'dsl', 'm\nprocess.exit(42);(0?a.dsl'));
    const { templates, sources } = generateAndSynth(project);
    expect(schedules(templates.get('Messaging'))).toHaveLength(1);
    const source = sources.get('messaging-stack.ts') ?? '';
    expect(source).toContain('    // From: schedule nightly_reconciliation (dsl/m\\nprocess.exit(42);(0?a.dsl:27)');
    expect(source.split('\n').filter((l) => l.includes('process.exit') && !l.trimStart().startsWith('//'))).toEqual([]);
  }, 120_000);

  it('each of these apps type-checks (one tsc run)', () => {
    expect(apps).toHaveLength(3);
    expect(typecheckApps(apps)).toBe('');
  }, 120_000);
});
