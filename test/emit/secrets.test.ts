/**
 * Every form of secret reference `parseSecretRef` accepts, rendered by the Compute stack and
 * synthesized: the ECS secret reads the right parameter or secret (by name or by ARN, one key of
 * a JSON secret as the ECS secret's field), and the task execution role may read exactly those
 * ARNs. The loader on this branch still refuses some of these forms, so the plan is built here
 * with the references put into the loaded configuration.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { typecheckApp } from '../cdk-helpers.js';
import { REPO } from '../helpers.js';
import { cfnText, planWith, synthPlan } from './in-process.js';

const SECRETS: Record<string, string> = {
  by_path: 'ssm:/ledger/prod/by-path',
  by_name: 'ssm:plain_name',
  by_ssm_arn: 'ssm:arn:aws:ssm:eu-west-1:210987654321:parameter/shared/by-arn',
  sm_name: 'secretsmanager:ledger/sm-name',
  sm_name_key: 'secretsmanager:ledger/sm-json:password',
  sm_arn: 'secretsmanager:arn:aws:secretsmanager:us-east-1:210987654321:secret:shared/sm-arn-AbCdEf',
  sm_arn_key: 'secretsmanager:arn:aws:secretsmanager:eu-west-1:210987654321:secret:shared/sm-arn-json-XyZ123:api_key',
};

/** What ECS reads (ValueFrom) and what the execution role may read (Resource), per variable. */
const EXPECTED: Record<string, { valueFrom: string; resource: string }> = {
  BY_PATH: { valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/ledger/prod/by-path', resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/ledger/prod/by-path' },
  BY_NAME: { valueFrom: 'arn:aws:ssm:us-east-1:123456789012:parameter/plain_name', resource: 'arn:aws:ssm:us-east-1:123456789012:parameter/plain_name' },
  BY_SSM_ARN: { valueFrom: 'arn:aws:ssm:eu-west-1:210987654321:parameter/shared/by-arn', resource: 'arn:aws:ssm:eu-west-1:210987654321:parameter/shared/by-arn' },
  SM_NAME: { valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/sm-name', resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/sm-name-??????' },
  SM_NAME_KEY: { valueFrom: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/sm-json:password::', resource: 'arn:aws:secretsmanager:us-east-1:123456789012:secret:ledger/sm-json-??????' },
  SM_ARN: { valueFrom: 'arn:aws:secretsmanager:us-east-1:210987654321:secret:shared/sm-arn-AbCdEf', resource: 'arn:aws:secretsmanager:us-east-1:210987654321:secret:shared/sm-arn-AbCdEf' },
  SM_ARN_KEY: {
    valueFrom: 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:shared/sm-arn-json-XyZ123:api_key::',
    resource: 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:shared/sm-arn-json-XyZ123',
  },
};

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

let compute: Record<string, any>;
let source: string;
let readme: string;
let findings: readonly { rule: string; path: string }[];
let dir: string;

beforeAll(async () => {
  const plan = planWith(join(REPO, 'examples', 'ledger-app'), 'prod', (c) => ({ ...c, deploy: { ...c.deploy, secrets: SECRETS } }));
  const s = await synthPlan(plan, { nag: true });
  compute = s.json.get('Compute') as Record<string, any>;
  source = s.app.files.get('lib/compute-stack.ts') ?? '';
  readme = s.app.files.get('README.md') ?? '';
  findings = s.findings;
  dir = s.dir;
}, 240_000);

const resources = (type: string) => Object.entries((compute.Resources ?? {}) as Record<string, any>).filter(([, r]) => r.Type === type);

describe('secret references in the Compute stack', () => {
  it('gives every container each secret from the parameter or secret the reference names', () => {
    const defs = resources('AWS::ECS::TaskDefinition');
    expect(defs.length).toBeGreaterThan(0);
    for (const [id, def] of defs) {
      const secrets = new Map<string, string>(((def.Properties.ContainerDefinitions[0].Secrets ?? []) as { Name: string; ValueFrom: unknown }[]).map((x) => [x.Name, cfnText(x.ValueFrom)]));
      for (const [name, e] of Object.entries(EXPECTED)) expect(secrets.get(name), `${id} ${name}`).toBe(e.valueFrom);
    }
  });

  it("lets each task's execution role read exactly those parameters and secrets", () => {
    const policies = resources('AWS::IAM::Policy').filter(([id]) => /ExecutionRole/.test(id));
    expect(policies.length).toBe(resources('AWS::ECS::TaskDefinition').length);
    for (const [id, policy] of policies) {
      const statements = policy.Properties.PolicyDocument.Statement as Statement[];
      const readable = (prefix: string) =>
        statements
          .filter((st) => (Array.isArray(st.Action) ? st.Action : [st.Action]).some((a) => a.startsWith(prefix)))
          .flatMap((st) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]))
          .map(cfnText)
          .filter((r) => r.includes(prefix === 'ssm:' ? ':ssm:' : ':secretsmanager:'));
      const ssm = Object.values(EXPECTED).filter((e) => e.resource.includes(':ssm:')).map((e) => e.resource);
      const sm = Object.values(EXPECTED).filter((e) => e.resource.includes(':secretsmanager:')).map((e) => e.resource);
      expect(new Set(readable('ssm:')), id).toEqual(new Set(ssm));
      // The generated database credentials are the one other secret the services read.
      expect(new Set(readable('secretsmanager:').filter((r) => !r.startsWith('{{'))), id).toEqual(new Set(sm));
    }
  });

  it('uses the reference forms of the CDK, not string surgery on the reference', () => {
    expect(source).toContain("ssm.StringParameter.fromSecureStringParameterAttributes(this, 'SecretByName', { parameterName: 'plain_name' })");
    // By ARN, in any region (CDK's fromStringParameterArn takes only the stack's own region).
    expect(source).toContain("const secretBySsmArn = new ParameterByArn('arn:aws:ssm:eu-west-1:210987654321:parameter/shared/by-arn');");
    expect(source).toContain("secretsmanager.Secret.fromSecretNameV2(this, 'SecretSmNameKey', 'ledger/sm-json'), 'password')");
    expect(source).toContain("secretsmanager.Secret.fromSecretCompleteArn(this, 'SecretSmArnKey', 'arn:aws:secretsmanager:eu-west-1:210987654321:secret:shared/sm-arn-json-XyZ123'), 'api_key')");
  });

  it('lists each parameter and secret as a prerequisite in the README', () => {
    expect(readme).toContain('- SSM SecureString parameter `plain_name` (for BY_NAME)');
    expect(readme).toContain('- SSM SecureString parameter `arn:aws:ssm:eu-west-1:210987654321:parameter/shared/by-arn` (for BY_SSM_ARN)');
    expect(readme).toContain('- Secrets Manager secret `ledger/sm-json`, with the key `password` in its JSON value (for SM_NAME_KEY)');
  });

  it('stays cdk-nag clean, and the app type-checks', () => {
    expect(findings.filter((f) => f.path.includes('-Compute/'))).toEqual([]);
    expect(typecheckApp(dir)).toBe('');
  }, 120_000);
});
