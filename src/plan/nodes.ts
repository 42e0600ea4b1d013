/**
 * EC2 node groups (`runtime = "ec2"`): the AWS choices for each group (its nodes with their
 * fixed addresses and zones, the seeds, ports, volume, snapshots, backups, private DNS, what
 * runs) and the Nodes stack's plan resources, with their CloudFormation expansion and costs.
 * `generate` renders exactly these (src/emit/stacks/nodes.ts).
 */
import { envName } from '../ir/index.js';
import { nodePlacements, nodeVariableNames, seedAddresses, type ResolvedConfig, type ServiceConfig } from '../config/index.js';
import { bucketPrefix, configKey, DATABASE_ENDPOINT, DATABASE_READER_ENDPOINT, databasePasswordReference, generatedVariables, NODE_GROUP_APP_VARIABLES, NODE_GROUP_DATABASE_VARIABLES, TIGERBEETLE_CLIENT_PORT, type Because, type InfraRequirements } from '../lower/index.js';
import type { AwsAlarm } from './alarms.js';
import type { AwsRequirements } from './aws.js';
import type { Cost, ParamValue, PlanResource, ServiceVariable } from './model.js';
import { hourlyPrice, HOURS_PER_MONTH, ifPriced, type RegionPrices } from './prices.js';

/** PostgreSQL's port (DATABASE_PORT): the nodes may reach the database on it. */
const DATABASE_PORT = 5432;
/** EBS snapshot storage, USD per GB-month (us-east-1, standard tier). */
const SNAPSHOT_GB_MONTH = 0.05;
/** A Route 53 hosted zone, USD per month. */
const HOSTED_ZONE_MONTH = 0.5;
/** The root volume of every node, GiB (gp3, encrypted, deleted with the instance). */
export const NODE_ROOT_VOLUME_GB = 20;
/** Where a node mounts its data volume (DATA_DIR). */
export const NODE_DATA_DIR = '/data';

/**
 * Whether the plan has a Compute stack: anything but EC2 node groups (which have their own load
 * balancer in the Nodes stack, and read `[deploy.secrets]` references with their instance role) needs it. A plan without node groups always has one.
 */
export function computeStackNeeded(a: Pick<AwsRequirements, 'nodeGroups' | 'services' | 'cache' | 'secrets'>): boolean {
  return !a.nodeGroups.length || a.services.some((s) => s.runtime === 'fargate') || a.cache !== null || a.secrets.some((s) => s.from.kind === 'create');
}

const MINUTE = 60;
const FIVE = 300;
const AGENT_MISSING = 'The CloudWatch agent publishes every minute while the node runs: no data is no evidence of load, and a node that is gone is what the in-service alarm pages for.';

/**
 * The alarm of a single-instance group (a node, a TigerBeetle replica) that has no instance in
 * service for two minutes.
 */
export function inServiceAlarm(id: string, metric: AwsAlarm['metric'], description: string): Omit<AwsAlarm, 'stack' | 'name' | 'metrics'> {
  return {
    id,
    metric,
    description,
    period: MINUTE,
    statistic: 'Minimum',
    threshold: 1,
    comparison: 'LESS_THAN_THRESHOLD',
    evaluationPeriods: 2,
    datapointsToAlarm: 2,
    missing: 'BREACHING',
    missingWhy: 'The group publishes GroupInServiceInstances every minute (the stack enables it): no data means the group is gone.',
  };
}

/** The alarms of one node (Nodes stack): an instance in service, CPU, and memory and disk from the CloudWatch agent. */
export function nodeAlarms(id: string, label: string): Omit<AwsAlarm, 'stack' | 'name' | 'metrics'>[] {
  const node = id;
  return [
    inServiceAlarm(`${id}InServiceAlarm`, { kind: 'node-in-service', node }, `${label} has no instance in service for 2 minutes.`),
    { id: `${id}CpuAlarm`, metric: { kind: 'node-cpu', node }, description: `${label}: CPU above 85% for 15 minutes.`, period: FIVE, statistic: 'Average', threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: 'EC2 publishes CPU every five minutes while the instance runs; a missing instance is the in-service alarm\'s to page for.' },
    { id: `${id}MemoryAlarm`, metric: { kind: 'node-memory', node }, description: `${label}: memory above 90% for 15 minutes.`, period: FIVE, statistic: 'Average', threshold: 90, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: AGENT_MISSING },
    { id: `${id}DiskAlarm`, metric: { kind: 'node-disk', node }, description: `${label}: a disk more than 85% full.`, period: FIVE, statistic: 'Maximum', threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 2, datapointsToAlarm: 2, missing: 'MISSING', missingWhy: AGENT_MISSING },
  ];
}

export interface AwsNode {
  readonly index: number;
  /** Construct ID: `Node0`, `Node1`, … */
  readonly id: string;
  /** Position among the availability zones (0-based). */
  readonly az: number;
  readonly address: string;
  readonly seed: boolean;
  /** `node-<n>.<private_dns>` when the group has a private zone. */
  readonly dnsName: string | null;
}

/** What a node runs: a container image (pulled with the instance role), one built from the project's Dockerfile, or a CI artifact with a command. */
export type NodeRun =
  | { readonly kind: 'image'; readonly uri: string; readonly ecrRepositoryArn: string | null }
  | { readonly kind: 'asset'; readonly dockerfile: string }
  | { readonly kind: 'artifact'; readonly s3: string; readonly bucket: string; readonly key: string; readonly command: string };

export interface AwsNodeGroup {
  /** The service's name in dazzle.toml. */
  readonly service: string;
  readonly instanceType: string;
  readonly nodes: readonly AwsNode[];
  /** Every node's address, in node order (PEER_IPS). */
  readonly addresses: readonly string[];
  /** The seed nodes' addresses (SEED_IPS). */
  readonly seeds: readonly string[];
  /** The port the load balancer forwards to on every node. */
  readonly port: number;
  readonly healthCheckPath: string;
  /** Ports open only between the nodes. */
  readonly peerPorts: readonly number[];
  /** The load balancer's listeners: HTTPS on 443 with a certificate, the others plain HTTP (redirected to 443 when HTTPS is on). */
  readonly listeners: readonly { readonly port: number; readonly protocol: 'HTTPS' | 'HTTP' | 'REDIRECT' }[];
  /** The persistent data volume of each node, or null (volume_size_gb = 0). */
  readonly volume: { readonly sizeGb: number } | null;
  /** Days the daily snapshots of the data volumes are kept (0: no snapshot policy). */
  readonly snapshotRetentionDays: number;
  /** The backup bucket (its name before `-<creation id>`) and the days its objects are kept, or null. */
  readonly backup: { readonly namePrefix: string; readonly retentionDays: number } | null;
  /** The private hosted zone of the node records, or null. */
  readonly privateDns: string | null;
  /** SSH from an admin range, with a key pair, or null (Session Manager only). */
  readonly ssh: { readonly cidr: string; readonly keyName: string } | null;
  readonly run: NodeRun;
  /** The group's log group, before `-<creation id>` of the Nodes stack. */
  readonly logGroup: string;
  /**
   * The variables dazzle generates for the app that every node receives under their own names
   * (DAZZLE_ENV, DAZZLE_PROCESS, TIGERBEETLE_ADDRESSES, …): the plan's values, all known at generation
   * (the lowering refuses the others beside a node group: DZ5102).
   */
  readonly appVariables: Readonly<Record<string, string>>;
  /**
   * The database beside the group, or null: the variables whose value holds its writer or reader endpoint
   * (the plan's text, DATABASE_ENDPOINT and DATABASE_READER_ENDPOINT standing for them: the Nodes stack reads
   * the endpoints from the Data stack's parameters), the generated credentials' keys the service reads
   * (none when `[deploy.secrets] database_password` supplies the password: it is in `secrets`), and the
   * port the nodes may reach it on.
   */
  readonly database: {
    readonly endpointVariables: Readonly<Record<string, string>>;
    readonly readerEndpoint: boolean;
    readonly generatedCredentials: readonly { readonly env: string; readonly jsonKey: 'username' | 'password' }[];
    readonly port: number;
  } | null;
  /** The app's buckets: each name as BUCKET_<NAME>, and the instance role's read, write, delete and list on its objects. */
  readonly buckets: readonly { readonly name: string; readonly env: string }[];
  /** TigerBeetle's client port, which the nodes may reach on the replicas (the Nodes stack adds the rule), or null. */
  readonly tigerBeetleClientPort: number | null;
  /** Plain variables every node receives (the service's env), besides the per-node ones. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * The `[deploy.secrets]` references every node's service receives, by variable name: the instance
   * role may read exactly these, and the unit fetches them at each start (values never in the plan).
   */
  readonly secrets: readonly { readonly env: string; readonly ref: string }[];
  /**
   * Each generated variable (`NODE_INDEX`, …, `PEER_PORT_<port>`) with the names the service receives it
   * under (`variable_names`; its own name by default, none for a peer port), in order.
   */
  readonly variableNames: readonly { readonly variable: string; readonly names: readonly string[] }[];
  /**
   * The image every node runs: the AMI pinned by `ami`, or (`first-deploy`) Amazon Linux 2023 read once
   * when the Nodes stack is created and kept (the TigerBeetle replicas' mechanism): a new release replaces no node.
   */
  readonly image: { readonly kind: 'pinned'; readonly ami: string } | { readonly kind: 'first-deploy' };
}

function run(s: ServiceConfig, ecrRepositoryArn: (uri: string) => string | null): NodeRun {
  if (s.artifact) {
    const m = /^s3:\/\/([^/]+)\/(.+)$/.exec(s.artifact);
    return { kind: 'artifact', s3: s.artifact, bucket: m?.[1] ?? '', key: m?.[2] ?? '', command: s.command };
  }
  return s.image ? { kind: 'image', uri: s.image, ecrRepositoryArn: ecrRepositoryArn(s.image) } : { kind: 'asset', dockerfile: s.dockerfile };
}

/** The generated variables a node receives as they are: the web service's values known now (the database's name and port among them). */
function appVariables(req: InfraRequirements, config: ResolvedConfig): Readonly<Record<string, string>> {
  const known = (v: { readonly name: string; readonly value: string }) => NODE_GROUP_APP_VARIABLES.has(v.name) || (NODE_GROUP_DATABASE_VARIABLES.has(v.name) && !hasEndpoint(v.value));
  return Object.fromEntries(generatedVariables(req, config, 'web').filter((v) => v.kind === 'value' && known(v)).map((v) => [v.name, v.value]));
}

const hasEndpoint = (value: string) => value.includes(DATABASE_ENDPOINT) || value.includes(DATABASE_READER_ENDPOINT);

/** What a node group receives of the database, and how (see AwsNodeGroup.database). */
function databaseOf(req: InfraRequirements, config: ResolvedConfig): AwsNodeGroup['database'] {
  if (!req.database) return null;
  const vars = generatedVariables(req, config, 'web').filter((v) => NODE_GROUP_DATABASE_VARIABLES.has(v.name));
  const generated = databasePasswordReference(req) === null;
  return {
    endpointVariables: Object.fromEntries(vars.filter((v) => v.kind === 'value' && hasEndpoint(v.value)).map((v) => [v.name, v.value])),
    readerEndpoint: vars.some((v) => v.value.includes(DATABASE_READER_ENDPOINT)),
    generatedCredentials: generated ? vars.filter((v) => v.kind === 'secret').map((v) => ({ env: v.name, jsonKey: v.name === 'DATABASE_USER' ? 'username' : 'password' })) : [],
    port: DATABASE_PORT,
  };
}

/** The node group of an EC2 service: every choice the Nodes stack renders. */
export function nodeGroupOf(req: InfraRequirements, config: ResolvedConfig, service: string, s: ServiceConfig, ecrRepositoryArn: (uri: string) => string | null): AwsNodeGroup {
  const d = config.deploy;
  const env = d.environment;
  const placements = nodePlacements(d.network.vpc_cidr, d.network.az_count, s.ip_offset, s.node_count);
  const seeds = seedAddresses(s, placements);
  const https = d.domain.name !== '';
  const ports = s.public_ports.length ? s.public_ports : https ? [443, 80] : [80];
  const withRedirect = https && !ports.includes(80) && s.public_ports.length === 0 ? [...ports, 80] : ports;
  return {
    service,
    instanceType: s.instance_type,
    nodes: placements.map((p) => {
      return {
        index: p.index,
        id: `Node${p.index}`,
        az: p.zone,
        address: p.address,
        seed: seeds.includes(p.address),
        dnsName: s.private_dns ? `node-${p.index}.${s.private_dns}` : null,
      };
    }),
    addresses: placements.map((p) => p.address),
    seeds,
    port: s.port,
    healthCheckPath: s.health_check_path,
    peerPorts: s.peer_ports,
    listeners: withRedirect.map((port) => ({ port, protocol: https ? (port === 443 ? 'HTTPS' : 'REDIRECT') : 'HTTP' })),
    volume: s.volume_size_gb > 0 ? { sizeGb: s.volume_size_gb } : null,
    snapshotRetentionDays: s.volume_size_gb > 0 ? s.snapshot_retention_days : 0,
    backup: s.backup_retention_days > 0 ? { namePrefix: bucketPrefix(req.app, env, `${service}-backups`), retentionDays: s.backup_retention_days } : null,
    privateDns: s.private_dns || null,
    ssh: s.ssh_cidr ? { cidr: s.ssh_cidr, keyName: s.key_name } : null,
    run: run(s, ecrRepositoryArn),
    logGroup: `/${req.app}/${env}/nodes-${service}`,
    appVariables: appVariables(req, config),
    database: databaseOf(req, config),
    buckets: req.objectStores.map((b) => ({ name: b.name, env: `BUCKET_${envName(b.name)}` })),
    tigerBeetleClientPort: req.ledgerCluster ? TIGERBEETLE_CLIENT_PORT : null,
    env: s.env,
    variableNames: nodeVariableNames(s),
    image: s.ami ? { kind: 'pinned', ami: s.ami } : { kind: 'first-deploy' },
    secrets: [
      ...req.secrets.flatMap((x) => (x.from.kind === 'reference' ? [{ env: x.env, ref: x.from.ref }] : [])),
      // PGPASSWORD is DATABASE_PASSWORD, read from the same reference when [deploy.secrets] supplies it.
      ...(req.database && databasePasswordReference(req) !== null ? [{ env: 'PGPASSWORD', ref: databasePasswordReference(req) as string }] : []),
    ],
  };
}

/** What each node receives besides the service's env, as the plan shows it (values that differ per node as ranges). */
export function nodeVariables(g: AwsNodeGroup): ServiceVariable[] {
  const n = g.nodes.length;
  const values: Readonly<Record<string, string>> = {
    NODE_INDEX: n === 1 ? '0' : `0..${n - 1} (the node's position)`,
    NODE_COUNT: String(n),
    NODE_ADDRESS: n === 1 ? (g.addresses[0] as string) : "the node's fixed address",
    PEER_IPS: g.addresses.join(','),
    SEED_IPS: g.seeds.join(','),
    PORT: String(g.port),
    DATA_DIR: NODE_DATA_DIR,
    BACKUP_BUCKET: g.backup ? `${g.backup.namePrefix}-<creation id>` : '',
    ...Object.fromEntries(g.peerPorts.map((p) => [`PEER_PORT_${p}`, String(p)])),
  };
  // Under the names variable_names gives them: a renamed variable shows its generated name.
  return g.variableNames.flatMap(({ variable, names }) =>
    names.map((name): ServiceVariable => ({ name, kind: 'value', value: name === variable ? (values[variable] as string) : `${values[variable] as string} (${variable})` })),
  );
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const fixed = (usd: number, basis: string): Cost => ({ low: round2(usd), high: round2(usd), basis });

function cfn(counts: Readonly<Record<string, number>>): Readonly<Record<string, number>> {
  return Object.fromEntries(Object.entries(counts).filter(([, n]) => n > 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Construct IDs of the Nodes stack that do not come from a node (a node's are `Node<i>…`). */
export const NODES_STACK_IDS = { loadBalancer: 'LoadBalancer', securityGroups: 'SecurityGroups', role: 'NodeRole', logGroup: 'LogGroup', snapshots: 'SnapshotPolicy', backups: 'BackupBucket', zone: 'PrivateZone', image: 'Image' } as const;

/** The custom resource that reads the Amazon Linux 2023 image once, when the Nodes stack is created. */
export const NODE_IMAGE_RESOURCE_TYPE = 'Custom::NodeGroupImage';

/** How the plan shows a group's image. */
function imageText(g: AwsNodeGroup): string {
  return g.image.kind === 'pinned' ? `${g.image.ami} (pinned by ami)` : 'Amazon Linux 2023, the latest when the Nodes stack is first deployed, then kept until ami is set';
}

/**
 * The Nodes stack's resources: one per node (its single-instance group, fixed address, data
 * volume, record and alarms), and what the group shares (load balancer, security groups, role,
 * log group, snapshot policy, backup bucket, private zone).
 */
export function nodeStackResources(g: AwsNodeGroup, config: ResolvedConfig, prices: RegionPrices, notes: string[]): Omit<PlanResource, 'templateBytes'>[] {
  const d = config.deploy;
  const prod = d.environment === 'prod';
  const prefix = g.service in d.services ? `services.${g.service}` : 'compute';
  const key = (k: string): Because => configKey(config, `${prefix}.${k}`);
  const because = [key('runtime'), key('node_count'), key('instance_type')];
  const hourly = hourlyPrice(prices.ec2, g.instanceType, `${prefix}.instance_type`, notes);
  const volumeMonth = (NODE_ROOT_VOLUME_GB + (g.volume?.sizeGb ?? 0)) * prices.gp3GbMonth;
  const out: Omit<PlanResource, 'templateBytes'>[] = g.nodes.map((n) => {
    const params: [string, ParamValue][] = [
      ['instance', g.instanceType],
      ['address', n.address],
      ['availability zone', `#${n.az + 1}`],
      ['seed', n.seed],
      ...(n.dnsName ? ([['name', n.dnsName]] as [string, ParamValue][]) : []),
      ['data volume', g.volume ? `${g.volume.sizeGb} GiB gp3, encrypted, kept across replacements` : 'none (volume_size_gb = 0)'],
      ['image', imageText(g)],
    ];
    return {
      id: n.id,
      type: 'AWS::AutoScaling::AutoScalingGroup',
      title: `node ${n.index} of ${g.service}${n.seed ? ' (seed)' : ''}: self-healing single instance, fixed address${g.volume ? ', persistent volume' : ''}`,
      params,
      because: [...because, key('ip_offset'), ...(n.seed ? [key('seed_addresses')] : []), ...(g.volume ? [key('volume_size_gb')] : []), ...(g.image.kind === 'pinned' ? [key('ami')] : [])],
      cost: ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH + volumeMonth, `${g.instanceType} on demand + ${NODE_ROOT_VOLUME_GB}${g.volume ? ` + ${g.volume.sizeGb}` : ''} GiB gp3`)),
      cloudformation: cfn({
        'AWS::AutoScaling::AutoScalingGroup': 1,
        'AWS::EC2::LaunchTemplate': 1,
        'AWS::EC2::NetworkInterface': 1,
        'AWS::EC2::Volume': g.volume ? 1 : 0,
        'AWS::Route53::RecordSet': n.dnsName ? 1 : 0,
      }),
    };
  });
  const https = g.listeners.some((l) => l.protocol === 'HTTPS');
  const lb = { certificateArn: d.domain.certificate_arn, zoneId: d.domain.hosted_zone_id };
  const emptiedLogs = !prod;
  out.push({
    id: NODES_STACK_IDS.loadBalancer,
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    title: `Application Load Balancer for ${g.service}: ${g.listeners.map((l) => (l.protocol === 'REDIRECT' ? `${l.port} → 443` : `${l.port} (${l.protocol})`)).join(', ')} → every node on ${g.port}`,
    params: [
      ['listeners', g.listeners.map((l) => (l.protocol === 'REDIRECT' ? `${l.port} redirects to 443` : `${l.port} ${l.protocol}`))],
      ['targets', `${g.nodes.length} fixed address${g.nodes.length === 1 ? '' : 'es'} on port ${g.port}`],
      ['health check', g.healthCheckPath],
      ['access logs', prod ? 'kept 90 days, retained' : 'kept 90 days'],
    ],
    because: [key('public_ports'), key('port'), configKey(config, 'domain.name')],
    cost: { low: round2(prices.albHour * HOURS_PER_MONTH + prices.albLcuHour * HOURS_PER_MONTH), high: round2(prices.albHour * HOURS_PER_MONTH + 10 * prices.albLcuHour * HOURS_PER_MONTH), basis: '1-10 LCU' },
    cloudformation: cfn({
      'AWS::ElasticLoadBalancingV2::LoadBalancer': 1,
      'AWS::ElasticLoadBalancingV2::Listener': g.listeners.length,
      'AWS::ElasticLoadBalancingV2::TargetGroup': 1,
      'AWS::CertificateManager::Certificate': https && !lb.certificateArn ? 1 : 0,
      'AWS::Route53::RecordSet': https && lb.zoneId ? 1 : 0,
      'AWS::S3::Bucket': 1,
      'AWS::S3::BucketPolicy': 1,
      'Custom::S3AutoDeleteObjects': emptiedLogs ? 1 : 0,
      'AWS::Lambda::Function': emptiedLogs ? 1 : 0,
      'AWS::IAM::Role': emptiedLogs ? 1 : 0,
    }),
  });
  out.push({
    id: NODES_STACK_IDS.securityGroups,
    type: 'AWS::EC2::SecurityGroup',
    title: `the nodes' security group, and its rules with the load balancer's: ${g.port} only from the load balancer${g.peerPorts.length ? `, ${g.peerPorts.join(', ')} only between nodes` : ''}${g.ssh ? `, SSH from ${g.ssh.cidr}` : ''}${g.database ? `; the database's ${g.database.port} from the nodes` : ''}${g.tigerBeetleClientPort !== null ? `; the TigerBeetle replicas' ${g.tigerBeetleClientPort} from the nodes` : ''}`,
    params: [
      ['public (load balancer)', g.listeners.map((l) => String(l.port))],
      ['service port (from the load balancer)', String(g.port)],
      ['peer ports (node to node)', g.peerPorts.length ? g.peerPorts.map(String) : ['none']],
      ['SSH', g.ssh ? `from ${g.ssh.cidr}, key pair ${g.ssh.keyName || '(none)'}` : 'none: Session Manager'],
      ...(g.database ? ([['database (from the nodes)', String(g.database.port)]] as [string, ParamValue][]) : []),
      ...(g.tigerBeetleClientPort !== null ? ([['TigerBeetle (the replicas, from the nodes)', String(g.tigerBeetleClientPort)]] as [string, ParamValue][]) : []),
    ],
    because: [key('peer_ports'), key('public_ports'), ...(g.ssh ? [key('ssh_cidr')] : [])],
    cost: null,
    // The nodes' rules between groups are resources of their own; CIDR rules are inline.
    // The nodes' group (the load balancer's is the Network stack's); rules between groups, and listener ports the
    // Network stack does not open (it opens 80, and 443 with HTTPS), are resources of their own.
    cloudformation: cfn({
      'AWS::EC2::SecurityGroup': 1,
      'AWS::EC2::SecurityGroupIngress': 1 + g.peerPorts.length + (g.tigerBeetleClientPort !== null ? 1 : 0) + (g.database ? 1 : 0) + g.listeners.filter((l) => l.port !== 80 && !(l.port === 443 && https)).length,
      'AWS::EC2::SecurityGroupEgress': 1,
    }),
  });
  out.push({
    id: NODES_STACK_IDS.role,
    type: 'AWS::IAM::Role',
    title: `the nodes' instance role: Session Manager, the CloudWatch agent, attaching its own address and volume${g.run.kind === 'artifact' ? ', reading the artifact' : ', pulling the image'}${g.backup ? ', writing backups' : ''}${g.buckets.length ? `, the objects of ${g.buckets.map((b) => b.name).join(', ')}` : ''}${g.secrets.length ? ', reading its secrets' : ''}${g.database?.generatedCredentials.length ? ", reading the database's credentials" : ''}`,
    params: [
      ['run', g.run.kind === 'artifact' ? `${g.run.s3}, started with ${JSON.stringify(g.run.command)}` : g.run.kind === 'image' ? g.run.uri : `built from ${g.run.dockerfile} by cdk deploy (Docker on the deploying machine)`],
      ['metadata', 'IMDSv2 only'],
      // By name and reference only: the values are read by the node when its service starts.
      ...(g.buckets.length ? ([['buckets (objects: read, write, delete, list)', g.buckets.map((b) => `${b.env}: ${b.name}`)]] as [string, ParamValue][]) : []),
      ...(g.secrets.length ? ([['secrets (fetched at each service start, file mode 0600)', g.secrets.map((x) => `${x.env} from ${x.ref}`)]] as [string, ParamValue][]) : []),
    ],
    because: [key(g.run.kind === 'artifact' ? 'artifact' : g.run.kind === 'image' ? 'image' : 'dockerfile'), ...Object.keys(d.secrets).filter((k) => g.secrets.some((x) => x.env === k.toUpperCase())).map((k) => configKey(config, `secrets.${k}`))],
    cost: null,
    cloudformation: cfn({ 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1, 'AWS::IAM::InstanceProfile': 1 }),
  });
  out.push({
    id: NODES_STACK_IDS.logGroup,
    type: 'AWS::Logs::LogGroup',
    title: "the nodes' logs (the service's output and each boot), sent by the CloudWatch agent",
    params: [
      ['name', `${g.logGroup}-<creation id>`],
      ['retention', `${d.logs.retention_days} days`],
    ],
    because: [configKey(config, 'logs.retention_days')],
    cost: null,
    cloudformation: cfn({ 'AWS::Logs::LogGroup': 1 }),
  });
  if (g.volume && g.snapshotRetentionDays > 0) {
    const gb = g.volume.sizeGb * g.nodes.length;
    out.push({
      id: NODES_STACK_IDS.snapshots,
      type: 'AWS::DLM::LifecyclePolicy',
      title: `daily snapshots of the ${g.nodes.length} data volume${g.nodes.length === 1 ? '' : 's'}, kept ${g.snapshotRetentionDays} days (Data Lifecycle Manager)`,
      params: [
        ['schedule', 'every 24 hours at 03:00 UTC'],
        ['kept', `${g.snapshotRetentionDays} days`],
      ],
      because: [key('snapshot_retention_days')],
      cost: { low: round2(gb * SNAPSHOT_GB_MONTH), high: round2(2 * gb * SNAPSHOT_GB_MONTH), basis: `${gb} GiB of volumes: one full copy (low) to two (high), the daily increments between` },
      cloudformation: cfn({ 'AWS::DLM::LifecyclePolicy': 1, 'AWS::IAM::Role': 1 }),
    });
  }
  if (g.backup) {
    out.push({
      id: NODES_STACK_IDS.backups,
      type: 'AWS::S3::Bucket',
      title: `the nodes' backup bucket (BACKUP_BUCKET): objects expire after ${g.backup.retentionDays} days; encrypted, versioned, public access blocked, kept when the stack is deleted`,
      params: [
        ['name', `${g.backup.namePrefix}-<creation id>`],
        ['expires', `${g.backup.retentionDays} days`],
      ],
      because: [key('backup_retention_days')],
      cost: { low: 0, high: round2(100 * prices.s3GbMonth), basis: 'per GB stored: high assumes 100 GB' },
      cloudformation: cfn({ 'AWS::S3::Bucket': 1, 'AWS::S3::BucketPolicy': 1 }),
    });
  }
  if (g.image.kind === 'first-deploy') {
    out.push({
      id: NODES_STACK_IDS.image,
      type: NODE_IMAGE_RESOURCE_TYPE,
      title: 'the Amazon Linux 2023 image, read once when the stack is created and kept (a new release replaces no node)',
      params: [['image', imageText(g)]],
      because: [key('ami')],
      cost: fixed(0, 'a function that runs when the stack is created'),
      // aws-cdk's AwsCustomResource: the resource, its function, and the function's role and policy.
      cloudformation: cfn({ [NODE_IMAGE_RESOURCE_TYPE]: 1, 'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 }),
    });
  }
  if (g.privateDns) {
    out.push({
      id: NODES_STACK_IDS.zone,
      type: 'AWS::Route53::HostedZone',
      title: `private hosted zone ${g.privateDns} in the VPC: node-<n>.${g.privateDns} for every node`,
      params: [['records', g.nodes.map((n) => `${n.dnsName} → ${n.address}`)]],
      because: [key('private_dns')],
      cost: fixed(HOSTED_ZONE_MONTH, 'one hosted zone'),
      cloudformation: cfn({ 'AWS::Route53::HostedZone': 1 }),
    });
  }
  return out;
}
