/**
 * What the diff knows about CloudFormation resources, by type and property
 * (never by construct ID, which the generated app is free to change): which
 * types hold data, which carry a fixed physical name, which serve traffic, and
 * how templates reference each other (exports and imports).
 */
import type { Template, TemplateResource } from './model.js';

/** Types that hold data, with what is lost when one goes. */
const STATEFUL: Readonly<Record<string, string>> = {
  'AWS::RDS::DBCluster': 'the database cluster and its data',
  'AWS::RDS::DBInstance': 'the database instance and its data',
  'AWS::S3::Bucket': 'the bucket and its objects',
  'AWS::EC2::Volume': 'the volume and its data',
  'AWS::SQS::Queue': 'the queue and the messages in it',
  'AWS::ElastiCache::ReplicationGroup': 'the cache and its data',
  'AWS::ElastiCache::CacheCluster': 'the cache and its data',
  'AWS::ElastiCache::ServerlessCache': 'the cache and its data',
  'AWS::MemoryDB::Cluster': 'the cache and its data',
  'AWS::MSK::Cluster': 'the Kafka cluster and its topics',
  'AWS::MSK::ServerlessCluster': 'the Kafka cluster and its topics',
  'AWS::EFS::FileSystem': 'the file system and its files',
  'AWS::DynamoDB::Table': 'the table and its items',
  'AWS::DynamoDB::GlobalTable': 'the table and its items',
  'AWS::Kinesis::Stream': 'the stream and its records',
};

/** What is lost when this resource is deleted, or undefined when it holds no data. */
export function statefulWhat(r: TemplateResource): string | undefined {
  // An instance of an Aurora cluster holds no data of its own: the cluster's volume does.
  if (r.Type === 'AWS::RDS::DBInstance' && r.Properties?.DBClusterIdentifier !== undefined) return undefined;
  return STATEFUL[r.Type];
}

/** CloudFormation's default when a template sets no policy: RDS keeps a snapshot, everything else is deleted. */
function defaultPolicy(r: TemplateResource): string {
  const rds = r.Type === 'AWS::RDS::DBCluster' || (r.Type === 'AWS::RDS::DBInstance' && r.Properties?.DBClusterIdentifier === undefined);
  return rds ? 'Snapshot' : 'Delete';
}

/** The DeletionPolicy in force (CloudFormation's default when unset). */
export function deletionPolicy(r: TemplateResource): string {
  return typeof r.DeletionPolicy === 'string' ? r.DeletionPolicy : defaultPolicy(r);
}

/** The UpdateReplacePolicy in force (CloudFormation's default when unset). */
export function updateReplacePolicy(r: TemplateResource): string {
  return typeof r.UpdateReplacePolicy === 'string' ? r.UpdateReplacePolicy : defaultPolicy(r);
}

/** Whether a policy keeps the data: the resource is left in the account, or a snapshot is taken. */
export function keepsData(policy: string): boolean {
  return policy === 'Retain' || policy === 'RetainExceptOnCreate' || policy === 'Snapshot';
}

/** Properties that name a resource's physical name, beyond `<Type>Name` and `Name`. */
const NAME_PROPERTIES: readonly string[] = [
  'DBClusterIdentifier',
  'DBInstanceIdentifier',
  'DBSubnetGroupName',
  'ReplicationGroupId',
  'CacheClusterId',
  'GroupName',
  'InstanceProfileName',
  'ManagedPolicyName',
  'LaunchTemplateName',
  'AutoScalingGroupName',
];

/** Types whose name properties name no physical resource of their own. */
const NOT_NAMED: ReadonlySet<string> = new Set(['AWS::IAM::Policy', 'AWS::SSM::Association']);

/**
 * The property that fixes the resource's physical name, when the template sets
 * one: `BucketName` on a bucket, `QueueName` on a queue, `Name` on a parameter.
 */
export function fixedName(r: TemplateResource): { readonly property: string; readonly value: unknown } | undefined {
  if (NOT_NAMED.has(r.Type) || !r.Properties) return undefined;
  const suffix = r.Type.split('::').pop() ?? '';
  for (const property of [`${suffix}Name`, 'Name', ...NAME_PROPERTIES]) {
    const value = r.Properties[property];
    if (value !== undefined && value !== null) return { property, value };
  }
  return undefined;
}

/** Types whose replacement stops traffic or work while the new one comes up. */
const SERVING: Readonly<Record<string, string>> = {
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'the load balancer (its DNS name changes)',
  'AWS::ElasticLoadBalancingV2::Listener': 'the load balancer listener',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'the target group',
  'AWS::ECS::Service': 'the ECS service (its tasks are stopped and started again)',
  'AWS::ECS::Cluster': 'the ECS cluster',
  'AWS::AutoScaling::AutoScalingGroup': 'the instance group (its instances are replaced)',
  'AWS::EC2::Instance': 'the instance',
  'AWS::EC2::NetworkInterface': 'the network interface (and its fixed private address)',
  'AWS::EC2::VPC': 'the VPC, and with it everything inside',
  'AWS::EC2::Subnet': 'the subnet, and what runs in it',
  'AWS::EC2::NatGateway': 'the NAT gateway (outbound traffic from private subnets)',
  'AWS::RDS::DBCluster': 'the database cluster',
  'AWS::RDS::DBInstance': 'the database instance',
  'AWS::ElastiCache::ReplicationGroup': 'the cache',
  'AWS::ElastiCache::CacheCluster': 'the cache',
  'AWS::MSK::Cluster': 'the Kafka cluster',
};

/** What stops while this resource is replaced, or undefined when its replacement interrupts nothing. */
export function servingWhat(type: string): string | undefined {
  return SERVING[type];
}

/** In-place updates CloudFormation documents as "some interruption": the resource restarts or fails over. */
const INTERRUPTING_UPDATES: Readonly<Record<string, readonly string[]>> = {
  'AWS::RDS::DBInstance': ['DBInstanceClass', 'EngineVersion'],
  'AWS::RDS::DBCluster': ['EngineVersion'],
  'AWS::ElastiCache::ReplicationGroup': ['CacheNodeType', 'EngineVersion'],
  'AWS::EC2::Instance': ['InstanceType'],
  'AWS::MSK::Cluster': ['BrokerNodeGroupInfo', 'KafkaVersion'],
};

/** The properties of an in-place update that interrupt the resource. */
export function interruptingUpdates(type: string, properties: readonly string[]): string[] {
  const list = INTERRUPTING_UPDATES[type] ?? [];
  return properties.filter((p) => list.includes(p));
}

/** Types that carry IAM statements or security group rules (the ones worth a closer look for widened access). */
const ACCESS_TYPES: ReadonlySet<string> = new Set([
  'AWS::IAM::Policy',
  'AWS::IAM::ManagedPolicy',
  'AWS::IAM::Role',
  'AWS::IAM::User',
  'AWS::IAM::Group',
  'AWS::S3::BucketPolicy',
  'AWS::SQS::QueuePolicy',
  'AWS::SNS::TopicPolicy',
  'AWS::KMS::Key',
  'AWS::Lambda::Permission',
  'AWS::SecretsManager::ResourcePolicy',
  'AWS::EC2::SecurityGroup',
  'AWS::EC2::SecurityGroupIngress',
  'AWS::EC2::SecurityGroupEgress',
]);

export function carriesAccess(type: string): boolean {
  return ACCESS_TYPES.has(type);
}

/** A template as the diff compares it: construct paths and CDK bookkeeping left out (they change nothing in AWS). */
export function normalize(t: Template): Template {
  const resources: Record<string, TemplateResource> = {};
  for (const [id, r] of Object.entries(t.Resources ?? {})) {
    if (r.Type === 'AWS::CDK::Metadata') continue;
    if (r.Metadata && 'aws:cdk:path' in r.Metadata) {
      const { 'aws:cdk:path': _path, ...rest } = r.Metadata;
      const { Metadata: _m, ...plain } = r;
      resources[id] = Object.keys(rest).length ? { ...plain, Metadata: rest } : (plain as TemplateResource);
    } else {
      resources[id] = r;
    }
  }
  return { ...t, Resources: resources };
}

/** The construct path a resource was synthesized from (`aws:cdk:path`), when recorded. */
export function constructPath(r: TemplateResource | undefined): string | null {
  const p = r?.Metadata?.['aws:cdk:path'];
  return typeof p === 'string' ? p : null;
}

/** Exports of a template: export name → the output's logical name and value. */
export function exportsOf(t: Template): Map<string, { readonly output: string; readonly value: unknown }> {
  const out = new Map<string, { output: string; value: unknown }>();
  for (const [name, o] of Object.entries(t.Outputs ?? {})) {
    const exportName = o.Export?.Name;
    if (exportName === undefined) continue;
    out.set(typeof exportName === 'string' ? exportName : JSON.stringify(exportName), { output: name, value: o.Value });
  }
  return out;
}

/** Every export name a template imports (`Fn::ImportValue` of a literal name). */
export function importsOf(t: Template): Set<string> {
  const found = new Set<string>();
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) {
      for (const x of v) walk(x);
      return;
    }
    if (v === null || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'Fn::ImportValue') {
        if (typeof x === 'string') found.add(x);
        else found.add(JSON.stringify(x));
      }
      walk(x);
    }
  };
  walk(t.Resources);
  walk(t.Outputs);
  return found;
}

/** The logical IDs a value refers to (`Ref`, `Fn::GetAtt`, `${Id}` and `${Id.Attr}` in `Fn::Sub`). */
export function referencedIds(v: unknown): Set<string> {
  const found = new Set<string>();
  const walk = (x: unknown): void => {
    if (Array.isArray(x)) {
      for (const e of x) walk(e);
      return;
    }
    if (x === null || typeof x !== 'object') return;
    for (const [k, e] of Object.entries(x)) {
      if (k === 'Ref' && typeof e === 'string' && !e.startsWith('AWS::')) found.add(e);
      else if (k === 'Fn::GetAtt') {
        const target = Array.isArray(e) ? e[0] : typeof e === 'string' ? e.split('.')[0] : undefined;
        if (typeof target === 'string') found.add(target);
      } else if (k === 'Fn::Sub') {
        const text = Array.isArray(e) ? e[0] : e;
        if (typeof text === 'string') for (const m of text.matchAll(/\$\{([A-Za-z0-9]+)(?:\.[A-Za-z0-9.]+)?\}/g)) if (!(m[1] as string).startsWith('AWS')) found.add(m[1] as string);
      }
      walk(e);
    }
  };
  walk(v);
  return found;
}

/** Stable JSON for comparing values (keys sorted). */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
