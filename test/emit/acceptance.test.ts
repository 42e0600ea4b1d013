/**
 * Acceptance, for the seed example and every corpus project, in dev and prod: generate,
 * synthesize in-process, and assert on the CloudFormation the facts that must never drift:
 * encryption everywhere, no internet ingress except the load balancer's 80/443, TigerBeetle's
 * ports, the services' variables and secrets (exactly the plan's), removal policies per
 * environment, alarms wired to SNS and reading metrics that exist, cdk-nag clean, and every
 * generated app type-checking under its own strict tsconfig (one tsc run for all of them).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';
import { synthProject, typecheckApp, type Synthesized } from '../cdk-helpers.js';

/** Corpus projects that hold an app (corpora/ is a collection of DSL files without one). */
const PROJECTS: [string, string][] = [
  ['ledger-app', join(REPO, 'examples', 'ledger-app')],
  ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'].map((p): [string, string] => [p, join(CORPUS, p)])),
];
const ENVS: Environment[] = ['dev', 'prod'];
const CASES = PROJECTS.flatMap(([name, dir]) => ENVS.map((env) => ({ key: `${name} ${env}`, dir, env })));

type Resource = { Type: string; Properties?: Record<string, any>; DeletionPolicy?: string; UpdateReplacePolicy?: string; Metadata?: Record<string, unknown> };
const results = new Map<string, Synthesized>();

beforeAll(async () => {
  for (const c of CASES) results.set(c.key, await synthProject(c.dir, c.env));
}, 600_000);

const get = (key: string) => results.get(key) as Synthesized;
function resources(s: Synthesized): [string, string, Resource][] {
  const out: [string, string, Resource][] = [];
  for (const [stack, t] of s.json) for (const [id, r] of Object.entries((t.Resources ?? {}) as Record<string, Resource>)) out.push([stack, id, r]);
  return out;
}
const ofType = (s: Synthesized, type: string) => resources(s).filter(([, , r]) => r.Type === type);
const pathOf = (r: Resource) => String(r.Metadata?.['aws:cdk:path'] ?? '');

describe.each(CASES.map((c) => [c.key] as const))('%s', (key) => {
  it('has no unacknowledged cdk-nag finding (errors or warnings)', () => {
    expect(get(key).findings).toEqual([]);
  });

  it('has the resources the plan announces, one per plan entry', () => {
    const s = get(key);
    const a = s.prepared.plan.aws;
    expect([...s.json.keys()]).toEqual(s.prepared.plan.stacks.map((x) => x.name));
    expect(ofType(s, 'AWS::EC2::VPC')).toHaveLength(1);
    expect(ofType(s, 'AWS::EC2::NatGateway')).toHaveLength(a.network.natGateways);
    expect(ofType(s, 'AWS::EC2::Subnet')).toHaveLength(3 * a.network.azCount);
    expect(ofType(s, 'AWS::EC2::FlowLog')).toHaveLength(1);
    expect(ofType(s, 'AWS::CloudWatch::Dashboard')).toHaveLength(1);
    expect(ofType(s, 'AWS::AutoScaling::AutoScalingGroup')).toHaveLength(a.tigerbeetle?.nodes.length ?? 0);
    expect(ofType(s, 'AWS::RDS::DBCluster')).toHaveLength(a.database ? 1 : 0);
    expect(ofType(s, 'AWS::RDS::DBInstance')).toHaveLength(a.database ? 1 + a.database.readers : 0);
    expect(ofType(s, 'AWS::SQS::Queue')).toHaveLength(2 * a.queues.length + (a.schedules.length ? 2 : 0));
    expect(ofType(s, 'AWS::Events::EventBus')).toHaveLength(a.buses.length);
    expect(ofType(s, 'AWS::Scheduler::Schedule')).toHaveLength(a.schedules.length);
    expect(ofType(s, 'AWS::SES::EmailIdentity')).toHaveLength(a.emailIdentities.length);
    expect(ofType(s, 'AWS::ECS::Service')).toHaveLength(a.services.length);
    expect(ofType(s, 'AWS::ElasticLoadBalancingV2::LoadBalancer')).toHaveLength(1);
    expect(ofType(s, 'AWS::ElastiCache::ReplicationGroup')).toHaveLength(a.cache ? 1 : 0);
    // Buckets: the plan's, their access-log bucket, and the load balancer's log bucket.
    expect(ofType(s, 'AWS::S3::Bucket')).toHaveLength(a.buckets.length + (a.buckets.length ? 1 : 0) + 1);
  });

  it('encrypts everything at rest', () => {
    const s = get(key);
    for (const [, id, r] of ofType(s, 'AWS::S3::Bucket')) expect(r.Properties?.BucketEncryption, id).toBeDefined();
    for (const [, id, r] of ofType(s, 'AWS::SQS::Queue')) expect(r.Properties?.SqsManagedSseEnabled === true || r.Properties?.KmsMasterKeyId !== undefined, id).toBe(true);
    for (const [, id, r] of ofType(s, 'AWS::RDS::DBCluster')) expect(r.Properties?.StorageEncrypted, id).toBe(true);
    for (const [, id, r] of ofType(s, 'AWS::EC2::Volume')) expect(r.Properties?.Encrypted, id).toBe(true);
    for (const [, id, r] of ofType(s, 'AWS::ElastiCache::ReplicationGroup')) {
      expect(r.Properties?.AtRestEncryptionEnabled, id).toBe(true);
      expect(r.Properties?.TransitEncryptionEnabled, id).toBe(true);
    }
    for (const [, id, r] of ofType(s, 'AWS::SNS::Topic')) expect(r.Properties?.KmsMasterKeyId, id).toBeDefined();
    for (const [, id, r] of ofType(s, 'AWS::EC2::LaunchTemplate')) {
      const devices = (r.Properties?.LaunchTemplateData?.BlockDeviceMappings ?? []) as { Ebs?: { Encrypted?: boolean } }[];
      for (const d of devices) expect(d.Ebs?.Encrypted, id).toBe(true);
    }
  });

  it('opens nothing to the internet except the load balancer on 80 and 443', () => {
    const s = get(key);
    const open: string[] = [];
    const check = (where: string, rule: Record<string, any>) => {
      if (rule.CidrIp === '0.0.0.0/0' || rule.CidrIpv6 === '::/0') open.push(`${where} ${rule.FromPort}-${rule.ToPort}`);
    };
    for (const [, , r] of ofType(s, 'AWS::EC2::SecurityGroup')) for (const rule of r.Properties?.SecurityGroupIngress ?? []) check(pathOf(r), rule);
    for (const [, , r] of ofType(s, 'AWS::EC2::SecurityGroupIngress')) check(pathOf(r), r.Properties ?? {});
    const lb = s.prepared.plan.aws.loadBalancer;
    const stack = s.prepared.app.stacks.find((x) => x.name === 'Network')?.id;
    expect(open.sort()).toEqual((lb.https ? [`${stack}/LoadBalancerSecurityGroup/Resource 443-443`, `${stack}/LoadBalancerSecurityGroup/Resource 80-80`] : [`${stack}/LoadBalancerSecurityGroup/Resource 80-80`]).sort());
  });

  it('lets TigerBeetle clients in on 3000 only from the services and the replicas, and on no other port (TigerBeetle has no replication port)', () => {
    const s = get(key);
    if (!s.prepared.plan.aws.tigerbeetle) return;
    const network = s.json.get('Network') as { Resources: Record<string, Resource> };
    const idOf = (path: string) => Object.entries(network.Resources).find(([, r]) => pathOf(r).endsWith(`/${path}/Resource`))?.[0];
    const tbSg = idOf('TigerBeetleSecurityGroup');
    const serviceSg = idOf('ServiceSecurityGroup');
    const rules = ofType(s, 'AWS::EC2::SecurityGroupIngress')
      .map(([, , r]) => r.Properties ?? {})
      .filter((p) => JSON.stringify(p.GroupId).includes(String(tbSg)));
    const byPort = (port: number) => rules.filter((p) => p.FromPort === port).map((p) => JSON.stringify(p.SourceSecurityGroupId)).sort();
    expect(byPort(3000)).toEqual([JSON.stringify({ 'Fn::GetAtt': [serviceSg, 'GroupId'] }), JSON.stringify({ 'Fn::GetAtt': [tbSg, 'GroupId'] })].sort());
    expect(rules.every((p) => p.FromPort === 3000 && p.ToPort === 3000)).toBe(true);
    // Each replica's address is inside an explicit reservation of its subnet (nothing else can take it).
    const reservations = ofType(s, 'AWS::EC2::SubnetCidrReservation').map(([, , r]) => r.Properties ?? {});
    expect(reservations.every((r) => r.ReservationType === 'explicit')).toBe(true);
    for (const node of s.prepared.plan.aws.tigerbeetle.nodes) {
      const [a, b, c, host] = node.address.split('.').map(Number);
      expect(reservations.some((r) => r.Cidr === `${a}.${b}.${c}.8/29`), node.address).toBe(true);
      expect(host).toBeGreaterThanOrEqual(8);
      expect(host).toBeLessThan(16);
    }
  });

  it('gives each container exactly the plan\'s variables: values as environment, secrets only as ECS secrets', () => {
    const s = get(key);
    const defs = ofType(s, 'AWS::ECS::TaskDefinition');
    expect(defs).toHaveLength(s.prepared.plan.services.length);
    for (const service of s.prepared.plan.services) {
      const def = defs.find(([, , r]) => pathOf(r).includes(service.role === 'worker' ? '/WorkerTask/' : `/Service${service.name[0]?.toUpperCase()}${service.name.slice(1)}Task/`));
      expect(def, service.name).toBeDefined();
      const container = (def?.[2].Properties?.ContainerDefinitions as any[])[0];
      const env = new Map<string, unknown>((container.Environment ?? []).map((e: { Name: string; Value: unknown }) => [e.Name, e.Value]));
      const secrets = ((container.Secrets ?? []) as { Name: string }[]).map((x) => x.Name).sort();
      expect([...env.keys()].sort()).toEqual(service.variables.filter((v) => v.kind === 'value').map((v) => v.name).sort());
      expect(secrets).toEqual(service.variables.filter((v) => v.kind === 'secret').map((v) => v.name).sort());
      const tb = s.prepared.plan.aws.tigerbeetle;
      if (tb) {
        expect(env.get('TIGERBEETLE_ADDRESSES')).toBe(tb.addresses.join(','));
        expect(env.get('TIGERBEETLE_CLUSTER_ID')).toBe(String(tb.clusterId));
      }
      for (const secret of s.prepared.plan.aws.secrets) expect(secrets, secret.env).toContain(secret.env);
      if (s.prepared.plan.aws.database) expect(secrets).toContain('DATABASE_PASSWORD');
      // No secret's value appears in plain text anywhere in the container definition.
      expect(JSON.stringify(container.Environment ?? [])).not.toMatch(/PASSWORD|SECRET/i);
    }
  });

  it('keeps stateful resources per environment profile', () => {
    const s = get(key);
    const a = s.prepared.plan.aws;
    const policy = { snapshot: 'Snapshot', retain: 'Retain', destroy: 'Delete' } as const;
    for (const [, id, r] of ofType(s, 'AWS::RDS::DBCluster')) {
      expect(r.DeletionPolicy, id).toBe(policy[a.database?.removalPolicy ?? 'destroy']);
      expect(r.Properties?.DeletionProtection === true, id).toBe(a.database?.deletionProtection);
    }
    for (const [, id, r] of ofType(s, 'AWS::EC2::Volume')) expect(r.DeletionPolicy, id).toBe(a.environment === 'prod' ? 'Retain' : 'Snapshot');
    for (const b of a.buckets) {
      const bucket = ofType(s, 'AWS::S3::Bucket').find(([, , r]) => pathOf(r).endsWith(`/Bucket${b.name[0]?.toUpperCase()}${b.name.slice(1)}/Resource`));
      expect(bucket?.[2].DeletionPolicy, b.name).toBe(policy[b.removalPolicy]);
    }
    if (a.environment === 'prod') {
      expect(ofType(s, 'AWS::RDS::DBCluster').every(([, , r]) => r.Properties?.DeletionProtection === true)).toBe(true);
    }
  });

  it('wires every alarm to the SNS topic, and each alarm reads a metric that is published', () => {
    const s = get(key);
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    const topic = ofType(s, 'AWS::SNS::Topic')[0]?.[1];
    // The topic's policy (TLS only) replaces the default one: it must let CloudWatch publish.
    const policy = JSON.stringify(ofType(s, 'AWS::SNS::TopicPolicy').map(([, , r]) => r.Properties?.PolicyDocument));
    expect(policy).toMatch(/"Action":"sns:Publish","Condition":\{"StringEquals":\{"aws:SourceAccount":\{"Ref":"AWS::AccountId"\}\}\},"Effect":"Allow","Principal":\{"Service":"cloudwatch.amazonaws.com"\}/);
    for (const [, id, r] of alarms) {
      expect(r.Properties?.AlarmActions, id).toEqual([{ Ref: topic }]);
      const dims = new Map<string, unknown>((r.Properties?.Dimensions ?? []).map((d: { Name: string; Value: unknown }) => [d.Name, d.Value]));
      const ns = r.Properties?.Namespace;
      if (ns === 'AWS/RDS') expect([...dims.keys()], id).toEqual(['DBClusterIdentifier']);
      if (ns === 'AWS/AutoScaling') {
        expect(r.Properties?.MetricName).toBe('GroupInServiceInstances');
        // The group collects that metric, or the alarm would never get data.
        const groups = ofType(s, 'AWS::AutoScaling::AutoScalingGroup');
        for (const [, gid, g] of groups) expect(JSON.stringify(g.Properties?.MetricsCollection ?? []), gid).toContain('GroupInServiceInstances');
      }
      if (ns === 'AWS/ECS') expect([...dims.keys()].sort(), id).toEqual(['ClusterName', 'ServiceName']);
    }
    const a = s.prepared.plan.aws;
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/AutoScaling')).toHaveLength(a.tigerbeetle?.nodes.length ?? 0);
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/RDS')).toHaveLength(a.database ? 2 : 0);
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/SQS')).toHaveLength(2 * (a.queues.length + (a.schedules.length ? 1 : 0)));
    // CPU and memory per service; per web service its unhealthy targets, and the load balancer's 5xx.
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/ECS')).toHaveLength(2 * a.services.length);
    const web = a.services.filter((x) => x.role === 'web').length;
    expect(alarms.filter(([, , r]) => r.Properties?.MetricName === 'UnHealthyHostCount')).toHaveLength(web);
    expect(alarms.filter(([, , r]) => r.Properties?.MetricName === 'HTTPCode_Target_5XX_Count')).toHaveLength(1);
  });

  it('acknowledges cdk-nag findings only with a reason, next to the construct', () => {
    const s = get(key);
    const sources = [...s.prepared.app.files.entries()].filter(([p]) => p.startsWith('lib/')).map(([, t]) => t).join('\n');
    const acks = [...sources.matchAll(/acknowledge\(\{\s*id: ([^\n]+),\s*reason: ([^\n]+),\s*\}\)/g)];
    expect(acks.length).toBeGreaterThan(0);
    for (const m of acks) expect((m[2] ?? '').length, m[1]).toBeGreaterThan(50);
  });
});

describe('every generated app', () => {
  it('type-checks under its own strict tsconfig', () => {
    // One tsc run over all apps: each in its own folder, one tsconfig that includes them all.
    const root = mkdtempSync(join(tmpdir(), 'dazzle-tsc-'));
    symlinkSync(join(REPO, 'node_modules'), join(root, 'node_modules'), 'dir');
    let tsconfig: { compilerOptions: unknown } | undefined;
    for (const c of CASES) {
      const folder = c.key.replace(/\W+/g, '-');
      for (const [rel, text] of get(c.key).prepared.app.files) {
        if (rel === 'tsconfig.json') tsconfig = JSON.parse(text);
        if (!rel.endsWith('.ts')) continue;
        mkdirSync(join(root, folder, rel, '..'), { recursive: true });
        writeFileSync(join(root, folder, rel), text);
      }
    }
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['*/bin/**/*.ts', '*/lib/**/*.ts'] }));
    expect(typecheckApp(root)).toBe('');
  }, 120_000);

  it('has unique construct paths, and construct IDs that come from names', () => {
    for (const c of CASES) {
      const s = get(c.key);
      const paths = resources(s).map(([, , r]) => pathOf(r)).filter(Boolean);
      expect(new Set(paths).size, c.key).toBe(paths.length);
      // No ID is a bare list position (Resource0, Queue1…) except the TigerBeetle replicas, whose index is their identity.
      for (const p of paths) expect(p.split('/').filter((part) => /^[A-Za-z]+\d+$/.test(part) && !/^(Replica\d+|Reader\d+|Subnet\d+|PublicSubnet\d+|PrivateSubnet\d+|IsolatedSubnet\d+)$/.test(part)), p).toEqual([]);
    }
  });
});
