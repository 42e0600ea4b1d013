/**
 * `lib/wiring.ts` of the generated app: how the stacks find each other, in one file.
 *
 * The stacks pass each other no constructs, so aws-cdk makes no CloudFormation export: an
 * export that another stack imports can be neither removed nor changed, so removing a
 * channel, turning HTTPS on or changing `az_count` would make the owner's update fail.
 * Instead, a stack uses what another stack owns through
 * - fixed physical names (queues, buses, email identities, the alarm topic, alarms, the
 *   TigerBeetle parameters), from which it builds the ARN or URL; and
 * - SSM parameters the owner writes (the VPC, subnet and security group IDs, the database
 *   endpoints and secret, the Data stack's creation id), read when the reading stack deploys.
 * The stack order (`lib/app.ts`) makes every owner deploy first.
 */
import { namespaceParameters } from '../../lower/index.js';
import { bucketStacks, creationIdOf, furtherComputeStacks, type DeploymentPlan, type StackName } from '../../plan/index.js';
import { header, jsdoc, lit, propKey, str } from '../code.js';
import { availabilityZones, distinct, type EmitContext } from '../model.js';

/** The alarms' names, by stack and construct ID (the owner creates each, the dashboard shows them all). */
function alarmTable(plan: DeploymentPlan): string {
  const byStack = new Map<StackName, [string, string][]>();
  for (const a of plan.aws.alarms) byStack.set(a.stack, [...(byStack.get(a.stack) ?? []), [a.id, a.name]]);
  for (const [stack, alarms] of byStack) distinct(`${stack} alarms`, alarms.map(([id]) => id));
  const rows = [...byStack].map(([stack, alarms]) => `  ${propKey(stack)}: {\n${alarms.map(([id, name]) => `    ${propKey(id)}: ${str(name)},`).join('\n')}\n  },`);
  return rows.length ? `{\n${rows.join('\n')}\n}` : '{}';
}

/** `{ 'payment_jobs': { queue: '…', deadLetters: '…' } }` and the other name tables. */
function table(entries: readonly (readonly [string, string])[]): string {
  if (!entries.length) return '{}';
  return `{\n${entries.map(([k, v]) => `    ${propKey(k)}: ${v},`).join('\n')}\n  }`;
}

export function wiringFile(ctx: EmitContext): string {
  const { plan } = ctx;
  const a = plan.aws;
  const w = a.wiring;
  const topic = a.observability.snsTopicArn
    ? `/** The alarm topic: the existing topic deploy.alarms.sns_topic_arn. */
export function alarmTopic(scope: Construct): sns.ITopic {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild('AlarmTopic') as sns.ITopic | undefined) ?? sns.Topic.fromTopicArn(stack, 'AlarmTopic', ${str(a.observability.snsTopicArn)});
}`
    : `/** The alarm topic of the Observability stack, by the ARN built from its name (that stack deploys first). */
export function alarmTopic(scope: Construct): sns.ITopic {
  const stack = Stack.of(scope);
  return (stack.node.tryFindChild('AlarmTopic') as sns.ITopic | undefined) ?? sns.Topic.fromTopicArn(stack, 'AlarmTopic', stack.formatArn({ service: 'sns', resource: NAMES.alarmTopic }));
}`;
  const names = [
    `  /** The Observability stack's alarm topic. */\n  alarmTopic: ${str(a.observability.alarmTopicName)},`,
    `  /** Queues (Messaging stack), by channel: the Compute stack builds their URLs and ARNs from these. */\n  queues: ${table(a.queues.map((q) => [q.name, `{ queue: ${str(q.queueName)}, deadLetters: ${str(q.deadLetterQueueName)} }`]))},`,
    ...(a.scheduleQueue ? [`  /** The queue the schedules send to (Messaging stack). */\n  scheduleQueue: { queue: ${str(a.scheduleQueue.queueName)}, deadLetters: ${str(a.scheduleQueue.deadLetterQueueName)} },`] : []),
    `  /** Event buses (Messaging stack), by channel. */\n  buses: ${table(a.buses.filter((b) => b.kind === 'eventbridge').map((b) => [b.name, str(b.busName)]))},`,
    `  /** The address each email channel sends from in this environment (its SES identity, Messaging stack). */\n  emailIdentities: ${table(a.emailIdentities.flatMap((e) => (e.identity === null ? [] : [[e.name, str(e.identity)] as const])))},`,
    `  /** Buckets (Data stacks), by store: each bucket is named \`<prefix>-<creation id of its Data stack>\`. */\n  buckets: ${table(a.buckets.map((b) => [b.name, `{ prefix: ${str(b.namePrefix)}, stack: ${str(b.stack)} }`]))},`,
    ...(a.network.namespace ? [`  /** The Cloud Map private DNS namespace (Network stack): every ECS service registers in it. */\n  namespace: ${str(a.network.namespace)},`] : []),
    ...(a.tigerbeetle ? [`  /** The TigerBeetle cluster parameters (TigerBeetle stack). */\n  tigerBeetleParameters: ${str(a.tigerbeetle.parameterPrefix)},`] : []),
    ...(a.images ? [`  /** The Images stack's repository: the workflow pushes the images built from the project's Dockerfile there. */\n  imageRepository: ${str(a.images.repositoryName)},`] : []),
  ];
  const sg = w.network.securityGroups;
  const parameters = [
    `  vpcId: ${str(w.network.vpcId)},`,
    `  /** Subnet IDs of one tier, comma-separated, in the order of AVAILABILITY_ZONES. */`,
    `  publicSubnets: ${str(w.network.subnets.public)},`,
    `  privateSubnets: ${str(w.network.subnets.private)},`,
    `  isolatedSubnets: ${str(w.network.subnets.isolated)},`,
    `  loadBalancerSecurityGroup: ${str(sg.loadBalancer)},`,
    `  serviceSecurityGroup: ${str(sg.service)},`,
    ...(a.tigerbeetle ? [`  tigerBeetleSecurityGroup: ${str(sg.tigerBeetle)},`] : []),
    ...(a.database ? [`  databaseSecurityGroup: ${str(sg.database)},`] : []),
    ...(a.cache ? [`  cacheSecurityGroup: ${str(sg.cache)},`] : []),
    ...(a.buckets.length ? [`  /** Each Data stack's creation id: the end of its bucket names. */`, `  creationIds: {\n${bucketStacks(a).map((stack) => `    ${propKey(stack)}: ${str(creationIdOf(a, stack))},`).join('\n')}\n  },`] : []),
    ...(a.database ? [`  databaseHost: ${str(w.data.databaseHost)},`] : []),
    ...(a.database && a.database.readers > 0 ? [`  databaseReaderHost: ${str(w.data.databaseReaderHost)},`] : []),
    ...(a.database?.credentials.kind === 'generated' ? [`  /** The ARN of the secret holding the generated database credentials. */`, `  databaseSecretArn: ${str(w.data.databaseSecretArn)},`] : []),
    ...(a.network.namespace ? [`  /** The Cloud Map namespace (Network stack). */`, `  namespaceId: ${str(namespaceParameters(a.app, a.environment).id)},`] : []),
    ...(a.kafka ? [`  /** The IAM bootstrap brokers and the ARN of the MSK cluster (Kafka stack). */`, `  kafkaBootstrapServers: ${str(a.kafka.parameters.bootstrapServers)},`, `  kafkaClusterArn: ${str(a.kafka.parameters.clusterArn)},`] : []),
    ...(furtherComputeStacks(a).length
      ? [
          `  /** What the first Compute stack publishes for ${furtherComputeStacks(a).join(', ')}. */`,
          `  compute: {`,
          `    clusterName: ${str(w.compute.clusterName)},`,
          `    listenerArn: ${str(w.compute.listenerArn)},`,
          `    logGroupName: ${str(w.compute.logGroupName)},`,
          ...(a.cache ? [`    redisUrl: ${str(w.compute.redisUrl)},`] : []),
          `    secrets: ${table(a.secrets.flatMap((x) => (x.from.kind === 'create' ? [[x.env, str(`${w.compute.secretArnPrefix}/${x.env}`)] as const] : [])))},`,
          `  },`,
        ]
      : []),
  ];
  const helpers: string[] = [];
  if (a.queues.length || a.scheduleQueue) {
    helpers.push(`/** The URL of a queue of this account and region, by its name (one Fn::Sub: a service receives one per queue). */
export function queueUrl(name: string): string {
  return Fn.sub('https://sqs.\${AWS::Region}.\${AWS::URLSuffix}/\${AWS::AccountId}/' + name);
}

/** The ARN of a queue of this account and region, by its name. */
export function queueArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'sqs', resource: name });
}`);
  }
  if (a.buckets.length) {
    helpers.push(`/**
 * \`\${LogicalId}\` of the template parameter that holds a Data stack's creation id (read when this stack
 * deploys), for an Fn::Sub: a name built from it is one short line of the template, and a service
 * receives one such name per bucket.
 */
function creationIdReference(scope: Construct, stack: keyof typeof PARAMETERS.creationIds): string {
  const id = Stack.of(scope).resolve(deployTimeValue(scope, PARAMETERS.creationIds[stack])) as { Ref?: unknown };
  if (typeof id.Ref !== 'string') throw new Error('the creation id of a Data stack is read from its SSM parameter');
  return '\${' + id.Ref + '}';
}

/** The name of a bucket (of \`NAMES.buckets\`): its fixed prefix and the creation id of the Data stack that makes it. */
export function bucketName(scope: Construct, bucket: { readonly prefix: string; readonly stack: keyof typeof PARAMETERS.creationIds }): string {
  return Fn.sub(bucket.prefix + '-' + creationIdReference(scope, bucket.stack));
}

/** A pattern of the names of one Data stack's buckets, \`<prefix>*-<creation id>\` (see the task roles' policies). */
export function bucketNamePattern(scope: Construct, buckets: { readonly prefix: string; readonly stack: keyof typeof PARAMETERS.creationIds }): string {
  return Fn.sub(buckets.prefix + '*-' + creationIdReference(scope, buckets.stack));
}`);
  }
  return `${header('How the stacks find each other: fixed names and SSM parameters, never CloudFormation exports.', plan.app, plan.environment)}
import { Annotations, ArnFormat, Fn, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import type { Construct } from 'constructs';

// A stack that used another stack's construct would make aws-cdk export the value from one
// template and import it into the other. CloudFormation refuses to change or remove an export
// that is imported, so ordinary changes (removing a channel, turning HTTPS on, changing
// az_count) would fail. The stacks share values here instead: by fixed names, and by SSM
// parameters that a stack writes and the stacks after it read when they deploy. lib/app.ts
// deploys every owner first.

${jsdoc('The availability zones the Network stack spans, in order (fixed at generation).')}
export const AVAILABILITY_ZONES: readonly string[] = ${lit(availabilityZones(plan))};
${jsdoc("The VPC's address range.")}
export const VPC_CIDR = ${str(a.network.cidr)};

/** SSM parameters an owner stack writes and the stacks after it read when they deploy. */
export const PARAMETERS = {
${parameters.join('\n')}
} as const;

/** Physical names fixed at generation: the owner names its resource so, the others build ARNs and URLs from it. */
export const NAMES = {
${names.join('\n')}
} as const;

/** Every alarm's name, by the stack that owns it and its construct ID (the Observability dashboard shows them all). */
export const ALARMS = ${alarmTable(plan)} as const;

/**
 * A value another stack wrote to SSM, read when this stack deploys: a parameter of this stack's
 * template (of type AWS::SSM::Parameter::Value<String>), resolved again on every deploy.
 */
export function deployTimeValue(scope: Construct, parameterName: string): string {
  return ssm.StringParameter.valueForStringParameter(scope, parameterName);
}

/** The subnet IDs of one tier from the Network stack, one per availability zone. */
function subnetIds(scope: Construct, parameterName: string): string[] {
  const joined = deployTimeValue(scope, parameterName);
  return AVAILABILITY_ZONES.map((_, index) => Fn.select(index, Fn.split(',', joined)));
}

/**
 * What a stack that only places resources in subnets has for the VPC ID, instead of reading one
 * more parameter it would not use (the tests check that no template ever contains it).
 */
export const VPC_ID_NOT_READ = 'vpc-id-not-read';

/**
 * The Network stack's VPC, with the subnet tiers (and the VPC ID) this stack uses: each one it
 * reads is one parameter of its template.
 */
export function importVpc(scope: Construct, read: { readonly vpcId?: boolean; readonly public?: boolean; readonly private?: boolean; readonly isolated?: boolean }): ec2.IVpc {
  const tiers = read;
  const vpc = ec2.Vpc.fromVpcAttributes(scope, 'Vpc', {
    vpcId: read.vpcId ? deployTimeValue(scope, PARAMETERS.vpcId) : VPC_ID_NOT_READ,
    vpcCidrBlock: VPC_CIDR,
    availabilityZones: [...AVAILABILITY_ZONES],
    ...(tiers.public ? { publicSubnetIds: subnetIds(scope, PARAMETERS.publicSubnets) } : {}),
    ...(tiers.private ? { privateSubnetIds: subnetIds(scope, PARAMETERS.privateSubnets) } : {}),
    ...(tiers.isolated ? { isolatedSubnetIds: subnetIds(scope, PARAMETERS.isolatedSubnets) } : {}),
  });
  // The stacks place resources in these subnets and never read their route tables.
  Annotations.of(vpc).acknowledgeWarning('@aws-cdk/aws-ec2:noSubnetRouteTableId', 'The stacks never read the route tables of the subnets they import.');
  return vpc;
}

/** One of the Network stack's security groups. Its rules are the Network stack's: nothing here adds any. */
export function importSecurityGroup(scope: Construct, id: string, parameterName: string): ec2.ISecurityGroup {
  return ec2.SecurityGroup.fromSecurityGroupId(scope, id, deployTimeValue(scope, parameterName), { mutable: false, allowAllOutbound: true });
}

/**
 * The stack's creation id: the first 8 characters of its CloudFormation stack ID (a UUID
 * given when the stack is created). A resource kept when its stack is deleted (a prod bucket,
 * log group, database, secret) ends its name with it, so that creating the stack again never
 * meets a name its predecessor left behind.
 */
export function creationId(scope: Construct): string {
  return Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Stack.of(scope).stackId))));
}

/** The ARN of an SSM parameter of this account and region. */
export function parameterArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'ssm', resource: 'parameter', resourceName: name.replace(/^\\//, '') });
}

/**
 * A resource as cdk-nag writes it in a finding (\`arn:<AWS::Partition>:s3:::name-<Parameter>/*\`), so
 * that an acknowledgement names exactly the resource it accepts, whatever tokens are in it.
 */
export function nagResource(scope: Construct, value: string): string {
  const flat = (node: unknown): string => {
    // cdk-nag writes Fn::Sub's \${X} as <X>.
    if (typeof node === 'string') return node.split('\${').join('<').split('}').join('>');
    const o = node as Record<string, unknown>;
    if (Array.isArray(o['Fn::Join'])) {
      const [separator, parts] = o['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(separator);
    }
    if (o['Fn::Sub'] !== undefined) return flat(o['Fn::Sub']);
    if (o.Ref !== undefined) return \`<\${flat(o.Ref)}>\`;
    if (Array.isArray(o['Fn::GetAtt'])) return \`<\${(o['Fn::GetAtt'] as unknown[]).map(flat).join('.')}>\`;
    return JSON.stringify(node);
  };
  return flat(Stack.of(scope).resolve(value));
}

${helpers.join('\n\n')}${helpers.length ? '\n\n' : ''}/** The ARN of an alarm of this account and region, by its name. */
export function alarmArn(scope: Construct, name: string): string {
  return Stack.of(scope).formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: name, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
}

${topic}

/** Sends the alarm's changes (to ALARM, and back to OK) to the alarm topic. */
export function notify(alarm: cloudwatch.Alarm): cloudwatch.Alarm {
  const topic = alarmTopic(alarm);
  alarm.addAlarmAction(new actions.SnsAction(topic));
  alarm.addOkAction(new actions.SnsAction(topic));
  return alarm;
}
`;
}
