/**
 * Acceptance, for the seed example and every corpus project, in every environment: generate,
 * synthesize in-process, and assert on the CloudFormation the facts that must never drift:
 * exactly the resources the plan lists (per stack and type), encryption everywhere, no internet
 * ingress except the load balancer's 80/443, TigerBeetle's ports, the services' variables and
 * secrets (exactly the plan's), each service's own task role, the database credentials from one
 * secret, removal policies per environment, physical names within their limits and never shared
 * between staging and prod, no CloudFormation export between stacks, alarms wired to the topic
 * and reading metrics that exist (a total outage pages), cdk-nag clean, and every generated app
 * type-checking under its own strict tsconfig (one tsc run for all of them).
 */
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Environment } from '../../src/config/index.js';
import { parseSecretRef } from '../../src/config/index.js';
import { pascal, type StackName } from '../../src/plan/index.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';
import { synthProject, typecheckApp, type Synthesized } from '../cdk-helpers.js';
import { evaluate, exportsOf, importsOf, nameProblems, physicalNames, ssmReads, ssmWrites, type Place } from './cfn.js';
import { planCounts, templateCounts, usageProblems } from './usage.js';

/** Corpus projects that hold an app (corpora/ is a collection of DSL files without one). */
const PROJECTS: [string, string][] = [
  ['ledger-app', join(REPO, 'examples', 'ledger-app')],
  ...sharedCases('the corpus projects', () => ['acme_billing', 'fieldtest_hub', 'invoice_ops', 'simple_task', 'support_tickets'].map((p): [string, string] => [p, join(CORPUS, p)])),
];
const ENVS: Environment[] = ['dev', 'staging', 'prod'];
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
const place = (s: Synthesized): Place => ({ region: s.prepared.plan.region });
/** Templates by CloudFormation stack name (what `evaluate` names the stack). */
const byStackName = (s: Synthesized) => new Map(s.prepared.app.stacks.map((x) => [x.id, s.json.get(x.name) as Record<string, any>]));
/** A value of a stack's template, evaluated. */
const value = (s: Synthesized, stack: string, v: unknown) => evaluate(v, (s.prepared.app.stacks.find((x) => x.name === stack) as { id: string }).id, place(s));

/** The task definition of a planned service, and the statements of its task role and of its execution role. */
function roles(s: Synthesized, service: { name: string; role: string }) {
  const compute = s.json.get('Compute') as { Resources: Record<string, Resource> };
  const id = service.role === 'worker' ? 'Worker' : `Service${pascal(service.name)}`;
  const def = Object.entries(compute.Resources).find(([, r]) => r.Type === 'AWS::ECS::TaskDefinition' && pathOf(r).endsWith(`/${id}Task/Resource`));
  if (!def) throw new Error(`no task definition for ${id}`);
  const statementsOf = (roleRef: unknown) =>
    Object.values(compute.Resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties?.Roles) === JSON.stringify([{ Ref: (roleRef as { 'Fn::GetAtt': string[] })['Fn::GetAtt'][0] }]))
      .flatMap((r) => r.Properties?.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
  const actions = (st: { Action: string | string[] }) => (Array.isArray(st.Action) ? st.Action : [st.Action]);
  const resourcesOf = (st: { Resource: unknown }) => (Array.isArray(st.Resource) ? st.Resource : [st.Resource]).map((x) => String(value(s, 'Compute', x)));
  const grants = (statements: { Action: string | string[]; Resource: unknown }[]) => {
    const out = new Map<string, Set<string>>();
    for (const st of statements) for (const a of actions(st)) for (const r of resourcesOf(st)) out.set(a, new Set([...(out.get(a) ?? []), r]));
    return out;
  };
  const props = def[1].Properties ?? {};
  return { id, def: def[1], task: grants(statementsOf(props.TaskRoleArn)), execution: grants(statementsOf(props.ExecutionRoleArn)), container: (props.ContainerDefinitions as any[])[0] };
}

describe.each(CASES.map((c) => [c.key] as const))('%s', (key) => {
  it('has no unacknowledged cdk-nag finding (errors or warnings)', () => {
    expect(get(key).findings).toEqual([]);
  });

  it('has exactly the resources the plan lists, per stack and CloudFormation type (so counts and costs agree)', () => {
    const s = get(key);
    expect(templateCounts(s.json)).toEqual(planCounts(s.prepared.plan));
  });

  it("is within every limit, and the plan's usage is the templates': outputs, parameters, template size (estimated), the task roles' policies, the security groups' rules", () => {
    const s = get(key);
    const ids = new Map(s.prepared.app.stacks.map((x) => [x.name, x.id]));
    expect(usageProblems(s.prepared.plan, s.json as ReadonlyMap<StackName, Record<string, any>>, ids, place(s))).toEqual([]);
  });

  it('plans as many alarms as it generates, and prices each of them', () => {
    const s = get(key);
    const dashboard = s.prepared.plan.stacks.flatMap((x) => x.resources).find((r) => r.id === 'Dashboard');
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm').length;
    expect(Object.fromEntries(dashboard?.params ?? []).alarms).toBe(alarms);
    const priced = s.prepared.plan.stacks.flatMap((x) => x.resources).filter((r) => r.type === 'AWS::CloudWatch::Alarm' && r.cost !== null);
    expect(priced).toHaveLength(alarms);
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
    expect(ofType(s, 'AWS::CloudWatch::Alarm')).toHaveLength(a.alarms.length);
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

  it('wires every alarm to the SNS topic (by its name), and each alarm reads a metric that is published', () => {
    const s = get(key);
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm');
    expect(alarms.length).toBeGreaterThan(0);
    const [, , topic] = ofType(s, 'AWS::SNS::Topic')[0] ?? [];
    const topicArn = `arn:aws:sns:${s.prepared.plan.region}:123456789012:${String(value(s, 'Observability', topic?.Properties?.TopicName))}`;
    // The topic's policy (TLS only) replaces the default one: it must let CloudWatch publish.
    const policy = JSON.stringify(ofType(s, 'AWS::SNS::TopicPolicy').map(([, , r]) => r.Properties?.PolicyDocument));
    expect(policy).toMatch(/"Action":"sns:Publish","Condition":\{"StringEquals":\{"aws:SourceAccount":\{"Ref":"AWS::AccountId"\}\}\},"Effect":"Allow","Principal":\{"Service":"cloudwatch.amazonaws.com"\}/);
    // The alarms live in the stacks that own what they watch, and none in Observability (it deploys first).
    expect(new Set(alarms.map(([stack]) => stack))).toEqual(new Set(s.prepared.plan.aws.alarms.map((a) => a.stack)));
    expect(alarms.some(([stack]) => stack === 'Observability')).toBe(false);
    for (const [stack, id, r] of alarms) {
      expect(value(s, stack, r.Properties?.AlarmActions), id).toEqual([topicArn]);
      expect(value(s, stack, r.Properties?.OKActions), id).toEqual([topicArn]);
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
    // Every alarm has the name the plan (and the Observability dashboard) gives it.
    expect(alarms.map(([stack, , r]) => [stack, value(s, stack, r.Properties?.AlarmName)]).sort()).toEqual(a.alarms.map((x) => [x.stack, x.name]).sort());
    const dashboard = JSON.stringify(value(s, 'Observability', ofType(s, 'AWS::CloudWatch::Dashboard')[0]?.[2].Properties?.DashboardBody));
    for (const x of a.alarms) expect(dashboard, x.name).toContain(`:alarm:${x.name}`);
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/AutoScaling')).toHaveLength(a.tigerbeetle?.nodes.length ?? 0);
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/RDS')).toHaveLength(a.database ? 2 : 0);
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/SQS')).toHaveLength(2 * (a.queues.length + (a.schedules.length ? 1 : 0)));
    // CPU and memory per service; per web service its unhealthy targets, and the load balancer's 5xx.
    expect(alarms.filter(([, , r]) => r.Properties?.Namespace === 'AWS/ECS')).toHaveLength(2 * a.services.length);
    const web = a.services.filter((x) => x.role === 'web').length;
    expect(alarms.filter(([, , r]) => r.Properties?.MetricName === 'UnHealthyHostCount')).toHaveLength(web);
    expect(alarms.filter(([, , r]) => r.Properties?.MetricName === 'HTTPCode_Target_5XX_Count')).toHaveLength(1);
  });

  it('pages on a total outage: no healthy target, or fewer tasks running than desired, with missing data breaching', () => {
    const s = get(key);
    const a = s.prepared.plan.aws;
    const alarms = ofType(s, 'AWS::CloudWatch::Alarm').map(([, , r]) => r.Properties ?? {});
    const healthy = alarms.filter((p) => p.MetricName === 'HealthyHostCount');
    expect(healthy).toHaveLength(a.services.filter((x) => x.role === 'web').length);
    for (const p of healthy) {
      expect(p).toMatchObject({ Namespace: 'AWS/ApplicationELB', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'breaching' });
      expect(p.Dimensions.map((d: { Name: string }) => d.Name).sort()).toEqual(['LoadBalancer', 'TargetGroup']);
    }
    const tasks = alarms.filter((p) => Array.isArray(p.Metrics));
    expect(tasks).toHaveLength(a.services.length);
    for (const p of tasks) {
      expect(p).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', TreatMissingData: 'breaching' });
      const math = p.Metrics.find((m: { Expression?: string }) => m.Expression);
      expect(math.Expression).toBe('desired - running');
      const stats = p.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).map((m: { Id: string; MetricStat: { Metric: { Namespace: string; MetricName: string; Dimensions: { Name: string }[] } } }) => [m.Id, m.MetricStat.Metric.Namespace, m.MetricStat.Metric.MetricName, m.MetricStat.Metric.Dimensions.map((d) => d.Name).sort()]);
      expect(stats.sort()).toEqual([
        ['desired', 'ECS/ContainerInsights', 'DesiredTaskCount', ['ClusterName', 'ServiceName']],
        ['running', 'ECS/ContainerInsights', 'RunningTaskCount', ['ClusterName', 'ServiceName']],
      ]);
    }
    // Container Insights (which publishes those counts) is on.
    for (const [, , c] of ofType(s, 'AWS::ECS::Cluster')) expect(c.Properties?.ClusterSettings).toEqual([{ Name: 'containerInsights', Value: 'enabled' }]);
  });

  it('shares nothing through CloudFormation exports; every SSM parameter a stack reads is written by a stack deployed before it', () => {
    const s = get(key);
    expect(exportsOf(s.json)).toEqual([]);
    expect(importsOf(s.json)).toEqual([]);
    // A stack that does not read the VPC ID never uses the placeholder it has instead.
    expect(JSON.stringify([...s.json.values()])).not.toContain('vpc-id-not-read');
    const written = new Map<string, string>();
    for (const st of s.prepared.plan.stacks) for (const name of ssmWrites(s.json.get(st.name) as Record<string, unknown>, st.name, place(s)).keys()) written.set(name, st.name);
    for (const st of s.prepared.plan.stacks) {
      const reads = [...ssmReads(s.json.get(st.name) as Record<string, unknown>).values()];
      expect(reads.sort(), st.name).toEqual([...st.reads].sort());
      for (const name of reads) {
        const owner = written.get(name);
        expect(owner, `${st.name} reads ${name}`).toBeDefined();
        expect(st.dependsOn, `${st.name} reads ${name}`).toContain(owner);
      }
    }
  });

  it('fixes every physical name within its AWS limit and form; a name kept after its stack is deleted ends with the creation id', () => {
    const s = get(key);
    const names = physicalNames(byStackName(s), place(s));
    expect(names.length).toBeGreaterThan(5);
    expect(nameProblems(names)).toEqual([]);
    for (const n of names) if (n.retained || n.kind === 'Secrets Manager secret' || n.kind === 'Aurora cluster identifier') expect(n.perCreation, `${n.path} ${n.name}`).toBe(true);
    // Unique within the environment.
    const seen = names.map((n) => `${n.kind} ${n.name.toLowerCase()}`);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it("gives each service its own task role with exactly what it uses: only the worker may receive or delete the queues' messages", () => {
    const s = get(key);
    const a = s.prepared.plan.aws;
    const arn = (kind: string, name: string) => `arn:aws:${kind}:${a.region}:123456789012:${name}`;
    const queues = a.queues.map((q) => arn('sqs', q.queueName));
    const schedule = a.scheduleQueue ? [arn('sqs', a.scheduleQueue.queueName)] : [];
    const taskRoles = new Set<string>();
    for (const service of s.prepared.plan.services) {
      const r = roles(s, service);
      taskRoles.add(JSON.stringify(r.def.Properties?.TaskRoleArn));
      const can = (action: string) => [...(r.task.get(action) ?? [])].sort();
      expect(can('sqs:SendMessage'), r.id).toEqual([...queues].sort());
      if (service.role === 'worker') {
        expect(can('sqs:ReceiveMessage'), r.id).toEqual([...queues, ...schedule].sort());
        expect(can('sqs:DeleteMessage'), r.id).toEqual([...queues, ...schedule].sort());
      } else {
        expect(can('sqs:ReceiveMessage'), r.id).toEqual([]);
        expect(can('sqs:DeleteMessage'), r.id).toEqual([]);
      }
      expect(can('events:PutEvents'), r.id).toEqual(a.buses.map((b) => arn('events', `event-bus/${b.busName}`)).sort());
      expect(can('ses:SendEmail'), r.id).toEqual(a.emailIdentities.map((e) => arn('ses', `identity/${e.identity}`)).sort());
      expect(can('s3:ListBucket').length, r.id).toBe(a.buckets.length);
      for (const [action] of r.task) expect(action, r.id).not.toMatch(/\*/);
      // The execution role reads exactly the secrets of this container, nothing else.
      const secrets = ((r.container.Secrets ?? []) as { ValueFrom: unknown }[]).map((x) => String(value(s, 'Compute', x.ValueFrom)).replace(/:[^:]*::$/, ''));
      const readable = [...(r.execution.get('secretsmanager:GetSecretValue') ?? []), ...(r.execution.get('ssm:GetParameters') ?? [])];
      for (const x of readable) expect(secrets.some((v) => x === v || x.startsWith(`${v}-`) || x === `${v}-??????` || x.startsWith(v.replace(/-[A-Za-z0-9]{6}$/, ''))), `${r.id} may read ${x}`).toBe(true);
      for (const v of secrets) expect(readable.some((x) => x === v || x.startsWith(v) || v.startsWith(x.replace(/-\?{6}$/, ''))), `${r.id} reads ${v}`).toBe(true);
    }
    // One task role per service.
    expect(taskRoles.size).toBe(s.prepared.plan.services.length);
  });

  it('gives the services the database credentials from the secret the cluster uses, and a DATABASE_URL without the password', () => {
    const s = get(key);
    const db = s.prepared.plan.aws.database;
    if (!db) return;
    const [, , cluster] = ofType(s, 'AWS::RDS::DBCluster')[0] as [string, string, Resource];
    const password = JSON.stringify(cluster.Properties?.MasterUserPassword);
    for (const service of s.prepared.plan.services) {
      const { container } = roles(s, service);
      const env = new Map<string, unknown>((container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, value(s, 'Compute', e.Value)]));
      const secrets = new Map<string, string>((container.Secrets as { Name: string; ValueFrom: unknown }[]).map((e) => [e.Name, String(value(s, 'Compute', e.ValueFrom))]));
      const url = String(env.get('DATABASE_URL'));
      expect(url).toMatch(new RegExp(`^postgresql://${db.masterUser}@\\{\\{Ref:SsmParameterValue[^}]+\\}\\}:5432/${db.databaseName}\\?sslmode=require$`));
      expect(env.get('DATABASE_HOST')).toBe(url.slice(url.indexOf('@') + 1, url.lastIndexOf(':5432')));
      expect(env.has('DATABASE_READER_HOST')).toBe(db.readers > 0);
      expect(secrets.get('PGPASSWORD')).toBe(secrets.get('DATABASE_PASSWORD'));
      if (db.credentials.kind === 'generated') {
        // The generated secret: the cluster's credentials, and the services' user and password.
        expect(password).toContain('{{resolve:secretsmanager:');
        expect(secrets.get('DATABASE_PASSWORD')).toMatch(/:password::$/);
        expect(secrets.get('DATABASE_USER')).toBe(secrets.get('DATABASE_PASSWORD')?.replace(/:password::$/, ':username::'));
      } else {
        // The [deploy.secrets] database_password reference: the cluster's password, and the services'.
        const ref = parseSecretRef(db.credentials.ref);
        if (!ref.ok) throw new Error('bad reference');
        expect(password).toContain(ref.value.service === 'ssm' ? `{{resolve:ssm-secure:${ref.value.name}}}` : `{{resolve:secretsmanager:${ref.value.arn ?? ref.value.name}`);
        expect(secrets.get('DATABASE_PASSWORD')).toContain(ref.value.name.replace(/^\//, ''));
        expect(env.get('DATABASE_USER')).toBe(db.masterUser);
        expect(cluster.Properties?.MasterUsername).toBe(db.masterUser);
      }
    }
  });

  it('acknowledges cdk-nag findings only with a reason, next to the construct', () => {
    const s = get(key);
    const sources = [...s.prepared.app.files.entries()].filter(([p]) => p.startsWith('lib/')).map(([, t]) => t).join('\n');
    const acks = [...sources.matchAll(/acknowledge\(\{\s*id: ([^\n]+),\s*reason: ([^\n]+),\s*\}\)/g)];
    expect(acks.length).toBeGreaterThan(0);
    for (const m of acks) expect((m[2] ?? '').length, m[1]).toBeGreaterThan(50);
  });
});

describe('staging and prod of one app', () => {
  it.each(PROJECTS.map(([name]) => [name] as const))('%s: share no physical name (one account and region)', (name) => {
    const staging = get(`${name} staging`);
    const prod = get(`${name} prod`);
    const names = (s: Synthesized) => new Set(physicalNames(byStackName(s), place(s)).map((n) => `${n.kind} ${n.name.toLowerCase()}`));
    const shared = [...names(staging)].filter((n) => names(prod).has(n));
    expect(shared).toEqual([]);
    expect(names(staging).size).toBeGreaterThan(5);
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
