/**
 * The code-injection reproducers: a DSL string with a newline, a DSL string with U+2028 and
 * U+2029, and a DSL file whose name holds a newline each used to put `process.exit(42)` into a
 * stack file, which `dazzle deploy synth` then ran. Now each is generated and synthesized by the
 * CLI as a process: synth exits 0 (42 would mean the payload ran), the generated code type-checks
 * (one tsc run for the three apps), and the value is inert: a literal that is the exact string in
 * the template, or a neutralised comment.
 */
import { mkdtempSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli } from '../helpers.js';
import { typecheckApps } from './in-process.js';

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
  it('a schedule timezone "UTC\\nprocess.exit(42);//" is a literal, not a line of code', () => {
    // In the DSL, \n inside a string is a newline.
    const project = ledgerWith((t) => t.replace('timezone: "Europe/London"', 'timezone: "UTC\\nprocess.exit(42);//"'));
    const { templates, sources } = generateAndSynth(project);
    expect(schedules(templates.get('Messaging')).map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual(['UTC\nprocess.exit(42);//']);
    const lines = (sources.get('messaging-stack.ts') ?? '').split('\n');
    expect(lines.filter((l) => l.includes('process.exit'))).toEqual([
      '    // Schedule nightly_reconciliation: cron(0 2 * * ? *) (UTC\\nprocess.exit(42);//) → the worker, through the schedule queue.',
      "      schedule: scheduler.ScheduleExpression.expression('cron(0 2 * * ? *)', TimeZone.of('UTC\\nprocess.exit(42);//')),",
    ]);
  }, 120_000);

  it('U+2028 and U+2029 inside DSL strings stay inside their literal or comment', () => {
    const project = ledgerWith((t) =>
      t.replace('timezone: "Europe/London"', 'timezone: "UTC\u2028process.exit(42);//"').replace('retention: 7d', 'retention: "7d\u2029process.exit(42);//"'),
    );
    const { templates, sources } = generateAndSynth(project);
    expect(schedules(templates.get('Messaging')).map((r) => r.Properties.ScheduleExpressionTimezone)).toEqual(['UTC\u2028process.exit(42);//']);
    const source = sources.get('messaging-stack.ts') ?? '';
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
