/** The Data stack, asserted on synthesized CloudFormation: Aurora PostgreSQL, the buckets and their access logs. */
import { join } from 'node:path';
import { beforeAll, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
// Every suite here reads corpus projects (synthesized in beforeAll): skipped without ../shared.
import { CORPUS, describeShared as describe, REPO } from '../helpers.js';
import { resourceAt, resourcesOf, stackIdOf, synthProject, typeCounts, typecheckApp, type Synthesized } from '../cdk-helpers.js';
import { evaluate, ssmReads } from './cfn.js';

const LEDGER = join(REPO, 'examples/ledger-app');
const CASES: Record<string, [string, Environment]> = {
  ledgerProd: [LEDGER, 'prod'],
  ledgerDev: [LEDGER, 'dev'],
  simpleTaskProd: [join(CORPUS, 'simple_task'), 'prod'],
  supportTicketsProd: [join(CORPUS, 'support_tickets'), 'prod'],
  acmeBillingDev: [join(CORPUS, 'acme_billing'), 'dev'],
};
const synth: Record<string, Synthesized> = {};

beforeAll(async () => {
  for (const [key, [project, env]] of Object.entries(CASES)) synth[key] = await synthProject(project, env);
}, 300_000);

type Resource = { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, unknown> };

function s(key: string): Synthesized {
  return synth[key] as Synthesized;
}
const stackId = (x: Synthesized) => stackIdOf(x, 'Data');
function template(x: Synthesized): Record<string, unknown> {
  return x.json.get('Data') as Record<string, unknown>;
}
const at = (x: Synthesized, path: string) => resourceAt(x, 'Data', path) as [string, Resource];
const counts = (x: Synthesized) => typeCounts(x, 'Data');
const db = (x: Synthesized) => x.prepared.plan.aws.database as NonNullable<Synthesized['prepared']['plan']['aws']['database']>;

describe('Data stack: resources per project and environment', () => {
  // The cluster, its log group, subnet group and monitoring role, and its two alarms.
  const cluster = { 'AWS::Logs::LogGroup': 1, 'AWS::RDS::DBSubnetGroup': 1, 'AWS::IAM::Role': 1, 'AWS::RDS::DBCluster': 1, 'AWS::CloudWatch::Alarm': 2 };
  // With generated credentials: the secret and its attachment to the cluster.
  const generated = { 'AWS::SecretsManager::Secret': 1, 'AWS::SecretsManager::SecretTargetAttachment': 1 };
  it('ledger-app prod: provisioned writer + 1 reader (password from [deploy.secrets]), the files bucket and the access-log bucket', () => {
    // Parameters: the creation id, the writer and the reader endpoint.
    expect(counts(s('ledgerProd'))).toEqual({ ...cluster, 'AWS::RDS::DBInstance': 2, 'AWS::S3::Bucket': 2, 'AWS::S3::BucketPolicy': 2, 'AWS::SSM::Parameter': 3 });
  });
  it('ledger-app dev: writer only; buckets emptied on deletion (auto-delete custom resource)', () => {
    expect(counts(s('ledgerDev'))).toEqual({
      ...cluster,
      'AWS::IAM::Role': 2,
      'AWS::RDS::DBInstance': 1,
      'AWS::S3::Bucket': 2,
      'AWS::S3::BucketPolicy': 2,
      'Custom::S3AutoDeleteObjects': 2,
      'AWS::Lambda::Function': 1,
      'AWS::SSM::Parameter': 2,
    });
  });
  it('simple_task prod and support_tickets prod: the cluster with generated credentials only (no buckets)', () => {
    // Parameters: the writer and the reader endpoint, the secret's ARN.
    expect(counts(s('simpleTaskProd'))).toEqual({ ...cluster, ...generated, 'AWS::RDS::DBInstance': 2, 'AWS::SSM::Parameter': 3 });
    expect(counts(s('supportTicketsProd'))).toEqual({ ...cluster, ...generated, 'AWS::RDS::DBInstance': 2, 'AWS::SSM::Parameter': 3 });
  });
  it('acme_billing dev: the cluster with a writer only', () => {
    expect(counts(s('acmeBillingDev'))).toEqual({ ...cluster, ...generated, 'AWS::RDS::DBInstance': 1, 'AWS::SSM::Parameter': 2 });
  });
});

describe('Data stack: the Aurora PostgreSQL cluster', () => {
  it('is encrypted, IAM-authenticated, exports its log, and follows the plan (engine, name, backups)', () => {
    for (const key of Object.keys(CASES)) {
      const x = s(key);
      const p = db(x).engineVersion;
      const [, r] = at(x, 'Database/Resource');
      expect(r.Properties, key).toMatchObject({
        Engine: 'aurora-postgresql',
        EngineVersion: p,
        StorageEncrypted: true,
        EnableIAMDatabaseAuthentication: true,
        EnableCloudwatchLogsExports: ['postgresql'],
        DatabaseName: db(x).databaseName,
        BackupRetentionPeriod: db(x).backupRetentionDays,
        DeletionProtection: db(x).deletionProtection,
        PerformanceInsightsEnabled: true,
        Port: 5432,
      });
    }
  });

  it('prod: deletion protection on, snapshot on delete and on replacement', () => {
    for (const key of ['ledgerProd', 'simpleTaskProd', 'supportTicketsProd']) {
      const [, r] = at(s(key), 'Database/Resource');
      expect(r.Properties?.DeletionProtection, key).toBe(true);
      expect([r.DeletionPolicy, r.UpdateReplacePolicy], key).toEqual(['Snapshot', 'Snapshot']);
      if (db(s(key)).credentials.kind !== 'generated') continue;
      // The credentials outlive the cluster: the snapshot is useless without them.
      const [, secret] = at(s(key), 'DatabaseSecret/Resource');
      expect([secret.DeletionPolicy, secret.UpdateReplacePolicy], key).toEqual(['Retain', 'Retain']);
    }
  });

  it('names the cluster with the environment and the creation id: a kept cluster never blocks creating the stack again', () => {
    for (const key of Object.keys(CASES)) {
      const x = s(key);
      const [, r] = at(x, 'Database/Resource');
      const evaluated = (uuid: string) => evaluate(r.Properties?.DBClusterIdentifier, stackId(x), { region: 'us-east-1', uuid });
      expect(evaluated('0a1b2c3d-0000-11e3-aff7-50e2416294e0'), key).toBe(`${db(x).clusterIdentifier}-0a1b2c3d`);
      expect(evaluated('99999999-0000-11e3-aff7-50e2416294e0'), key).toBe(`${db(x).clusterIdentifier}-99999999`);
      expect(db(x).clusterIdentifier, key).toContain(`-${x.prepared.plan.environment}`);
    }
  });

  it('dev: what the dev profile says (no deletion protection, deleted with the stack)', () => {
    for (const key of ['ledgerDev', 'acmeBillingDev']) {
      const x = s(key);
      expect(db(x)).toMatchObject({ deletionProtection: false, removalPolicy: 'destroy' });
      const [, r] = at(x, 'Database/Resource');
      expect(r.Properties?.DeletionProtection, key).toBe(false);
      expect([r.DeletionPolicy, r.UpdateReplacePolicy], key).toEqual(['Delete', 'Delete']);
      if (db(x).credentials.kind !== 'generated') continue;
      const [, secret] = at(x, 'DatabaseSecret/Resource');
      expect([secret.DeletionPolicy, secret.UpdateReplacePolicy], key).toEqual(['Delete', 'Delete']);
    }
  });

  it('with database_password in [deploy.secrets]: the cluster is created with that password (no generated secret)', () => {
    const x = s('ledgerProd');
    expect(db(x).credentials).toEqual({ kind: 'reference', ref: 'ssm:/myapp/prod/db-password' });
    const [, cluster] = at(x, 'Database/Resource');
    expect(cluster.Properties?.MasterUsername).toBe('dazzle_admin');
    expect(cluster.Properties?.MasterUserPassword).toBe('{{resolve:ssm-secure:/myapp/prod/db-password}}');
    expect(resourcesOf(template(x), 'AWS::SecretsManager::Secret')).toEqual([]);
  });

  it('takes its admin password from a generated Secrets Manager secret', () => {
    const x = s('simpleTaskProd');
    const [secretId, secret] = at(x, 'DatabaseSecret/Resource');
    expect(secret.Type).toBe('AWS::SecretsManager::Secret');
    expect(secret.Properties?.GenerateSecretString).toMatchObject({ GenerateStringKey: 'password', SecretStringTemplate: JSON.stringify({ username: 'dazzle_admin' }) });
    const [clusterId, cluster] = at(x, 'Database/Resource');
    // Both resolved from the secret at deploy time: the password never appears in the template.
    for (const [prop, key] of [['MasterUsername', 'username'], ['MasterUserPassword', 'password']] as const) {
      const text = JSON.stringify(cluster.Properties?.[prop]);
      expect(text, prop).toContain('{{resolve:secretsmanager:');
      expect(text, prop).toContain(JSON.stringify({ Ref: secretId }));
      expect(text, prop).toContain(`:SecretString:${key}::}}`);
    }
    // The attachment adds the endpoint to the secret (what `database.secret` hands the services).
    const [, attachment] = at(x, 'DatabaseSecret/Attachment/Resource');
    expect(attachment.Properties).toMatchObject({ SecretId: { Ref: secretId }, TargetId: { Ref: clusterId }, TargetType: 'AWS::RDS::DBCluster' });
  });

  it('serverless v2: the plan capacity, db.serverless instances, readers scale with the writer', () => {
    const x = s('simpleTaskProd');
    expect(db(x).mode).toBe('serverless');
    const [, r] = at(x, 'Database/Resource');
    expect(r.Properties?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: db(x).minAcu, MaxCapacity: db(x).maxAcu });
    expect(at(x, 'Database/Writer/Resource')[1].Properties).toMatchObject({ DBInstanceClass: 'db.serverless', PromotionTier: 0, PubliclyAccessible: false, MonitoringInterval: 60 });
    // Tier 0-1 readers follow the writer's capacity.
    expect(at(x, 'Database/Reader1/Resource')[1].Properties).toMatchObject({ DBInstanceClass: 'db.serverless', PromotionTier: 1, PubliclyAccessible: false });
    const dev = s('acmeBillingDev');
    expect(at(dev, 'Database/Resource')[1].Properties?.ServerlessV2ScalingConfiguration).toEqual({ MinCapacity: db(dev).minAcu, MaxCapacity: db(dev).maxAcu });
  });

  it('provisioned: the plan instance class for the writer and the readers, no serverless scaling', () => {
    const x = s('ledgerProd');
    expect(db(x)).toMatchObject({ mode: 'provisioned', readers: 1 });
    const [, r] = at(x, 'Database/Resource');
    expect(r.Properties?.ServerlessV2ScalingConfiguration).toBeUndefined();
    for (const i of ['Writer', 'Reader1']) expect(at(x, `Database/${i}/Resource`)[1].Properties?.DBInstanceClass).toBe(db(x).instanceClass);
  });

  it("sits in the isolated subnets, behind the Network stack's database security group (both read from the Network stack's parameters)", () => {
    for (const key of Object.keys(CASES)) {
      const x = s(key);
      const w = x.prepared.plan.aws.wiring.network;
      const reads = ssmReads(template(x));
      // The isolated subnets are one parameter, a subnet per zone in zone order.
      const isolated = 'a,b,c'.split(',').map((z) => `subnet-isolated-${z}`);
      const parameters = Object.fromEntries([...reads].map(([id, name]) => [id, name === w.subnets.isolated ? isolated.join(',') : name === w.securityGroups.database ? 'sg-database' : name]));
      const value = (v: unknown) => evaluate(v, stackId(x), { region: 'us-east-1', parameters });
      const [, group] = at(x, 'Database/Subnets/Default');
      expect(value(group.Properties?.SubnetIds), key).toEqual(isolated.slice(0, x.prepared.plan.aws.network.azCount));
      const [, cluster] = at(x, 'Database/Resource');
      expect(value(cluster.Properties?.VpcSecurityGroupIds), key).toEqual(['sg-database']);
      expect(JSON.stringify(template(x)), key).not.toContain('Fn::ImportValue');
    }
  });

  it('writes its PostgreSQL log to a log group made first, with the configured retention', () => {
    for (const key of ['ledgerProd', 'ledgerDev']) {
      const x = s(key);
      const [logId, logs] = at(x, 'DatabaseLogs/Resource');
      const [, cluster] = at(x, 'Database/Resource');
      const value = (v: unknown) => evaluate(v, stackId(x), { region: 'us-east-1' });
      expect(value(logs.Properties?.LogGroupName)).toBe(`/aws/rds/cluster/${value(cluster.Properties?.DBClusterIdentifier) as string}/postgresql`);
      expect(logs.Properties?.RetentionInDays).toBe(x.prepared.plan.aws.observability.logRetentionDays);
      expect((cluster as { DependsOn?: string[] }).DependsOn ?? [], key).toContain(logId);
    }
  });
});

describe('Data stack: buckets', () => {
  const files = (x: Synthesized) => at(x, 'BucketFiles/Resource');

  it('block public access, S3-managed encryption, owner-enforced, versioned per plan, logged to the access-log bucket', () => {
    for (const key of ['ledgerProd', 'ledgerDev']) {
      const x = s(key);
      const plan = x.prepared.plan.aws.buckets.find((b) => b.name === 'files');
      const [, b] = files(x);
      const [logsId] = at(x, 'AccessLogs/Resource');
      expect(b.Properties, key).toMatchObject({
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
        LoggingConfiguration: { DestinationBucketName: { Ref: logsId }, LogFilePrefix: 'files/' },
      });
      expect(plan?.versioning).toBe(true);
      expect(b.Properties?.VersioningConfiguration, key).toEqual({ Status: 'Enabled' });
    }
  });

  it('every bucket has a policy denying requests without TLS', () => {
    for (const key of ['ledgerProd', 'ledgerDev']) {
      const x = s(key);
      const buckets = resourcesOf(template(x), 'AWS::S3::Bucket');
      const policies = resourcesOf(template(x), 'AWS::S3::BucketPolicy');
      expect(buckets.length).toBe(2);
      for (const [id] of buckets) {
        const policy = policies.find(([, p]) => JSON.stringify(p.Properties?.Bucket) === JSON.stringify({ Ref: id }));
        expect(policy, `${key} ${id}`).toBeDefined();
        const statements = (policy?.[1].Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
        expect(statements, `${key} ${id}`).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 's3:*', Principal: { AWS: '*' }, Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      }
    }
  });

  it('the access-log bucket is private, expires logs after the log retention, and lets only S3 logging for our buckets write', () => {
    const x = s('ledgerProd');
    const [logsId, logs] = at(x, 'AccessLogs/Resource');
    const [filesId] = files(x);
    expect(logs.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      LifecycleConfiguration: { Rules: [{ ExpirationInDays: x.prepared.plan.aws.observability.logRetentionDays, Status: 'Enabled' }] },
    });
    // A bucket policy, not the legacy log-delivery ACL.
    expect(logs.Properties?.AccessControl).toBeUndefined();
    const [, policy] = at(x, 'AccessLogs/Policy/Resource');
    expect(policy.Properties?.Bucket).toEqual({ Ref: logsId });
    const statements = (policy.Properties?.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement;
    expect(statements).toContainEqual(
      expect.objectContaining({
        Effect: 'Allow',
        Action: 's3:PutObject',
        Principal: { Service: 'logging.s3.amazonaws.com' },
        Condition: { ArnLike: { 'aws:SourceArn': { 'Fn::GetAtt': [filesId, 'Arn'] } }, StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
    );
  });

  it('prod keeps the buckets; dev deletes them with their objects', () => {
    const prod = s('ledgerProd');
    expect(prod.prepared.plan.aws.buckets.map((b) => b.removalPolicy)).toEqual(['retain']);
    for (const path of ['BucketFiles/Resource', 'AccessLogs/Resource']) {
      const [, r] = at(prod, path);
      expect([r.DeletionPolicy, r.UpdateReplacePolicy], path).toEqual(['Retain', 'Retain']);
    }
    expect(resourcesOf(template(prod), 'Custom::S3AutoDeleteObjects')).toEqual([]);

    const dev = s('ledgerDev');
    expect(dev.prepared.plan.aws.buckets.map((b) => b.removalPolicy)).toEqual(['destroy']);
    const emptied = resourcesOf(template(dev), 'Custom::S3AutoDeleteObjects').map(([, r]) => JSON.stringify(r.Properties?.BucketName));
    for (const path of ['BucketFiles/Resource', 'AccessLogs/Resource']) {
      const [id, r] = at(dev, path);
      expect([r.DeletionPolicy, r.UpdateReplacePolicy], path).toEqual(['Delete', 'Delete']);
      expect(emptied, path).toContain(JSON.stringify({ Ref: id }));
    }
  });
});

describe('Data stack: checks', () => {
  it('has no unacknowledged cdk-nag findings', () => {
    for (const key of Object.keys(CASES)) {
      const x = s(key);
      expect(x.findings.filter((f) => f.path.startsWith(`${stackId(x)}/`)), key).toEqual([]);
    }
  });

  it('the generated app type-checks (strict)', () => {
    for (const key of ['ledgerProd', 'ledgerDev', 'simpleTaskProd']) expect(typecheckApp(s(key).dir), key).toBe('');
  }, 120_000);
});
