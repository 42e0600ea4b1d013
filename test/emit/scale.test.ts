/**
 * Issue 11's acceptance at scale: a project with 300 queue channels and 25 web services
 * (bench/project.mjs; each service's container receives every queue's URL, from an environment
 * file, and the services fill a second Compute stack, which writes its own) plans, generates and
 * synthesizes within every limit (cdk-nag on, template validation off, one synthesis), the plan's
 * numbers are the templates', and adding one more queue (whose name sorts first) changes the
 * deployment only by additions: no existing queue moves, is replaced or is removed (`deploy
 * diff`'s own comparison of the two syntheses); each Compute stack writes a new environment file
 * (a new key: the tasks roll to it) and deletes the old one once the deployment is complete.
 */
import { existsSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaleProject, writeProject } from '../../bench/project.mjs';
import { synthApp } from '../../src/cli/synth.js';
import { diffDeployments, type Template, type VersionRecord } from '../../src/diff/index.js';
import { VERSION_FILE } from '../../src/emit/index.js';
import type { StackName } from '../../src/plan/index.js';
import { generateApp, synthProject, typecheckApp, writeApp, type Synthesized } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { usageProblems } from './usage.js';

const QUEUES = 300;
const SERVICES = 25;
let before: Synthesized;
let after: { templates: Map<string, Template>; version: VersionRecord; prepared: ReturnType<typeof generateApp> };

beforeAll(async () => {
  const project = mkdtempSync(join(tmpdir(), 'dazzle-scale-'));
  writeProject(project, scaleProject({ queues: QUEUES, services: SERVICES }));
  before = await synthProject(project, 'prod');
  // One more queue, whose name sorts before every other, in the project copy whose infra/ holds the first generation.
  const copy = dirname(before.dir);
  const dsl = join(copy, 'dsl', 'queues.dsl');
  writeFileSync(dsl, `${readFileSync(dsl, 'utf8')}\nchannel aaa_first "First":\n  kind: queue\n`);
  const prepared = generateApp(copy, 'prod');
  const dir = writeApp(prepared.app.files);
  const out = await synthApp(dir, { nag: false });
  if (!out.templates.size) throw new Error(out.diagnostics.map((d) => d.message).join('\n'));
  const templates = new Map([...out.templates].map(([id, file]) => [id, JSON.parse(readFileSync(join(out.outdir, file), 'utf8')) as Template]));
  after = { templates, version: JSON.parse(prepared.app.files.get(VERSION_FILE) as string) as VersionRecord, prepared };
}, 600_000);

describe(`a project with ${QUEUES} queues and ${SERVICES} web services`, () => {
  it('splits Messaging and Compute into stacks below 80% of their limits, synthesizes every one within every limit, cdk-nag clean, as the plan counted', () => {
    const plan = before.prepared.plan;
    expect(plan.stacks.map((s) => s.name).filter((s) => s.startsWith('Messaging'))).toEqual(['Messaging', 'Messaging2', 'Messaging3', 'Messaging4', 'Messaging5']);
    // A further Compute stack runs its services in the first one's cluster, and owns their alarms.
    expect(plan.stacks.map((s) => s.name).filter((s) => s.startsWith('Compute'))).toEqual(['Compute', 'Compute2']);
    expect(plan.aws.services.filter((s) => s.stack === 'Compute2').length).toBeGreaterThan(0);
    // Every service takes the queue URLs from its Compute stack's environment file; each stack writes its own.
    expect(plan.services.filter((s) => !s.environmentFile)).toEqual([]);
    for (const stack of ['Compute', 'Compute2'] as const) {
      const t = before.json.get(stack) as Record<string, any>;
      const resources = Object.values(t.Resources as Record<string, { Type: string; Properties: Record<string, any> }>);
      expect(resources.filter((r) => r.Type === 'Custom::EnvironmentFile'), stack).toHaveLength(1);
      for (const td of resources.filter((r) => r.Type === 'AWS::ECS::TaskDefinition')) {
        expect(td.Properties.ContainerDefinitions[0].EnvironmentFiles, stack).toHaveLength(1);
        expect(td.Properties.ContainerDefinitions[0].Environment.filter((e: { Name: string }) => e.Name.startsWith('QUEUE_')), stack).toEqual([]);
      }
    }
    expect(before.prepared.diagnostics.filter((d) => d.severity !== 'note' && d.code.startsWith('DZ509'))).toEqual([]);
    expect(before.findings).toEqual([]);
    const ids = new Map(before.prepared.app.stacks.map((s) => [s.name, s.id]));
    expect(usageProblems(plan, before.json as ReadonlyMap<StackName, Record<string, any>>, ids, { region: plan.region })).toEqual([]);
    // The task roles name the queues by prefix (their statements would pass the policy size aws-cdk-lib splits at), acknowledged with the reason.
    const compute = before.prepared.app.files.get('lib/compute-stack.ts') ?? '';
    expect(compute).toContain("allowConsume(workerTaskRole, [queueArn(this, 'scale_app-prod-*')], 'prefix');");
    expect(compute).toMatch(/the naming rules give every queue of this app in this environment that prefix/);
    // The generated README says how the app is split, and by which rule.
    const readme = before.prepared.app.files.get('README.md') ?? '';
    expect(readme).toContain('This app is split so now: Messaging into `Messaging`, `Messaging2`, `Messaging3`, `Messaging4`, `Messaging5`; Compute into `Compute`, `Compute2`.');
    expect(readme).toMatch(/A resource stays in the stack it was first placed in/);
  });

  it('type-checks with its further stacks (Messaging2…, Compute2) under its own strict tsconfig', () => {
    if (!existsSync(join(before.dir, 'node_modules'))) symlinkSync(join(REPO, 'node_modules'), join(before.dir, 'node_modules'), 'dir');
    expect(typecheckApp(before.dir)).toBe('');
  }, 120_000);

  it('records where each queue went, and adding one more changes the deployment only by additions: no queue moves, is replaced or removed', () => {
    const was = JSON.parse(before.prepared.app.files.get(VERSION_FILE) as string) as { placement: Record<string, string> };
    const now = after.prepared.plan.placement;
    expect(Object.keys(was.placement)).toHaveLength(QUEUES + SERVICES);
    for (const [key, stack] of Object.entries(was.placement)) expect(now[key], key).toBe(stack);
    const report = diffDeployments({
      baseline: { templates: new Map([...before.json].map(([name, t]) => [before.prepared.app.stacks.find((s) => s.name === name)?.id as string, t as Template])), version: JSON.parse(before.prepared.app.files.get(VERSION_FILE) as string) as VersionRecord, plan: before.prepared.plan },
      baselineInfo: { kind: 'output', label: 'infra' },
      current: { templates: after.templates, version: after.version, plan: after.prepared.plan },
    });
    const all = report.stacks.flatMap((s) => s.resources);
    // Each Compute stack writes its environment file, with the new queue's URL, under a new key (its writer and the writer's
    // policy are new resources), before the task definitions that name it; the old file goes once the deployment is complete.
    const stackName = (id: string) => id.slice(id.lastIndexOf('-') + 1);
    const isFile = (c: (typeof all)[number]) => stackName(c.stack).startsWith('Compute') && (c.type === 'Custom::EnvironmentFile' || (c.type === 'AWS::IAM::Policy' && c.logicalId.startsWith('EnvironmentFile')));
    for (const action of ['add', 'remove'] as const) {
      expect(all.filter((c) => isFile(c) && c.action === action).map((c) => `${stackName(c.stack)} ${c.type}`).sort(), action).toEqual(['Compute AWS::IAM::Policy', 'Compute Custom::EnvironmentFile', 'Compute2 AWS::IAM::Policy', 'Compute2 Custom::EnvironmentFile']);
    }
    const changes = all.filter((c) => !isFile(c));
    // Added: the new queue, its dead letters, their policies and its two alarms, all in one Messaging stack.
    const added = changes.filter((c) => c.action === 'add');
    expect(added.map((c) => c.type).sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::CloudWatch::Alarm', 'AWS::SQS::Queue', 'AWS::SQS::Queue', 'AWS::SQS::QueuePolicy', 'AWS::SQS::QueuePolicy']);
    expect(new Set(added.map((c) => c.stack)).size).toBe(1);
    expect(report.summary.stacks.added + report.summary.stacks.removed).toBe(0);
    // Nothing else removed; nothing replaced but the task definitions, which register a revision that names the new file.
    expect(changes.filter((c) => c.action === 'remove' || c.action === 'orphan')).toEqual([]);
    expect(changes.filter((c) => (c.action === 'replace' || c.action === 'may-replace') && c.type !== 'AWS::ECS::TaskDefinition').map((c) => `${c.stack}/${c.logicalId} ${c.type}`)).toEqual([]);
    expect(report.summary.impacts['destroys-data'] + report.summary.impacts['data-kept'] + report.summary.impacts['breaks-deploy']).toBe(0);
    // No existing queue or alarm changes at all.
    expect(changes.filter((c) => c.action !== 'add' && (c.type === 'AWS::SQS::Queue' || c.type === 'AWS::SQS::QueuePolicy' || c.type === 'AWS::CloudWatch::Alarm'))).toEqual([]);
  });
});
