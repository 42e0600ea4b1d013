/**
 * A service's task role policy, as the Compute stack writes it: its statements, how large IAM
 * and aws-cdk-lib count them, and when statements name resources by a name-prefix pattern
 * instead of listing each ARN.
 *
 * IAM allows 10,240 characters of inline policy per role. aws-cdk-lib does not wait for that:
 * it estimates a policy's size (150 characters for each ARN with a token in it, 20 per action)
 * and, past 10,000, moves statements into managed policies of its own (`OverflowPolicy1`…),
 * each of which counts against the role's 10 managed policies. So a role that lists every
 * queue's ARN passes that limit at about 120 queues. Before its statements reach 80% of
 * aws-cdk-lib's threshold, the plan names the app's queues, buckets or buses (the largest list
 * first) by the prefix every one of their names starts with (`<app>-<env>-*`, see
 * `scopedPrefix`): one ARN pattern instead of hundreds.
 */
import { bucketNamePrefixes, busNamePrefixes, partitionOf, queueNamePrefixes } from '../lower/index.js';

/** How a statement names what it grants: each resource's ARN, or the prefix of their names. */
export type Naming = 'list' | 'prefix';

/** One statement of a task role policy, its resources as IAM sees them once CloudFormation resolves them. */
export interface PolicyStatementPlan {
  /** What it is for (`objects`, `buckets`, `send`, `consume`, `events`, `email`, `parameters`, and the Kafka cluster, its topics and consumer groups). */
  readonly kind: 'objects' | 'buckets' | 'send' | 'consume' | 'events' | 'email' | 'parameters' | 'kafka-cluster' | 'kafka-topics' | 'kafka-groups';
  readonly actions: readonly string[];
  /** The ARNs, with the account as `123456789012` and a creation id as `00000000` (their length as deployed). */
  readonly resources: readonly string[];
}

export interface TaskRolePolicy {
  /** How the statements name queues, buckets and buses. */
  readonly naming: { readonly queues: Naming; readonly buckets: Naming; readonly buses: Naming };
  readonly statements: readonly PolicyStatementPlan[];
  /** Characters of the inline policy as IAM counts them (JSON without whitespace). */
  readonly chars: number;
  /** aws-cdk-lib's estimate of the policy's size (what it splits by). */
  readonly cdkEstimate: number;
  /** Managed policies aws-cdk-lib splits off it (more than 10,000 estimated characters). */
  readonly overflowPolicies: number;
  /** Characters of the largest of those managed policies as IAM counts them (0 when there is none). */
  readonly overflowChars: number;
}

/**
 * A service's permissions, by kind of resource: each grant covers every resource of its kind
 * (so the plan stays linear in the number of resources). Web services send to the queues;
 * only the worker (which consumes them) may receive and delete their messages.
 */
export interface AwsGrants {
  /** The buckets: read, write and delete objects, list the bucket. */
  readonly buckets: boolean;
  /** The queues: send. */
  readonly sendToQueues: boolean;
  /** The queues: receive and delete. */
  readonly consumeQueues: boolean;
  /** Whether it consumes the schedule queue. */
  readonly consumeSchedules: boolean;
  /** The buses: put events. */
  readonly putEvents: boolean;
  /** The email channels' identities: send email from them. */
  readonly sendEmail: boolean;
  /** Whether it may read the TigerBeetle cluster parameters. */
  readonly tigerBeetleParameters: boolean;
  /** Kafka topics (DSL names) it may read and write, with the consumer groups under the prefix (`[deploy.kafka]`). */
  readonly kafkaTopics: readonly string[];
}

/** The app's resources a policy can name. */
export interface PolicyResources {
  readonly app: string;
  readonly environment: string;
  readonly region: string;
  readonly queues: readonly { readonly name: string; readonly queueName: string }[];
  readonly scheduleQueue: { readonly queueName: string } | null;
  /** Buckets with the stack that makes them (its creation id ends their names). */
  readonly buckets: readonly { readonly name: string; readonly namePrefix: string; readonly stack: string }[];
  readonly buses: readonly { readonly name: string; readonly busName: string }[];
  readonly emailIdentities: readonly string[];
  readonly tigerBeetleParameters: readonly string[];
  /** The MSK cluster (`[deploy.kafka]`): its name, its topics and the consumer groups' prefix. */
  readonly kafka: { readonly clusterName: string; readonly topics: readonly { readonly name: string; readonly topic: string }[]; readonly consumerGroupPrefix: string } | null;
  /** The prefixes of the queue, bus and (by Data stack) bucket names (`queueNamePrefixes`…), computed once for every role. */
  readonly prefixes: { readonly queues: readonly string[]; readonly buses: readonly string[]; readonly buckets: ReadonlyMap<string, readonly string[]> };
}

/** The name prefixes of a plan's queues, buses and buckets (by the Data stack that makes them). */
export function namePrefixes(r: Omit<PolicyResources, 'prefixes'>): PolicyResources['prefixes'] {
  const stacks = [...new Set(r.buckets.map((b) => b.stack))].sort();
  return {
    queues: queueNamePrefixes(r.app, r.environment, r.queues.map((q) => q.name)),
    buses: busNamePrefixes(r.app, r.environment, r.buses.map((b) => b.name)),
    buckets: new Map(stacks.map((stack) => [stack, bucketNamePrefixes(r.app, r.environment, r.buckets.filter((b) => b.stack === stack).map((b) => b.name))])),
  };
}

/** aws-cdk-lib moves statements into managed policies past this estimate (`MAX_INLINE_SIZE`). */
export const CDK_INLINE_THRESHOLD = 10_000;
/** … and fills each managed policy up to this estimate (`MAX_MANAGEDPOL_SIZE`). */
export const CDK_MANAGED_THRESHOLD = 6_000;
/** A role's statements name resources by prefix before aws-cdk-lib's estimate reaches this. */
export const PREFIX_AT = 0.8 * CDK_INLINE_THRESHOLD;
/** aws-cdk-lib's estimate of an ARN with a token in it, and of an action (`arnSizeEstimate`, `actionEstimate`). */
const CDK_ARN_ESTIMATE = 150;
const CDK_ACTION_ESTIMATE = 20;

const SAMPLE_ACCOUNT = '123456789012';
const SAMPLE_CREATION_ID = '00000000';
/** The UUID MSK ends a cluster's ARN with (its length as deployed). */
const SAMPLE_CLUSTER_UUID = '00000000-0000-0000-0000-000000000000-1';

export const ACTIONS = {
  objects: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
  buckets: ['s3:ListBucket'],
  send: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  consume: ['sqs:ReceiveMessage', 'sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
  events: ['events:PutEvents'],
  email: ['ses:SendEmail', 'ses:SendRawEmail'],
  parameters: ['ssm:GetParameter', 'ssm:GetParameters'],
  'kafka-cluster': ['kafka-cluster:Connect', 'kafka-cluster:DescribeCluster', 'kafka-cluster:WriteDataIdempotently'],
  'kafka-topics': ['kafka-cluster:CreateTopic', 'kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData', 'kafka-cluster:WriteData'],
  'kafka-groups': ['kafka-cluster:AlterGroup', 'kafka-cluster:DescribeGroup'],
} as const;

/** aws-cdk-lib's size estimate of one statement (`PolicyStatement._estimateSize`). */
function cdkStatementEstimate(s: PolicyStatementPlan): number {
  return '"Effect": "Allow",'.length + 'Action'.length + 5 + s.actions.length * (CDK_ACTION_ESTIMATE + 3) + 'Resource'.length + 5 + s.resources.length * (CDK_ARN_ESTIMATE + 3) + '{}'.length;
}

/** The characters IAM counts for a policy document with these statements. */
function iamChars(statements: readonly PolicyStatementPlan[]): number {
  if (!statements.length) return 0;
  const one = (xs: readonly string[]) => (xs.length === 1 ? xs[0] : xs);
  return JSON.stringify({ Statement: statements.map((s) => ({ Action: one(s.actions), Effect: 'Allow', Resource: one(s.resources) })), Version: '2012-10-17' }).length;
}

/** The statements of a role with these grants, naming queues, buckets and buses as `naming` says. */
function statementsOf(g: AwsGrants, r: PolicyResources, naming: TaskRolePolicy['naming']): PolicyStatementPlan[] {
  const p = partitionOf(r.region);
  const arn = (service: string, resource: string) => `arn:${p}:${service}:${r.region}:${SAMPLE_ACCOUNT}:${resource}`;
  const out: PolicyStatementPlan[] = [];
  if (g.buckets && r.buckets.length) {
    const names =
      naming.buckets === 'list'
        ? r.buckets.map((b) => `${b.namePrefix}-${SAMPLE_CREATION_ID}`)
        : [...r.prefixes.buckets.values()].flatMap((prefixes) => prefixes.map((prefix) => `${prefix}*-${SAMPLE_CREATION_ID}`));
    out.push({ kind: 'objects', actions: ACTIONS.objects, resources: names.map((n) => `arn:${p}:s3:::${n}/*`) });
    out.push({ kind: 'buckets', actions: ACTIONS.buckets, resources: names.map((n) => `arn:${p}:s3:::${n}`) });
  }
  const queuePattern = () => r.prefixes.queues.map((prefix) => arn('sqs', `${prefix}*`));
  if (g.sendToQueues && r.queues.length) out.push({ kind: 'send', actions: ACTIONS.send, resources: naming.queues === 'list' ? r.queues.map((q) => arn('sqs', q.queueName)) : queuePattern() });
  const consumed = [...(g.consumeQueues ? r.queues : []), ...(g.consumeSchedules && r.scheduleQueue ? [r.scheduleQueue] : [])];
  if (consumed.length) out.push({ kind: 'consume', actions: ACTIONS.consume, resources: naming.queues === 'list' ? consumed.map((q) => arn('sqs', q.queueName)) : queuePattern() });
  if (g.putEvents && r.buses.length) {
    const names = naming.buses === 'list' ? r.buses.map((b) => b.busName) : r.prefixes.buses.map((prefix) => `${prefix}*`);
    out.push({ kind: 'events', actions: ACTIONS.events, resources: names.map((n) => arn('events', `event-bus/${n}`)) });
  }
  if (g.sendEmail && r.emailIdentities.length) out.push({ kind: 'email', actions: ACTIONS.email, resources: r.emailIdentities.map((e) => arn('ses', `identity/${e}`)) });
  if (g.tigerBeetleParameters && r.tigerBeetleParameters.length) out.push({ kind: 'parameters', actions: ACTIONS.parameters, resources: r.tigerBeetleParameters.map((n) => arn('ssm', `parameter/${n.replace(/^\//, '')}`)) });
  const k = r.kafka;
  if (k && g.kafkaTopics.length) {
    // The statements of the Compute stack's allowKafka: the cluster, the topics, the consumer groups by prefix.
    const cluster = `${k.clusterName}/${SAMPLE_CLUSTER_UUID}`;
    const topics = new Map(k.topics.map((t) => [t.name, t.topic]));
    out.push({ kind: 'kafka-cluster', actions: ACTIONS['kafka-cluster'], resources: [arn('kafka', `cluster/${cluster}`)] });
    out.push({ kind: 'kafka-topics', actions: ACTIONS['kafka-topics'], resources: g.kafkaTopics.map((name) => arn('kafka', `topic/${cluster}/${topics.get(name) ?? name}`)) });
    out.push({ kind: 'kafka-groups', actions: ACTIONS['kafka-groups'], resources: [arn('kafka', `group/${cluster}/${k.consumerGroupPrefix}*`)] });
  }
  return out;
}

/** How many managed policies aws-cdk-lib splits off a policy, and which statements stay inline (`PolicyDocument._splitDocument`). */
function cdkSplit(statements: readonly PolicyStatementPlan[]): { readonly inline: PolicyStatementPlan[]; readonly overflow: readonly (readonly PolicyStatementPlan[])[] } {
  const inline: PolicyStatementPlan[] = [];
  const docs: { size: number; statements: PolicyStatementPlan[] }[] = [];
  let self = 0;
  for (const s of statements) {
    const size = cdkStatementEstimate(s);
    if (self + size < CDK_INLINE_THRESHOLD) {
      self += size;
      inline.push(s);
      continue;
    }
    const doc = docs.find((d) => d.size + size <= CDK_MANAGED_THRESHOLD);
    if (doc) {
      doc.size += size;
      doc.statements.push(s);
    } else docs.push({ size, statements: [s] });
  }
  return { inline, overflow: docs.map((d) => d.statements) };
}

/**
 * The task role policy of a service: every resource listed while that fits, else the largest
 * list (queues, buckets or buses) named by prefix, then the next, until aws-cdk-lib's estimate is
 * below `PREFIX_AT` (or nothing is left to name by prefix).
 */
export function taskRolePolicy(g: AwsGrants, r: PolicyResources): TaskRolePolicy {
  const naming: { queues: Naming; buckets: Naming; buses: Naming } = { queues: 'list', buckets: 'list', buses: 'list' };
  const estimate = (ss: readonly PolicyStatementPlan[]) => ss.reduce((n, s) => n + cdkStatementEstimate(s), 0);
  let statements = statementsOf(g, r, naming);
  const kindOf: Readonly<Record<PolicyStatementPlan['kind'], keyof typeof naming | null>> = { objects: 'buckets', buckets: 'buckets', send: 'queues', consume: 'queues', events: 'buses', email: null, parameters: null, 'kafka-cluster': null, 'kafka-topics': null, 'kafka-groups': null };
  while (estimate(statements) >= PREFIX_AT) {
    const weight = new Map<keyof typeof naming, number>();
    for (const s of statements) {
      const k = kindOf[s.kind];
      if (k && naming[k] === 'list') weight.set(k, (weight.get(k) ?? 0) + cdkStatementEstimate(s));
    }
    const heaviest = [...weight].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0];
    if (!heaviest) break;
    naming[heaviest[0]] = 'prefix';
    statements = statementsOf(g, r, naming);
  }
  const split = cdkSplit(statements);
  return { naming, statements, chars: iamChars(split.inline), cdkEstimate: estimate(statements), overflowPolicies: split.overflow.length, overflowChars: Math.max(0, ...split.overflow.map(iamChars)) };
}
