/**
 * InfraRequirements + resolved config → the AWS DeploymentPlan. Every AWS
 * choice for the environment is made here, once; generate renders the result.
 *
 * The plan lists every resource the generated code makes, in the stack that
 * makes it: the alarms, the SSM parameters the stacks share values through,
 * the task roles. Each resource also carries its CloudFormation expansion
 * (what aws-cdk makes for it) and its estimated share of the template, so the
 * plan's counts, costs and limits are the generated app's.
 *
 * A family of stacks (Messaging, Data, Compute) that would pass 80% of a
 * CloudFormation limit continues in further stacks (`Messaging2`…): each queue,
 * schedule, bus, email identity, bucket and web service is a unit that keeps
 * the stack it was first placed in (see `shards.ts`).
 */
import { EBS, type ResolvedConfig, type ServiceConfig } from '../config/index.js';
import {
  configKey,
  constructId,
  CREATION_ID_PLACEHOLDER,
  createdSecretName,
  creationIdParameter,
  databaseName,
  discoveryName,
  generatedVariables,
  namespaceParameters,
  offersResourceType,
  replicaList,
  sharedZones,
  tigerBeetleMajority,
  type Because,
  type InfraRequirements,
} from '../lower/index.js';
import type { BaseStackName, Cost, DeploymentPlan, ParamValue, PlanResource, PlanService, PlanStack, ServiceVariable, ShardedStackName, StackName } from './model.js';
import { PLAN_FORMAT_VERSION, shardIndex, stackFamily } from './model.js';
import { lowerToAws, unitKey, type AwsAlarm, type AwsRequirements, type AwsService } from './aws.js';
import { retentionDays } from './retention.js';
import { FLAT, hourlyPrice, HOURS_PER_MONTH, ifPriced, PRICE_TABLE_DATE, pricesFor, type RegionPrices } from './prices.js';
import { accessLogSourceBytes, alarmExtraBytes, bucketExtraBytes, EXTRA_BYTES, PARAMETER_BYTES, PARAMETER_ID_CHARS, QUEUE_URL_SUB, resourceBytes, TEMPLATE_BASE_BYTES } from './size.js';
import { envName } from '../ir/index.js';
import { familyStacks, placeUnits, type Load, type Placement, type Unit } from './shards.js';
import { environmentFileOf, LIMITS, num, stackUsage, variableKinds } from './limits.js';
import { IMAGE_TAG_CONTEXT, KEPT_IMAGES } from './images.js';
import { frontendResources } from './frontend.js';
import { computeStackNeeded, nodeStackResources, nodeVariables } from './nodes.js';
import { kafkaResources } from './kafka.js';
import { kvrocksResources } from './kvrocks.js';
import { apiGatewayResources } from './api-gateway.js';

const round2 = (n: number) => Math.round(n * 100) / 100;
const fixed = (usd: number, basis: string): Cost => ({ low: round2(usd), high: round2(usd), basis });
const range = (low: number, high: number, basis: string): Cost => ({ low: round2(low), high: round2(high), basis });

/** Reasons from the DSL a plan resource lists, at most (its config keys are always listed); `becauseMore` counts the rest. */
export const BECAUSE_SHOWN = 8;

function cfg(config: ResolvedConfig, key: string): Because {
  return configKey(config, key);
}

/**
 * What each builder below makes: a plan resource before its reasons are capped and its size is
 * estimated. `extraBytes`: what grows with the project on top of its types' typical sizes.
 */
type Draft = Omit<PlanResource, 'templateBytes' | 'becauseMore'> & { readonly extraBytes?: number };

/**
 * A resource's reasons, each once: every config key, and the first `BECAUSE_SHOWN` DSL constructs.
 * A schedule queue for 500 schedules names 8 of them and counts the others, so the plan grows
 * with its resources, not with their product. (A DSL reason is one construct: its file and offset.)
 */
function capBecause(because: readonly Because[]): { because: Because[]; more: number } {
  const keys = new Set<string>();
  const spans = new Map<string, Set<number>>();
  const out: Because[] = [];
  let dsl = 0;
  let more = 0;
  for (const b of because) {
    if (b.kind === 'config') {
      if (keys.has(b.key)) continue;
      keys.add(b.key);
      out.push(b);
      continue;
    }
    let offsets = spans.get(b.span.file);
    if (!offsets) spans.set(b.span.file, (offsets = new Set()));
    if (offsets.has(b.span.offset)) continue;
    offsets.add(b.span.offset);
    if (dsl >= BECAUSE_SHOWN) more++;
    else {
      dsl++;
      out.push(b);
    }
  }
  return { because: out, more };
}

function finish(r: Draft): PlanResource {
  const { extraBytes, because, ...rest } = r;
  // Most resources have one reason: nothing to cap.
  const capped = because.length <= 1 ? { because: [...because], more: 0 } : capBecause(because);
  return { ...rest, because: capped.because, ...(capped.more ? { becauseMore: capped.more } : {}), templateBytes: resourceBytes(r.cloudformation, extraBytes) };
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

/** The web services' ports (the load balancer opens one egress rule, the services one ingress rule, per port). */
export function webPorts(a: Pick<AwsRequirements, 'services'>): number[] {
  return [...new Set(a.services.filter((s) => s.role === 'web').map((s) => s.settings.port))].sort((x, y) => x - y);
}

/** The Network stack's security groups: one per tier, and the rules between them. */
function securityGroupsOf(a: AwsRequirements): Record<string, number> {
  const ports = webPorts(a).length;
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

/** The Data stacks that make buckets, in order (each publishes its creation id, the end of its buckets' names). */
export function bucketStacks(a: Pick<AwsRequirements, 'buckets'>): StackName[] {
  return [...new Set(a.buckets.map((b) => b.stack))].sort((x, y) => shardIndex(x) - shardIndex(y));
}

/** The SSM parameter with the creation id of a Data stack with buckets. */
export function creationIdOf(a: Pick<AwsRequirements, 'app' | 'environment' | 'wiring'>, stack: StackName): string {
  return stack === 'Data' ? a.wiring.data.creationId : creationIdParameter(a.app, a.environment, stack);
}

/** The SSM parameters a Data stack publishes for the Compute stacks. */
export function dataParameters(a: AwsRequirements, stack: StackName = 'Data'): string[] {
  const w = a.wiring.data;
  const db = stack === 'Data' ? a.database : null;
  return [
    ...(a.buckets.some((b) => b.stack === stack) ? [creationIdOf(a, stack)] : []),
    ...(db ? [w.databaseHost] : []),
    ...(db && db.readers > 0 ? [w.databaseReaderHost] : []),
    ...(db?.credentials.kind === 'generated' ? [w.databaseSecretArn] : []),
  ];
}

/** The Compute stacks that run web services besides the first one. */
export function furtherComputeStacks(a: Pick<AwsRequirements, 'services'>): StackName[] {
  return [...new Set(a.services.map((s) => s.stack).filter((s) => s !== 'Compute'))].sort((x, y) => shardIndex(x) - shardIndex(y));
}

/** The SSM parameters the first Compute stack publishes for the further ones (none when there are none). */
export function computeParameters(a: AwsRequirements): string[] {
  if (!furtherComputeStacks(a).length) return [];
  const c = a.wiring.compute;
  return [c.clusterName, c.listenerArn, c.logGroupName, ...(a.cache ? [c.redisUrl] : []), ...a.secrets.filter((s) => s.from.kind === 'create').map((s) => `${c.secretArnPrefix}/${s.env}`)];
}

/** What each stack reads at deploy time: the parameters written by the stacks before it. */
export function stackReads(a: AwsRequirements, stack: StackName): string[] {
  const w = a.wiring.network;
  const sg = w.securityGroups;
  const data = [...bucketStacks(a).map((s) => creationIdOf(a, s)), ...dataParameters(a).filter((p) => p !== a.wiring.data.creationId)];
  // Every Compute stack's services register in the namespace and reach the Kafka brokers.
  const services = [...(a.network.namespace ? Object.values(namespaceParameters(a.app, a.environment)) : []), ...(a.kafka ? [a.kafka.parameters.bootstrapServers, a.kafka.parameters.clusterArn] : [])];
  if (stack === 'Compute') return [w.vpcId, ...(a.loadBalancer.internal ? [] : [w.subnets.public]), w.subnets.private, ...(a.cache ? [w.subnets.isolated] : []), sg.loadBalancer, sg.service, ...(a.cache ? [sg.cache] : []), ...data, ...services];
  // A further Compute stack adds its services to the first one's listener, which it imports with the load balancer's security group.
  if (stackFamily(stack) === 'Compute') return [w.vpcId, w.subnets.private, sg.loadBalancer, sg.service, ...data, ...computeParameters(a), ...services];
  switch (stack) {
    // The stacks that only place resources in subnets do not read the VPC ID.
    case 'TigerBeetle':
      return [w.subnets.private, sg.tigerBeetle];
    case 'Data':
      return a.database ? [w.subnets.isolated, sg.database] : [];
    case 'Nodes':
      return [w.vpcId, w.subnets.public, w.subnets.private, sg.loadBalancer];
    case 'Kafka':
      return [w.vpcId, w.subnets.private, sg.service];
    case 'Api':
      return a.apiGateway ? [w.vpcId, w.subnets.private, a.apiGateway.listenerParameter] : [];
    case 'Cache':
      return [w.vpcId, w.subnets.private, sg.service, ...(a.network.namespace ? Object.values(namespaceParameters(a.app, a.environment)) : [])];
    default:
      return [];
  }
}

/** At most `BECAUSE_SHOWN` names, and how many more there are: a plan resource's parameters stay short at any scale. */
function capped(names: readonly string[]): string[] {
  return names.length > BECAUSE_SHOWN ? [...names.slice(0, BECAUSE_SHOWN), `and ${names.length - BECAUSE_SHOWN} more`] : [...names];
}

/** The task role's permissions, in words (the plan's parameters of a task role). */
function grantText(s: AwsService, a: AwsRequirements): [string, ParamValue][] {
  const g = s.grants;
  const n = s.policy.naming;
  const how = (k: 'queues' | 'buckets' | 'buses', names: readonly string[]): ParamValue => (n[k] === 'prefix' ? [`all ${names.length}, by the prefix of their names`] : capped(names));
  const out: [string, ParamValue][] = [];
  if (g.buckets) out.push(['buckets (read, write, delete)', how('buckets', a.buckets.map((b) => b.name))]);
  if (g.sendToQueues) out.push(['queues (send)', how('queues', a.queues.map((q) => q.name))]);
  if (g.consumeQueues) out.push(['queues (receive, delete)', how('queues', a.queues.map((q) => q.name))]);
  if (g.consumeSchedules) out.push(['schedule queue (receive, delete)', true]);
  if (g.putEvents) out.push(['buses (put events)', how('buses', a.buses.map((b) => b.name))]);
  if (g.sendEmail) out.push(['email (send)', capped(a.emailIdentities.map((e) => e.name))]);
  if (g.tigerBeetleParameters) out.push(['TigerBeetle parameters (read)', true]);
  if (g.kafkaTopics.length) out.push(['Kafka topics (connect, read, write; consumer groups under the prefix)', capped(g.kafkaTopics)]);
  return out.length ? out : [['permissions', 'none']];
}

/** Whether a task role has any statement (a role without one has no policy resource). */
export function hasGrants(s: AwsService): boolean {
  return s.policy.statements.length > 0;
}

/** Everything the builders below read. */
interface Ctx {
  readonly req: InfraRequirements;
  readonly config: ResolvedConfig;
  readonly aws: AwsRequirements;
  readonly prices: RegionPrices;
  readonly notes: string[];
  readonly services: readonly PlanService[];
  readonly queueBecause: ReadonlyMap<string, readonly Because[]>;
  /** How each generated variable's value is written in the template (bytes). */
  readonly values: ReadonlyMap<string, number>;
  /** The AWS choices by DSL name (one lookup each: a project may have thousands of each). */
  readonly byName: ReturnType<typeof byName>;
}

function byName(a: AwsRequirements) {
  return {
    queues: new Map(a.queues.map((x) => [x.name, x])),
    buckets: new Map(a.buckets.map((x) => [x.name, x])),
    buses: new Map(a.buses.map((x) => [x.name, x])),
    emails: new Map(a.emailIdentities.map((x) => [x.name, x])),
  };
}

/** A plan resource for each alarm (one CloudWatch alarm, priced per metric it reads). */
function alarmResources(alarms: readonly AwsAlarm[], because: (x: AwsAlarm) => readonly Because[]): Draft[] {
  return alarms.map((x) => ({
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
    extraBytes: alarmExtraBytes(x.id, x.metric.kind, x.stack),
  }));
}

/** Alarms by what they watch: a queue (null: the schedule queue), a service's construct ID. */
function alarmIndex(alarms: readonly AwsAlarm[]) {
  const byQueue = new Map<string | null, AwsAlarm[]>();
  const byService = new Map<string, AwsAlarm[]>();
  const other: AwsAlarm[] = [];
  for (const x of alarms) {
    const m = x.metric;
    if (m.kind === 'dead-letters' || m.kind === 'oldest-message') byQueue.set(m.queue, [...(byQueue.get(m.queue) ?? []), x]);
    else if ('service' in m) byService.set(m.service, [...(byService.get(m.service) ?? []), x]);
    else other.push(x);
  }
  return { byQueue, byService, other };
}

// ---------------------------------------------------------------------------------------------
// Network, TigerBeetle

function networkResources(c: Ctx): Draft[] {
  const { config, aws, prices } = c;
  const d = config.deploy;
  const azs = d.network.az_count;
  const nat = d.network.nat_gateways;
  // The TigerBeetle replicas' addresses are reserved in each private subnet that holds one, where the region offers reservations.
  const reservedZones = offersResourceType('AWS::EC2::SubnetCidrReservation', d.region) ? new Set((aws.tigerbeetle?.nodes ?? []).map((n) => n.az)).size : 0;
  return [
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
            params: [['services', capped(aws.services.filter((s) => s.runtime === 'fargate').map((s) => `${discoveryName(s.name)}.${d.network.namespace}`))]] as [string, ParamValue][],
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
}

function tigerBeetleResources(c: Ctx): Draft[] {
  const { req, config, aws, prices, notes } = c;
  const t = aws.tigerbeetle;
  if (!req.ledgerCluster || !t) return [];
  const tb = config.deploy.tigerbeetle;
  const io2 = t.volume.type === 'io2';
  const hourly = hourlyPrice(prices.ec2, t.instanceType, 'tigerbeetle.size', notes);
  const volume = io2
    ? t.volume.sizeGb * prices.io2GbMonth + t.volume.iops * prices.io2IopsMonth
    : t.volume.sizeGb * prices.gp3GbMonth + Math.max(0, t.volume.iops - EBS.gp3.baselineIops) * prices.gp3IopsMonth + Math.max(0, (t.volume.throughput ?? 0) - EBS.gp3.minThroughput) * prices.gp3MibpsMonth;
  if (io2) notes.push(`TigerBeetle volumes are io2: ${t.volume.iops} IOPS is above gp3's ${EBS.gp3.maxIops}.`);
  notes.push(...zoneNotes(t.nodes.length, config.deploy.network.az_count));
  const image = t.image.kind === 'pinned' ? `${t.image.ami} (pinned)` : 'Amazon Linux 2023, the latest at the first deploy, then kept until tigerbeetle.ami is set';
  const nodeBecause = [...req.ledgerCluster.because, cfg(config, 'tigerbeetle.node_count'), cfg(config, 'tigerbeetle.size'), ...(t.image.kind === 'pinned' ? [cfg(config, 'tigerbeetle.ami')] : [])];
  const out: Draft[] = t.nodes.map((node) => ({
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
    extraBytes: EXTRA_BYTES.replica,
  }));
  out.push({
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
    // The parameters and the log group.
    cloudformation: cfn({ 'AWS::SSM::Parameter': 2, 'AWS::Logs::LogGroup': 1 }),
  });
  if (t.image.kind === 'first-deploy') {
    out.push({
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
  out.push(...alarmResources(aws.alarms.filter((x) => x.stack === 'TigerBeetle'), () => nodeBecause));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Data

function databaseResources(c: Ctx): Draft[] {
  const { req, config, aws, prices, notes } = c;
  const a = aws.database;
  if (!req.database || !a) return [];
  const db = config.deploy.database;
  const instances = 1 + db.readers;
  const storage = db.storage_gb * prices.auroraStorageGbMonth;
  const serverless = db.mode === 'serverless';
  const hourly = serverless ? 0 : hourlyPrice(prices.aurora, db.instance_class, 'database.instance_class', notes);
  const generated = a.credentials.kind === 'generated';
  const cost = serverless
    ? range(db.min_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, db.max_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, `${db.min_acu}-${db.max_acu} ACU × ${instances} instance(s), always at min (low) or max (high), + ${db.storage_gb} GiB`)
    : ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH * instances + storage, `${db.instance_class} × ${instances} + ${db.storage_gb} GiB`));
  const secretCost = generated ? FLAT.secretMonth : 0;
  return [
    {
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
    },
  ];
}

/** The bucket for the server access logs of a Data stack's buckets (one per Data stack with buckets). */
function accessLogsResource(c: Ctx, buckets: number, because: readonly Because[]): Draft {
  const d = c.config.deploy;
  const emptied = d.storage.removal_policy === 'destroy';
  return {
    id: 'AccessLogs',
    type: 'AWS::S3::Bucket',
    title: 'server access logs of the buckets',
    params: [
      ['expires after', `${d.logs.retention_days} days`],
      ['removal policy', emptied ? 'destroy' : 'retain'],
    ],
    because,
    cost: range(0, 10 * c.prices.s3GbMonth, 'storage: 0-10 GB'),
    // An emptied bucket has a custom resource; the stack's one function empties them all.
    cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1, 'Custom::S3AutoDeleteObjects': emptied ? 1 : 0, 'AWS::Lambda::Function': emptied ? 1 : 0, 'AWS::IAM::Role': emptied ? 1 : 0 }),
    // Its policy lets the S3 logging service write for each bucket.
    extraBytes: accessLogSourceBytes(buckets, Math.max(0, ...c.req.objectStores.map((o) => o.name.length))),
  };
}

function bucketResource(c: Ctx, s: InfraRequirements['objectStores'][number]): Draft {
  const d = c.config.deploy;
  const b = c.byName.buckets.get(s.name);
  const emptied = d.storage.removal_policy === 'destroy';
  return {
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
    cost: range(0, 100 * c.prices.s3GbMonth, 'storage: 0-100 GB'),
    cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1, 'Custom::S3AutoDeleteObjects': emptied ? 1 : 0 }),
    extraBytes: bucketExtraBytes(s.name, emptied),
  };
}

function dataParametersResource(c: Ctx, stack: StackName): Draft[] {
  const published = dataParameters(c.aws, stack);
  if (!published.length) return [];
  return [
    {
      id: 'DataParameters',
      type: 'AWS::SSM::Parameter',
      title: stack === 'Data' ? 'the endpoints, the credentials secret and the creation id, for the Compute stack' : 'the creation id of this stack (the end of its bucket names), for the Compute stacks',
      params: [['parameters', published]],
      because: [],
      cost: fixed(0, 'standard parameters'),
      cloudformation: cfn({ 'AWS::SSM::Parameter': published.length }),
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Messaging

function queueResources(c: Ctx, q: InfraRequirements['queues'][number], alarms: readonly AwsAlarm[]): Draft[] {
  const names = c.byName.queues.get(q.name);
  return [
    {
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
    },
    ...alarmResources(alarms, () => q.because),
  ];
}

/** An EventBridge bus (with Kafka, the streams and event topics are topics of the Kafka stack instead). */
function busResource(c: Ctx, b: InfraRequirements['eventBuses'][number]): Draft {
  const bus = c.byName.buses.get(b.name);
  const archived = retentionDays(b.retention) !== null;
  return {
    id: constructId.bus(b.name),
    type: 'AWS::Events::EventBus',
    title: `EventBridge bus ${b.name}`,
    params: [['source', b.source === 'stream' ? 'stream channel' : 'event topic'], ['name', bus?.busName ?? ''], ...(b.retention ? ([['retention', b.retention]] as [string, ParamValue][]) : [])],
    because: b.because,
    cost: range(0, 10 * FLAT.eventBridgePerMillion, 'events: 0-10 million/month'),
    cloudformation: cfn({ 'AWS::Events::EventBus': 1, 'AWS::Events::Archive': archived ? 1 : 0 }),
  };
}

function emailResource(c: Ctx, e: InfraRequirements['emailSenders'][number]): Draft {
  const identity = c.byName.emails.get(e.name)?.identity ?? null;
  return {
    id: constructId.email(e.name),
    type: 'AWS::SES::EmailIdentity',
    title: `SES identity for ${e.name}`,
    params: [['from', identity ?? '(set in the channel config)'], ...(identity !== null && identity !== e.fromAddress ? ([['written as', e.fromAddress ?? '']] as [string, ParamValue][]) : [])],
    because: e.because,
    cost: range(0, 100 * FLAT.sesPerThousand, 'emails: 0-100 thousand/month'),
    cloudformation: cfn({ 'AWS::SES::EmailIdentity': 1 }),
  };
}

function scheduleResource(c: Ctx, s: InfraRequirements['schedules'][number]): Draft {
  return {
    id: constructId.schedule(s.name),
    type: 'AWS::Scheduler::Schedule',
    title: `schedule ${s.name} → worker`,
    params: [['expression', s.expression], ...(s.timezone ? ([['timezone', s.timezone]] as [string, ParamValue][]) : [])],
    because: s.because,
    cost: fixed(0, 'within the free tier'),
    cloudformation: cfn({ 'AWS::Scheduler::Schedule': 1 }),
    extraBytes: (c.aws.schedules.find((x) => x.name === s.name)?.stack ?? 'Messaging') === 'Messaging' ? 0 : EXTRA_BYTES.crossStackSchedule,
  };
}

/** The role EventBridge Scheduler sends a Messaging stack's schedules with (one per stack with schedules). */
function scheduleRoleResource(because: readonly Because[]): Draft {
  return {
    id: 'ScheduleRole',
    type: 'AWS::IAM::Role',
    title: 'the role EventBridge Scheduler sends the schedules of this stack with: send to the schedule queue only',
    params: [['may', 'send to the schedule queue']],
    because,
    cost: null,
    cloudformation: cfn({ 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
  };
}

/** The schedule queue (the first Messaging stack) with its alarms. */
function messagingBaseResources(c: Ctx, alarms: readonly AwsAlarm[]): Draft[] {
  const { req, aws } = c;
  const out: Draft[] = [];
  if (req.schedules.length) {
    const all = req.schedules.flatMap((s) => s.because);
    out.push({
      id: 'ScheduleQueue',
      type: 'AWS::SQS::Queue',
      title: 'SQS queue the schedules send to and the worker consumes, with a dead-letter queue',
      params: [
        ['name', aws.scheduleQueue?.queueName ?? ''],
        ['schedules', capped(req.schedules.map((x) => x.name))],
        ['encrypted', true],
      ],
      because: all,
      cost: fixed(0, 'within the free tier'),
      // The queue and its dead letters.
      cloudformation: cfn({ 'AWS::SQS::Queue': 2, 'AWS::SQS::QueuePolicy': 2 }),
    });
    out.push(...alarmResources(alarms, () => all));
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Compute

const fargateMonth = (prices: RegionPrices, s: ServiceConfig, n: number) => n * ((s.cpu / 1024) * prices.fargateVcpuHour + (s.memory / 1024) * prices.fargateGbHour) * HOURS_PER_MONTH;

/**
 * How each generated variable's value is written in the template, in bytes (a literal is its
 * text): a queue URL and a bucket name are one Fn::Sub, an endpoint a reference to a template
 * parameter, the database and cache URLs are joined from parts.
 */
function valueBytes(a: AwsRequirements): Map<string, number> {
  const out = new Map<string, number>();
  const sub = (text: number) => EXTRA_BYTES.sub + text;
  for (const q of a.queues) out.set(`QUEUE_${envName(q.name)}_URL`, sub(QUEUE_URL_SUB.length + q.queueName.length));
  if (a.scheduleQueue) out.set('SCHEDULE_QUEUE_URL', sub(QUEUE_URL_SUB.length + a.scheduleQueue.queueName.length));
  for (const b of a.buckets) out.set(`BUCKET_${envName(b.name)}`, sub(b.namePrefix.length + 4 + PARAMETER_ID_CHARS + creationIdOf(a, b.stack).replace(/[^A-Za-z0-9]/g, '').length));
  out.set('DATABASE_HOST', EXTRA_BYTES.reference);
  out.set('DATABASE_READER_HOST', EXTRA_BYTES.reference);
  out.set('DATABASE_URL', EXTRA_BYTES.joined);
  out.set('DATABASE_WRITER_URL', EXTRA_BYTES.joined);
  out.set('DATABASE_READER_URL', EXTRA_BYTES.joined);
  out.set('KAFKA_BOOTSTRAP_SERVERS', EXTRA_BYTES.reference);
  out.set('REDIS_URL', EXTRA_BYTES.joined);
  return out;
}

/** Bytes a container definition adds to its task definition's template entry: each variable and secret. */
function containerBytes(service: PlanService | undefined, values: ReadonlyMap<string, number>): number {
  const vars = service?.variables ?? [];
  const file = new Set(service?.environmentFile?.variables ?? []);
  // The file's variables are in the stack's EnvironmentFile resource (environmentFileResource), not here.
  return (file.size ? EXTRA_BYTES.environmentFile : 0) + vars.reduce((n, v) => n + (file.has(v.name) ? 0 : v.kind === 'value' ? EXTRA_BYTES.variable + v.name.length + (values.get(v.name) ?? v.value.length) : EXTRA_BYTES.secret), 0);
}

/**
 * A Compute stack's environment file, when one of its services takes its per-resource variables
 * from one: the private bucket, the custom resource that writes the object when the stack deploys
 * (its function, role and policy), and the file's body in the template (each variable once: the
 * stack's services receive the same ones).
 */
function environmentFileResource(c: Ctx, services: readonly PlanService[]): Draft[] {
  const files = services.flatMap((s) => (s.environmentFile ? [s.environmentFile] : []));
  const first = files[0];
  if (!first) return [];
  const names = [...new Set(files.flatMap((f) => f.variables))].sort();
  const value = (name: string) => c.values.get(name) ?? 0;
  return [
    {
      id: 'EnvironmentFile',
      type: 'Custom::EnvironmentFile',
      title: "the services' queue URLs, bucket and bus names, as an environment file in a private bucket: inline they would make a task definition too large",
      params: [
        ['variables', names.length],
        ['task definition inline', `about ${num(first.inlineBytes)} bytes (more than ${num(first.threshold)})`],
      ],
      // The constructs that give the variables (finish caps the list).
      because: [...c.req.queues.flatMap((q) => q.because), ...c.req.objectStores.flatMap((o) => o.because), ...c.req.eventBuses.flatMap((b) => b.because)],
      cost: null,
      cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1, 'Custom::EnvironmentFile': 1, 'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
      extraBytes: names.reduce((n, name) => n + EXTRA_BYTES.environmentFileLine + name.length + value(name), 0),
    },
  ];
}

/** A task role: the role, and its policy when it has statements (each resource it names grows it). */
function taskRoleResource(svc: AwsService, a: AwsRequirements, because: readonly Because[], what: string): Draft {
  return {
    id: svc.taskRoleId,
    type: 'AWS::IAM::Role',
    title: `task role of ${what}: exactly what it uses`,
    params: grantText(svc, a),
    because,
    cost: null,
    cloudformation: cfn({ 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': hasGrants(svc) ? 1 : 0, 'AWS::IAM::ManagedPolicy': svc.policy.overflowPolicies }),
    extraBytes: svc.policy.statements.reduce((n, s) => n + EXTRA_BYTES.policyStatement + (s.resources.length - 1) * EXTRA_BYTES.policyResource, 0),
  };
}

/** A Fargate web service: its service, its task role and its alarms. `routed`: reached by a listener rule (not the default). */
function webServiceResources(c: Ctx, w: InfraRequirements['webServices'][number], svc: AwsService, routed: boolean, alarms: readonly AwsAlarm[]): Draft[] {
  const { config, prices, notes } = c;
  const d = config.deploy;
  const s = svc.settings;
  const planService = c.services.find((p) => p.name === svc.name && p.role !== 'worker');
  return [
    {
      id: constructId.service(w.name),
      type: 'AWS::ECS::Service',
      title: `Fargate service ${w.name} behind the load balancer`,
      params: [
        ['cpu / memory', `${s.cpu} / ${s.memory} MiB`],
        ['tasks', `${s.desired_count} (autoscaling ${s.min_count}-${s.max_count} at ${s.cpu_target}% CPU)`],
        ['port', s.port],
        ['health check', s.health_check_path],
        ['image', s.image || `built from ${s.dockerfile}: by the workflow into ImageRepository, or by cdk deploy (Docker on the deploying machine)`],
        ...(s.paths.length ? ([['paths', s.paths]] as [string, ParamValue][]) : []),
      ],
      because: w.because,
      cost: range(fargateMonth(prices, s, s.desired_count), fargateMonth(prices, s, s.max_count), `${s.desired_count} task(s) (low) to ${s.max_count} (high)`),
      cloudformation: cfn({
        'AWS::ECS::Service': 1,
        'AWS::ECS::TaskDefinition': 1,
        // The execution role (pulls the image, reads the secrets, writes the logs).
        'AWS::IAM::Role': 1,
        'AWS::IAM::Policy': 1,
        'AWS::ElasticLoadBalancingV2::TargetGroup': 1,
        'AWS::ApplicationAutoScaling::ScalableTarget': 1,
        'AWS::ApplicationAutoScaling::ScalingPolicy': 1,
        // Services other than the load balancer's default are routed to by path.
        'AWS::ElasticLoadBalancingV2::ListenerRule': routed ? 1 : 0,
        // Registered in the Cloud Map namespace.
        'AWS::ServiceDiscovery::Service': d.network.namespace ? 1 : 0,
      }),
      extraBytes: containerBytes(planService, c.values),
    },
    taskRoleResource(svc, c.aws, w.because, w.name),
    ...alarmResources(alarms, () => w.because),
  ];
}

/** The first Compute stack's own resources: the cluster, the worker, the load balancer, the cache, the secrets. */
function computeBaseResources(c: Ctx, alarms: { readonly worker: readonly AwsAlarm[]; readonly other: readonly AwsAlarm[] }): Draft[] {
  const { req, config, aws, prices, notes } = c;
  const d = config.deploy;
  const prod = d.environment === 'prod';
  const out: Draft[] = [];
  out.push({
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
  if (req.worker) {
    const svc = aws.services.find((x) => x.role === 'worker') as AwsService;
    const s = svc.settings;
    out.push({
      id: 'Worker',
      type: 'AWS::ECS::Service',
      title: 'Fargate worker service',
      params: [
        ['handles', capped(req.worker.handles)],
        ['cpu / memory', `${s.cpu} / ${s.memory} MiB`],
        ['tasks', s.desired_count],
      ],
      because: req.worker.because,
      cost: fixed(fargateMonth(prices, s, s.desired_count), `${s.desired_count} task`),
      cloudformation: cfn({ 'AWS::ECS::Service': 1, 'AWS::ECS::TaskDefinition': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::ServiceDiscovery::Service': d.network.namespace ? 1 : 0 }),
      extraBytes: containerBytes(c.services.find((p) => p.role === 'worker'), c.values),
    });
    out.push(taskRoleResource(svc, aws, req.worker.because, 'the worker'));
    out.push(...alarmResources(alarms.worker, () => req.worker?.because ?? []));
  }
  const lb = aws.loadBalancer;
  const emptiedLogs = !prod;
  out.push({
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
    // The log bucket's policy for the load balancer's log delivery (its output counts with the stack).
    extraBytes: EXTRA_BYTES.logBucketPolicy,
  });
  // ElastiCache (Kvrocks is the Cache stack's).
  if (req.cache && aws.cache) {
    const ca = d.cache;
    const nodes = 1 + ca.replicas;
    out.push({
      id: 'Cache',
      type: ca.engine === 'kvrocks' ? 'AWS::ECS::Service' : 'AWS::ElastiCache::ReplicationGroup',
      title: ca.engine === 'kvrocks' ? 'Kvrocks on ECS (master, replicas, sentinels)' : `ElastiCache ${ca.engine}`,
      params: [
        ['nodes', `${nodes} × ${ca.node_type}`],
        ['used by', req.cache.uses],
      ],
      because: req.cache.because,
      cost: ifPriced(hourlyPrice(prices.elasticache, ca.node_type, 'cache.node_type', notes), (h) => fixed(nodes * h * HOURS_PER_MONTH, `${nodes} × ${ca.node_type}`)),
      cloudformation: ca.engine === 'kvrocks' ? {} : cfn({ 'AWS::ElastiCache::ReplicationGroup': 1, 'AWS::ElastiCache::SubnetGroup': 1 }),
    });
  }
  const secretsToCreate = aws.secrets.filter((s) => s.from.kind === 'create');
  if (req.secrets.length) {
    out.push({
      id: 'Secrets',
      type: 'AWS::SecretsManager::Secret',
      title: 'secrets passed to the services',
      params: aws.secrets.map((s) => [s.env, s.from.kind === 'reference' ? s.from.ref : `created: ${withId(s.from.name)}`] as [string, ParamValue]),
      because: req.secrets.flatMap((s) => s.because),
      cost: fixed(secretsToCreate.length * FLAT.secretMonth, 'per secret created'),
      cloudformation: cfn({ 'AWS::SecretsManager::Secret': secretsToCreate.length }),
    });
  }
  const published = computeParameters(aws);
  if (published.length) {
    out.push({
      id: 'ComputeParameters',
      type: 'AWS::SSM::Parameter',
      title: `the cluster, the listener, the log group${aws.cache ? ', the cache' : ''} and the created secrets, for ${furtherComputeStacks(aws).join(', ')}`,
      params: [['parameters', published]],
      because: [],
      cost: fixed(0, 'standard parameters'),
      cloudformation: cfn({ 'AWS::SSM::Parameter': published.length }),
    });
  }
  out.push(...alarmResources(alarms.other, () => [cfg(config, 'domain.name')]));
  return out;
}

// ---------------------------------------------------------------------------------------------
// Observability

function observabilityResources(c: Ctx): Draft[] {
  const { config, aws } = c;
  const d = config.deploy;
  const out: Draft[] = [];
  if (!d.alarms.sns_topic_arn) {
    out.push({
      id: 'AlarmTopic',
      type: 'AWS::SNS::Topic',
      title: "the alarm topic (every stack's alarms send to it by name), encrypted with its own key",
      params: [
        ['name', aws.observability.alarmTopicName],
        ['notify', d.alarms.email.length ? d.alarms.email : ['(no subscribers: set [deploy.alarms] email)']],
      ],
      because: [cfg(config, 'alarms.email')],
      cost: fixed(FLAT.kmsKeyMonth, 'KMS key'),
      cloudformation: cfn({ 'AWS::SNS::Topic': 1, 'AWS::SNS::TopicPolicy': 1, 'AWS::KMS::Key': 1, 'AWS::SNS::Subscription': d.alarms.email.length }),
    });
  }
  const dash = aws.dashboard;
  const graphed = new Set(dash.graphs.map((g) => `${g.stack}/${g.id}`));
  out.push({
    id: 'Dashboard',
    type: 'AWS::CloudWatch::Dashboard',
    title: `dashboard: every alarm's state, and the metric of ${dash.graphsOmitted ? `the first ${dash.graphs.length} alarms (the services', the database's and TigerBeetle's first)` : 'each alarm'}`,
    params: [
      ['alarms', aws.alarms.length],
      ['widgets', dash.statusWidgets + dash.graphs.length],
      ...(dash.graphsOmitted ? ([['alarms shown by state only', dash.graphsOmitted]] as [string, ParamValue][]) : []),
      ['notify', d.alarms.email.length ? d.alarms.email : d.alarms.sns_topic_arn ? [d.alarms.sns_topic_arn] : ['(no subscribers: set [deploy.alarms] email)']],
      ['log retention', `${d.logs.retention_days} days`],
    ],
    because: [cfg(config, 'alarms.email'), cfg(config, 'logs.retention_days')],
    cost: range(FLAT.dashboardMonth, FLAT.dashboardMonth + 20 * FLAT.logsIngestGb, 'high adds 20 GB of logs'),
    cloudformation: cfn({ 'AWS::CloudWatch::Dashboard': 1 }),
    extraBytes: aws.alarms.reduce((n, x) => n + EXTRA_BYTES.dashboardStatusAlarm + x.name.length, 0) + aws.alarms.filter((x) => graphed.has(`${x.stack}/${x.id}`)).reduce((n, x) => n + EXTRA_BYTES.dashboardAlarmWidget + 2 * x.name.length, 0),
  });
  return out;
}

// ---------------------------------------------------------------------------------------------
// What each service receives

function planServices(req: InfraRequirements, config: ResolvedConfig, aws: AwsRequirements): PlanService[] {
  const d = config.deploy;
  const byRole = new Map<'web' | 'worker', { readonly vars: ServiceVariable[]; readonly names: ReadonlySet<string> }>();
  const generatedFor = (role: 'web' | 'worker') => {
    let g = byRole.get(role);
    if (!g) {
      const all = generatedVariables(req, config, role);
      g = { vars: all.map((v): ServiceVariable => (v.kind === 'value' ? { name: v.name, kind: 'value', value: v.value } : { name: v.name, kind: 'secret', from: v.value })), names: new Set(all.map((v) => v.name)) };
      byRole.set(role, g);
    }
    return g;
  };
  const variables = (env: Readonly<Record<string, string>>, role: 'web' | 'worker'): ServiceVariable[] => {
    const g = generatedFor(role);
    return [
      ...g.vars,
      ...Object.entries(env).map(([name, value]): ServiceVariable => ({ name, kind: 'value', value })),
      ...req.secrets.filter((s) => !g.names.has(s.env)).map((s): ServiceVariable => ({ name: s.env, kind: 'secret', from: s.from.kind === 'reference' ? s.from.ref : `Secrets Manager: ${withId(createdSecretName(req.app, d.environment, s.env))}` })),
    ].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  };
  return aws.services.map((s) => {
    const group = s.runtime === 'ec2' ? aws.nodeGroups.find((g) => g.service === s.name) : undefined;
    const vars = variables(s.settings.env, s.role);
    const service: PlanService = {
      name: s.name,
      role: s.role === 'worker' ? 'worker' : s.runtime === 'ec2' ? 'nodes' : 'web',
      variables: group ? [...vars, ...nodeVariables(group)].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)) : vars,
    };
    // A Fargate task definition too large with every queue URL, bucket and bus name inline takes them from a file.
    const file = s.runtime === 'fargate' ? environmentFileOf(service, generatedFor(s.role).names, aws) : undefined;
    return file ? { ...service, environmentFile: file } : service;
  });
}

// ---------------------------------------------------------------------------------------------
// The plan

/** Options of `buildPlan`. */
export interface BuildOptions {
  /**
   * Where the last generation put each unit (`.dazzle-infra-version.json`'s `placement`): a unit
   * keeps its stack, so growing a project never moves (and so replaces) a queue, bucket or service.
   * @default none (the first generation)
   */
  readonly previous?: Placement;
}

/** The units of the sharded families, each with its resources, and what each family's first stack holds besides them. */
interface Layout {
  readonly units: readonly (Unit & { readonly drafts: readonly Draft[] })[];
  /** Each family's first stack, without its units. */
  readonly fixed: Readonly<Record<ShardedStackName, readonly Draft[]>>;
  /** Per-stack resources that exist once a stack holds units of a kind (the schedule role, a Data stack's access-log bucket). */
  readonly setups: ReadonlyMap<string, (stack: StackName, units: readonly string[]) => readonly Draft[]>;
}

/** What drafts add to their stack: CloudFormation resources and template bytes. */
const loadOf = (drafts: readonly Draft[]): Load => ({
  resources: drafts.reduce((n, r) => n + Object.values(r.cloudformation).reduce((m, x) => m + x, 0), 0),
  bytes: drafts.reduce((n, r) => n + resourceBytes(r.cloudformation, r.extraBytes), 0),
});

function layout(c: Ctx): Layout {
  const { req, aws } = c;
  const idx = alarmIndex(aws.alarms);
  const units: (Unit & { drafts: readonly Draft[] })[] = [];
  const unit = (key: string, family: ShardedStackName, drafts: readonly Draft[], setup?: Unit['setup']) => units.push({ key, family, drafts, ...loadOf(drafts), ...(setup ? { setup } : {}) });
  const scheduleRole = scheduleRoleResource([]);
  for (const q of req.queues) unit(unitKey.queue(q.name), 'Messaging', queueResources(c, q, idx.byQueue.get(q.name) ?? []));
  // With Kafka, the streams and event topics are topics of the Kafka stack.
  for (const b of c.config.deploy.kafka.enabled ? [] : req.eventBuses) unit(unitKey.bus(b.name), 'Messaging', [busResource(c, b)]);
  for (const e of req.emailSenders) unit(unitKey.email(e.name), 'Messaging', [emailResource(c, e)]);
  for (const s of req.schedules) unit(unitKey.schedule(s.name), 'Messaging', [scheduleResource(c, s)], { kind: 'schedules', load: loadOf([scheduleRole]) });
  const bucketSetup = (n: number) => [accessLogsResource(c, n, []), { id: 'DataParameters', type: 'AWS::SSM::Parameter', title: '', params: [], because: [], cost: null, cloudformation: cfn({ 'AWS::SSM::Parameter': 1 }) } as Draft];
  for (const s of req.objectStores) unit(unitKey.bucket(s.name), 'Data', [bucketResource(c, s)], { kind: 'buckets', load: loadOf(bucketSetup(1)) });
  const webServices = aws.services.filter((s) => s.role === 'web');
  const byName = new Map(webServices.map((s) => [s.name, s]));
  for (const w of req.webServices) {
    const svc = byName.get(w.name) as AwsService;
    // An EC2 node group is no unit of a Compute stack: the Nodes stack makes it (nodesResources).
    if (svc.runtime !== 'fargate') continue;
    // A stack whose services take their variables from a file has one file (environmentFileResource).
    const planService = c.services.find((p) => p.name === w.name && p.role === 'web');
    const file = planService?.environmentFile ? { kind: 'environment-file', load: loadOf(environmentFileResource(c, [planService])) } : undefined;
    unit(unitKey.service(w.name), 'Compute', webServiceResources(c, w, svc, true, idx.byService.get(svc.id) ?? []), file);
  }
  const worker = aws.services.find((s) => s.role === 'worker');
  const fixed: Record<ShardedStackName, readonly Draft[]> = {
    Messaging: messagingBaseResources(c, idx.byQueue.get(null) ?? []),
    Data: [...databaseResources(c), ...dataParametersResource(c, 'Data'), ...alarmResources(aws.alarms.filter((x) => x.stack === 'Data'), () => req.database?.because ?? [])],
    Compute: computeBaseResources(c, { worker: worker ? (idx.byService.get(worker.id) ?? []) : [], other: idx.other.filter((x) => stackFamily(x.stack) === 'Compute') }),
  };
  const byKey = new Map(units.map((u) => [u.key, u]));
  const setups = new Map<string, (stack: StackName, keys: readonly string[]) => readonly Draft[]>([
    ['schedules', (_stack, keys) => [scheduleRoleResource(keys.flatMap((k) => byKey.get(k)?.drafts.flatMap((d) => d.because) ?? []))]],
    [
      'buckets',
      (stack, keys) => [accessLogsResource(c, keys.length, keys.flatMap((k) => byKey.get(k)?.drafts.flatMap((d) => d.because) ?? [])), ...(stack === 'Data' ? [] : dataParametersResource(c, stack))],
    ],
  ]);
  return { units, fixed, setups };
}

/** Images: the repository the workflow pushes the images built from the project's Dockerfile to. */
function imagesResources(c: Ctx): Draft[] {
  const { aws, req, config } = c;
  if (!aws.images) return [];
  const causes = (id: string) => (id === 'Worker' ? (req.worker?.because ?? []) : (req.webServices.find((w) => constructId.service(w.name) === id)?.because ?? []));
  return [
    {
      id: 'ImageRepository',
      type: 'AWS::ECR::Repository',
      title: "the app's images, built from the project's Dockerfile and pushed by the workflow (immutable tags, scanned on push)",
      params: [
        ['name', aws.images.repositoryName],
        ['images', aws.images.builds.map((b) => `${b.dockerfile} → <tag>${b.tagSuffix}`)],
        ['deploy with', `cdk deploy -c ${IMAGE_TAG_CONTEXT}=<tag> (without it, cdk deploy builds with Docker)`],
        ['keeps', `the newest ${KEPT_IMAGES} images`],
      ],
      because: [...aws.images.builds.flatMap((b) => b.services.flatMap(causes)), cfg(config, 'compute.dockerfile')],
      cost: range(KEPT_IMAGES * 0.2 * FLAT.ecrGbMonth, KEPT_IMAGES * 1 * FLAT.ecrGbMonth, `${KEPT_IMAGES} images of 0.2 GB (low) to 1 GB (high)`),
      cloudformation: cfn({ 'AWS::ECR::Repository': 1 }),
    },
  ];
}

/** Nodes: each EC2 node group (its nodes, load balancer, security groups, role, snapshots, backups, zone) and the nodes' alarms. */
function nodesResources(c: Ctx): Draft[] {
  const { req, config, aws, prices, notes } = c;
  const out: Draft[] = aws.nodeGroups.flatMap((g) => nodeStackResources(g, config, prices, notes));
  if (!out.length) return out;
  const nodeOf = (x: AwsAlarm) => ('node' in x.metric ? x.metric.node : null);
  const serviceOf = (x: AwsAlarm) => aws.nodeGroups.find((g) => g.nodes.some((n) => n.id === nodeOf(x)))?.service;
  return [...out, ...alarmResources(aws.alarms.filter((x) => x.stack === 'Nodes'), (x) => req.webServices.find((w) => w.name === serviceOf(x))?.because ?? [])];
}

/** Frontend: the static front end, in its own stack in us-east-1 (CloudFront's certificates). */
function frontendStackResources(c: Ctx): Draft[] {
  return c.aws.frontend ? frontendResources(c.aws.frontend, c.config) : [];
}

/** A template's share that is not its resources: the base, the parameters it reads. */
function stackOverheadBytes(reads: number): number {
  return TEMPLATE_BASE_BYTES + reads * PARAMETER_BYTES;
}

export function buildPlan(req: InfraRequirements, config: ResolvedConfig, options: BuildOptions = {}): DeploymentPlan {
  const d = config.deploy;
  const { prices, bundled } = pricesFor(d.region);
  const queueBecause = new Map(req.queues.map((q) => [q.name, q.because]));

  // 1. Where each unit goes: weighed with every unit in its family's first stack, then placed.
  const draft = lowerToAws(req, config);
  const draftCtx: Ctx = { req, config, aws: draft, prices, notes: [], services: planServices(req, config, draft), queueBecause, values: valueBytes(draft), byName: byName(draft) };
  const drafted = layout(draftCtx);
  const fixedLoad = (family: ShardedStackName): Load => {
    const l = loadOf(drafted.fixed[family]);
    // The first Compute stack publishes the cluster, the listener, the log group… once there are further ones: room for them.
    const published = family === 'Compute' ? 3 + (draft.cache ? 1 : 0) + draft.secrets.filter((x) => x.from.kind === 'create').length : 0;
    // The worker's environment file, when it has one, is the first Compute stack's.
    const file = loadOf(family === 'Compute' ? environmentFileResource(draftCtx, draftCtx.services.filter((p) => p.role === 'worker')) : []);
    return { resources: l.resources + published + file.resources, bytes: l.bytes + file.bytes + stackOverheadBytes(stackReads(draft, family).length) + resourceBytes({ 'AWS::SSM::Parameter': published }) };
  };
  const placement = placeUnits(drafted.units, { Messaging: fixedLoad('Messaging'), Data: fixedLoad('Data'), Compute: fixedLoad('Compute') }, { resources: LIMITS.resources, bytes: LIMITS.templateBytes }, options.previous);

  // 2. The AWS choices with the units in their stacks (alarms are named by their stack).
  const aws = lowerToAws(req, config, placement);
  const notes: string[] = [];
  if (!bundled) notes.push(`No bundled prices for ${d.region}: costs use us-east-1 prices.`);
  const services = planServices(req, config, aws);
  const c: Ctx = { req, config, aws, prices, notes, services, queueBecause, values: valueBytes(aws), byName: byName(aws) };
  const laid = layout(c);

  const stacks: PlanStack[] = [];
  const add = (name: StackName, dependsOn: readonly StackName[], drafts: readonly Draft[]) => {
    if (!drafts.length) return;
    const resources = drafts.map(finish);
    const reads = stackReads(aws, name);
    stacks.push({ name, dependsOn, resources, reads, usage: stackUsage(name, resources, reads, aws, services) });
  };
  add('Network', [], networkResources(c));
  add('TigerBeetle', ['Network', 'Observability'], tigerBeetleResources(c));

  // The sharded families: each stack's units (in the plan's order), with the setup its kinds of unit need.
  const unitsByStack = new Map<StackName, (typeof laid.units)[number][]>();
  for (const u of laid.units) {
    const stack = placement.get(u.key) as StackName;
    unitsByStack.set(stack, [...(unitsByStack.get(stack) ?? []), u]);
  }
  const idx = alarmIndex(aws.alarms);
  const webByName = new Map(aws.services.filter((s) => s.role === 'web').map((s) => [s.name, s]));
  const needByName = new Map(req.webServices.map((w) => [w.name, w]));
  const defaultService = aws.services.find((s) => s.role === 'web' && s.stack === 'Compute');
  const alarmOrder = new Map(aws.alarms.map((x, i) => [`${x.stack}/${x.id}`, i]));
  /** Resources first, in the order given; then the stack's alarms, in the plan's order of alarms. */
  const alarmsLast = (stack: StackName, rs: readonly Draft[]) => [
    ...rs.filter((r) => r.type !== 'AWS::CloudWatch::Alarm'),
    ...rs.filter((r) => r.type === 'AWS::CloudWatch::Alarm').sort((x, y) => (alarmOrder.get(`${stack}/${x.id}`) ?? 0) - (alarmOrder.get(`${stack}/${y.id}`) ?? 0)),
  ];
  const familyDrafts = (family: ShardedStackName, stack: StackName): Draft[] => {
    const mine = unitsByStack.get(stack) ?? [];
    const kinds = new Map<string, string[]>();
    for (const u of mine) if (u.setup) kinds.set(u.setup.kind, [...(kinds.get(u.setup.kind) ?? []), u.key]);
    const setup = [...kinds].flatMap(([kind, keys]) => laid.setups.get(kind)?.(stack, keys) ?? []);
    const own = stack === family ? laid.fixed[family] : [];
    const byKind = (prefix: string) => mine.filter((u) => u.key.startsWith(prefix)).flatMap((u) => u.drafts);
    if (family === 'Data') {
      // The database, the access logs and the buckets, then what the stack publishes, then the alarms.
      const published = own.filter((r) => r.id === 'DataParameters');
      return alarmsLast(stack, [...own.filter((r) => r.id !== 'DataParameters'), ...setup.filter((r) => r.id !== 'DataParameters'), ...byKind('bucket:'), ...published, ...setup.filter((r) => r.id === 'DataParameters')]);
    }
    if (family === 'Messaging') return alarmsLast(stack, [...byKind('queue:'), ...byKind('bus:'), ...byKind('email:'), ...own, ...setup, ...byKind('schedule:')]);
    // Compute: the cluster, the web services (the first stack's first one is the load balancer's default), the worker, the load balancer…
    const web = mine.flatMap((u) => {
      const name = u.key.slice('service:'.length);
      const w = needByName.get(name);
      const svc = webByName.get(name);
      return w && svc ? webServiceResources(c, w, svc, svc !== defaultService, idx.byService.get(svc.id) ?? []) : [];
    });
    const [cluster, ...rest] = own;
    const runs = c.services.filter((p) => (p.role === 'web' && webByName.get(p.name)?.stack === stack && webByName.get(p.name)?.runtime === 'fargate') || (p.role === 'worker' && stack === family));
    return alarmsLast(stack, [...(cluster ? [cluster] : []), ...web, ...rest, ...environmentFileResource(c, runs)]);
  };
  const families = (family: ShardedStackName) => familyStacks(placement, family);
  for (const stack of families('Data')) add(stack, stack === 'Data' ? [...(aws.database ? (['Network'] as StackName[]) : []), 'Observability'] : ['Observability'], familyDrafts('Data', stack));
  // Kafka (Amazon MSK): the cluster in the private subnets, its topics and alarms.
  if (aws.kafka) add('Kafka', ['Network', 'Observability'], [...kafkaResources(aws.kafka, req, config, prices, notes), ...alarmResources(aws.alarms.filter((x) => x.stack === 'Kafka'), () => [cfg(config, 'kafka.enabled')])]);
  // Kvrocks with sentinels on ECS, its data on EFS (ElastiCache is in the Compute stack).
  if (aws.kvrocks) add('Cache', ['Network', 'Observability'], [...kvrocksResources(aws.kvrocks, req, config, prices), ...alarmResources(aws.alarms.filter((x) => x.stack === 'Cache'), () => [cfg(config, 'cache.engine')])]);
  for (const stack of families('Messaging')) add(stack, stack === 'Messaging' ? ['Observability'] : ['Messaging', 'Observability'], familyDrafts('Messaging', stack));
  add('Images', [], imagesResources(c));
  const present = (family: BaseStackName) => stacks.filter((s) => stackFamily(s.name) === family).map((s) => s.name);
  const computeDeps: StackName[] = ['Network', ...present('TigerBeetle'), ...present('Data'), ...present('Kafka'), ...present('Cache'), ...present('Messaging'), ...present('Images'), 'Observability'];
  // EC2 node groups: the Nodes stack, before Compute, so that their fixed addresses are taken before any task is placed in the subnets.
  add('Nodes', computeDeps, nodesResources(c));
  const computeAfter: StackName[] = [...computeDeps, ...present('Nodes')];
  // With only node groups (their own load balancer), there is nothing for the Compute stacks to run.
  if (computeStackNeeded(aws)) for (const stack of families('Compute')) add(stack, stack === 'Compute' ? computeAfter : [...computeAfter, 'Compute'], familyDrafts('Compute', stack));
  // API Gateway in front of the internal load balancer.
  if (aws.apiGateway) add('Api', ['Network', 'Compute', 'Observability'], apiGatewayResources(aws.apiGateway, config));
  // The static front end: its own stack, using nothing of the others.
  add('Frontend', [], frontendStackResources(c));

  // Observability: deployed first, so that the alarm topic exists before any alarm names it.
  add('Observability', [], observabilityResources(c));

  if (aws.database?.credentials.kind === 'reference') notes.push(`The database's master password is the one in ${aws.database.credentials.ref} ([deploy.secrets] database_password); the services receive it as DATABASE_PASSWORD.`);
  const db = databaseName(req.app);
  if (req.database && db.reason) notes.push(`The database is named ${db.name}, not ${req.app}: ${db.reason}.`);
  for (const family of ['Messaging', 'Data', 'Compute'] as const) {
    const split = present(family);
    if (split.length > 1) notes.push(`${family} is split into ${split.join(', ')}: one stack would pass 80% of CloudFormation's limits. A ${family === 'Messaging' ? 'queue, schedule, bus or email identity' : family === 'Data' ? 'bucket' : 'web service'} stays in the stack it was first placed in (.dazzle-infra-version.json records it), so adding one never moves another.`);
  }
  const byFile = services.filter((s) => s.environmentFile);
  const file = byFile[0]?.environmentFile;
  if (file) {
    const who = byFile.map((s) => (s.role === 'worker' ? 'the worker' : `service ${s.name}`));
    const largest = Math.max(...byFile.map((s) => s.environmentFile?.inlineBytes ?? 0));
    notes.push(
      `${who.length === 1 ? who[0] : `${who.length} services (${who.slice(0, 4).join(', ')}${who.length > 4 ? ', …' : ''})`} receive${who.length === 1 ? 's' : ''} their ${variableKinds(file.variables).map(([k, n]) => `${n} ${k}`).join(', ')} from an environment file, under the same names: inline they would make a task definition of about ${num(largest)} bytes, more than ${num(file.threshold)} (half of ECS's limit of ${num(LIMITS.taskDefinitionBytes)}). Each Compute stack writes its file to a private bucket of its own when it deploys; a changed file has a new key, so the tasks roll to it.`,
    );
  }
  const byPrefix = new Map<string, string[]>();
  for (const s of aws.services) {
    const what = (['queues', 'buckets', 'buses'] as const).filter((k) => s.policy.naming[k] === 'prefix');
    if (what.length) byPrefix.set(what.join(' and '), [...(byPrefix.get(what.join(' and ')) ?? []), s.role === 'worker' ? 'the worker' : s.name]);
  }
  for (const [what, who] of byPrefix) {
    // The patterns as the user would read them: the account and a Data stack's creation id named, not sampled.
    const shown = (arn: string) => arn.replace(':123456789012:', ':<account>:').replace(/-00000000(\/\*)?$/, '-<creation id>$1');
    const patterns = [...new Set(aws.services.flatMap((s) => s.policy.statements).flatMap((st) => st.resources.filter((r) => r.includes('*')).map(shown)))].sort();
    const whom = who.length > 4 ? `${who.slice(0, 4).join(', ')} and ${who.length - 4} more` : who.length > 1 ? `${who.slice(0, -1).join(', ')} and ${who[who.length - 1]}` : who.join('');
    notes.push(`The task role${who.length === 1 ? '' : 's'} of ${whom} name${who.length === 1 ? 's' : ''} the app's ${what} by the prefix of their names (${patterns.slice(0, 3).join(', ')}${patterns.length > 3 ? ', …' : ''}): listing every ARN would pass the policy size at which aws-cdk-lib moves statements into managed policies.`);
  }

  const costs = stacks.flatMap((s) => s.resources.map((r) => r.cost)).filter((x): x is Cost => x !== null);
  return {
    format_version: PLAN_FORMAT_VERSION,
    aws,
    app: req.app,
    environment: d.environment,
    region: d.region,
    stacks,
    services,
    total: { low: round2(costs.reduce((n, x) => n + x.low, 0)), high: round2(costs.reduce((n, x) => n + x.high, 0)) },
    prices: { date: PRICE_TABLE_DATE, region: bundled ? d.region : 'us-east-1', bundled },
    notes,
    placement: Object.fromEntries([...placement].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
}
