/** The Messaging stack, asserted on synthesized CloudFormation: queues, buses, SES identities and schedules. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { pascal } from '../../src/emit/code.js';
// Every suite here reads corpus projects (synthesized in beforeAll): skipped without ../shared.
import { copyProject, CORPUS, describeShared as describe, REPO } from '../helpers.js';
import { prepare } from '../../src/cli/generate-command.js';
import { FIXED_TIME, resourceAt, resourcesOf, stackIdOf, synthProject, typeCounts, typecheckApp, type Synthesized } from '../cdk-helpers.js';

const LEDGER = join(REPO, 'examples/ledger-app');
const CASES: Record<string, [string, Environment]> = {
  ledgerProd: [LEDGER, 'prod'],
  ledgerDev: [LEDGER, 'dev'],
  simpleTaskProd: [join(CORPUS, 'simple_task'), 'prod'],
  simpleTaskStaging: [join(CORPUS, 'simple_task'), 'staging'],
  supportTicketsDev: [join(CORPUS, 'support_tickets'), 'dev'],
  invoiceOpsProd: [join(CORPUS, 'invoice_ops'), 'prod'],
  acmeBillingProd: [join(CORPUS, 'acme_billing'), 'prod'],
};
const synth: Record<string, Synthesized> = {};

beforeAll(async () => {
  for (const [key, [project, env]] of Object.entries(CASES)) synth[key] = await synthProject(project, env);
}, 300_000);

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; Metadata?: Record<string, unknown> };

function s(key: string): Synthesized {
  return synth[key] as Synthesized;
}
const stackId = (x: Synthesized) => stackIdOf(x, 'Messaging');
function template(x: Synthesized): Record<string, unknown> {
  return x.json.get('Messaging') as Record<string, unknown>;
}
const at = (x: Synthesized, path: string) => resourceAt(x, 'Messaging', path) as [string, Resource];
const counts = (x: Synthesized) => typeCounts(x, 'Messaging');
const arn = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('Messaging stack: resources per project', () => {
  it('ledger-app (prod and dev): a queue, a bus with its archive, one schedule', () => {
    for (const key of ['ledgerProd', 'ledgerDev']) {
      expect(counts(s(key)), key).toEqual({
        'AWS::SQS::Queue': 4,
        'AWS::SQS::QueuePolicy': 4,
        'AWS::Events::EventBus': 1,
        'AWS::Events::Archive': 1,
        'AWS::IAM::Role': 1,
        'AWS::IAM::Policy': 1,
        'AWS::Scheduler::Schedule': 1,
        // Dead letters and age, for the queue and for the schedule queue.
        'AWS::CloudWatch::Alarm': 4,
      });
    }
  });
  it('simple_task: a queue, two buses with archives, two email identities, two schedules', () => {
    expect(counts(s('simpleTaskProd'))).toEqual({
      'AWS::SQS::Queue': 4,
      'AWS::SQS::QueuePolicy': 4,
      'AWS::Events::EventBus': 2,
      'AWS::Events::Archive': 2,
      'AWS::SES::EmailIdentity': 2,
      'AWS::IAM::Role': 1,
      'AWS::IAM::Policy': 1,
      'AWS::Scheduler::Schedule': 2,
      'AWS::CloudWatch::Alarm': 4,
    });
  });
  it('support_tickets: two schedules and the schedule queue', () => {
    expect(counts(s('supportTicketsDev'))).toEqual({ 'AWS::SQS::Queue': 2, 'AWS::SQS::QueuePolicy': 2, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::Scheduler::Schedule': 2, 'AWS::CloudWatch::Alarm': 2 });
  });
  it('invoice_ops: one bus with its archive', () => {
    expect(counts(s('invoiceOpsProd'))).toEqual({ 'AWS::Events::EventBus': 1, 'AWS::Events::Archive': 1 });
  });
  it('acme_billing: no messaging, no Messaging stack', () => {
    expect(s('acmeBillingProd').json.has('Messaging')).toBe(false);
  });
});

describe('Messaging stack: queues', () => {
  it('each plan queue: SQS-managed encryption, redrive to its dead-letter queue after deadLetterAfter receives', () => {
    for (const key of ['ledgerProd', 'simpleTaskProd']) {
      const x = s(key);
      expect(x.prepared.plan.aws.queues.length, key).toBeGreaterThan(0);
      for (const q of x.prepared.plan.aws.queues) {
        const id = `Queue${pascal(q.name)}`;
        const [dlqId, dlq] = at(x, `${id}DeadLetters/Resource`);
        const [, queue] = at(x, `${id}/Resource`);
        expect(queue.Properties, id).toEqual(
          expect.objectContaining({ SqsManagedSseEnabled: true, VisibilityTimeout: 300, RedrivePolicy: { deadLetterTargetArn: arn(dlqId), maxReceiveCount: q.deadLetterAfter } }),
        );
        expect(dlq.Properties, id).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }));
      }
    }
  });

  it('names every queue <app>-<env>-<name> (and -dlq), so that other stacks build its URL and ARN without an export', () => {
    for (const key of ['ledgerProd', 'ledgerDev', 'simpleTaskProd']) {
      const x = s(key);
      const { app, environment } = x.prepared.plan;
      for (const q of x.prepared.plan.aws.queues) {
        const id = `Queue${pascal(q.name)}`;
        expect(at(x, `${id}/Resource`)[1].Properties?.QueueName, key).toBe(`${app}-${environment}-${q.name}`);
        expect(at(x, `${id}DeadLetters/Resource`)[1].Properties?.QueueName, key).toBe(`${app}-${environment}-${q.name}-dlq`);
      }
      // The schedule queue's name has a hyphen where a channel's has none: no channel can take it.
      expect(at(x, 'ScheduleQueue/Resource')[1].Properties?.QueueName, key).toBe(`${app}-${environment}-dazzle-schedules`);
    }
  });

  it('owns the alarms on its queues: dead letters and the oldest message, each to the alarm topic', () => {
    const x = s('ledgerProd');
    const alarms = resourcesOf(template(x), 'AWS::CloudWatch::Alarm').map(([, r]) => r.Properties as Record<string, any>);
    const queue = (name: string) => at(x, `${name}/Resource`)[0];
    const on = (metric: string, id: string) => alarms.filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [id, 'QueueName'] } }]));
    expect(on('ApproximateNumberOfMessagesVisible', queue('QueuePaymentJobsDeadLetters'))).toHaveLength(1);
    expect(on('ApproximateAgeOfOldestMessage', queue('QueuePaymentJobs'))).toHaveLength(1);
    expect(on('ApproximateNumberOfMessagesVisible', queue('ScheduleQueueDeadLetters'))).toHaveLength(1);
    expect(on('ApproximateAgeOfOldestMessage', queue('ScheduleQueue'))).toHaveLength(1);
    for (const a of alarms) expect(JSON.stringify(a.AlarmActions)).toContain(':ledger_app-prod-alarms');
  });

  it('every queue has a policy denying requests without TLS', () => {
    for (const key of ['ledgerProd', 'supportTicketsDev']) {
      const x = s(key);
      const queues = resourcesOf(template(x), 'AWS::SQS::Queue');
      const policies = resourcesOf(template(x), 'AWS::SQS::QueuePolicy');
      for (const [id] of queues) {
        const policy = policies.find(([, p]) => JSON.stringify(p.Properties?.Queues) === JSON.stringify([{ Ref: id }]));
        expect(policy, `${key} ${id}`).toBeDefined();
        const statements = (policy?.[1].Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements, `${key} ${id}`).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sqs:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      }
    }
  });
});

describe('Messaging stack: buses and email identities', () => {
  it('each bus is named <app>-<env>-<name> and archives its events for the plan retention', () => {
    const expected: Record<string, Record<string, number>> = { ledgerProd: { ledger_events: 7 }, simpleTaskProd: { task_events: 30, notification_events: 7 }, invoiceOpsProd: { invoice_events: 730 } };
    for (const [key, days] of Object.entries(expected)) {
      const x = s(key);
      const { app, environment } = x.prepared.plan;
      expect(x.prepared.plan.aws.buses.map((b) => b.name).sort(), key).toEqual(Object.keys(days).sort());
      for (const [name, retention] of Object.entries(days)) {
        const [busId, bus] = at(x, `Bus${pascal(name)}/Resource`);
        expect(bus.Properties?.Name, key).toBe(`${app}-${environment}-${name}`);
        const [, archive] = at(x, `Bus${pascal(name)}/Archive/Archive`);
        expect(archive.Properties, key).toEqual(expect.objectContaining({ SourceArn: arn(busId), RetentionDays: retention, EventPattern: { account: [{ Ref: 'AWS::AccountId' }] } }));
      }
    }
  });

  it('each email channel is an SES identity for its from address in prod, and for its sub-address elsewhere', () => {
    const x = s('simpleTaskProd');
    const identities = x.prepared.plan.aws.emailIdentities;
    expect(identities.map((e) => e.name).sort()).toEqual(['digests', 'notifications']);
    for (const e of identities) expect(at(x, `Email${pascal(e.name)}/Resource`)[1].Properties?.EmailIdentity).toBe(e.fromAddress);
    // Staging cannot create the address prod has (an identity belongs to the account and region).
    const staging = s('simpleTaskStaging');
    const sub = (a: string) => a.replace('@', '+staging@');
    for (const e of staging.prepared.plan.aws.emailIdentities) expect(at(staging, `Email${pascal(e.name)}/Resource`)[1].Properties?.EmailIdentity).toBe(sub(e.fromAddress ?? ''));
    // The app is told which address to send from.
    for (const service of staging.prepared.plan.services) {
      expect(service.variables).toContainEqual({ name: 'EMAIL_DIGESTS_FROM', kind: 'value', value: 'digest+staging@example.com' });
    }
  });
});

describe('Messaging stack: schedules', () => {
  it('each schedule sends {"schedule": name} to the schedule queue with the plan expression and time zone', () => {
    for (const key of ['ledgerProd', 'simpleTaskProd', 'supportTicketsDev']) {
      const x = s(key);
      const [queueId] = at(x, 'ScheduleQueue/Resource');
      const [roleId] = at(x, 'ScheduleRole/Resource');
      expect(x.prepared.plan.aws.schedules.length, key).toBeGreaterThan(0);
      for (const sc of x.prepared.plan.aws.schedules) {
        const [, r] = at(x, `Schedule${pascal(sc.name)}/Resource`);
        expect(r.Properties?.ScheduleExpression, sc.name).toBe(sc.expression);
        // Without a time zone in the DSL, the schedule runs in UTC.
        expect(r.Properties?.ScheduleExpressionTimezone, sc.name).toBe(sc.timezone ?? 'Etc/UTC');
        expect(r.Properties?.State, sc.name).toBe('ENABLED');
        const target = r.Properties?.Target as { Arn: unknown; RoleArn: unknown; Input: string };
        expect(target.Arn, sc.name).toEqual(arn(queueId));
        expect(target.RoleArn, sc.name).toEqual(arn(roleId));
        expect(JSON.parse(target.Input), sc.name).toEqual({ schedule: sc.name });
      }
    }
    // The time zone is passed through when the DSL names one.
    expect(s('ledgerProd').prepared.plan.aws.schedules[0]?.timezone).toBe('Europe/London');
  });

  it('the schedule queue is encrypted and redrives to its own dead-letter queue', () => {
    const x = s('supportTicketsDev');
    const [dlqId, dlq] = at(x, 'ScheduleQueueDeadLetters/Resource');
    const [, queue] = at(x, 'ScheduleQueue/Resource');
    expect(queue.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, RedrivePolicy: { deadLetterTargetArn: arn(dlqId), maxReceiveCount: 3 } }));
    expect(dlq.Properties).toEqual(expect.objectContaining({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 }));
  });

  it('the scheduler role is for EventBridge Scheduler in this account and can only send to the schedule queue', () => {
    const x = s('simpleTaskProd');
    const [queueId] = at(x, 'ScheduleQueue/Resource');
    const [roleId, role] = at(x, 'ScheduleRole/Resource');
    expect((role.Properties?.AssumeRolePolicyDocument as { Statement: unknown[] }).Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'scheduler.amazonaws.com' }, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } },
    ]);
    expect(role.Properties?.ManagedPolicyArns).toBeUndefined();
    const policies = resourcesOf(template(x), 'AWS::IAM::Policy');
    expect(policies.length).toBe(1);
    const [, policy] = policies[0] as [string, Resource];
    expect(policy.Properties?.Roles).toEqual([{ Ref: roleId }]);
    expect((policy.Properties?.PolicyDocument as { Statement: unknown[] }).Statement).toEqual([{ Action: 'sqs:SendMessage', Effect: 'Allow', Resource: arn(queueId) }]);
  });
});

describe('Messaging stack: checks', () => {
  it('has no unacknowledged cdk-nag findings', () => {
    for (const key of Object.keys(CASES)) {
      const x = s(key);
      if (!x.json.has('Messaging')) continue;
      expect(x.findings.filter((f) => f.path.startsWith(`${stackId(x)}/`)), key).toEqual([]);
    }
  });

  it('the generated app type-checks (strict)', () => {
    for (const key of ['ledgerProd', 'simpleTaskProd', 'invoiceOpsProd']) expect(typecheckApp(s(key).dir), key).toBe('');
  }, 120_000);

  it('an email channel without from_address stops generation (DZ7001) and says what to set', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dazzle-email-'));
    copyProject(join(CORPUS, 'simple_task'), dir);
    const file = join(dir, 'dsl', 'messaging.dsl');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('    from_address: "digest@example.com"\n', '');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    await expect(synthProject(dir, 'dev')).rejects.toThrow(/DZ7001 email channel 'digests' has no from address/);
  }, 60_000);

  it('an email channel whose from_address is not an email address stops generation at the address (DZ2208, found by the check)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dazzle-email-'));
    copyProject(join(CORPUS, 'simple_task'), dir);
    const file = join(dir, 'dsl', 'messaging.dsl');
    const text = readFileSync(file, 'utf8');
    const edited = text.replace('    from_address: "digest@example.com"\n', '    from_address: "digest at example dot com"\n');
    expect(edited).not.toBe(text);
    writeFileSync(file, edited);
    const r = prepare({ project: dir, env: 'dev', format: 'text' }, REPO, FIXED_TIME);
    expect(r.value).toBeUndefined();
    const line = text.split('\n').findIndex((l) => l.includes('from_address: "digest@example.com"')) + 1;
    const errors = r.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.map((d) => [d.code, d.span?.file.endsWith('messaging.dsl'), d.span?.line])).toEqual([['DZ2208', true, line]]);
    expect(errors[0]?.message).toContain("'digest at example dot com'");
  });
});
