/**
 * Issue 11 at the task definitions: past half of ECS's 64 KiB limit (ENVIRONMENT_FILE_AT), a
 * service's queue URLs, bucket and bus names reach its container from an environment file, under the
 * same names. A project just over the threshold (one web service and the worker; queues enough to
 * pass it, two buckets and an event topic) plans, generates, type-checks and synthesizes: the task
 * definitions name the file and hold none of those variables inline, are within ECS's limit, the
 * file written when the stack deploys lists every one of them with the value the container had
 * inline, the execution roles read exactly that object, and cdk-nag and CloudFormation's template
 * validation find nothing (one synthesis with both). The plan's counts are the templates'.
 */
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { scaleProject, writeProject } from '../../bench/project.mjs';
import { synthApp, type SynthOutput } from '../../src/cli/synth.js';
import { ENVIRONMENT_FILE_AT, LIMITS, RESOURCE_VARIABLE, type StackName } from '../../src/plan/index.js';
import { generateApp, projectCopy, typecheckApp, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { evaluate, type Json } from './cfn.js';
import { usageProblems } from './usage.js';

/** Just enough queues for one service's task definition to pass ENVIRONMENT_FILE_AT (about 117 bytes each). */
const QUEUES = 270;
let prepared: ReturnType<typeof generateApp>;
let dir: string;
let out: SynthOutput;
const json = new Map<StackName, Json>();

beforeAll(async () => {
  const project = mkdtempSync(join(tmpdir(), 'dazzle-envfile-'));
  writeProject(project, scaleProject({ queues: QUEUES, buckets: 2, topics: 1, services: 1 }));
  const copy = projectCopy(project);
  prepared = generateApp(copy, 'prod');
  dir = writeApp(prepared.app.files, join(copy, 'infra'));
  out = await synthApp(dir, { validate: true });
  if (!out.templates.size) throw new Error(out.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  for (const s of prepared.app.stacks) json.set(s.name, JSON.parse(readFileSync(join(out.outdir, out.templates.get(s.id) as string), 'utf8')) as Json);
}, 600_000);

const resources = (t: Json): [string, Json][] => Object.entries((t.Resources ?? {}) as Record<string, Json>);

describe(`a project whose task definitions would pass ${ENVIRONMENT_FILE_AT} bytes with ${QUEUES} queue URLs inline`, () => {
  it('plans an environment file for the web service and the worker, says why, and counts only what stays inline', () => {
    const plan = prepared.plan;
    const fargate = plan.services.filter((s) => s.role !== 'nodes');
    expect(fargate.map((s) => s.role).sort()).toEqual(['web', 'worker']);
    for (const s of fargate) {
      const file = s.environmentFile;
      expect(file, s.name).toBeDefined();
      expect(file?.inlineBytes).toBeGreaterThan(ENVIRONMENT_FILE_AT);
      // Exactly the per-resource variables: every queue URL, bucket and bus name, and nothing else.
      expect(file?.variables).toEqual(s.variables.filter((v) => v.kind === 'value' && RESOURCE_VARIABLE.test(v.name)).map((v) => v.name));
      expect(file?.variables.filter((n) => n.startsWith('QUEUE_'))).toHaveLength(QUEUES);
      expect(file?.variables.filter((n) => n.startsWith('BUCKET_'))).toHaveLength(2);
      expect(file?.variables.filter((n) => n.startsWith('EVENT_BUS_'))).toHaveLength(1);
    }
    const tds = plan.stacks.flatMap((s) => s.usage.taskDefinitions);
    expect(tds).toHaveLength(2);
    for (const td of tds) expect(td.bytes.used).toBeLessThan(ENVIRONMENT_FILE_AT / 4);
    expect(plan.notes.some((n) => /receive their 270 queue URLs, 2 bucket names, 1 bus names from an environment file, under the same names/.test(n))).toBe(true);
    expect(prepared.diagnostics.filter((d) => d.code.startsWith('DZ509'))).toEqual([]);
    expect(plan.stacks.find((s) => s.name === 'Compute')?.resources.filter((r) => r.type === 'Custom::EnvironmentFile')).toHaveLength(1);
  });

  it('synthesizes task definitions that name the file, hold none of its variables inline and are within ECS\'s limit; the file lists each with its inline value', () => {
    const plan = prepared.plan;
    const compute = json.get('Compute') as Json;
    const stackId = prepared.app.stacks.find((s) => s.name === 'Compute')?.id as string;
    const place = { region: plan.region };
    const files = resources(compute).filter(([, r]) => r.Type === 'Custom::EnvironmentFile');
    expect(files).toHaveLength(1);
    const [fileId, file] = files[0] as [string, Json];
    const call = JSON.parse(String(evaluate(file.Properties.Create, stackId, place))) as { action: string; parameters: { Bucket: string; Key: string; Body: string } };
    expect(call.action).toBe('PutObject');
    expect(call.parameters.Key).toMatch(/^environment\/[0-9a-f]{16}\.env$/);
    const bucket = resources(compute).find(([, r]) => r.Type === 'AWS::S3::Bucket' && String(r.Metadata?.['aws:cdk:path']).endsWith('/EnvironmentFiles/Resource'));
    expect(bucket).toBeDefined();
    const [bucketId] = bucket as [string, Json];
    expect(call.parameters.Bucket).toBe(`{{Ref:${bucketId}}}`);
    const body = new Map(call.parameters.Body.split('\n').filter(Boolean).map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)] as const));

    const file0 = plan.services.find((s) => s.role === 'web')?.environmentFile;
    expect([...body.keys()]).toEqual(file0?.variables);
    // The values the containers had inline: each queue's URL, each bucket's name (its prefix and the Data stack's creation id), each bus's name.
    for (const q of plan.aws.queues) expect(body.get(`QUEUE_${q.name.toUpperCase()}_URL`)).toBe(`https://sqs.${plan.region}.amazonaws.com/123456789012/${q.queueName}`);
    for (const b of plan.aws.buckets) expect(body.get(`BUCKET_${b.name.toUpperCase()}`)).toMatch(new RegExp(`^${b.namePrefix}-\\{\\{Ref:SsmParameterValue`));
    for (const b of plan.aws.buses) expect(body.get(`EVENT_BUS_${b.name.toUpperCase()}`)).toBe(b.busName);

    const tds = resources(compute).filter(([, r]) => r.Type === 'AWS::ECS::TaskDefinition');
    expect(tds).toHaveLength(2);
    for (const [id, td] of tds) {
      const definitions = td.Properties.ContainerDefinitions as Json[];
      const container = definitions[0] as Json;
      const inline = ((container.Environment ?? []) as Json[]).map((e) => String(e.Name));
      expect(inline.filter((n) => RESOURCE_VARIABLE.test(n)), id).toEqual([]);
      expect(inline).toContain('DAZZLE_PROCESS');
      expect(evaluate(container.EnvironmentFiles, stackId, place)).toEqual([{ Type: 's3', Value: `arn:aws:s3:::{{Ref:${bucketId}}}/${call.parameters.Key}` }]);
      // Registered as ECS keeps it: the container definitions' JSON, values resolved.
      expect(Buffer.byteLength(JSON.stringify(evaluate(definitions, stackId, place)))).toBeLessThan(LIMITS.taskDefinitionBytes / 8);
      // The object is written before the task definition is registered.
      expect(td.DependsOn).toContain(fileId);
    }
    // Each execution role reads exactly that object, and the bucket's location.
    const executionPolicies = resources(compute).filter(([id, r]) => r.Type === 'AWS::IAM::Policy' && /ExecutionRoleDefaultPolicy/.test(id));
    expect(executionPolicies).toHaveLength(2);
    for (const [, p] of executionPolicies) {
      const s3 = (evaluate(p.Properties.PolicyDocument.Statement, stackId, place) as Json[]).filter((s) => JSON.stringify(s.Action).includes('s3:'));
      expect(s3).toEqual([
        { Action: 's3:GetObject', Effect: 'Allow', Resource: `{{GetAtt:${bucketId}.Arn}}/${call.parameters.Key}` },
        { Action: 's3:GetBucketLocation', Effect: 'Allow', Resource: `{{GetAtt:${bucketId}.Arn}}` },
      ]);
    }
  });

  it('is cdk-nag clean and CloudFormation validation clean, and the plan counted what the templates hold', () => {
    expect(out.findings).toEqual([]);
    const ids = new Map(prepared.app.stacks.map((s) => [s.name, s.id]));
    expect(usageProblems(prepared.plan, json, ids, { region: prepared.plan.region })).toEqual([]);
  });

  it('type-checks under its own strict tsconfig', () => {
    if (!existsSync(join(dir, 'node_modules'))) symlinkSync(join(REPO, 'node_modules'), join(dir, 'node_modules'), 'dir');
    expect(typecheckApp(dir)).toBe('');
  }, 120_000);
});
