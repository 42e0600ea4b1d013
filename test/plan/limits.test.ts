/**
 * Limits known at plan time, and the stacks the plan splits to stay within them (issue 11): the
 * plan counts every stack's resources, outputs, parameters and template size, every task role's
 * policies, the security groups' rules and the task definitions' size; it warns at 80% of a
 * limit and stops at 100%, at the DSL constructs or dazzle.toml keys that drive the count. A
 * family of stacks that would pass 80% continues in further stacks, and a queue, bucket or
 * service never leaves the stack it was placed in.
 */
import { describe, expect, it } from 'vitest';
import { scaleProject } from '../../bench/project.mjs';
import { loadConfig, type Environment } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { lowerToRequirements, queueNames } from '../../src/lower/index.js';
import { BECAUSE_SHOWN, buildPlan, checkLimits, ENVIRONMENT_FILE_AT, LIMITS, planJson, type DeploymentPlan, type Placement, type StackName } from '../../src/plan/index.js';
import { checkTexts } from '../helpers.js';

interface Planned {
  readonly plan: DeploymentPlan;
  readonly diagnostics: readonly Diagnostic[];
}

/** Plan a project given as files (a dazzle.toml and DSL files), with the last generation's placement. */
function planned(files: ReadonlyMap<string, string>, previous?: Placement, environment: Environment = 'prod'): Planned {
  const front = checkTexts(Object.fromEntries([...files].filter(([p]) => p.endsWith('.dsl'))));
  const spec = front.value.spec;
  if (!spec) throw new Error(front.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const loaded = loadConfig({ path: 'dazzle.toml', text: files.get('dazzle.toml'), environment });
  if (!loaded.value) throw new Error(loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const lowered = lowerToRequirements(spec, loaded.value);
  if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  const plan = buildPlan(lowered.value, loaded.value, previous ? { previous } : {});
  return { plan, diagnostics: checkLimits(plan, loaded.value) };
}

/** The project's files with one more queue channel. */
function withQueue(files: ReadonlyMap<string, string>, name: string): Map<string, string> {
  const out = new Map(files);
  out.set('dsl/queues.dsl', `${files.get('dsl/queues.dsl') ?? 'module scale.queues\n'}\nchannel ${name} "${name}":\n  kind: queue\n`);
  return out;
}

const placementOf = (p: Planned): Placement => new Map(Object.entries(p.plan.placement) as [string, StackName][]);
const stacks = (p: Planned) => p.plan.stacks.map((s) => s.name);
const codes = (p: Planned) => p.diagnostics.map((d) => d.code);

const Q300 = scaleProject({ queues: 300 });
const first300 = planned(Q300);

describe('a family of stacks that would pass a limit is split', () => {
  it('300 queues: Messaging continues in Messaging2…, every stack below 80% of its limits, and nothing to warn about', () => {
    expect(stacks(first300).filter((s) => s.startsWith('Messaging'))).toEqual(['Messaging', 'Messaging2', 'Messaging3', 'Messaging4', 'Messaging5']);
    for (const s of first300.plan.stacks) {
      expect(s.usage.resources.used, s.name).toBeLessThan(0.8 * LIMITS.resources);
      expect(s.usage.templateBytes.used, s.name).toBeLessThan(0.8 * LIMITS.templateBytes);
      expect(s.usage.outputs.used, s.name).toBeLessThanOrEqual(1);
    }
    expect(first300.diagnostics).toEqual([]);
    // Each queue's alarms live in the stack that makes it (their names say which).
    for (const q of first300.plan.aws.queues) expect(first300.plan.aws.alarms.filter((a) => a.metric.kind !== 'replica-in-service' && 'queue' in a.metric && a.metric.queue === q.name).map((a) => a.stack)).toEqual([q.stack, q.stack]);
    // The same inputs give the same placement.
    expect(planned(Q300).plan.placement).toEqual(first300.plan.placement);
  });

  it('adding a queue never moves another, whatever it is called: it fills room or starts a stack', () => {
    const previous = placementOf(first300);
    for (const name of ['aaa_first', 'queue_0150b', 'zzz_last']) {
      const next = planned(withQueue(Q300, name), previous);
      for (const [key, stack] of previous) expect(next.plan.placement[key], `${name}: ${key}`).toBe(stack);
      expect(next.plan.placement[`queue:${name}`]).toMatch(/^Messaging\d*$/);
      expect(next.diagnostics).toEqual([]);
    }
    // Without the record, a queue whose name sorts first takes the first stack's room and the last queue of each stack moves on.
    const fresh = planned(withQueue(Q300, 'aaa_first'));
    expect([...previous].filter(([key, stack]) => fresh.plan.placement[key] !== stack).length).toBeGreaterThan(0);
  });

  it('a removed queue leaves room that the next new queue takes; no queue moves', () => {
    const previous = placementOf(first300);
    const without = new Map(Q300);
    without.set('dsl/queues.dsl', (Q300.get('dsl/queues.dsl') as string).replace(/channel queue_0003 [\s\S]*?\n\n/, ''));
    const removed = planned(without, previous);
    expect(removed.plan.placement['queue:queue_0003']).toBeUndefined();
    const refilled = planned(withQueue(without, 'new_one'), placementOf(removed));
    expect(refilled.plan.placement['queue:new_one']).toBe(previous.get('queue:queue_0003'));
    for (const [key, stack] of placementOf(removed)) expect(refilled.plan.placement[key]).toBe(stack);
  });

  it('buckets, schedules and web services are placed the same way, and services beyond the first Compute stack read what it publishes', () => {
    const p = planned(scaleProject({ queues: 10, schedules: 500, buckets: 200, services: 30 }));
    const names = stacks(p);
    expect(names.filter((s) => s.startsWith('Data')).length).toBeGreaterThan(1);
    expect(names.filter((s) => s.startsWith('Messaging')).length).toBeGreaterThan(1);
    expect(names.filter((s) => s.startsWith('Compute')).length).toBeGreaterThan(1);
    for (const s of p.plan.stacks) expect(s.usage.resources.used, s.name).toBeLessThan(0.8 * LIMITS.resources);
    const compute2 = p.plan.stacks.find((s) => s.name === 'Compute2');
    expect(compute2?.dependsOn).toContain('Compute');
    expect(compute2?.reads).toContain(p.plan.aws.wiring.compute.listenerArn);
    // Each Data stack with buckets publishes its own creation id (the end of its buckets' names), and the Compute stacks read each.
    const dataStacks = p.plan.stacks.filter((s) => s.name.startsWith('Data')).map((s) => s.name);
    for (const d of dataStacks) expect(p.plan.stacks.find((s) => s.name === 'Compute')?.reads.some((r) => r.endsWith(`/${d.toLowerCase()}/creation-id`))).toBe(true);
  });
});

describe('limits at plan time', () => {
  it('a recorded placement that keeps more in a stack than CloudFormation allows is an error at the queues that drive it (DZ5091)', () => {
    const files = scaleProject({ queues: 100 });
    const all = new Map<string, StackName>(Array.from({ length: 100 }, (_, i) => [`queue:queue_${String(i).padStart(4, '0')}`, 'Messaging']));
    const p = planned(files, all);
    expect(stacks(p)).not.toContain('Messaging2');
    const errors = p.diagnostics.filter((d) => d.code === 'DZ5091');
    expect(errors.map((d) => [d.span?.file, d.span?.line])).toEqual([['dsl/queues.dsl', 3]]);
    expect(errors[0]?.message).toMatch(/stack Messaging would have 60\d resources/);
    // Past 80% of the template size too: the same stack, a warning or an error at the same place.
    expect(p.diagnostics.every((d) => d.span?.file === 'dsl/queues.dsl')).toBe(true);
  });

  it('a recorded placement that fills a stack past 80% of its resources is a warning at the queues that drive it (DZ5090), not an error', () => {
    const all = new Map<string, StackName>(Array.from({ length: 70 }, (_, i) => [`queue:queue_${String(i).padStart(4, '0')}`, 'Messaging']));
    const p = planned(scaleProject({ queues: 70 }), all);
    const warnings = p.diagnostics.filter((d) => d.code === 'DZ5090');
    expect(warnings.map((d) => [d.span?.file, d.span?.line])).toEqual([['dsl/queues.dsl', 3]]);
    expect(warnings[0]?.message).toMatch(/stack Messaging would have 4\d\d resources, 8\d% of CloudFormation's limit of 500/);
    expect(codes(p)).not.toContain('DZ5091');
  });

  it("85 email channels: a task role's policy near IAM's managed policy size, a warning at the email channels (DZ5092)", () => {
    const files = new Map(scaleProject({ queues: 1 }));
    const channels = Array.from({ length: 85 }, (_, i) => `channel mail_${i} "Mail ${i}":\n  kind: email\n  config:\n    from_address: "sender${i}@example.com"\n`);
    files.set('dsl/mail.dsl', `module scale.mail\n\n${channels.join('\n')}`);
    const p = planned(files);
    const warnings = p.diagnostics.filter((d) => d.code === 'DZ5092');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((d) => d.span?.file === 'dsl/mail.dsl' && d.span.line === 3)).toBe(true);
    expect(codes(p)).not.toContain('DZ5093');
  });

  it('past half of ECS\'s limit, the queue URLs move to an environment file: 480 and 600 queues neither near nor pass the limit; below it, every variable stays inline', () => {
    for (const queues of [480, 600]) {
      const p = planned(scaleProject({ queues }));
      expect(codes(p).filter((c) => c === 'DZ5096' || c === 'DZ5097'), `${queues} queues`).toEqual([]);
      for (const s of p.plan.services) {
        expect(s.environmentFile?.inlineBytes, `${queues} queues, ${s.name}`).toBeGreaterThan(ENVIRONMENT_FILE_AT);
        expect(s.environmentFile?.variables.filter((n) => n.startsWith('QUEUE_'))).toHaveLength(queues);
      }
      // The estimate counts only what stays inline.
      for (const td of p.plan.stacks.flatMap((s) => s.usage.taskDefinitions)) expect(td.bytes.used).toBeLessThan(ENVIRONMENT_FILE_AT / 4);
      expect(p.plan.notes.filter((n) => n.includes('environment file'))).toHaveLength(1);
    }
    // 240 queue URLs stay below the threshold: no file, and the estimate is every variable's.
    const below = planned(scaleProject({ queues: 240 }));
    expect(below.plan.services.filter((s) => s.environmentFile)).toEqual([]);
    for (const td of below.plan.stacks.flatMap((s) => s.usage.taskDefinitions)) expect(td.bytes.used).toBeGreaterThan(ENVIRONMENT_FILE_AT * 0.8);
    for (const td of below.plan.stacks.flatMap((s) => s.usage.taskDefinitions)) expect(td.bytes.used).toBeLessThanOrEqual(ENVIRONMENT_FILE_AT);
    expect(below.plan.notes.filter((n) => n.includes('environment file'))).toEqual([]);
  });

  it("a task role names the app's queues by prefix before aws-cdk-lib would split its policy; the prefix is this app's and environment's only", () => {
    const small = planned(scaleProject({ queues: 10 }));
    const worker = (p: Planned) => p.plan.aws.services.find((s) => s.role === 'worker');
    expect(worker(small)?.policy.naming.queues).toBe('list');
    const big = planned(scaleProject({ queues: 40 }));
    const w = worker(big);
    expect(w?.policy.naming.queues).toBe('prefix');
    expect(w?.policy.overflowPolicies).toBe(0);
    expect(w?.policy.cdkEstimate).toBeLessThan(10_000);
    const patterns = (w?.policy.statements ?? []).filter((s) => s.kind === 'send' || s.kind === 'consume').flatMap((s) => s.resources);
    expect(new Set(patterns)).toEqual(new Set(['arn:aws:sqs:us-east-1:123456789012:scale_app-prod-*']));
    const prefix = 'scale_app-prod-';
    for (const q of big.plan.aws.queues) expect(q.queueName.startsWith(prefix) && q.deadLetterQueueName.startsWith(prefix)).toBe(true);
    for (const env of ['dev', 'staging']) expect(queueNames('scale_app', env, 'queue_0001').queue.startsWith(prefix)).toBe(false);
    // Every role stays within IAM's limits: no managed policy split off, inline well below 10,240.
    for (const s of big.plan.stacks) for (const r of s.usage.roles) expect([r.managedPolicies.used, r.inlinePolicyChars.used < 0.8 * LIMITS.rolePolicyChars]).toEqual([0, true]);
  });

  it("200 email channels: the task roles' policies pass IAM's managed policy size, an error at the email channels (DZ5093)", () => {
    const files = new Map(scaleProject({ queues: 1 }));
    const channels = Array.from({ length: 200 }, (_, i) => `channel mail_${i} "Mail ${i}":\n  kind: email\n  config:\n    from_address: "sender${i}@example.com"\n`);
    files.set('dsl/mail.dsl', `module scale.mail\n\n${channels.join('\n')}`);
    const p = planned(files);
    const errors = p.diagnostics.filter((d) => d.code === 'DZ5093');
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every((d) => d.span?.file === 'dsl/mail.dsl' && d.span.line === 3)).toBe(true);
    expect(errors[0]?.message).toMatch(/200 email identities/);
  });

  it('web services on many ports: the security groups near (DZ5094) and past (DZ5095) EC2\'s 60 rules, at the services\' ports in dazzle.toml', () => {
    const toml = (n: number) => `[deploy]\nregion = "us-east-1"\n${Array.from({ length: n }, (_, i) => `[deploy.services.s${i}]\nport = ${8000 + i}\npaths = ["/s${i}/*"]\n`).join('')}`;
    const files = (n: number) => new Map([...scaleProject({}), ['dazzle.toml', toml(n)]]);
    const near = planned(files(50));
    expect([...new Set(codes(near))]).toEqual(['DZ5094']);
    const past = planned(files(61));
    const errors = past.diagnostics.filter((d) => d.code === 'DZ5095');
    expect(errors.map((d) => d.message.match(/security group (\w+) would have (\d+) (\w+) rules/)?.slice(1))).toEqual([
      ['LoadBalancerSecurityGroup', '61', 'outbound'],
      ['ServiceSecurityGroup', '61', 'inbound'],
    ]);
    // At the port of the first service (dazzle.toml line 4), with the next ones as related locations.
    expect(errors.map((d) => [d.span?.file, d.span?.line, d.span?.col, d.related.length])).toEqual([
      ['dazzle.toml', 4, 8, 3],
      ['dazzle.toml', 4, 8, 3],
    ]);
  });

  it("what stays inline still counts: configured variables near (DZ5096) or past (DZ5097) ECS's 64 KiB task definition, at their keys in dazzle.toml", () => {
    const withEnv = (files: ReadonlyMap<string, string>, n: number) => {
      const out = new Map(files);
      const vars = Array.from({ length: n }, (_, i) => `CONFIG_${String(i).padStart(4, '0')} = "${'v'.repeat(100)}"`);
      out.set('dazzle.toml', `${files.get('dazzle.toml')}\n[deploy.compute.env]\n${vars.join('\n')}\n`);
      return out;
    };
    const past = planned(withEnv(scaleProject({}), 600));
    const errors = past.diagnostics.filter((d) => d.code === 'DZ5097');
    // Without queues there is no worker: the web service alone.
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toMatch(/^the task definition of service web would be about [\d,]+ bytes, 1\d\d% of ECS's limit of 65,536: a container receives 6\d\d other variables$/);
    const toml = (withEnv(scaleProject({}), 600).get('dazzle.toml') as string).split('\n');
    expect(errors[0]?.span?.file).toBe('dazzle.toml');
    expect(errors[0]?.span?.line).toBe(toml.indexOf(toml.find((l) => l.startsWith('CONFIG_0000')) as string) + 1);
    expect(errors[0]?.sensitive).toBe(true);

    // With 300 queues in the environment file, 450 configured variables still near the limit.
    const near = planned(withEnv(scaleProject({ queues: 300 }), 450));
    const warnings = near.diagnostics.filter((d) => d.code === 'DZ5096');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/: a container receives 4\d\d other variables inline, and 300 from its environment file$/);
    expect(warnings[0]?.span?.file).toBe('dazzle.toml');
    expect(codes(near)).not.toContain('DZ5097');
  });
});

describe('the plan stays linear in its resources', () => {
  it('every TigerBeetle resource names at most a few ledgers and counts the rest: 200 ledgers plan to the same size as 100', () => {
    const size = (ledgers: number) => {
      const p = planned(scaleProject({ ledgers }));
      const replica = p.plan.stacks.find((s) => s.name === 'TigerBeetle')?.resources.find((r) => r.id === 'Replica0');
      return { json: planJson(p.plan).length, dsl: replica?.because.filter((b) => b.kind === 'dsl').length, more: replica?.becauseMore, config: replica?.because.filter((b) => b.kind === 'config').length };
    };
    const [a, b] = [size(100), size(200)];
    expect([a.dsl, a.more]).toEqual([BECAUSE_SHOWN, 100 - BECAUSE_SHOWN]);
    expect([b.dsl, b.more, b.config]).toEqual([BECAUSE_SHOWN, 200 - BECAUSE_SHOWN, a.config]);
    // The config keys behind the replicas are always listed.
    expect(a.config).toBeGreaterThanOrEqual(2);
    expect(Math.abs(b.json - a.json)).toBeLessThan(200);
  });

  it('the dashboard graphs at most 100 alarms and shows every alarm in state widgets of 100', () => {
    const d = first300.plan.aws.dashboard;
    expect(first300.plan.aws.alarms.length).toBeGreaterThan(600);
    expect(d.graphs).toHaveLength(100);
    expect(d.statusWidgets).toBe(Math.ceil(first300.plan.aws.alarms.length / 100));
    expect(d.graphs.filter((g) => !g.stack.startsWith('Messaging')).length).toBe(first300.plan.aws.alarms.filter((a) => !a.stack.startsWith('Messaging')).length);
  });
});
