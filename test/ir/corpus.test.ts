/**
 * The front end on real Dazzle projects (../shared/corpus/dazzle): every
 * project and every valid corpus file checks clean; every invalid file fails
 * with the right code at the right line; hand-counted IR facts are pinned.
 */
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { counts } from '../../src/cli/commands.js';
import { readProject } from '../../src/cli/io.js';
import { frontEnd } from '../../src/project/index.js';
import { CORPUS, corpusFiles, corpusProjects, describeShared, REPO, runCli, STACK_TRACE } from '../helpers.js';

function load(project: string) {
  const files = readProject(join(CORPUS, project), REPO);
  const out = frontEnd(files.dsl);
  return { files, ...out };
}

describeShared('corpus projects', () => {
  const projects = corpusProjects();

  it('finds the five corpus projects', () => {
    expect(projects).toEqual(['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets']);
  });

  it.each(projects)('%s checks with zero errors and zero warnings', (project) => {
    const r = load(project);
    expect(r.files.diagnostics.filter((d) => d.severity !== 'note')).toEqual([]);
    expect(r.diagnostics).toEqual([]);
    expect(r.value.spec?.app.name).toBe(project);
  });

  it.each(projects)('%s: `dazzle check` exits 0 as a process', (project) => {
    const r = runCli(['check', '-p', join(CORPUS, project)]);
    // The corpus projects have no [deploy] table: one note says the defaults apply.
    expect(r.stderr).toMatch(/^\S+dazzle\.toml:1:1 - note DZ4000: .* has no \[deploy\] table; the deployment uses the defaults for 'dev'\n/);
    expect(r.stderr).not.toMatch(/ - (error|warning) /);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^ok: app '${project}'`));
  });
});

describeShared('hand-counted IR facts', () => {
  // Counted by reading the files (see the file:line lists in the comments), not by running the code.
  it('fieldtest_hub', () => {
    const spec = load('fieldtest_hub').value.spec;
    if (!spec) throw new Error('no spec');
    expect(counts(spec)).toMatchObject({
      files: 3,
      entities: 6, // app.dsl:52 Device, :111 Tester, :155 IssueReport, :227 TestSession, :280 FirmwareRelease, :328 Task
      file_fields: 0,
      ledgers: 2, // app.dsl:1213 DeviceCost, :1220 OperationsBudget
      transactions: 1, // app.dsl:1231 RecordRepair
      email_channels: 0,
      queue_channels: 0,
      stream_channels: 0,
      schedules: 0,
      jobs: 0,
      services: 0,
    });
    expect(spec.entities.map((e) => e.name)).toEqual(['Device', 'FirmwareRelease', 'IssueReport', 'Task', 'TestSession', 'Tester']);
    const [tx] = spec.transactions;
    expect(tx).toMatchObject({ name: 'RecordRepair', execution: 'sync', idempotencyKey: 'event.id' });
    expect(tx?.transfers).toEqual([
      expect.objectContaining({ name: 'repair_expense', debit: 'DeviceCost', credit: 'OperationsBudget', amount: 'event.amount', code: 1 }),
    ]);
    expect(spec.ledgers.map((l) => [l.name, l.accountCode, l.accountType, l.currency])).toEqual([
      ['DeviceCost', 5100, 'expense', 'GBP'],
      ['OperationsBudget', 1100, 'asset', 'GBP'],
    ]);
    expect(spec.ledgers[0]?.span).toMatchObject({ file: expect.stringMatching(/fieldtest_hub\/dsl\/app\.dsl$/), line: 1213, col: 1 });
  });

  it('simple_task', () => {
    const spec = load('simple_task').value.spec;
    if (!spec) throw new Error('no spec');
    expect(counts(spec)).toMatchObject({
      files: 8,
      entities: 3, // app.dsl:28 User, :81 Task, :155 TaskComment
      file_fields: 0,
      ledgers: 0,
      transactions: 0,
      email_channels: 2, // messaging.dsl:62 notifications, :84 digests
      queue_channels: 1, // messaging.dsl:99 task_queue
      stream_channels: 0,
      event_topics: 2, // events.dsl:18 task_events, :23 notification_events
      schedules: 2, // processes.dsl:101, :119
      jobs: 0,
      services: 7, // services.dsl:16, 38, 57, 73, 87, 103, 125
      llm_models: 2, // llm.dsl:31, :38
    });
    expect(spec.schedules.map((s) => [s.name, s.cron?.value, s.cron?.span.line])).toEqual([
      ['daily_overdue_check', '0 9 * * *', 102],
      ['weekly_team_report', '0 9 * * MON', 120],
    ]);
    expect(spec.channels.map((c) => [c.name, c.kind, c.operations.length])).toEqual([
      ['digests', 'email', 1],
      ['notifications', 'email', 3],
      ['task_queue', 'queue', 0],
    ]);
    expect(spec.channels.find((c) => c.name === 'task_queue')?.config).toEqual({ max_retries: '3', retry_delay_seconds: '60' });
    expect(spec.services.filter((s) => s.kind === 'integration').map((s) => s.name)).toEqual(['send_assignment_notification', 'send_overdue_reminder']);
    expect(spec.llmConfig?.properties.default_model).toBe('claude_haiku');
  });

  it('support_tickets', () => {
    const spec = load('support_tickets').value.spec;
    if (!spec) throw new Error('no spec');
    expect(counts(spec)).toMatchObject({ files: 5, entities: 4, jobs: 4, webhooks: 1, services: 0, schedules: 0, ledgers: 0 });
    // runtime.dsl:57 and :63 carry `schedule: cron("…")`; the other two are event-triggered.
    expect(spec.jobs.map((j) => [j.name, j.schedule?.value ?? null])).toEqual([
      ['daily_metrics_rollup', '0 1 * * *'],
      ['notify_oncall_critical', null],
      ['send_resolution_survey', null],
      ['stale_ticket_sweep', '0 * * * *'],
    ]);
    expect(spec.enums.map((e) => [e.name, e.values])).toEqual([['Severity', ['blocker', 'high', 'medium', 'low']]]);
    expect(spec.archetypes.map((a) => a.name)).toEqual(['Auditable', 'Timestamped']);
    expect(spec.configReferences.map((r) => [r.name, r.usedBy])).toEqual([
      ['TICKET_WEBHOOK_SECRET', 'webhook TicketNotify'],
      ['TICKET_WEBHOOK_URL', 'webhook TicketNotify'],
    ]);
    expect(spec.tenancy).not.toBeNull();
  });

  it('keeps every other construct with its text and span', () => {
    const spec = load('invoice_ops').value.spec;
    const kinds = new Set(spec?.constructs.map((c) => c.keyword));
    for (const k of ['surface', 'persona', 'process', 'approval', 'projection']) expect(kinds).toContain(k);
    const approval = spec?.constructs.find((c) => c.keyword === 'approval' && c.name === 'StandardApproval');
    expect(approval?.text.split('\n')[0]).toBe('approval StandardApproval "Standard Invoice Approval":');
    expect(approval?.text).toContain('    rejected -> rejected');
    expect(approval?.span).toMatchObject({ line: 5, col: 1 });
  });
});

describeShared('corpora/appspec', () => {
  it.each(corpusFiles('corpora/appspec/valid').map((f) => [f.split('/').pop(), f]))('valid/%s checks with zero errors', (_, file) => {
    const r = runCli(['check', file as string]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
  });

  // The right code at the right line (and column) for each invalid file.
  const expected: Record<string, [code: string, line: number, col: number]> = {
    'duplicate_entity_name.dsl': ['DZ2001', 6, 12], // `entity Task` with no title and no colon
    'invalid_enum_value.dsl': ['DZ2001', 9, 16], // `enum low,medium,high`: expected '['
    'llm_invalid_provider.dsl': ['DZ2204', 6, 13], // provider: unknown_provider
    'missing_required_field.dsl': ['DZ2001', 6, 19], // `entity Task "Task"` without colon
    'syntax_unexpected_token.dsl': ['DZ2001', 6, 19],
    'unknown_keyword.dsl': ['DZ3011', 8, 9], // name: invalidtype(100)
  };

  it('covers every invalid file', () => {
    expect(Object.keys(expected).sort()).toEqual(corpusFiles('corpora/appspec/invalid').map((f) => f.split('/').pop()));
  });

  it.each(corpusFiles('corpora/appspec/invalid').map((f) => [f.split('/').pop() as string, f]))('invalid/%s fails with its code at its line', (name, file) => {
    const r = runCli(['check', '--format', 'json', file as string]);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; line: number; col: number; severity: string }[] };
    expect(out.ok).toBe(false);
    const [code, line, col] = expected[name] ?? [];
    const errors = out.diagnostics.filter((d) => d.severity === 'error');
    expect(errors[0]).toMatchObject({ code, line, col });
    const text = runCli(['check', file as string]);
    expect(text.code).toBe(2);
    expect(text.stderr).toContain(`invalid/${name}:${line}:${col} - error ${code}:`);
    expect(text.stderr).not.toMatch(STACK_TRACE);
  });
});
