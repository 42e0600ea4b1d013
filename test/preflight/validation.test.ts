/**
 * CloudFormation template validation as preflight runs it (the engine of aws-cdk-lib's
 * own template validation, in a worker): the generated templates are clean; a property
 * the schema refuses and a resource type the region does not offer are errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deployPreflight } from '../../src/cli/preflight-command.js';
import { startTemplateValidation, type TemplateValidator } from '../../src/cli/template-validation.js';
import { FIXED_TIME, generateApp, projectCopy, writeApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { EXAMPLE } from './helpers.js';

let validator: TemplateValidator;
beforeAll(() => {
  validator = startTemplateValidation();
});
afterAll(async () => {
  await validator.close();
});

const template = (resources: Record<string, unknown>) => ({ stack: 'App-prod-Data', name: 'App-prod-Data.template.json', text: JSON.stringify({ Resources: resources }) });

describe('template validation', () => {
  it('reports a property the resource schema refuses, with its rule, resource and property', async () => {
    const issues = await validator.validate([template({ Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon', Nope: 1 } } })], 'us-east-1');
    expect(issues.map((i) => [i.rule, i.severity, i.stack, i.logicalId, i.properties?.[0], i.resourceType]).sort()).toEqual([
      ['F3002', 'error', 'App-prod-Data', 'Queue', 'Properties.Nope', 'AWS::SQS::Queue'],
      ['F3012', 'error', 'App-prod-Data', 'Queue', 'Properties.VisibilityTimeout', 'AWS::SQS::Queue'],
    ]);
  });

  it('reports a resource type the region does not offer (F3006), and nothing for a valid template', async () => {
    const agent = template({ Agent: { Type: 'AWS::Bedrock::Agent', Properties: { AgentName: 'x' } } });
    expect((await validator.validate([agent], 'ap-southeast-5')).map((i) => [i.rule, i.logicalId])).toEqual([['F3006', 'Agent']]);
    expect(await validator.validate([agent], 'us-east-1')).toEqual([]);
    expect(await validator.validate([template({ Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 30 } } })], 'us-east-1')).toEqual([]);
  });

  it('finds the same after warming up for the types (whose warm-up template, without properties, reports nothing)', async () => {
    const own = startTemplateValidation();
    try {
      own.warm(['AWS::SQS::Queue', 'AWS::S3::Bucket', 'AWS::Not::AType'], 'us-east-1');
      const issues = await own.validate([template({ Queue: { Type: 'AWS::SQS::Queue', Properties: { VisibilityTimeout: 'soon' } } })], 'us-east-1');
      expect(issues.map((i) => [i.rule, i.logicalId, i.properties?.[0]])).toEqual([['F3012', 'Queue', 'Properties.VisibilityTimeout']]);
      expect(await own.validate([template({ Bucket: { Type: 'AWS::S3::Bucket', Properties: {} } })], 'us-east-1')).toEqual([]);
    } finally {
      await own.close();
    }
  });
});

describe('a validation that cannot run', () => {
  it('fails the run (an internal error, exit 3 in main), never passes it', async () => {
    const copy = projectCopy(EXAMPLE);
    const prepared = generateApp(copy, 'staging');
    writeApp(prepared.app.files, prepared.outDir);
    const out: string[] = [];
    const broken: TemplateValidator = { warm: () => undefined, validate: () => Promise.reject(new Error('CloudFormation template validation failed: no schemas')), close: async () => undefined };
    const io = { stdout: (t: string) => void out.push(t), stderr: (t: string) => void out.push(t), color: false };
    await expect(deployPreflight({ project: copy, format: 'text' }, io, REPO, { now: FIXED_TIME, githubActions: false, validator: broken })).rejects.toThrow('no schemas');
    expect(out.join('')).not.toContain('preflight passed');
  });
});
