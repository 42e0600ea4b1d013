/**
 * Every rule fires where it should and stays quiet where it should not, on real
 * synthesized templates: the ledger example in prod (clean), apps planned with
 * TigerBeetle settings the loader refuses or warns about, and copies of the clean
 * templates with one fact changed. The TigerBeetle rules use the deployment guide's
 * thresholds and messages. Each app is synthesized once and shared by the tests.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { TIGERBEETLE, type Finding } from '../../src/preflight/index.js';
import { addResource, copyTemplates, EXAMPLE, find, ofRule, planOf, preflight, synthesize, withDeploy, type Synthesized } from './helpers.js';

let clean: Synthesized;
/** 7 replicas of t3.medium in 2 zones, 3000 IOPS, cluster id 0 (prod). */
let wide: Synthesized;
/** 4 replicas, 8000 IOPS, HTTPS on a domain (prod). */
let even: Synthesized;
/** 1 replica (prod). */
let single: Synthesized;
/** The example in staging (3 replicas in 2 zones, no domain). */
let staging: Synthesized;

beforeAll(async () => {
  clean = await synthesize(planOf(EXAMPLE, 'prod'));
  wide = await synthesize(planOf(EXAMPLE, 'prod', withDeploy({ tigerbeetle: { node_count: 7, size: 't3.medium', volume_iops: 3000, volume_throughput: 125, cluster_id: 0 }, network: { az_count: 2, nat_gateways: 1, availability_zones: ['us-east-1a', 'us-east-1b'] } })));
  even = await synthesize(
    planOf(EXAMPLE, 'prod', withDeploy({ tigerbeetle: { node_count: 4, volume_iops: 8000 }, domain: { name: 'example.com', subdomain: 'api', certificate_arn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-0000-4000-8000-000000000000' } })),
  );
  single = await synthesize(planOf(EXAMPLE, 'prod', withDeploy({ tigerbeetle: { node_count: 1 } })));
  staging = await synthesize(planOf(EXAMPLE, 'staging'));
}, 300_000);

const rules = (fs: readonly Finding[]) => [...new Set(fs.map((f) => f.rule))].sort();

describe('the clean example (prod)', () => {
  it('has no finding but plain HTTP (no domain is configured)', () => {
    expect(rules(preflight(clean).report.findings)).toEqual(['LB_PLAIN_HTTP']);
  });

  it('in staging, the prod-only rules stay quiet (3 replicas in 2 zones, no domain)', () => {
    expect(rules(preflight(staging).report.findings)).toEqual([]);
  });
});

describe('TigerBeetle', () => {
  it('TB_EVEN_NODE_COUNT: critical on 4 replicas, with the guide\'s "even node count" and "Use 1, 3, or 5 nodes"; not on 3, 7 or 1', () => {
    const [f] = ofRule(preflight(even).report.findings, 'TB_EVEN_NODE_COUNT');
    expect(f?.level).toBe('critical');
    expect(f?.message).toContain('even node count');
    expect(f?.message).toContain('4 replicas');
    expect(f?.fix).toContain('Use 1, 3, or 5 nodes');
    expect(f?.location.keyPath).toBe('deploy.tigerbeetle.node_count');
    expect(f?.resource?.type).toBe('AWS::AutoScaling::AutoScalingGroup');
    for (const s of [clean, wide, single]) expect(ofRule(preflight(s).report.findings, 'TB_EVEN_NODE_COUNT')).toEqual([]);
  });

  it('TB_INSUFFICIENT_NODES_PROD: high on 1 replica in prod ("Production needs 3+ nodes"); not on 3, nor on 1 outside prod', async () => {
    const [f] = ofRule(preflight(single).report.findings, 'TB_INSUFFICIENT_NODES_PROD');
    expect(f?.level).toBe('high');
    expect(f?.message).toContain('Production needs 3+ nodes');
    expect(ofRule(preflight(clean).report.findings, 'TB_INSUFFICIENT_NODES_PROD')).toEqual([]);
    const dev = { ...single, plan: { ...single.plan, environment: 'dev' } };
    expect(ofRule(preflight(dev).report.findings, 'TB_INSUFFICIENT_NODES_PROD')).toEqual([]);
  });

  it('TB_LOW_IOPS and TB_SUBOPTIMAL_IOPS: the guide\'s 5,000 minimum (high, "IOPS below minimum") and 10,000 recommendation (medium)', () => {
    const at = (iops: number) => {
      const t = copyTemplates(clean);
      for (const [, , r] of [find(t, 'AWS::EC2::Volume', /Replica0Data/), find(t, 'AWS::EC2::Volume', /Replica1Data/), find(t, 'AWS::EC2::Volume', /Replica2Data/)]) (r.Properties as Record<string, unknown>).Iops = iops;
      const fs = preflight(clean, { templates: t }).report.findings;
      return [ofRule(fs, 'TB_LOW_IOPS'), ofRule(fs, 'TB_SUBOPTIMAL_IOPS')] as const;
    };
    const [low] = at(4999);
    expect(low[0]?.level).toBe('high');
    expect(low[0]?.message).toContain('IOPS below minimum');
    expect(low[0]?.message).toContain('4999 IOPS');
    expect(low[0]?.fix).toContain('Increase `volume_iops` setting');
    expect(at(5000)[0]).toEqual([]);
    expect(at(5000)[1][0]?.level).toBe('medium');
    expect(at(9999)[1][0]?.message).toContain('IOPS below 10,000 recommended');
    expect(at(10000)).toEqual([[], []]);
    // As generated: 3000 IOPS is low, 8000 suboptimal, 10000 (the example) neither.
    expect(ofRule(preflight(wide).report.findings, 'TB_LOW_IOPS')).toHaveLength(1);
    expect(ofRule(preflight(even).report.findings, 'TB_SUBOPTIMAL_IOPS')).toHaveLength(1);
    expect(ofRule(preflight(clean).report.findings, 'TB_LOW_IOPS')).toEqual([]);
    expect(ofRule(preflight(clean).report.findings, 'TB_SUBOPTIMAL_IOPS')).toEqual([]);
  });

  it('TB_PUBLIC_ACCESS: critical when a TigerBeetle port is open to the internet, outside the VPC or to the load balancer ("public access"); not for the services and the replicas', () => {
    expect(ofRule(preflight(clean).report.findings, 'TB_PUBLIC_ACCESS')).toEqual([]);
    const [stack, sgId] = find(clean.templates, 'AWS::EC2::SecurityGroup', /TigerBeetleSecurityGroup/);
    const [, lbSg] = find(clean.templates, 'AWS::EC2::SecurityGroup', /LoadBalancerSecurityGroup/);
    const open = (rule: Record<string, unknown>) => {
      const t = copyTemplates(clean);
      addResource(t, stack, 'Opened', { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [sgId, 'GroupId'] }, IpProtocol: 'tcp', ...rule } });
      return ofRule(preflight(clean, { templates: t }).report.findings, 'TB_PUBLIC_ACCESS');
    };
    const internet = open({ CidrIp: '0.0.0.0/0', FromPort: 3000, ToPort: 3000 });
    expect(internet).toHaveLength(1);
    expect(internet[0]?.level).toBe('critical');
    expect(internet[0]?.message).toContain('public access');
    expect(internet[0]?.message).toContain('0.0.0.0/0');
    expect(internet[0]?.fix).toContain('Remove public CIDR rules');
    expect(open({ CidrIp: '10.1.0.0/16', FromPort: 3000, ToPort: 3000 })[0]?.message).toContain('outside the VPC');
    expect(open({ SourceSecurityGroupId: { 'Fn::GetAtt': [lbSg, 'GroupId'] }, FromPort: 3000, ToPort: 3001 })[0]?.message).toContain("load balancer's security group");
    expect(open({ CidrIp: '10.0.0.0/16', FromPort: 3000, ToPort: 3000 })).toEqual([]);
    expect(open({ CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22 })).toEqual([]);
  });

  it('TB_AZ_SPREAD: 7 replicas in 2 zones lose the majority with one zone (prod); 3 replicas in 3 zones do not', () => {
    const [f] = ofRule(preflight(wide).report.findings, 'TB_AZ_SPREAD');
    expect(f?.level).toBe('high');
    expect(f?.message).toMatch(/7 TigerBeetle replicas are spread over 2 availability zones \(4 in us-east-1a and 3 in us-east-1b\); losing us-east-1a leaves 3, fewer than the majority of 4/);
    // At the first of its keys written in dazzle.toml (the example writes node_count, not az_count).
    expect(f?.location.keyPath).toBe('deploy.tigerbeetle.node_count');
    expect(f?.fix).toContain('az_count = 3');
    expect(ofRule(preflight(clean).report.findings, 'TB_AZ_SPREAD')).toEqual([]);
  });

  it(`TB_LOW_MEMORY: t3.medium (4 GiB) is below TigerBeetle's documented ${TIGERBEETLE.minMemoryGib} GiB outside dev; r6i.large (16 GiB) is not`, () => {
    const [f] = ofRule(preflight(wide).report.findings, 'TB_LOW_MEMORY');
    expect(f?.message).toContain('t3.medium, which has 4 GiB');
    expect(f?.location.keyPath).toBe('deploy.tigerbeetle.size');
    expect(ofRule(preflight(clean).report.findings, 'TB_LOW_MEMORY')).toEqual([]);
    const dev = { ...wide, plan: { ...wide.plan, environment: 'dev' } };
    expect(ofRule(preflight(dev).report.findings, 'TB_LOW_MEMORY')).toEqual([]);
  });

  it('TB_TEST_CLUSTER_ID: cluster id 0 (reserved for testing) outside dev; 1 is fine', () => {
    const [f] = ofRule(preflight(wide).report.findings, 'TB_TEST_CLUSTER_ID');
    expect(f?.message).toContain("cluster id is '0'");
    expect(f?.resource?.type).toBe('AWS::SSM::Parameter');
    expect(ofRule(preflight(clean).report.findings, 'TB_TEST_CLUSTER_ID')).toEqual([]);
  });

  it('TB_TOO_MANY_REPLICAS: 7 replicas are more than TigerBeetle formats; 4 and 3 are not', () => {
    expect(ofRule(preflight(wide).report.findings, 'TB_TOO_MANY_REPLICAS')[0]?.message).toContain('7 replicas');
    expect(ofRule(preflight(even).report.findings, 'TB_TOO_MANY_REPLICAS')).toEqual([]);
    expect(ofRule(preflight(clean).report.findings, 'TB_TOO_MANY_REPLICAS')).toEqual([]);
  });
});

describe('template rules', () => {
  it('NET_PUBLIC_INGRESS: anything public but the load balancer\'s 80/443', () => {
    expect(ofRule(preflight(clean).report.findings, 'NET_PUBLIC_INGRESS')).toEqual([]);
    expect(ofRule(preflight(even).report.findings, 'NET_PUBLIC_INGRESS')).toEqual([]);
    const [stack, serviceSg] = find(clean.templates, 'AWS::EC2::SecurityGroup', /ServiceSecurityGroup/);
    const [, lbSg] = find(clean.templates, 'AWS::EC2::SecurityGroup', /LoadBalancerSecurityGroup/);
    const open = (group: string, rule: Record<string, unknown>) => {
      const t = copyTemplates(clean);
      addResource(t, stack, 'Opened', { Type: 'AWS::EC2::SecurityGroupIngress', Properties: { GroupId: { 'Fn::GetAtt': [group, 'GroupId'] }, IpProtocol: 'tcp', ...rule } });
      return ofRule(preflight(clean, { templates: t }).report.findings, 'NET_PUBLIC_INGRESS');
    };
    expect(open(serviceSg, { CidrIp: '0.0.0.0/0', FromPort: 22, ToPort: 22 })[0]?.message).toMatch(/ServiceSecurityGroup lets 0\.0\.0\.0\/0 reach port 22/);
    expect(open(lbSg, { CidrIp: '0.0.0.0/0', FromPort: 8080, ToPort: 8080 })).toHaveLength(1);
    expect(open(lbSg, { CidrIpv6: '::/0', FromPort: 443, ToPort: 443 })).toEqual([]);
    expect(open(serviceSg, { CidrIp: '203.0.113.7/32', FromPort: 22, ToPort: 22 })).toHaveLength(1);
    expect(open(serviceSg, { CidrIp: '10.0.0.0/8', FromPort: 22, ToPort: 22 })).toEqual([]);
  });

  it('DATA_UNENCRYPTED: a volume or database without encryption at rest', () => {
    expect(ofRule(preflight(clean).report.findings, 'DATA_UNENCRYPTED')).toEqual([]);
    const t = copyTemplates(clean);
    (find(t, 'AWS::EC2::Volume')[2].Properties as Record<string, unknown>).Encrypted = false;
    delete (find(t, 'AWS::RDS::DBCluster')[2].Properties as Record<string, unknown>).StorageEncrypted;
    const fs = ofRule(preflight(clean, { templates: t }).report.findings, 'DATA_UNENCRYPTED');
    expect(fs.map((f) => f.resource?.type).sort()).toEqual(['AWS::EC2::Volume', 'AWS::RDS::DBCluster']);
  });

  it('DATA_NOT_RETAINED: in prod, a database or bucket deleted with its stack; not an expiring log bucket, not outside prod', () => {
    expect(ofRule(preflight(clean).report.findings, 'DATA_NOT_RETAINED')).toEqual([]);
    const t = copyTemplates(clean);
    find(t, 'AWS::RDS::DBCluster')[2].DeletionPolicy = 'Delete';
    const [f] = ofRule(preflight(clean, { templates: t }).report.findings, 'DATA_NOT_RETAINED');
    expect(f?.message).toContain('DeletionPolicy Delete');
    expect(f?.location.keyPath).toBe('deploy.database.removal_policy');
    // A bucket whose objects all expire (the access logs) holds nothing lasting; the files bucket does.
    find(t, 'AWS::S3::Bucket', /LoadBalancerLogs/)[2].DeletionPolicy = 'Delete';
    expect(ofRule(preflight(clean, { templates: t }).report.findings, 'DATA_NOT_RETAINED')).toHaveLength(1);
    find(t, 'AWS::S3::Bucket', /BucketFiles/)[2].DeletionPolicy = 'Delete';
    expect(ofRule(preflight(clean, { templates: t }).report.findings, 'DATA_NOT_RETAINED').map((x) => x.location.keyPath).sort()).toEqual(['deploy.database.removal_policy', 'deploy.storage.removal_policy']);
    const dev = { ...clean, plan: { ...clean.plan, environment: 'dev' } };
    expect(ofRule(preflight(dev, { templates: t }).report.findings, 'DATA_NOT_RETAINED')).toEqual([]);
  });

  it('LB_PLAIN_HTTP: a public load balancer on plain HTTP in prod; not with HTTPS and a redirect, not in staging', () => {
    const [f] = ofRule(preflight(clean).report.findings, 'LB_PLAIN_HTTP');
    expect(f?.level).toBe('high');
    expect(f?.location.keyPath).toBe('deploy.domain.name');
    expect(f?.location.span.file).toBe(clean.configFile?.path);
    expect(ofRule(preflight(even).report.findings, 'LB_PLAIN_HTTP')).toEqual([]);
    expect(ofRule(preflight(staging).report.findings, 'LB_PLAIN_HTTP')).toEqual([]);
  });

  it('IAM_WILDCARD: a wildcard the app does not explain where it grants it', () => {
    expect(ofRule(preflight(clean).report.findings, 'IAM_WILDCARD')).toEqual([]);
    // The app explains each of its wildcards; without those explanations each is a finding.
    const unexplained = ofRule(preflight(clean, { acknowledgements: clean.acknowledgements.filter((a) => !a.rule.startsWith('AwsSolutions-IAM5')) }).report.findings, 'IAM_WILDCARD');
    expect(unexplained.map((f) => f.resource?.path).some((p) => /Replica0Role\/DefaultPolicy/.test(p ?? ''))).toBe(true);
    const t = copyTemplates(clean);
    const [, , policy] = find(t, 'AWS::IAM::Policy', /TaskRole\/DefaultPolicy/);
    (policy.Properties?.PolicyDocument.Statement as unknown[]).push({ Effect: 'Allow', Action: 's3:*', Resource: 'arn:aws:s3:::other-bucket' });
    const [f] = ofRule(preflight(clean, { templates: t }).report.findings, 'IAM_WILDCARD');
    expect(f?.message).toContain('action s3:*');
  });

  it('NAME_COLLISION: a physical name without the environment; NAME_TOO_LONG: a name over its limit', () => {
    expect(ofRule(preflight(clean).report.findings, 'NAME_COLLISION')).toEqual([]);
    expect(ofRule(preflight(clean).report.findings, 'NAME_TOO_LONG')).toEqual([]);
    const t = copyTemplates(clean);
    (find(t, 'AWS::Logs::LogGroup', /ServiceLogs|Logs/)[2].Properties as Record<string, unknown>).LogGroupName = '/ledger_app/services';
    (find(t, 'AWS::S3::Bucket', /BucketFiles/)[2].Properties as Record<string, unknown>).BucketName = { 'Fn::Join': ['', ['ledger-app-prod-files-with-a-much-longer-name-', { Ref: 'AWS::AccountId' }, '-us-east-1']] };
    const fs = preflight(clean, { templates: t }).report.findings;
    expect(ofRule(fs, 'NAME_COLLISION')[0]?.message).toContain("'/ledger_app/services' in every environment");
    expect(ofRule(fs, 'NAME_TOO_LONG')[0]?.message).toMatch(/68 characters as deployed; AWS allows 63 for its BucketName/);
  });

  it('CFN_LIMIT: 500 resources, 200 outputs, 200 parameters, 1 MB per stack; 10 managed policies per role', () => {
    expect(ofRule(preflight(clean).report.findings, 'CFN_LIMIT')).toEqual([]);
    const t = copyTemplates(clean);
    const [stack] = find(t, 'AWS::EC2::VPC');
    for (let i = 0; i < 501; i++) addResource(t, stack, `Filler${i}`, { Type: 'AWS::SSM::Parameter', Properties: { Type: 'String', Value: 'x' } });
    const big = t.map((x) => (x.stack === stack ? { ...x, bytes: 1_000_001 } : x));
    const [, , role] = find(big, 'AWS::IAM::Role', /Replica0Role/);
    (role.Properties as Record<string, unknown>).ManagedPolicyArns = Array.from({ length: 11 }, (_, i) => `arn:aws:iam::aws:policy/P${i}`);
    const msgs = ofRule(preflight(clean, { templates: big }).report.findings, 'CFN_LIMIT').map((f) => f.message);
    expect(msgs.some((m) => /has 5\d\d resources; CloudFormation allows 500/.test(m))).toBe(true);
    expect(msgs.some((m) => /1000001 bytes/.test(m))).toBe(true);
    expect(msgs.some((m) => /11 managed policies/.test(m))).toBe(true);
  });

  it('REGION_UNAVAILABLE: a zone of another region, or a resource type the region does not offer (CloudFormation validation)', () => {
    expect(ofRule(preflight(clean).report.findings, 'REGION_UNAVAILABLE')).toEqual([]);
    const t = copyTemplates(clean);
    const [stack, id, volume] = find(t, 'AWS::EC2::Volume');
    (volume.Properties as Record<string, unknown>).AvailabilityZone = 'eu-west-1a';
    const fs = ofRule(preflight(clean, { templates: t, schema: [{ rule: 'F3006', severity: 'error', description: "Resource type 'AWS::EC2::Volume' does not exist in 'us-east-1'", stack, logicalId: id }] }).report.findings, 'REGION_UNAVAILABLE');
    expect(fs.map((f) => f.message)).toEqual(expect.arrayContaining([expect.stringContaining("does not exist in 'us-east-1' [CloudFormation F3006]"), expect.stringContaining("zone 'eu-west-1a', which is not a zone of us-east-1")]));
    expect(fs).toHaveLength(2);
    expect(fs[0]?.location.keyPath).toBe('deploy.region');
  });

  it('CFN_SCHEMA: each schema error is a finding on its resource; warnings are not', () => {
    const [stack, id] = find(clean.templates, 'AWS::SQS::Queue');
    const fs = preflight(clean, {
      schema: [
        { rule: 'F3002', severity: 'error', description: "Additional properties are not allowed ('Nope' was unexpected)", stack, logicalId: id, properties: ['Properties.Nope'] },
        { rule: 'W3010', severity: 'warning', description: 'Avoid hardcoding availability zones', stack, logicalId: id },
      ],
    }).report.findings;
    expect(ofRule(fs, 'CFN_SCHEMA').map((f) => [f.resource?.logicalId, f.message.includes('F3002')])).toEqual([[id, true]]);
    expect(ofRule(preflight(clean).report.findings, 'CFN_SCHEMA')).toEqual([]);
  });

  it('cdk-nag: an unacknowledged error is high and a warning medium, at its resource', () => {
    const [, , bucket] = find(clean.templates, 'AWS::S3::Bucket', /BucketFiles/);
    const path = String(bucket.Metadata?.['aws:cdk:path']).replace(/\/Resource$/, '');
    const fs = preflight(clean, {
      nag: [
        { rule: 'HIPAA.Security-S3BucketReplicationEnabled', severity: 'error', description: 'The S3 Bucket does not have replication enabled.', path },
        { rule: 'AwsSolutions-SQS3', severity: 'warning', description: 'The SQS queue is not used as a dead-letter queue.', path },
      ],
    }).report.findings;
    expect(ofRule(fs, 'HIPAA.Security-S3BucketReplicationEnabled')[0]).toMatchObject({ level: 'high', resource: { path: `${path}/Resource` } });
    expect(ofRule(fs, 'AwsSolutions-SQS3')[0]?.level).toBe('medium');
    expect(clean.nag).toEqual([]);
  });
});

describe('app state', () => {
  it('APP_STALE (high) and APP_EDITED (medium, each file) from the app\'s state; none when it is as generated', () => {
    const fs = preflight(clean, { app: { versionFile: 'infra/.dazzle-infra-version.json', stale: true, edited: [{ file: 'infra/lib/network-stack.ts', missing: false, recordedAt: 40 }, { file: 'infra/lib/data-stack.ts', missing: true, recordedAt: 33 }] } }).report.findings;
    expect(ofRule(fs, 'APP_STALE')[0]?.level).toBe('high');
    expect(ofRule(fs, 'APP_EDITED').map((f) => [f.level, f.location.span.file, f.location.span.line])).toEqual([
      ['medium', 'infra/.dazzle-infra-version.json', 33],
      ['medium', 'infra/lib/network-stack.ts', 1],
    ]);
    expect(ofRule(preflight(clean).report.findings, 'APP_STALE')).toEqual([]);
    expect(ofRule(preflight(clean).report.findings, 'APP_EDITED')).toEqual([]);
  });
});
