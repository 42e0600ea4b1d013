/**
 * InfraRequirements + resolved config → the AWS DeploymentPlan. Every AWS
 * choice for the environment is made here, once; generate renders the result.
 *
 * The plan lists every resource the generated code makes, in the stack that
 * makes it: the alarms, the SSM parameters the stacks share values through,
 * the task roles. Each resource also carries its CloudFormation expansion
 * (what aws-cdk makes for it), so the plan's counts and costs are the
 * generated app's.
 */
import { EBS, type ResolvedConfig, type ServiceConfig } from '../config/index.js';
import { configKey, constructId, discoveryName, namespaceParameters, CREATION_ID_PLACEHOLDER, createdSecretName, databaseName, generatedVariables, offersResourceType, replicaList, sharedZones, tigerBeetleMajority, type Because, type InfraRequirements } from '../lower/index.js';
import type { Cost, DeploymentPlan, ParamValue, PlanResource, PlanService, PlanStack, ServiceVariable, StackName } from './model.js';
import { PLAN_FORMAT_VERSION } from './model.js';
import { lowerToAws, type AwsAlarm, type AwsRequirements, type AwsService } from './aws.js';
import { kafkaResources } from './kafka.js';
import { kvrocksResources } from './kvrocks.js';
import { apiGatewayResources } from './api-gateway.js';
import { retentionDays } from './retention.js';
import { FLAT, hourlyPrice, HOURS_PER_MONTH, ifPriced, PRICE_TABLE_DATE, pricesFor } from './prices.js';

const round2 = (n: number) => Math.round(n * 100) / 100;
const fixed = (usd: number, basis: string): Cost => ({ low: round2(usd), high: round2(usd), basis });
const range = (low: number, high: number, basis: string): Cost => ({ low: round2(low), high: round2(high), basis });

function cfg(config: ResolvedConfig, key: string): Because {
  return configKey(config, key);
}

/**
 * What losing one availability zone does to the TigerBeetle cluster, for every zone that holds
 * more than one replica (fewer zones than replicas).
 */
function zoneNotes(nodeCount: number, azCount: number): string[] {
  const majority = tigerBeetleMajority(nodeCount);
  return sharedZones(nodeCount, azCount).map((z) => {
    const left = nodeCount - z.replicas.length;
    const what = z.survives
      ? `losing that zone leaves ${left} of ${nodeCount} replicas, still a majority`
      : `losing that zone stops the cluster: it leaves ${left} of ${nodeCount} replicas, and ${majority} are needed${azCount < 3 ? ' ([deploy.network] az_count = 3 gives 3 replicas a zone each)' : ''}`;
    return `TigerBeetle ${replicaList(z.replicas)} share availability zone #${z.zone + 1} (${nodeCount} replicas in ${azCount} zones): ${what}.`;
  });
}

/** A CloudFormation expansion: types with a count above zero, keys sorted (byte-stable JSON). */
function cfn(counts: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  return Object.fromEntries(
    Object.entries(counts)
      .filter(([, n]) => n > 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

/** `name-<creation id>`, as the plan shows a name that ends with its stack's creation id. */
const withId = (name: string) => `${name}-${CREATION_ID_PLACEHOLDER}`;

/** The Network stack's security groups: one per tier, and the rules between them. */
function securityGroupsOf(a: AwsRequirements): Record<string, number> {
  const ports = new Set(a.services.filter((s) => s.role === 'web').map((s) => s.settings.port)).size;
  const tiers = [a.tigerbeetle, a.database, a.cache].filter((x) => x !== null).length;
  // Rules whose peer is another group are resources of their own (CIDR rules are inline).
  const ingress = ports + (a.tigerbeetle ? 2 : 0) + (a.database ? 1 : 0) + (a.cache ? 1 : 0);
  return { 'AWS::EC2::SecurityGroup': 2 + tiers, 'AWS::EC2::SecurityGroupIngress': ingress, 'AWS::EC2::SecurityGroupEgress': ports };
}

/** The SSM parameters the Network stack publishes: the VPC, its subnets per tier, the tiers' security groups. */
export function networkParameters(a: AwsRequirements): string[] {
  const w = a.wiring.network;
  const sg = w.securityGroups;
  return [
    w.vpcId,
    w.subnets.public,
    w.subnets.private,
    w.subnets.isolated,
    sg.loadBalancer,
    sg.service,
    ...(a.tigerbeetle ? [sg.tigerBeetle] : []),
    ...(a.database ? [sg.database] : []),
    ...(a.cache ? [sg.cache] : []),
    ...(a.network.namespace ? Object.values(namespaceParameters(a.app, a.environment)) : []),
  ];
}

/** The SSM parameters the Data stack publishes for the Compute stack. */
export function dataParameters(a: AwsRequirements): string[] {
  const w = a.wiring.data;
  const db = a.database;
  return [
    ...(a.buckets.length ? [w.creationId] : []),
    ...(db ? [w.databaseHost] : []),
    ...(db && db.readers > 0 ? [w.databaseReaderHost] : []),
    ...(db?.credentials.kind === 'generated' ? [w.databaseSecretArn] : []),
  ];
}

/** What each stack reads at deploy time: the parameters written by the stacks before it. */
export function stackReads(a: AwsRequirements, stack: StackName): string[] {
  const w = a.wiring.network;
  const sg = w.securityGroups;
  switch (stack) {
    // The stacks that only place resources in subnets do not read the VPC ID.
    case 'TigerBeetle':
      return [w.subnets.private, sg.tigerBeetle];
    case 'Data':
      return a.database ? [w.subnets.isolated, sg.database] : [];
    case 'Kafka':
      return [w.vpcId, w.subnets.private, sg.service];
    case 'Api':
      return a.apiGateway ? [w.vpcId, w.subnets.private, a.apiGateway.listenerParameter] : [];
    case 'Cache':
      return [w.vpcId, w.subnets.private, sg.service, ...(a.network.namespace ? Object.values(namespaceParameters(a.app, a.environment)) : [])];
    case 'Compute':
      return [w.vpcId, ...(a.loadBalancer.internal ? [] : [w.subnets.public]), w.subnets.private, ...(a.cache ? [w.subnets.isolated] : []), sg.loadBalancer, sg.service, ...(a.cache ? [sg.cache] : []), ...dataParameters(a), ...(a.network.namespace ? Object.values(namespaceParameters(a.app, a.environment)) : []), ...(a.kafka ? [a.kafka.parameters.bootstrapServers, a.kafka.parameters.clusterArn] : [])];
    default:
      return [];
  }
}

/** A plan resource for each alarm (one CloudWatch alarm, priced per metric it reads). */
function alarmResources(a: AwsRequirements, stack: StackName, because: (x: AwsAlarm) => readonly Because[]): PlanResource[] {
  return a.alarms
    .filter((x) => x.stack === stack)
    .map((x) => ({
      id: x.id,
      type: 'AWS::CloudWatch::Alarm',
      title: x.description,
      params: [
        ['name', x.name],
        ['missing data', x.missing.toLowerCase().replace(/_/g, ' ')],
      ],
      because: because(x),
      cost: fixed(x.metrics * FLAT.alarmMonth, x.metrics === 1 ? 'standard alarm' : `standard alarm on ${x.metrics} metrics`),
      cloudformation: cfn({ 'AWS::CloudWatch::Alarm': 1 }),
    }));
}

/** The task role's permissions, in words (the plan's parameters of a task role). */
function grantText(s: AwsService): [string, ParamValue][] {
  const g = s.grants;
  const out: [string, ParamValue][] = [];
  if (g.buckets.length) out.push(['buckets (read, write, delete)', g.buckets]);
  if (g.sendTo.length) out.push(['queues (send)', g.sendTo]);
  if (g.consumeFrom.length) out.push(['queues (receive, delete)', g.consumeFrom]);
  if (g.consumeSchedules) out.push(['schedule queue (receive, delete)', true]);
  if (g.putEvents.length) out.push(['buses (put events)', g.putEvents]);
  if (g.sendEmail.length) out.push(['email (send)', g.sendEmail]);
  if (g.tigerBeetleParameters) out.push(['TigerBeetle parameters (read)', true]);
  if (g.kafkaTopics.length) out.push(['Kafka topics (connect, read, write; consumer groups under the prefix)', g.kafkaTopics]);
  return out.length ? out : [['permissions', 'none']];
}

/** Whether a task role has any statement (a role without one has no policy resource). */
export function hasGrants(s: AwsService): boolean {
  const g = s.grants;
  return g.buckets.length + g.sendTo.length + g.consumeFrom.length + g.putEvents.length + g.sendEmail.length + g.kafkaTopics.length > 0 || g.consumeSchedules || g.tigerBeetleParameters;
}

export function buildPlan(req: InfraRequirements, config: ResolvedConfig): DeploymentPlan {
  const d = config.deploy;
  // The AWS choices, typed; the stacks below show them with their costs and reasons.
  const aws = lowerToAws(req, config);
  const { prices, bundled } = pricesFor(d.region);
  const notes: string[] = [];
  if (!bundled) notes.push(`No bundled prices for ${d.region}: costs use us-east-1 prices.`);
  const stacks: PlanStack[] = [];
  const add = (name: StackName, dependsOn: StackName[], resources: PlanResource[]) => {
    if (resources.length) stacks.push({ name, dependsOn, resources, reads: stackReads(aws, name) });
  };
  const prod = d.environment === 'prod';
  const tb = d.tigerbeetle;

  // Network
  const azs = d.network.az_count;
  const nat = d.network.nat_gateways;
  // The TigerBeetle replicas' addresses are reserved in each private subnet that holds one, where the region offers reservations.
  const reservedZones = offersResourceType('AWS::EC2::SubnetCidrReservation', d.region) ? new Set((aws.tigerbeetle?.nodes ?? []).map((n) => n.az)).size : 0;
  const network: PlanResource[] = [
    {
      id: 'Vpc',
      type: 'AWS::EC2::VPC',
      title: 'VPC with public, private (egress) and isolated subnets',
      params: [
        ['cidr', d.network.vpc_cidr],
        ['availability zones', d.network.availability_zones],
        ['NAT gateways', nat],
        ['flow logs', true],
      ],
      because: [
        cfg(config, 'network.az_count'),
        // Zones written in the file are a cause; the region's own zones are shown above.
        ...(config.sources['network.availability_zones']?.kind === 'file' ? [cfg(config, 'network.availability_zones')] : []),
        cfg(config, 'network.nat_gateways'),
      ],
      cost: range(nat * prices.natHour * HOURS_PER_MONTH, nat * prices.natHour * HOURS_PER_MONTH + 45 * nat, 'NAT gateway hours; high adds 1 TB/month processed'),
      cloudformation: cfn({
        'AWS::EC2::VPC': 1,
        'AWS::EC2::Subnet': 3 * azs,
        'AWS::EC2::RouteTable': 3 * azs,
        'AWS::EC2::SubnetRouteTableAssociation': 3 * azs,
        // The public subnets' route to the internet gateway, the private subnets' to a NAT gateway.
        'AWS::EC2::Route': azs + (nat > 0 ? azs : 0),
        'AWS::EC2::EIP': nat,
        'AWS::EC2::NatGateway': nat,
        'AWS::EC2::InternetGateway': 1,
        'AWS::EC2::VPCGatewayAttachment': 1,
        // Flow logs: the log, its log group and the role it writes with.
        'AWS::EC2::FlowLog': 1,
        'AWS::Logs::LogGroup': 1,
        'AWS::IAM::Role': 1,
        'AWS::IAM::Policy': 1,
        // The TigerBeetle replicas' addresses, reserved in each private subnet that holds one.
        'AWS::EC2::SubnetCidrReservation': reservedZones,
      }),
    },
    {
      id: 'SecurityGroups',
      type: 'AWS::EC2::SecurityGroup',
      title: 'one security group per tier, with least-privilege rules between them',
      params: [['tiers', ['load balancer', 'services', ...(aws.tigerbeetle ? ['TigerBeetle'] : []), ...(aws.database ? ['database'] : []), ...(aws.cache ? ['cache'] : [])]]],
      because: [cfg(config, 'network.vpc_cidr')],
      cost: null,
      cloudformation: cfn(securityGroupsOf(aws)),
    },
    ...(d.network.namespace
      ? [
          {
            id: 'Namespace',
            type: 'AWS::ServiceDiscovery::PrivateDnsNamespace',
            title: `Cloud Map private DNS namespace ${d.network.namespace}: every ECS service registers its tasks in it`,
            params: [['services', aws.services.filter((s) => s.runtime === 'fargate').map((s) => `${discoveryName(s.name)}.${d.network.namespace}`)]] as [string, ParamValue][],
            because: [cfg(config, 'network.namespace')],
            cost: range(0, 1, 'DNS queries: 0-2.5 million/month'),
            cloudformation: cfn({ 'AWS::ServiceDiscovery::PrivateDnsNamespace': 1 }),
          },
        ]
      : []),
    {
      id: 'NetworkParameters',
      type: 'AWS::SSM::Parameter',
      title: 'the VPC, subnet and security group IDs, for the stacks deployed after this one',
      params: [['parameters', networkParameters(aws)]],
      because: [],
      cost: fixed(0, 'standard parameters'),
      cloudformation: cfn({ 'AWS::SSM::Parameter': networkParameters(aws).length }),
    },
  ];
  add('Network', [], network);

  // TigerBeetle
  if (req.ledgerCluster && aws.tigerbeetle) {
    const t = aws.tigerbeetle;
    const io2 = t.volume.type === 'io2';
    const hourly = hourlyPrice(prices.ec2, t.instanceType, 'tigerbeetle.size', notes);
    const volume = io2
      ? t.volume.sizeGb * prices.io2GbMonth + t.volume.iops * prices.io2IopsMonth
      : t.volume.sizeGb * prices.gp3GbMonth + Math.max(0, t.volume.iops - EBS.gp3.baselineIops) * prices.gp3IopsMonth + Math.max(0, (t.volume.throughput ?? 0) - EBS.gp3.minThroughput) * prices.gp3MibpsMonth;
    if (io2) notes.push(`TigerBeetle volumes are io2: ${t.volume.iops} IOPS is above gp3's ${EBS.gp3.maxIops}.`);
    notes.push(...zoneNotes(t.nodes.length, azs));
    const image = t.image.kind === 'pinned' ? `${t.image.ami} (pinned)` : 'Amazon Linux 2023, the latest at the first deploy, then kept until tigerbeetle.ami is set';
    const resources: PlanResource[] = [];
    const nodeBecause = [...req.ledgerCluster.because, cfg(config, 'tigerbeetle.node_count'), cfg(config, 'tigerbeetle.size'), ...(t.image.kind === 'pinned' ? [cfg(config, 'tigerbeetle.ami')] : [])];
    for (const node of t.nodes) {
      resources.push({
        id: node.id,
        type: 'AWS::AutoScaling::AutoScalingGroup',
        title: `TigerBeetle replica ${node.index} (self-healing single instance, fixed address, persistent volume)`,
        params: [
          ['instance', t.instanceType],
          ['address', node.address],
          ['availability zone', `#${node.az + 1}`],
          ['volume', `${t.volume.sizeGb} GiB ${t.volume.type}, ${t.volume.iops} IOPS${t.volume.throughput === null ? '' : `, ${t.volume.throughput} MiB/s`}, encrypted`],
          ['release', t.version],
          ['image', image],
        ],
        because: nodeBecause,
        cost: ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH + volume, `${t.instanceType} on demand + data volume`)),
        cloudformation: cfn({
          'AWS::AutoScaling::AutoScalingGroup': 1,
          'AWS::EC2::LaunchTemplate': 1,
          'AWS::EC2::NetworkInterface': 1,
          'AWS::EC2::Volume': 1,
          'AWS::IAM::Role': 1,
          'AWS::IAM::Policy': 1,
          'AWS::IAM::InstanceProfile': 1,
          // Its address and its format marker.
          'AWS::SSM::Parameter': 2,
        }),
      });
    }
    resources.push({
      id: 'ClusterParameters',
      type: 'AWS::SSM::Parameter',
      title: 'cluster parameters and log group',
      params: [
        ['parameters', [`${t.parameterPrefix}/cluster_id`, `${t.parameterPrefix}/replica_count`, `${t.parameterPrefix}/nodes/{id}`]],
        ['cluster id', String(tb.cluster_id)],
        ['log group', withId(t.logGroup)],
      ],
      because: req.ledgerCluster.because,
      cost: null,
      cloudformation: cfn({ 'AWS::SSM::Parameter': 2, 'AWS::Logs::LogGroup': 1 }),
    });
    if (t.image.kind === 'first-deploy') {
      resources.push({
        id: 'Image',
        type: 'Custom::TigerBeetleImage',
        title: 'the Amazon Linux 2023 image, read once when the stack is created and kept',
        params: [['image', image]],
        because: [...req.ledgerCluster.because, cfg(config, 'tigerbeetle.ami')],
        cost: fixed(0, 'a function that runs when the stack is created'),
        // aws-cdk's AwsCustomResource: the resource, its function, and the function's role and policy.
        cloudformation: cfn({ 'Custom::TigerBeetleImage': 1, 'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
      });
    }
    resources.push(...alarmResources(aws, 'TigerBeetle', () => nodeBecause));
    add('TigerBeetle', ['Network', 'Observability'], resources);
  }

  // Data
  const data: PlanResource[] = [];
  if (req.database && aws.database) {
    const db = d.database;
    const a = aws.database;
    const instances = 1 + db.readers;
    const storage = db.storage_gb * prices.auroraStorageGbMonth;
    const serverless = db.mode === 'serverless';
    const hourly = serverless ? 0 : hourlyPrice(prices.aurora, db.instance_class, 'database.instance_class', notes);
    const generated = a.credentials.kind === 'generated';
    const cost = serverless
      ? range(db.min_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, db.max_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, `${db.min_acu}-${db.max_acu} ACU × ${instances} instance(s), always at min (low) or max (high), + ${db.storage_gb} GiB`)
      : ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH * instances + storage, `${db.instance_class} × ${instances} + ${db.storage_gb} GiB`));
    const secretCost = generated ? FLAT.secretMonth : 0;
    data.push({
      id: 'Database',
      type: 'AWS::RDS::DBCluster',
      title: `Aurora PostgreSQL ${db.engine_version} (${serverless ? 'Serverless v2' : 'provisioned'})`,
      params: [
        [serverless ? 'capacity' : 'instance class', serverless ? `${db.min_acu}-${db.max_acu} ACU` : db.instance_class],
        ['writer + readers', `1 + ${db.readers}`],
        ['backups', `${db.backup_retention_days} days`],
        ['deletion protection', db.deletion_protection],
        ['removal policy', db.removal_policy],
        ['encrypted', true],
        ['identifier', withId(a.clusterIdentifier)],
        ['credentials', generated ? `${a.masterUser}, password generated in Secrets Manager` : `${a.masterUser}, password from ${a.credentials.ref} ([deploy.secrets] database_password)`],
      ],
      because: [...req.database.because, cfg(config, 'database.mode'), ...(serverless ? [cfg(config, 'database.max_acu')] : [cfg(config, 'database.instance_class')]), ...(generated ? [] : [cfg(config, 'secrets.database_password')])],
      cost: secretCost && cost ? { ...cost, low: round2(cost.low + secretCost), high: round2(cost.high + secretCost), basis: `${cost.basis}, + the generated secret` } : cost,
      cloudformation: cfn({
        'AWS::RDS::DBCluster': 1,
        'AWS::RDS::DBInstance': instances,
        'AWS::RDS::DBSubnetGroup': 1,
        // The PostgreSQL log group (made first, for its retention) and the enhanced-monitoring role.
        'AWS::Logs::LogGroup': 1,
        'AWS::IAM::Role': 1,
        'AWS::SecretsManager::Secret': generated ? 1 : 0,
        'AWS::SecretsManager::SecretTargetAttachment': generated ? 1 : 0,
      }),
    });
  }
  const emptied = d.storage.removal_policy === 'destroy';
  if (req.objectStores.length) {
    data.push({
      id: 'AccessLogs',
      type: 'AWS::S3::Bucket',
      title: "server access logs of the buckets",
      params: [
        ['expires after', `${d.logs.retention_days} days`],
        ['removal policy', emptied ? 'destroy' : 'retain'],
      ],
      because: req.objectStores.flatMap((s) => s.because),
      cost: range(0, 10 * prices.s3GbMonth, 'storage: 0-10 GB'),
      // An emptied bucket has a custom resource; the stack's one function empties them all.
      cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1, 'Custom::S3AutoDeleteObjects': emptied ? 1 : 0, 'AWS::Lambda::Function': emptied ? 1 : 0, 'AWS::IAM::Role': emptied ? 1 : 0 }),
    });
  }
  for (const s of req.objectStores) {
    const b = aws.buckets.find((x) => x.name === s.name);
    data.push({
      id: constructId.bucket(s.name),
      type: 'AWS::S3::Bucket',
      title: `S3 bucket for ${s.fields.join(', ')}`,
      params: [
        ['name', withId(b?.namePrefix ?? '')],
        ['public access', 'blocked'],
        ['encryption', 'S3-managed'],
        ['TLS only', true],
        ['versioning', d.storage.versioning],
        ['removal policy', d.storage.removal_policy],
      ],
      because: s.because,
      cost: range(0, 100 * prices.s3GbMonth, 'storage: 0-100 GB'),
      cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1, 'Custom::S3AutoDeleteObjects': emptied ? 1 : 0 }),
    });
  }
  if (data.length) {
    const published = dataParameters(aws);
    if (published.length) {
      data.push({
        id: 'DataParameters',
        type: 'AWS::SSM::Parameter',
        title: 'the endpoints, the credentials secret and the creation id, for the Compute stack',
        params: [['parameters', published]],
        because: [],
        cost: fixed(0, 'standard parameters'),
        cloudformation: cfn({ 'AWS::SSM::Parameter': published.length }),
      });
    }
    data.push(...alarmResources(aws, 'Data', () => req.database?.because ?? []));
  }
  add('Data', [...(aws.database ? (['Network'] as StackName[]) : []), 'Observability'], data);

  // Messaging
  const messaging: PlanResource[] = [];
  for (const q of req.queues) {
    const names = aws.queues.find((x) => x.name === q.name);
    messaging.push({
      id: constructId.queue(q.name),
      type: 'AWS::SQS::Queue',
      title: `SQS queue ${q.name} with a dead-letter queue`,
      params: [
        ['name', names?.queueName ?? ''],
        ['dead letter after', `${q.deadLetterAfter} receives`],
        ['encrypted', true],
      ],
      because: q.because,
      cost: range(0, 10 * FLAT.sqsPerMillion, 'requests: 0-10 million/month'),
      cloudformation: cfn({ 'AWS::SQS::Queue': 2, 'AWS::SQS::QueuePolicy': 2 }),
    });
  }
  // With Kafka, the streams and event topics are topics of the Kafka stack.
  for (const b of d.kafka.enabled ? [] : req.eventBuses) {
    const bus = aws.buses.find((x) => x.name === b.name);
    const archived = retentionDays(b.retention) !== null;
    messaging.push({
      id: constructId.bus(b.name),
      type: 'AWS::Events::EventBus',
      title: `EventBridge bus ${b.name}`,
      params: [['source', b.source === 'stream' ? 'stream channel' : 'event topic'], ['name', bus?.busName ?? ''], ...(b.retention ? ([['retention', b.retention]] as [string, ParamValue][]) : [])],
      because: b.because,
      cost: range(0, 10 * FLAT.eventBridgePerMillion, 'events: 0-10 million/month'),
      cloudformation: cfn({ 'AWS::Events::EventBus': 1, 'AWS::Events::Archive': archived ? 1 : 0 }),
    });
  }
  for (const e of req.emailSenders) {
    const identity = aws.emailIdentities.find((x) => x.name === e.name)?.identity ?? null;
    messaging.push({
      id: constructId.email(e.name),
      type: 'AWS::SES::EmailIdentity',
      title: `SES identity for ${e.name}`,
      params: [['from', identity ?? '(set in the channel config)'], ...(identity !== null && identity !== e.fromAddress ? ([['written as', e.fromAddress ?? '']] as [string, ParamValue][]) : [])],
      because: e.because,
      cost: range(0, 100 * FLAT.sesPerThousand, 'emails: 0-100 thousand/month'),
      cloudformation: cfn({ 'AWS::SES::EmailIdentity': 1 }),
    });
  }
  if (req.schedules.length) {
    messaging.push({
      id: 'ScheduleQueue',
      type: 'AWS::SQS::Queue',
      title: 'SQS queue the schedules send to and the worker consumes, with a dead-letter queue',
      params: [
        ['name', aws.scheduleQueue?.queueName ?? ''],
        ['schedules', req.schedules.map((s) => s.name)],
        ['encrypted', true],
      ],
      because: req.schedules.flatMap((s) => s.because),
      cost: fixed(0, 'within the free tier'),
      // The queue, its dead letters, and the role EventBridge Scheduler sends with.
      cloudformation: cfn({ 'AWS::SQS::Queue': 2, 'AWS::SQS::QueuePolicy': 2, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
    });
  }
  for (const s of req.schedules) {
    messaging.push({
      id: constructId.schedule(s.name),
      type: 'AWS::Scheduler::Schedule',
      title: `schedule ${s.name} → worker`,
      params: [['expression', s.expression], ...(s.timezone ? ([['timezone', s.timezone]] as [string, ParamValue][]) : [])],
      because: s.because,
      cost: fixed(0, 'within the free tier'),
      cloudformation: cfn({ 'AWS::Scheduler::Schedule': 1 }),
    });
  }
  if (messaging.length) {
    const byQueue = (x: AwsAlarm) => {
      const m = x.metric;
      const q = m.kind === 'dead-letters' || m.kind === 'oldest-message' ? m.queue : null;
      return q === null ? req.schedules.flatMap((s) => s.because) : (req.queues.find((r) => r.name === q)?.because ?? []);
    };
    messaging.push(...alarmResources(aws, 'Messaging', byQueue));
  }
  add('Messaging', ['Observability'], messaging);

  // Kvrocks with sentinels on ECS, its data on EFS (ElastiCache is in the Compute stack).
  if (aws.kvrocks) add('Cache', ['Network', 'Observability'], [...kvrocksResources(aws.kvrocks, req, config, prices).map((r) => ({ ...r, cloudformation: cfn(r.cloudformation) })), ...alarmResources(aws, 'Cache', () => [cfg(config, 'cache.engine')])]);

  // Kafka (Amazon MSK): the cluster in the private subnets, its topics and alarms.
  if (aws.kafka) {
    const kafka = kafkaResources(aws.kafka, req, config, prices, notes);
    add('Kafka', ['Network', 'Observability'], [...kafka.map((r) => ({ ...r, cloudformation: cfn(r.cloudformation) })), ...alarmResources(aws, 'Kafka', () => [cfg(config, 'kafka.enabled')])]);
  }

  // Compute
  const compute: PlanResource[] = [];
  const fargateMonth = (s: ServiceConfig, n: number) => n * ((s.cpu / 1024) * prices.fargateVcpuHour + (s.memory / 1024) * prices.fargateGbHour) * HOURS_PER_MONTH;
  const emptiedLogs = !prod;
  compute.push({
    id: 'Cluster',
    type: 'AWS::ECS::Cluster',
    title: "ECS cluster (Container Insights) and the services' log group",
    params: [
      ['log group', withId(aws.observability.servicesLogGroup)],
      ['log retention', `${d.logs.retention_days} days`],
    ],
    because: [cfg(config, 'logs.retention_days')],
    cost: null,
    cloudformation: cfn({ 'AWS::ECS::Cluster': 1, 'AWS::Logs::LogGroup': 1 }),
  });
  const webServices = aws.services.filter((s) => s.role === 'web');
  for (const w of req.webServices) {
    // The settings come from the AWS choices, the one source generate renders too.
    const svc = aws.services.find((x) => x.role === 'web' && x.name === w.name) as AwsService;
    const s = svc.settings;
    if (s.runtime === 'fargate') {
      compute.push({
        id: constructId.service(w.name),
        type: 'AWS::ECS::Service',
        title: `Fargate service ${w.name} behind the load balancer`,
        params: [
          ['cpu / memory', `${s.cpu} / ${s.memory} MiB`],
          ['tasks', `${s.desired_count} (autoscaling ${s.min_count}-${s.max_count} at ${s.cpu_target}% CPU)`],
          ['port', s.port],
          ['health check', s.health_check_path],
          ['image', s.image || `built from ${s.dockerfile} by cdk deploy (Docker on the deploying machine)`],
          ...(s.paths.length ? ([['paths', s.paths]] as [string, ParamValue][]) : []),
        ],
        because: w.because,
        cost: range(fargateMonth(s, s.desired_count), fargateMonth(s, s.max_count), `${s.desired_count} task(s) (low) to ${s.max_count} (high)`),
        cloudformation: cfn({
          'AWS::ECS::Service': 1,
          'AWS::ECS::TaskDefinition': 1,
          // The execution role (pulls the image, reads the secrets, writes the logs).
          'AWS::IAM::Role': 1,
          'AWS::IAM::Policy': 1,
          'AWS::ElasticLoadBalancingV2::TargetGroup': 1,
          'AWS::ApplicationAutoScaling::ScalableTarget': 1,
          'AWS::ApplicationAutoScaling::ScalingPolicy': 1,
          // Services after the first are routed to by path.
          'AWS::ElasticLoadBalancingV2::ListenerRule': webServices[0]?.name === w.name ? 0 : 1,
          // Registered in the Cloud Map namespace.
          'AWS::ServiceDiscovery::Service': d.network.namespace ? 1 : 0,
        }),
      });
      compute.push({
        id: svc.taskRoleId,
        type: 'AWS::IAM::Role',
        title: `task role of ${w.name}: exactly what it uses`,
        params: grantText(svc),
        because: w.because,
        cost: null,
        cloudformation: cfn({ 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': hasGrants(svc) ? 1 : 0 }),
      });
    } else {
      compute.push({
        id: constructId.nodes(w.name),
        type: 'AWS::EC2::Instance',
        title: `EC2 node group ${w.name} with fixed private addresses`,
        params: [
          ['instances', `${s.node_count} × ${s.instance_type}`],
          ['first address host', s.ip_offset],
          ['port', s.port],
          ...(s.peer_ports.length ? ([['peer ports', s.peer_ports.map(String)]] as [string, ParamValue][]) : []),
          ...(s.public_ports.length ? ([['public ports', s.public_ports.map(String)]] as [string, ParamValue][]) : []),
        ],
        because: w.because,
        cost: ifPriced(hourlyPrice(prices.ec2, s.instance_type, w.name in d.services ? `services.${w.name}.instance_type` : 'compute.instance_type', notes), (h) => fixed(s.node_count * h * HOURS_PER_MONTH, `${s.node_count} × ${s.instance_type} on demand`)),
        cloudformation: {},
      });
    }
  }
  if (req.worker) {
    const svc = aws.services.find((x) => x.role === 'worker') as AwsService;
    const s = svc.settings;
    compute.push({
      id: 'Worker',
      type: 'AWS::ECS::Service',
      title: 'Fargate worker service',
      params: [
        ['handles', req.worker.handles],
        ['cpu / memory', `${s.cpu} / ${s.memory} MiB`],
        ['tasks', s.desired_count],
      ],
      because: req.worker.because,
      cost: fixed(fargateMonth(s, s.desired_count), `${s.desired_count} task`),
      cloudformation: cfn({ 'AWS::ECS::Service': 1, 'AWS::ECS::TaskDefinition': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::ServiceDiscovery::Service': d.network.namespace ? 1 : 0 }),
    });
    compute.push({
      id: svc.taskRoleId,
      type: 'AWS::IAM::Role',
      title: 'task role of the worker: exactly what it uses',
      params: grantText(svc),
      because: req.worker.because,
      cost: null,
      cloudformation: cfn({ 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': hasGrants(svc) ? 1 : 0 }),
    });
  }
  const lb = aws.loadBalancer;
  compute.push({
    id: 'LoadBalancer',
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    title: lb.https ? `Application Load Balancer, HTTPS at ${lb.domain}` : 'Application Load Balancer (HTTP; set [deploy.domain] name for HTTPS)',
    params: [
      ['listeners', lb.https ? '443 (ACM certificate), 80 → 443' : '80'],
      ['scheme', lb.internal ? 'internal (behind API Gateway)' : 'internet-facing'],
      ['access logs', prod ? 'kept 90 days, retained' : 'kept 90 days'],
    ],
    because: [cfg(config, 'domain.name')],
    cost: range(prices.albHour * HOURS_PER_MONTH + prices.albLcuHour * HOURS_PER_MONTH, prices.albHour * HOURS_PER_MONTH + 10 * prices.albLcuHour * HOURS_PER_MONTH, '1-10 LCU'),
    cloudformation: cfn({
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
      'AWS::ElasticLoadBalancingV2::Listener': lb.https ? 2 : 1,
      'AWS::CertificateManager::Certificate': lb.https && !lb.certificateArn ? 1 : 0,
      'AWS::Route53::RecordSet': lb.https && lb.hostedZoneId ? 1 : 0,
      // The access-log bucket (emptied on delete outside prod: a custom resource and its function).
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'Custom::S3AutoDeleteObjects': emptiedLogs ? 1 : 0,
      // The listener's ARN for the Api stack's VPC link integration.
      'AWS::SSM::Parameter': aws.apiGateway ? 1 : 0,
      'AWS::Lambda::Function': emptiedLogs ? 1 : 0,
      'AWS::IAM::Role': emptiedLogs ? 1 : 0,
    }),
  });
  if (req.cache && aws.cache) {
    const c = d.cache;
    const nodes = 1 + c.replicas;
    compute.push({
      id: 'Cache',
      type: c.engine === 'kvrocks' ? 'AWS::ECS::Service' : 'AWS::ElastiCache::ReplicationGroup',
      title: c.engine === 'kvrocks' ? 'Kvrocks on ECS (master, replicas, sentinels)' : `ElastiCache ${c.engine}`,
      params: [
        ['nodes', `${nodes} × ${c.node_type}`],
        ['used by', req.cache.uses],
      ],
      because: req.cache.because,
      cost: ifPriced(hourlyPrice(prices.elasticache, c.node_type, 'cache.node_type', notes), (h) => fixed(nodes * h * HOURS_PER_MONTH, `${nodes} × ${c.node_type}`)),
      cloudformation: c.engine === 'kvrocks' ? {} : cfn({ 'AWS::ElastiCache::ReplicationGroup': 1, 'AWS::ElastiCache::SubnetGroup': 1 }),
    });
  }
  const secretsToCreate = aws.secrets.filter((s) => s.from.kind === 'create');
  if (req.secrets.length) {
    compute.push({
      id: 'Secrets',
      type: 'AWS::SecretsManager::Secret',
      title: 'secrets passed to the services',
      params: aws.secrets.map((s) => [s.env, s.from.kind === 'reference' ? s.from.ref : `created: ${withId(s.from.name)}`] as [string, ParamValue]),
      because: req.secrets.flatMap((s) => s.because),
      cost: fixed(secretsToCreate.length * FLAT.secretMonth, 'per secret created'),
      cloudformation: cfn({ 'AWS::SecretsManager::Secret': secretsToCreate.length }),
    });
  }
  compute.push(...alarmResources(aws, 'Compute', (x) => {
    const m = x.metric;
    const id = 'service' in m ? m.service : null;
    const svc = aws.services.find((s) => s.id === id);
    if (svc?.role === 'worker') return req.worker?.because ?? [];
    return req.webServices.find((w) => w.name === svc?.name)?.because ?? [cfg(config, 'domain.name')];
  }));
  const computeDeps: StackName[] = ['Network', ...(req.ledgerCluster ? (['TigerBeetle'] as StackName[]) : []), ...(data.length ? (['Data'] as StackName[]) : []), ...(messaging.length ? (['Messaging'] as StackName[]) : []), ...(aws.kafka ? (['Kafka'] as StackName[]) : []), ...(aws.kvrocks ? (['Cache'] as StackName[]) : []), 'Observability'];
  add('Compute', computeDeps, compute);

  // API Gateway in front of the internal load balancer.
  if (aws.apiGateway) add('Api', ['Network', 'Compute', 'Observability'], apiGatewayResources(aws.apiGateway, config).map((r) => ({ ...r, cloudformation: cfn(r.cloudformation) })));

  // Observability: deployed first, so that the alarm topic exists before any alarm names it.
  const observability: PlanResource[] = [];
  if (!d.alarms.sns_topic_arn) {
    observability.push({
      id: 'AlarmTopic',
      type: 'AWS::SNS::Topic',
      title: 'the alarm topic (every stack\'s alarms send to it by name), encrypted with its own key',
      params: [
        ['name', aws.observability.alarmTopicName],
        ['notify', d.alarms.email.length ? d.alarms.email : ['(no subscribers: set [deploy.alarms] email)']],
      ],
      because: [cfg(config, 'alarms.email')],
      cost: fixed(FLAT.kmsKeyMonth, 'KMS key'),
      cloudformation: cfn({ 'AWS::SNS::Topic': 1, 'AWS::SNS::TopicPolicy': 1, 'AWS::KMS::Key': 1, 'AWS::SNS::Subscription': d.alarms.email.length }),
    });
  }
  observability.push({
    id: 'Dashboard',
    type: 'AWS::CloudWatch::Dashboard',
    title: 'dashboard: every alarm, by name, with its metric',
    params: [
      ['alarms', aws.alarms.length],
      ['notify', d.alarms.email.length ? d.alarms.email : d.alarms.sns_topic_arn ? [d.alarms.sns_topic_arn] : ['(no subscribers: set [deploy.alarms] email)']],
      ['log retention', `${d.logs.retention_days} days`],
    ],
    because: [cfg(config, 'alarms.email'), cfg(config, 'logs.retention_days')],
    cost: range(FLAT.dashboardMonth, FLAT.dashboardMonth + 20 * FLAT.logsIngestGb, 'high adds 20 GB of logs'),
    cloudformation: cfn({ 'AWS::CloudWatch::Dashboard': 1 }),
  });
  add('Observability', [], observability);

  // What each service receives: the variables dazzle generates, the service's own env, and the secrets.
  // The names pass has made sure that no name is set twice.
  if (aws.database?.credentials.kind === 'reference') notes.push(`The database's master password is the one in ${aws.database.credentials.ref} ([deploy.secrets] database_password); the services receive it as DATABASE_PASSWORD.`);
  const db = databaseName(req.app);
  if (req.database && db.reason) notes.push(`The database is named ${db.name}, not ${req.app}: ${db.reason}.`);
  const generated = (role: 'web' | 'worker') => new Set(generatedVariables(req, config, role).map((v) => v.name));
  const variables = (env: Readonly<Record<string, string>>, role: 'web' | 'worker'): ServiceVariable[] =>
    [
      ...generatedVariables(req, config, role).map((v): ServiceVariable => (v.kind === 'value' ? { name: v.name, kind: 'value', value: v.value } : { name: v.name, kind: 'secret', from: v.value })),
      ...Object.entries(env).map(([name, value]): ServiceVariable => ({ name, kind: 'value', value })),
      ...req.secrets.filter((s) => !generated(role).has(s.env)).map((s): ServiceVariable => ({ name: s.env, kind: 'secret', from: s.from.kind === 'reference' ? s.from.ref : `Secrets Manager: ${withId(createdSecretName(req.app, d.environment, s.env))}` })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const services: PlanService[] = aws.services.map((s) => ({
    name: s.name,
    role: s.role === 'worker' ? 'worker' : s.runtime === 'ec2' ? 'nodes' : 'web',
    variables: variables(s.settings.env, s.role),
  }));

  const costs = stacks.flatMap((s) => s.resources.map((r) => r.cost)).filter((c): c is Cost => c !== null);
  return {
    format_version: PLAN_FORMAT_VERSION,
    aws,
    app: req.app,
    environment: d.environment,
    region: d.region,
    stacks,
    services,
    total: { low: round2(costs.reduce((n, c) => n + c.low, 0)), high: round2(costs.reduce((n, c) => n + c.high, 0)) },
    prices: { date: PRICE_TABLE_DATE, region: bundled ? d.region : 'us-east-1', bundled },
    notes,
  };
}
