/**
 * Names that collide once they become AWS names, construct IDs or variables are
 * errors at `dazzle check`, at the later name with the first as related; and
 * the naming rules the linker checks are the ones the generated app uses.
 */
import { describe, expect, it } from 'vitest';
import { GENERATED_NAMES, LLM_KEY_ENV, RESERVED_NAMES, serviceCredentials } from '../../src/ir/names.js';
import { LLM_KEY_ENV as LOWERED_LLM_KEY_ENV } from '../../src/lower/passes/secrets.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { resourceAt, synthProject, type CfnResource } from '../cdk-helpers.js';
import { APP, checkTexts, runCli, tempProject } from '../helpers.js';

const check = (dsl: string) => checkTexts({ 'dsl/app.dsl': `${APP}${dsl}` }).diagnostics;
/** code, line:col, and the related locations' line:col. */
const where = (ds: readonly Diagnostic[]) => ds.map((d) => [d.code, `${d.span?.line}:${d.span?.col}`, d.related.map((r) => `${r.message} ${r.span.line}:${r.span.col}`)]);

describe('names that collide once mangled', () => {
  it('channels payment_jobs and PaymentJobs: one SQS queue to AWS', () => {
    const ds = check(`channel payment_jobs "Payment jobs":
  kind: queue

channel PaymentJobs "Payment jobs again":
  kind: queue
`);
    expect(where(ds)).toEqual([['DZ3012', '6:9', ['first declared here 3:9']]]);
    expect(ds[0]?.message).toContain("'QueuePaymentJobs'");
  });

  it('a_b and a__b', () => {
    const ds = check(`channel a_b "A":
  kind: queue

channel a__b "B":
  kind: queue
`);
    expect(where(ds)).toEqual([['DZ3012', '6:9', ['first declared here 3:9']]]);
  });

  it('a stream channel and an event_model topic both named orders: one event bus', () => {
    const ds = check(`channel orders "Orders":
  kind: stream

event_model:
  topic orders:
    retention: 7d
`);
    expect(where(ds)).toEqual([['DZ3012', '7:9', ['first declared here 3:9']]]);
    expect(ds[0]?.message).toMatch(/EventBridge bus name 'orders'/);
  });

  it('storage=Media and storage=media: one bucket', () => {
    const ds = check(`entity Doc "Doc":
  id: uuid pk
  scan: file storage=Media
  photo: image storage=media
  other: file storage=media
`);
    // A modifier's span starts at its '=' (the syntax stage's span for `storage=…`).
    expect(where(ds)).toEqual([['DZ3012', '6:23', ['first declared here 5:21']]]);
    expect(ds[0]?.message).toMatch(/S3 bucket name part 'media'/);
  });

  it('storage=Files and the default files bucket', () => {
    const ds = check(`entity Doc "Doc":
  id: uuid pk
  scan: file
  photo: image storage=Files
`);
    expect(where(ds)).toEqual([['DZ3012', '6:23', ['first declared here 5:3']]]);
  });

  it('names that differ only in case: one environment variable (paymentjobs, PaymentJobs)', () => {
    const ds = check(`channel paymentjobs "A":
  kind: queue

channel PaymentJobs "B":
  kind: queue
`);
    expect(where(ds)).toEqual([['DZ3012', '6:9', ['first declared here 3:9']]]);
    expect(ds[0]?.message).toContain("service environment variable 'QUEUE_PAYMENTJOBS_URL'");
  });

  it("a queue named like another queue's dead-letter queue", () => {
    const ds = check(`channel jobs "A":
  kind: queue

channel jobs_dead_letters "B":
  kind: queue
`);
    expect(where(ds)).toEqual([['DZ3012', '6:9', ['first declared here 3:9']]]);
    expect(ds[0]?.message).toContain("'QueueJobsDeadLetters'");
  });

  it('schedules and jobs share the Schedule construct IDs', () => {
    const ds = check(`schedule nightly_sweep "A":
  cron: "0 2 * * *"

job NightlySweep "B":
  schedule: cron("0 3 * * *")
  run: app.jobs:sweep
`);
    expect(where(ds)).toEqual([['DZ3012', '6:5', ['first declared here 3:10']]]);
  });

  it('email channels sending from one address: one SES identity', () => {
    const ds = check(`channel receipts "A":
  kind: email
  config:
    from_address: "billing@example.com"

channel invoices "B":
  kind: email
  config:
    from_address: "Billing@Example.com"
`);
    expect(where(ds)).toEqual([['DZ3012', '11:19', ['first declared here 6:19']]]);
  });

  it('services whose credentials become one secret, and config() names that become one secret construct', () => {
    const ds = check(`service stripe "A":
  auth_profile: api_key

service Stripe "B":
  auth_profile: api_key

webhook Hook "Hook":
  url: config("HOOK_URL")

webhook Hook2 "Hook 2":
  url: config("hook_url")
`);
    expect(where(ds)).toEqual([
      ['DZ3012', '6:9', ['first declared here 3:9']],
      ['DZ3012', '13:8', ['first declared here 10:8']],
    ]);
  });

  it('a name that becomes a name dazzle generates for itself', () => {
    const ds = check(`schedule queue "A":
  cron: "0 2 * * *"

webhook Hook "Hook":
  url: config("DATABASE_HOST")
`);
    // config("DATABASE_HOST") reads the variable dazzle sets: no secret, no collision.
    expect(where(ds)).toEqual([['DZ3013', '3:10', []]]);
    expect(ds[0]?.message).toContain("'ScheduleQueue'");
  });

  it('keeps apart what is one resource: a bucket shared by fields, a secret read twice, an LLM key read by config()', () => {
    const ds = check(`entity Doc "Doc":
  id: uuid pk
  a: file
  b: file
  c: file storage=media
  d: image storage=media

service stripe "A":
  auth_profile: api_key

webhook Hook "Hook":
  url: config("STRIPE_CREDENTIALS")
  auth: config("ANTHROPIC_API_KEY")

webhook Hook2 "Hook 2":
  url: config("STRIPE_CREDENTIALS")

llm_model fast "Fast":
  provider: anthropic
  model_id: claude

channel orders "Orders":
  kind: queue

event_model:
  topic orders:
    retention: 7d
`);
    expect(ds).toEqual([]);
  });

  it('duplicates reported as DZ3003 are not reported again as collisions', () => {
    const ds = check(`channel orders "A":
  kind: queue

channel orders "B":
  kind: queue
`);
    expect(ds.map((d) => d.code)).toEqual(['DZ3003']);
  });

  it('`dazzle check` exits 2 with the location (it passed before and failed at synth)', () => {
    const dir = tempProject({ 'dsl/app.dsl': `${APP}channel payment_jobs "A":\n  kind: queue\n\nchannel PaymentJobs "B":\n  kind: queue\n` });
    const r = runCli(['check', '-p', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dsl/app.dsl:6:9 - error DZ3012:');
  });
});

describe('the naming rules are the generated app’s', () => {
  it('LLM provider keys are named as lowering names them', () => {
    expect(LLM_KEY_ENV).toEqual(LOWERED_LLM_KEY_ENV);
  });

  it('every construct ID and variable the linker predicts is in the synthesized app, and every other variable is reserved', async () => {
    const project = tempProject({
      'dsl/app.dsl': `${APP}entity Doc "Doc":
  id: uuid pk
  scan: file storage=scans

channel payment_jobs "Jobs":
  kind: queue

channel order_stream "Stream":
  kind: stream

channel receipts "Receipts":
  kind: email
  config:
    from_address: "billing@example.com"

event_model:
  topic ledger_events:
    retention: 7d

schedule nightly_sweep "Sweep":
  cron: "0 2 * * *"

job hourly_rollup "Rollup":
  schedule: cron("0 * * * *")
  run: app.jobs:rollup

service payments "Payments":
  auth_profile: api_key

webhook Hook "Hook":
  url: config("HOOK_URL")
`,
    });
    const x = await synthProject(project, 'dev');
    const constructs: [string, string][] = [];
    const variables = new Set<string>();
    const names = [
      ...GENERATED_NAMES.bucket('scans'),
      ...GENERATED_NAMES.queue('payment_jobs'),
      ...GENERATED_NAMES.bus('order_stream'),
      ...GENERATED_NAMES.bus('ledger_events'),
      ...GENERATED_NAMES.emailSender('receipts'),
      ...GENERATED_NAMES.schedule('nightly_sweep'),
      ...GENERATED_NAMES.schedule('hourly_rollup'),
      ...GENERATED_NAMES.secret(serviceCredentials('payments')),
      ...GENERATED_NAMES.secret('HOOK_URL'),
      ...RESERVED_NAMES.filter((r) => r.namespace.endsWith('construct ID')),
    ];
    for (const g of names) {
      const stack = /^(\w+) stack construct ID$/.exec(g.namespace)?.[1];
      if (stack) constructs.push([stack, g.name]);
      if (g.namespace === 'service environment variable') variables.add(g.name);
    }
    for (const [stack, id] of constructs) {
      // The construct exists at that ID (its path names it), in that stack.
      const found = Object.values((x.json.get(stack as never) as { Resources: Record<string, CfnResource> }).Resources).some((r) =>
        String(r.Metadata?.['aws:cdk:path'] ?? '').includes(`/${id}/`),
      );
      expect(found, `${stack}/${id}`).toBe(true);
    }
    const [, bucket] = resourceAt(x, 'Data', 'BucketScans/Resource');
    expect(JSON.stringify(bucket.Properties?.BucketName)).toContain('-scans-');
    const [, bus] = resourceAt(x, 'Messaging', 'BusOrderStream/Resource');
    expect(bus.Properties?.Name).toBe('test_app-dev-order_stream');

    // The services' variables: the predicted ones are there, and any other is one dazzle reserves.
    const compute = x.json.get('Compute') as { Resources: Record<string, CfnResource> };
    const seen = new Set<string>();
    for (const r of Object.values(compute.Resources)) {
      if (r.Type !== 'AWS::ECS::TaskDefinition') continue;
      for (const c of r.Properties?.ContainerDefinitions ?? []) for (const v of [...(c.Environment ?? []), ...(c.Secrets ?? [])]) seen.add(v.Name);
    }
    for (const v of variables) expect(seen, v).toContain(v);
    const reserved = new Set(RESERVED_NAMES.map((r) => r.name));
    expect([...seen].filter((v) => !variables.has(v) && !reserved.has(v))).toEqual([]);
  }, 120_000);
});
