/**
 * CloudFormation template validation as preflight runs it (the engine of aws-cdk-lib's
 * own template validation, in a worker): the generated templates are clean; a property
 * the schema refuses and a resource type the region does not offer are errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTemplateValidation, type TemplateValidator } from '../../src/cli/template-validation.js';

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
});
