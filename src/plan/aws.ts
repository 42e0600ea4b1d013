/**
 * AWSRequirements: the concrete AWS choices for one environment, typed, made
 * once from the InfraRequirements and the resolved config. The plan shows
 * them (with costs and reasons); `generate` renders exactly them.
 */
import { EBS, type ResolvedConfig, type ServiceConfig } from '../config/index.js';
import {
  alarmTopicName,
  bucketPrefix,
  busName,
  clusterIdentifier,
  constructId,
  createdSecretName,
  databaseName,
  emailIdentity,
  logGroupName,
  queueNames,
  scheduleQueueNames,
  subnetLayout,
  tigerBeetleAddress,
  tigerBeetleParameterPrefix,
  tigerBeetleZone,
  TIGERBEETLE_CLIENT_PORT,
  wiringParameters,
  type InfraRequirements,
  type SubnetLayout,
} from '../lower/index.js';
import { plannedAlarms, type AwsAlarm } from './alarms.js';
import { frontendOf, type AwsFrontend } from './frontend.js';
import { nodeGroupOf, type AwsNodeGroup } from './nodes.js';
import type { StackName } from './model.js';
import { namePrefixes, taskRolePolicy, type AwsGrants, type TaskRolePolicy } from './policies.js';

export type { AwsGrants } from './policies.js';
import { imagesOf, type AwsImages } from './images.js';
import { awsKafka, type AwsKafka } from './kafka.js';
import { awsKvrocks, type AwsKvrocks } from './kvrocks.js';
import { awsApiGateway, type AwsApiGateway } from './api-gateway.js';

export { bucketPrefix, subnetLayout, tigerBeetleAddress, type SubnetLayout };
export type { AwsAlarm } from './alarms.js';

/** The user name of the database's master user: fixed when the cluster is created (changing it replaces the cluster). */
export const DATABASE_MASTER_USER = 'dazzle_admin';

export interface TigerBeetleNode {
  readonly index: number;
  readonly id: string;
  /** Position among the availability zones (0-based). */
  readonly az: number;
  readonly address: string;
}

export interface AwsTigerBeetle {
  readonly version: string;
  readonly clusterId: number;
  readonly instanceType: string;
  readonly nodes: readonly TigerBeetleNode[];
  /** The one ordered list every replica and client uses; a replica's index is its position. */
  readonly addresses: readonly string[];
  readonly volume: { readonly type: 'gp3' | 'io2'; readonly sizeGb: number; readonly iops: number; readonly throughput: number | null };
  readonly parameterPrefix: string;
  /** The replicas' log group, before `-<creation id>` of the TigerBeetle stack (it is kept in prod). */
  readonly logGroup: string;
  /** The one port of a replica: clients and the other replicas connect to it (TigerBeetle uses no other). */
  readonly clientPort: 3000;
  /**
   * The image every replica runs: the AMI pinned by `tigerbeetle.ami`, or (`first-deploy`) Amazon
   * Linux 2023 resolved once, when the TigerBeetle stack is first deployed, and kept.
   */
  readonly image: { readonly kind: 'pinned'; readonly ami: string } | { readonly kind: 'first-deploy' };
}

export interface AwsDatabase {
  readonly engineVersion: string;
  readonly mode: 'serverless' | 'provisioned';
  readonly minAcu: number;
  readonly maxAcu: number;
  readonly instanceClass: string;
  readonly readers: number;
  readonly storageGb: number;
  readonly backupRetentionDays: number;
  readonly deletionProtection: boolean;
  readonly removalPolicy: 'snapshot' | 'retain' | 'destroy';
  readonly databaseName: string;
  /** The cluster identifier before `-<creation id>` (the cluster outlives its stack, so its name must not be reused). */
  readonly clusterIdentifier: string;
  /** The master user (`dazzle_admin`), the one user the services log in as. */
  readonly masterUser: string;
  /**
   * Where the master password comes from, and so what the services receive as DATABASE_PASSWORD:
   * a secret the Data stack generates, or the `[deploy.secrets] database_password` reference
   * (the cluster is created with that password, and the services read the same reference).
   */
  readonly credentials: { readonly kind: 'generated' } | { readonly kind: 'reference'; readonly ref: string };
}

export interface AwsBucket {
  readonly name: string;
  /**
   * The bucket's name before `-<creation id>` of the Data stack: the Compute stack reads the
   * creation id (one SSM parameter) and names the bucket in its variables and policies with it.
   */
  readonly namePrefix: string;
  readonly fields: readonly string[];
  readonly versioning: boolean;
  readonly removalPolicy: 'retain' | 'destroy';
  /** The Data stack that makes it (its creation id ends the bucket's name). */
  readonly stack: StackName;
}

export interface AwsService {
  /**
   * Construct ID, unique by construction: `Service<Name>` (or `Nodes<Name>` on EC2) for a
   * configured service, `Worker` for the worker dazzle adds, whatever the services are named.
   */
  readonly id: string;
  readonly name: string;
  readonly role: 'web' | 'worker';
  /**
   * Log stream prefix in the services' log group: a configured service's name; the worker's is
   * `dazzle-worker`, a name no configured service can have (their names are lower_snake_case).
   */
  readonly logStreamPrefix: string;
  readonly runtime: 'fargate' | 'ec2';
  readonly settings: ServiceConfig;
  /**
   * Where the image comes from: a pushed image (with its ECR repository's ARN when it is in a
   * private ECR registry, whose pull the execution role needs), or a Dockerfile built by
   * `cdk deploy` (with Docker, on the machine that deploys).
   */
  readonly image:
    | { readonly kind: 'uri'; readonly uri: string; readonly ecrRepositoryArn: string | null }
    | { readonly kind: 'asset'; readonly dockerfile: string }
    | { readonly kind: 'artifact'; readonly s3: string; readonly command: string };
  /** The construct ID of the service's own task role: `ServiceWebTaskRole`, `WorkerTaskRole`. */
  readonly taskRoleId: string;
  /** What the service's task role may do: exactly what the service uses. */
  readonly grants: AwsGrants;
  /** The task role's statements, and whether they name queues, buckets and buses by prefix. */
  readonly policy: TaskRolePolicy;
  /** The Compute stack that runs it. */
  readonly stack: StackName;
}


/** A queue and its dead-letter queue, with their fixed names. */
export interface AwsQueue {
  readonly name: string;
  readonly deadLetterAfter: number;
  readonly queueName: string;
  readonly deadLetterQueueName: string;
  /** The Messaging stack that makes it. */
  readonly stack: StackName;
}

export interface AwsRequirements {
  readonly app: string;
  readonly environment: string;
  readonly region: string;
  readonly network: {
    readonly cidr: string;
    readonly azCount: number;
    /** The availability zones by name, one per subnet of each tier (`subnets.public[i]` is in `zones[i]`). */
    readonly zones: readonly string[];
    readonly natGateways: number;
    readonly subnets: SubnetLayout;
    readonly namespace: string;
  };
  readonly tigerbeetle: AwsTigerBeetle | null;
  readonly database: AwsDatabase | null;
  readonly buckets: readonly AwsBucket[];
  readonly queues: readonly AwsQueue[];
  /** The queue every schedule sends to (fixed names), when there are schedules. */
  readonly scheduleQueue: { readonly queueName: string; readonly deadLetterQueueName: string } | null;
  readonly buses: readonly { readonly name: string; readonly kind: 'eventbridge' | 'kafka-topic'; readonly retention: string | null; readonly busName: string; readonly stack: StackName }[];
  /**
   * SES identities: the channel's from address, and the address this environment sends from
   * (`identity`: the address in prod, its sub-address `local+<env>@domain` elsewhere).
   */
  readonly emailIdentities: readonly { readonly name: string; readonly fromAddress: string | null; readonly identity: string | null; readonly stack: StackName }[];
  readonly schedules: readonly { readonly name: string; readonly expression: string; readonly timezone: string | null; readonly target: 'worker'; readonly stack: StackName }[];
  /** Amazon MSK (`[deploy.kafka] enabled`): the Kafka stack (src/plan/kafka.ts). */
  readonly kafka: AwsKafka | null;
  /** ElastiCache (Compute stack); null with Kvrocks, which is `kvrocks`. */
  readonly cache: { readonly engine: 'valkey' | 'redis' | 'kvrocks'; readonly nodeType: string; readonly replicas: number } | null;
  /** Kvrocks with sentinels on ECS (`[deploy.cache] engine = "kvrocks"`): the Cache stack (src/plan/kvrocks.ts). */
  readonly kvrocks: AwsKvrocks | null;
  readonly services: readonly AwsService[];
  /** The EC2 node groups (`runtime = "ec2"` services), rendered by the Nodes stack. */
  readonly nodeGroups: readonly AwsNodeGroup[];
  readonly loadBalancer: { readonly https: boolean; readonly internal: boolean; readonly domain: string; readonly certificateArn: string; readonly hostedZone: string; readonly hostedZoneId: string };
  /** Secrets the services receive; a created one is named `name-<creation id>` of the Compute stack. */
  readonly secrets: readonly { readonly env: string; readonly from: { readonly kind: 'reference'; readonly ref: string } | { readonly kind: 'create'; readonly name: string } }[];
  readonly observability: {
    readonly alarmEmails: readonly string[];
    readonly snsTopicArn: string;
    readonly logRetentionDays: number;
    /** The alarm topic's fixed name (when dazzle creates it): every stack's alarms send to the ARN built from it. */
    readonly alarmTopicName: string;
    /** The services' log group, before `-<creation id>` of the Compute stack. */
    readonly servicesLogGroup: string;
  };
  /** The SSM parameters the stacks share values through (see `wiringParameters`). */
  readonly wiring: ReturnType<typeof wiringParameters>;
  /** Every alarm, in the stack that owns what it watches. */
  readonly alarms: readonly AwsAlarm[];
  /**
   * The Observability dashboard: every alarm in alarm-status widgets (`alarmsPerStatusWidget`
   * each), and a graph of the metric of the first `graphs` alarms (CloudWatch allows 500 widgets
   * on a dashboard; the graphs are capped well below, so that the template stays small).
   */
  readonly dashboard: { readonly alarmsPerStatusWidget: number; readonly statusWidgets: number; readonly graphs: readonly { readonly stack: StackName; readonly id: string }[]; readonly graphsOmitted: number };
  /** `[deploy.frontend]` when it names files to publish: the Frontend stack. */
  readonly frontend: AwsFrontend | null;
  /** API Gateway in front of an internal load balancer (`[deploy.api_gateway] enabled`): the Api stack (src/plan/api-gateway.ts). */
  readonly apiGateway: AwsApiGateway | null;
  /** The app's image repository, when a service's image is built from the project's Dockerfile. */
  readonly images: AwsImages | null;
}

/** The worker's log stream prefix: outside the names configured services can have. */
export const WORKER_LOG_STREAM_PREFIX = 'dazzle-worker';

/** A private ECR image (`<account>.dkr.ecr.<region>.amazonaws.com[.cn]/<repository>[:tag|@digest]`). */
const ECR_IMAGE = /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9][a-z0-9._/-]*?)(?::[\w][\w.-]*)?(?:@sha256:[0-9a-f]{64})?$/;

/** The ARN of the ECR repository an image URI is in, or null for any other registry. */
export function ecrRepositoryArn(uri: string): string | null {
  const m = ECR_IMAGE.exec(uri);
  if (!m) return null;
  const [, account, region, china, repository] = m;
  return `arn:${china ? 'aws-cn' : 'aws'}:ecr:${region}:${account}:repository/${repository}`;
}

function image(s: ServiceConfig): AwsService['image'] {
  if (s.runtime === 'ec2' && s.artifact) return { kind: 'artifact', s3: s.artifact, command: s.command };
  return s.image ? { kind: 'uri', uri: s.image, ecrRepositoryArn: ecrRepositoryArn(s.image) } : { kind: 'asset', dockerfile: s.dockerfile };
}

/** What each service may use: web services send to the queues; the worker also consumes them and the schedules. */
function grantsFor(req: InfraRequirements, role: 'web' | 'worker', kafka: boolean): AwsGrants {
  return {
    buckets: req.objectStores.length > 0,
    sendToQueues: req.queues.length > 0,
    consumeQueues: role === 'worker' && req.queues.length > 0,
    consumeSchedules: role === 'worker' && req.schedules.length > 0,
    // With Kafka, the streams and event topics are Kafka topics, not EventBridge buses.
    putEvents: !kafka && req.eventBuses.length > 0,
    sendEmail: req.emailSenders.length > 0,
    tigerBeetleParameters: req.ledgerCluster !== null,
    kafkaTopics: kafka ? req.eventBuses.map((b) => b.name) : [],
  };
}

/** The `[deploy.secrets] database_password` reference, when it supplies the database's password. */
function databasePasswordRef(req: InfraRequirements): string | null {
  const s = req.secrets.find((x) => x.env === 'DATABASE_PASSWORD');
  return req.database && s?.from.kind === 'reference' ? s.from.ref : null;
}

/** Alarms whose metric the dashboard graphs, at most (the others show in its alarm-status widgets only). */
export const DASHBOARD_GRAPHS = 100;
/** Alarms one alarm-status widget shows (CloudWatch's limit). */
export const ALARMS_PER_STATUS_WIDGET = 100;

/** The key of each unit the plan places in a stack (and the version file records). */
export const unitKey = {
  queue: (name: string) => `queue:${name}`,
  schedule: (name: string) => `schedule:${name}`,
  bus: (name: string) => `bus:${name}`,
  email: (name: string) => `email:${name}`,
  bucket: (name: string) => `bucket:${name}`,
  service: (name: string) => `service:${name}`,
} as const;

/**
 * The AWS choices. `placement` says which stack of its family each queue, schedule, bus, email
 * identity, bucket and web service goes to (see `shards.ts`); without it, each goes to the
 * family's first stack.
 */
export function lowerToAws(req: InfraRequirements, config: ResolvedConfig, placement: ReadonlyMap<string, StackName> = new Map()): AwsRequirements {
  const base = lowerBase(req, config, placement);
  const tbParameters = base.tigerbeetle ? [...base.tigerbeetle.nodes.map((n) => `/nodes/${n.index}`), '/cluster_id', '/replica_count'].map((x) => `${base.tigerbeetle?.parameterPrefix}${x}`) : [];
  const named = {
    app: base.app,
    environment: base.environment,
    region: base.region,
    queues: base.queues,
    scheduleQueue: base.scheduleQueue,
    buckets: base.buckets,
    buses: base.buses.filter((b) => b.kind === 'eventbridge'),
    emailIdentities: base.emailIdentities.flatMap((e) => (e.identity === null ? [] : [e.identity])),
    tigerBeetleParameters: tbParameters,
    kafka: base.kafka,
  };
  const resources = { ...named, prefixes: namePrefixes(named) };
  const services = base.services.map((s) => ({ ...s, policy: taskRolePolicy(s.grants, resources) }));
  const withServices = { ...base, services };
  const alarms = plannedAlarms(withServices);
  // The dashboard graphs the alarms of the services, the database and TigerBeetle first, then the queues'.
  const ordered = [...alarms.filter((x) => !x.stack.startsWith('Messaging')), ...alarms.filter((x) => x.stack.startsWith('Messaging'))];
  const graphs = ordered.slice(0, DASHBOARD_GRAPHS).map((x) => ({ stack: x.stack, id: x.id }));
  return {
    ...withServices,
    alarms,
    dashboard: { alarmsPerStatusWidget: ALARMS_PER_STATUS_WIDGET, statusWidgets: Math.ceil(alarms.length / ALARMS_PER_STATUS_WIDGET), graphs, graphsOmitted: alarms.length - graphs.length },
  };
}

function lowerBase(req: InfraRequirements, config: ResolvedConfig, placement: ReadonlyMap<string, StackName>): Omit<AwsRequirements, 'alarms' | 'dashboard' | 'services'> & { readonly services: readonly Omit<AwsService, 'policy'>[] } {
  const at = (key: string, family: StackName): StackName => placement.get(key) ?? family;
  const d = config.deploy;
  const env = d.environment;
  const azs = d.network.az_count;
  const tb = d.tigerbeetle;
  const io2 = tb.volume_iops > EBS.gp3.maxIops;
  const nodes: TigerBeetleNode[] = req.ledgerCluster
    ? Array.from({ length: tb.node_count }, (_, i) => ({ index: i, id: `Replica${i}`, az: tigerBeetleZone(azs, i), address: tigerBeetleAddress(d.network.vpc_cidr, azs, i) }))
    : [];
  const services: Omit<AwsService, 'policy'>[] = req.webServices.map((w) => {
    const settings = Object.keys(d.services).length === 0 ? d.compute : (d.services[w.name] ?? d.compute);
    const id = settings.runtime === 'fargate' ? constructId.service(w.name) : constructId.nodes(w.name);
    return { id, name: w.name, role: 'web', logStreamPrefix: w.name, runtime: settings.runtime, settings, image: image(settings), taskRoleId: constructId.taskRole(id), grants: grantsFor(req, 'web', d.kafka.enabled), stack: at(unitKey.service(w.name), 'Compute') };
  });
  if (req.worker) {
    const settings: ServiceConfig = { ...d.compute, runtime: 'fargate', desired_count: 1, min_count: 1, max_count: 1 };
    // The worker stays in the first Compute stack: it consumes the schedule queue, and there is one.
    services.push({ id: 'Worker', name: 'worker', role: 'worker', logStreamPrefix: WORKER_LOG_STREAM_PREFIX, runtime: 'fargate', settings, image: image(d.compute), taskRoleId: constructId.taskRole('Worker'), grants: grantsFor(req, 'worker', d.kafka.enabled), stack: 'Compute' });
  }
  const passwordRef = databasePasswordRef(req);
  return {
    app: req.app,
    environment: d.environment,
    region: d.region,
    network: { cidr: d.network.vpc_cidr, azCount: azs, zones: d.network.availability_zones, natGateways: d.network.nat_gateways, subnets: subnetLayout(d.network.vpc_cidr, azs), namespace: d.network.namespace },
    tigerbeetle: req.ledgerCluster
      ? {
          version: tb.version,
          clusterId: tb.cluster_id,
          instanceType: tb.size,
          nodes,
          addresses: nodes.map((n) => `${n.address}:${TIGERBEETLE_CLIENT_PORT}`),
          volume: { type: io2 ? 'io2' : 'gp3', sizeGb: tb.volume_size_gb, iops: tb.volume_iops, throughput: io2 ? null : tb.volume_throughput },
          parameterPrefix: tigerBeetleParameterPrefix(req.app, d.environment),
          logGroup: logGroupName(req.app, d.environment, 'tigerbeetle'),
          clientPort: 3000,
          image: tb.ami ? { kind: 'pinned', ami: tb.ami } : { kind: 'first-deploy' },
        }
      : null,
    database: req.database
      ? {
          engineVersion: d.database.engine_version,
          mode: d.database.mode === 'provisioned' ? 'provisioned' : 'serverless',
          minAcu: d.database.min_acu,
          maxAcu: d.database.max_acu,
          instanceClass: d.database.instance_class,
          readers: d.database.readers,
          storageGb: d.database.storage_gb,
          backupRetentionDays: d.database.backup_retention_days,
          deletionProtection: d.database.deletion_protection,
          removalPolicy: d.database.removal_policy,
          databaseName: databaseName(req.app).name,
          clusterIdentifier: clusterIdentifier(req.app, env),
          masterUser: DATABASE_MASTER_USER,
          credentials: passwordRef === null ? { kind: 'generated' } : { kind: 'reference', ref: passwordRef },
        }
      : null,
    buckets: req.objectStores.map((s) => ({ name: s.name, namePrefix: bucketPrefix(req.app, env, s.name), fields: s.fields, versioning: d.storage.versioning, removalPolicy: d.storage.removal_policy, stack: at(unitKey.bucket(s.name), 'Data') })),
    queues: req.queues.map((q) => {
      const n = queueNames(req.app, env, q.name);
      return { name: q.name, deadLetterAfter: q.deadLetterAfter, queueName: n.queue, deadLetterQueueName: n.deadLetters, stack: at(unitKey.queue(q.name), 'Messaging') };
    }),
    scheduleQueue: req.schedules.length ? (({ queue, deadLetters }) => ({ queueName: queue, deadLetterQueueName: deadLetters }))(scheduleQueueNames(req.app, env)) : null,
    buses: req.eventBuses.map((b) => ({ name: b.name, kind: d.kafka.enabled ? 'kafka-topic' : 'eventbridge', retention: b.retention, busName: busName(req.app, env, b.name), stack: at(unitKey.bus(b.name), 'Messaging') })),
    emailIdentities: req.emailSenders.map((e) => ({ name: e.name, fromAddress: e.fromAddress, identity: e.fromAddress === null ? null : emailIdentity(e.fromAddress, env), stack: at(unitKey.email(e.name), 'Messaging') })),
    schedules: req.schedules.map((s) => ({ name: s.name, expression: s.expression, timezone: s.timezone, target: s.target, stack: at(unitKey.schedule(s.name), 'Messaging') })),
    kafka: awsKafka(req, config),
    cache: req.cache && d.cache.engine !== 'kvrocks' ? { engine: d.cache.engine, nodeType: d.cache.node_type, replicas: d.cache.replicas } : null,
    kvrocks: awsKvrocks(req, config),
    services,
    nodeGroups: services.filter((s) => s.runtime === 'ec2').map((s) => nodeGroupOf(req, config, s.name, s.settings, ecrRepositoryArn)),
    // With API Gateway, the load balancer is internal and HTTP only: the API has the domain.
    loadBalancer: { https: d.domain.name !== '' && !d.api_gateway.enabled, internal: d.api_gateway.enabled, domain: d.domain.name ? (d.domain.subdomain ? `${d.domain.subdomain}.${d.domain.name}` : d.domain.name) : '', certificateArn: d.domain.certificate_arn, hostedZone: d.domain.hosted_zone || d.domain.name, hostedZoneId: d.domain.hosted_zone_id },
    secrets: req.secrets.map((s) => ({ env: s.env, from: s.from.kind === 'reference' ? s.from : { kind: 'create' as const, name: createdSecretName(req.app, d.environment, s.env) } })),
    observability: {
      alarmEmails: d.alarms.email,
      snsTopicArn: d.alarms.sns_topic_arn,
      logRetentionDays: d.logs.retention_days,
      alarmTopicName: alarmTopicName(req.app, env),
      servicesLogGroup: logGroupName(req.app, env, 'services'),
    },
    wiring: wiringParameters(req.app, env),
    frontend: frontendOf(config),
    apiGateway: awsApiGateway(req, config, services),
    // A node group's image is built by cdk deploy on the deploying machine (the Nodes stack), not pushed by the workflow.
    images: imagesOf(req.app, env, services.filter((s) => s.runtime === 'fargate')),
  };
}
