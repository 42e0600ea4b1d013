/**
 * Ordinary changes never trap a later deploy. For every project (the example and the corpus),
 * generate and synthesize before and after each ordinary change (add or remove a queue and a
 * stream channel, a bucket, a ledger, a web service; the domain on and off; az_count 2 → 3 and
 * 3 → 2), and check, in both directions:
 * - every export an old template imports still exists in the new templates (CloudFormation
 *   refuses to remove or change an export that a deployed stack imports); and in fact no
 *   template exports or imports anything, so no ordinary change can remove an export;
 * - every SSM parameter a new template reads is written by a new template of a stack it deploys
 *   after;
 * - every name one stack uses to reach another's resource (a queue, bus, email identity,
 *   parameter, the alarm topic, an alarm) names a resource the new templates make.
 * The templates are synthesized without cdk-nag (the acceptance tests run it).
 */
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { synthApp } from '../../src/cli/synth.js';
import type { Environment } from '../../src/config/index.js';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';
import { evaluate, exportsOf, importsOf, ssmReads, ssmWrites, type Json } from './cfn.js';

const PROJECTS: [string, string][] = [
  ['ledger-app', join(REPO, 'examples', 'ledger-app')],
  ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'].map((p): [string, string] => [p, join(CORPUS, p)])),
];
/** Staging has two zones: the az_count change goes to three and back. */
const ENV: Environment = 'staging';

/** One ordinary change: what it adds to the project (removing it is the change back). */
interface Change {
  readonly name: string;
  readonly dsl?: string;
  readonly toml?: string;
}

const CHANGES: readonly Change[] = [
  { name: 'a queue channel', dsl: 'channel zz_jobs "ZZ Jobs":\n  kind: queue\n' },
  { name: 'a stream channel', dsl: 'channel zz_events "ZZ Events":\n  kind: stream\n' },
  { name: 'a bucket (a file field)', dsl: 'entity ZzDoc "ZZ Doc":\n  id: uuid pk\n  scan: file\n' },
  { name: 'a ledger', dsl: 'ledger ZzCash "ZZ Cash":\n  account_code: 9001\n  ledger_id: 9\n  account_type: asset\n  currency: GBP\n' },
  { name: 'a web service', toml: '[deploy.services.web]\npaths = ["/"]\n\n[deploy.services.zz_admin]\npaths = ["/zz/*"]\n' },
  { name: 'the domain', toml: '[deploy.domain]\nname = "example.com"\n' },
  { name: 'a third availability zone', toml: '[deploy.network]\naz_count = 3\n' },
];

interface Version {
  readonly plan: DeploymentPlan;
  /** Templates by stack kind. */
  readonly templates: Map<string, Json>;
}

/** Generate and synthesize a copy of the project with the change applied. */
async function version(project: string, change: Change | null): Promise<Version> {
  const copy = projectCopy(project);
  if (change?.dsl) writeFileSync(join(copy, 'dsl', 'zz_change.dsl'), `module zz.change\n\n${change.dsl}`);
  if (change?.toml) appendFileSync(join(copy, 'dazzle.toml'), `\n${change.toml}`);
  const prepared = generateApp(copy, ENV);
  const dir = writeApp(prepared.app.files, join(copy, 'infra'));
  const out = await synthApp(dir, { nag: false });
  if (!out.templates.size) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  const templates = new Map<string, Json>();
  for (const s of prepared.app.stacks) templates.set(s.name, JSON.parse(readFileSync(join(out.outdir, out.templates.get(s.id) as string), 'utf8')) as Json);
  return { plan: prepared.plan, templates };
}

/** Every string of a template, evaluated (tokens of the stack's own resources stay `{{Ref:X}}`). */
function strings(t: Json, stack: string, region: string): string[] {
  const out: string[] = [];
  const walk = (v: unknown) => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v && typeof v === 'object') Object.values(v).forEach(walk);
  };
  walk(evaluate(t.Resources, stack, { region }));
  return out;
}

/** What the templates make that other stacks name: queues, buses, email identities, parameters, the topic, alarms. */
function made(v: Version): Set<string> {
  const out = new Set<string>();
  for (const [stack, t] of v.templates) {
    for (const r of Object.values((t.Resources ?? {}) as Record<string, Json>)) {
      const p = evaluate(r.Properties ?? {}, stack, { region: v.plan.region }) as Json;
      if (r.Type === 'AWS::SQS::Queue') out.add(`sqs:${p.QueueName}`);
      if (r.Type === 'AWS::Events::EventBus') out.add(`events:event-bus/${p.Name}`);
      if (r.Type === 'AWS::SES::EmailIdentity') out.add(`ses:identity/${p.EmailIdentity}`);
      if (r.Type === 'AWS::SSM::Parameter') out.add(`ssm:parameter${p.Name}`);
      if (r.Type === 'AWS::SNS::Topic') out.add(`sns:${p.TopicName}`);
      if (r.Type === 'AWS::CloudWatch::Alarm') out.add(`cloudwatch:alarm:${p.AlarmName}`);
    }
  }
  return out;
}

/** What the templates name in another stack (and in their own), by ARN: `sqs:<name>`, `ssm:parameter/<name>`… */
function named(v: Version): Set<string> {
  const out = new Set<string>();
  const arn = new RegExp(`arn:aws:(sqs|events|ses|ssm|sns|cloudwatch):${v.plan.region}:123456789012:([^"\\s,*]+)`, 'g');
  for (const [stack, t] of v.templates) {
    for (const s of strings(t, stack, v.plan.region)) {
      for (const m of s.matchAll(arn)) if (!m[2]?.includes('{{')) out.add(`${m[1]}:${m[2]}`);
    }
  }
  return out;
}

/** The checks of one deploy, from `before` to `after`. */
function checkDeploy(before: Version, after: Version): void {
  // No export to trap the update; and in any case every export the old templates import is still there.
  expect(exportsOf(after.templates)).toEqual([]);
  expect(importsOf(after.templates)).toEqual([]);
  const exported = new Set(exportsOf(after.templates));
  for (const name of importsOf(before.templates)) expect(exported.has(name), `import ${name}`).toBe(true);
  // Every parameter a stack reads is written by a stack it deploys after.
  const writer = new Map<string, string>();
  for (const [stack, t] of after.templates) for (const name of ssmWrites(t, stack, { region: after.plan.region }).keys()) writer.set(name, stack);
  for (const s of after.plan.stacks) {
    for (const name of ssmReads(after.templates.get(s.name) as Json).values()) {
      expect(writer.get(name), `${s.name} reads ${name}`).toBeDefined();
      expect(s.dependsOn, `${s.name} reads ${name}`).toContain(writer.get(name));
    }
  }
  // Every name one stack uses to reach a resource is the name of a resource that exists (or one the
  // user supplies: a [deploy.secrets] parameter).
  const exists = made(after);
  const supplied = new Set(after.plan.aws.secrets.flatMap((x) => (x.from.kind === 'reference' && x.from.ref.startsWith('ssm:/') ? [`ssm:parameter${x.from.ref.slice(4)}`] : [])));
  const missing = [...named(after)].filter((n) => !exists.has(n) && !supplied.has(n));
  expect(missing).toEqual([]);
}

const versions = new Map<string, Version>();

beforeAll(async () => {
  for (const [name, dir] of PROJECTS) {
    versions.set(name, await version(dir, null));
    for (const c of CHANGES) versions.set(`${name} + ${c.name}`, await version(dir, c));
  }
}, 600_000);

describe.each(PROJECTS.map(([name]) => [name] as const))('%s', (name) => {
  it.each(CHANGES.map((c) => [c.name] as const))('adding and removing %s: no export is trapped, every name and parameter resolves', (change) => {
    const base = versions.get(name) as Version;
    const changed = versions.get(`${name} + ${change}`) as Version;
    // The change is real: the plans differ.
    expect(JSON.stringify(changed.plan)).not.toBe(JSON.stringify(base.plan));
    checkDeploy(base, changed);
    checkDeploy(changed, base);
  });

  it('names resources across stacks (the check above is not vacuous)', () => {
    const v = versions.get(`${name} + a queue channel`) as Version;
    const n = named(v);
    expect([...n].some((x) => x.startsWith('sqs:') && x.endsWith('-zz_jobs'))).toBe(true);
    expect([...n].some((x) => x.startsWith('sns:'))).toBe(true);
    expect([...n].some((x) => x.startsWith('cloudwatch:alarm:'))).toBe(true);
  });
});
