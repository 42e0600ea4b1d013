/**
 * Defaults: one base value for every key, and per-environment profiles that
 * override some of them. The file overrides both; `[deploy.env.<name>]`
 * overrides the file for that environment; `--env` selects the environment.
 */
import type { Environment } from './vocabulary.js';

/** The resolved `[deploy]` configuration: every key present, snake_case as in the file. */
export interface DeployConfig {
  readonly enabled: boolean;
  readonly environment: Environment;
  readonly region: string;
  readonly output: string;
  readonly network: NetworkConfig;
  readonly compute: ServiceConfig;
  readonly services: Readonly<Record<string, ServiceConfig>>;
  readonly database: DatabaseConfig;
  readonly tigerbeetle: TigerBeetleConfig;
  readonly cache: CacheConfig;
  readonly kafka: KafkaConfig;
  readonly domain: DomainConfig;
  readonly alarms: AlarmsConfig;
  readonly logs: LogsConfig;
  readonly storage: StorageConfig;
  readonly frontend: FrontendConfig;
  readonly api_gateway: ApiGatewayConfig;
  readonly secrets: Readonly<Record<string, string>>;
}

export interface NetworkConfig {
  readonly vpc_cidr: string;
  readonly az_count: number;
  /**
   * The zones the VPC spans, by name. Resolved: the list written in the file, or the
   * first az_count zones of the region (availability-zones.ts); the file's default is [].
   */
  readonly availability_zones: readonly string[];
  readonly nat_gateways: number;
  readonly namespace: string;
}

export interface ServiceConfig {
  readonly runtime: 'fargate' | 'ec2';
  readonly cpu: number;
  readonly memory: number;
  readonly desired_count: number;
  readonly min_count: number;
  readonly max_count: number;
  readonly cpu_target: number;
  readonly port: number;
  readonly health_check_path: string;
  readonly image: string;
  readonly dockerfile: string;
  readonly paths: readonly string[];
  readonly instance_type: string;
  readonly node_count: number;
  readonly ip_offset: number;
  readonly seed_addresses: readonly string[];
  readonly peer_ports: readonly number[];
  readonly public_ports: readonly number[];
  readonly volume_size_gb: number;
  readonly ssh_cidr: string;
  readonly key_name: string;
  readonly artifact: string;
  readonly command: string;
  readonly snapshot_retention_days: number;
  readonly backup_retention_days: number;
  readonly private_dns: string;
  /** The image every node runs (runtime = "ec2"); empty: Amazon Linux 2023 resolved when the Nodes stack is created, and kept. */
  readonly ami: string;
  readonly env: Readonly<Record<string, string>>;
  /**
   * The names the service receives each variable dazzle generates for a node under (runtime = "ec2"):
   * a generated variable (`PORT`, `PEER_PORT_25520`, …) to a name, a list of names, or [] for none.
   */
  readonly variable_names: Readonly<Record<string, string | readonly string[]>>;
}

export interface DatabaseConfig {
  readonly mode: 'auto' | 'serverless' | 'provisioned';
  readonly engine_version: string;
  readonly instance_class: string;
  readonly storage_gb: number;
  readonly min_acu: number;
  readonly max_acu: number;
  readonly readers: number;
  readonly backup_retention_days: number;
  readonly deletion_protection: boolean;
  readonly removal_policy: 'snapshot' | 'retain' | 'destroy';
}

export interface TigerBeetleConfig {
  readonly enabled: boolean;
  readonly version: string;
  readonly cluster_id: number;
  readonly size: string;
  readonly node_count: number;
  readonly volume_size_gb: number;
  readonly volume_iops: number;
  readonly volume_throughput: number;
  readonly ami: string;
}

export interface CacheConfig {
  readonly enabled: 'auto' | boolean;
  readonly engine: 'valkey' | 'redis' | 'kvrocks';
  readonly node_type: string;
  readonly replicas: number;
}

export interface KafkaConfig {
  readonly enabled: boolean;
  readonly broker_count: number;
  readonly instance_type: string;
  readonly version: string;
  readonly volume_size_gb: number;
  /** Partitions of each topic the brokers create (the DSL's streams and event topics). */
  readonly partitions: number;
  /** Copies of each partition; at most broker_count. */
  readonly replication_factor: number;
}

export interface DomainConfig {
  readonly name: string;
  readonly subdomain: string;
  readonly hosted_zone: string;
  readonly hosted_zone_id: string;
  readonly certificate_arn: string;
}

export interface AlarmsConfig {
  readonly email: readonly string[];
  readonly sns_topic_arn: string;
}

export interface LogsConfig {
  readonly retention_days: number;
}

export interface FrontendConfig {
  readonly source_dir: string;
  readonly subdomain: string;
  readonly spa: boolean;
}

export interface ApiGatewayConfig {
  readonly enabled: boolean;
  /** The stage's steady request rate (requests per second). */
  readonly throttling_rate_limit: number;
  /** The stage's burst of requests. */
  readonly throttling_burst_limit: number;
}

export interface StorageConfig {
  readonly versioning: boolean;
  readonly removal_policy: 'retain' | 'destroy';
}

/** Service keys that apply only to runtime = "ec2" (an error on a Fargate service when written). */
export const EC2_ONLY_KEYS = [
  'instance_type',
  'node_count',
  'ip_offset',
  'seed_addresses',
  'peer_ports',
  'public_ports',
  'volume_size_gb',
  'ssh_cidr',
  'key_name',
  'artifact',
  'command',
  'snapshot_retention_days',
  'backup_retention_days',
  'private_dns',
  'variable_names',
  'ami',
] as const;

/** Settings every Fargate service starts from; `[deploy.compute]` changes them for all services. */
const SERVICE: ServiceConfig = {
  runtime: 'fargate',
  cpu: 512,
  memory: 1024,
  desired_count: 2,
  min_count: 1,
  max_count: 4,
  cpu_target: 70,
  port: 8000,
  health_check_path: '/health',
  image: '',
  dockerfile: 'Dockerfile',
  paths: [],
  instance_type: 't3.small',
  node_count: 1,
  ip_offset: 10,
  seed_addresses: [],
  peer_ports: [],
  public_ports: [],
  volume_size_gb: 0,
  ssh_cidr: '',
  key_name: '',
  artifact: '',
  command: '',
  snapshot_retention_days: 0,
  backup_retention_days: 0,
  private_dns: '',
  ami: '',
  env: {},
  variable_names: {},
};

/** Values that hold in every environment unless the file says otherwise. */
export const BASE_DEFAULTS: DeployConfig = {
  enabled: true,
  environment: 'dev',
  region: 'us-east-1',
  output: 'infra',
  network: { vpc_cidr: '10.0.0.0/16', az_count: 2, availability_zones: [], nat_gateways: 1, namespace: '' },
  compute: SERVICE,
  services: {},
  database: {
    mode: 'auto',
    engine_version: '16.6',
    instance_class: 'db.r6g.large',
    storage_gb: 20,
    min_acu: 0.5,
    max_acu: 4,
    readers: 0,
    backup_retention_days: 7,
    deletion_protection: false,
    removal_policy: 'snapshot',
  },
  tigerbeetle: {
    enabled: true,
    version: '0.17.9',
    cluster_id: 1,
    size: 'r6i.large',
    node_count: 3,
    volume_size_gb: 100,
    volume_iops: 5000,
    volume_throughput: 250,
    ami: '',
  },
  cache: { enabled: 'auto', engine: 'valkey', node_type: 'cache.t4g.small', replicas: 1 },
  kafka: { enabled: false, broker_count: 3, instance_type: 'kafka.m5.large', version: '3.6.0', volume_size_gb: 100, partitions: 6, replication_factor: 3 },
  domain: { name: '', subdomain: 'api', hosted_zone: '', hosted_zone_id: '', certificate_arn: '' },
  alarms: { email: [], sns_topic_arn: '' },
  logs: { retention_days: 30 },
  storage: { versioning: true, removal_policy: 'retain' },
  frontend: { source_dir: '', subdomain: 'app', spa: false },
  api_gateway: { enabled: false, throttling_rate_limit: 10000, throttling_burst_limit: 5000 },
  secrets: {},
};

type Profile = { readonly [K in keyof DeployConfig]?: DeployConfig[K] extends object ? Partial<DeployConfig[K]> : DeployConfig[K] };

/**
 * What each environment changes from the base defaults: small and disposable
 * in dev, production-grade in prod (three AZs with a NAT gateway each, a
 * reader, deletion protection, a 3-replica TigerBeetle on 10k IOPS).
 */
export const PROFILES: Readonly<Record<Environment, Profile>> = {
  dev: {
    network: { az_count: 2, nat_gateways: 1 },
    compute: { desired_count: 1, min_count: 1, max_count: 2 },
    database: { min_acu: 0.5, max_acu: 2, readers: 0, backup_retention_days: 1, deletion_protection: false, removal_policy: 'destroy' },
    // t3.large: the smallest size with the 6 GiB a TigerBeetle replica needs (tigerbeetle-sizes.ts).
    tigerbeetle: { node_count: 1, size: 't3.large', volume_size_gb: 50, volume_iops: 3000, volume_throughput: 125 },
    cache: { replicas: 0 },
    kafka: { broker_count: 2, replication_factor: 2 },
    logs: { retention_days: 7 },
    storage: { removal_policy: 'destroy' },
  },
  staging: {
    network: { az_count: 2, nat_gateways: 1 },
    compute: { desired_count: 2, min_count: 1, max_count: 4 },
    database: { min_acu: 0.5, max_acu: 8, readers: 0, backup_retention_days: 7, deletion_protection: false, removal_policy: 'snapshot' },
    tigerbeetle: { node_count: 3, size: 'r6i.large', volume_size_gb: 100, volume_iops: 5000, volume_throughput: 250 },
    cache: { replicas: 1 },
    logs: { retention_days: 30 },
    storage: { removal_policy: 'retain' },
  },
  prod: {
    network: { az_count: 3, nat_gateways: 3 },
    compute: { desired_count: 3, min_count: 3, max_count: 12 },
    database: { min_acu: 2, max_acu: 32, readers: 1, backup_retention_days: 14, deletion_protection: true, removal_policy: 'snapshot' },
    tigerbeetle: { node_count: 3, size: 'r6i.large', volume_size_gb: 100, volume_iops: 10000, volume_throughput: 500 },
    cache: { replicas: 2 },
    kafka: { broker_count: 3 },
    logs: { retention_days: 90 },
    storage: { removal_policy: 'retain' },
  },
};

/** One-line documentation of every key (used by the schema, `config show` and dazzle.toml.example). */
export const DOCS: Readonly<Record<string, string>> = {
  enabled: 'deploy this app at all (false: plan and generate refuse)',
  environment: 'the environment whose profile applies: dev, staging or prod (overridden by --env)',
  region: 'AWS region to deploy to',
  output: 'folder the CDK app is generated into, relative to the project',
  network: 'the VPC',
  'network.vpc_cidr': 'IPv4 range of the VPC: a network address with room for a public, a private and an isolated /24 per availability zone (/21 or larger for 2 zones, /20 for 3)',
  'network.az_count': 'availability zones to spread subnets over (2-3; at most as many as the region offers)',
  'network.availability_zones': 'the availability zones by name, e.g. ["us-west-1b", "us-west-1c"] (2-3 zones of the region; empty: the first az_count zones of the region from dazzle\'s table, which lists the names most accounts have; az_count follows the list\'s length)',
  'network.nat_gateways': 'NAT gateways for private-subnet egress (1 up to az_count)',
  'network.namespace': 'Cloud Map private namespace for service discovery (e.g. "app.local"; empty: none); services get SERVICE_DISCOVERY_NAMESPACE',
  compute: 'settings every web service starts from (the one service "web" when [deploy.services] is empty)',
  'compute.runtime': 'fargate (ECS service behind the ALB) or ec2 (a node group with fixed private addresses)',
  'compute.cpu': 'Fargate CPU units: 256, 512, 1024, 2048, 4096, 8192 or 16384',
  'compute.memory': 'Fargate memory in MiB; must be a size AWS pairs with cpu',
  'compute.desired_count': 'tasks (or nodes) to run normally',
  'compute.min_count': 'autoscaling lower bound',
  'compute.max_count': 'autoscaling upper bound',
  'compute.cpu_target': 'autoscaling target for average CPU, percent',
  'compute.port': 'container port the ALB forwards to',
  'compute.health_check_path': 'HTTP path the ALB health check requests',
  'compute.image': 'container image URI to run; empty to build `dockerfile` during cdk deploy',
  'compute.dockerfile': 'Dockerfile (relative to the project) built into an image asset by cdk deploy, used when image is empty',
  'compute.paths': 'ALB path patterns routed to this service (e.g. ["/api/user/*"]); empty: the default route',
  'compute.instance_type': 'EC2 instance type (runtime = "ec2")',
  'compute.node_count': 'EC2 nodes (runtime = "ec2")',
  'compute.ip_offset': 'host number of the first nodes in their private subnets: node i is in zone i mod az_count at host ip_offset + i div az_count (10 → 10.0.2.10, 10.0.3.10, 10.0.2.11, …)',
  'compute.seed_addresses': 'the fixed addresses of the seed nodes, which the others join through (SEED_IPS; empty: node 0); each must be a node\'s address',
  'compute.peer_ports': 'TCP ports open only between the nodes of this service (e.g. a cluster or P2P port)',
  'compute.public_ports': 'ports the load balancer listens on for the nodes (empty: 80, or 443 with HTTP redirected when [deploy.domain] name is set)',
  'compute.volume_size_gb': 'persistent encrypted data volume per node in GiB (runtime = "ec2"; 0: none)',
  'compute.ssh_cidr': 'CIDR allowed to SSH to the nodes (empty: no SSH; use SSM Session Manager)',
  'compute.key_name': 'EC2 key pair for SSH (requires ssh_cidr)',
  'compute.artifact': 'S3 URI of a CI-built binary or archive the nodes install and run under systemd instead of an image (runtime = "ec2")',
  'compute.command': 'command that starts the artifact, relative to where it is unpacked (required with artifact)',
  'compute.snapshot_retention_days': 'daily snapshots of the data volume, kept this many days (runtime = "ec2"; 0: none)',
  'compute.backup_retention_days': 'an S3 backup bucket for the nodes (BACKUP_BUCKET), whose objects expire after this many days (runtime = "ec2"; 0: none)',
  'compute.private_dns': 'private DNS zone with a record node-<n>.<zone> per node (runtime = "ec2"; empty: none)',
  'compute.ami': 'the EC2 image every node runs (runtime = "ec2"), such as "ami-0123456789abcdef0"; empty: Amazon Linux 2023, resolved when the Nodes stack is first deployed and kept (a new release replaces no node)',
  'compute.env': 'plain environment variables for the service (never secrets, and no name of a secret: use [deploy.secrets])',
  'compute.variable_names': 'the names a node\'s service reads the generated variables under (runtime = "ec2"): NODE_INDEX, NODE_COUNT, NODE_ADDRESS, PEER_IPS, SEED_IPS, PORT, DATA_DIR, BACKUP_BUCKET or PEER_PORT_<peer port> = "NAME", ["NAME", "OTHER"] (the same value under each) or [] (not passed); unnamed, each has its own name and a peer port none',
  services: 'named services, each a table of the [deploy.compute] keys; [deploy.compute] gives their defaults',
  database: 'Aurora PostgreSQL, deployed when the DSL has entities',
  'database.mode': 'serverless (Aurora Serverless v2) or provisioned; auto: provisioned when instance_class is set in the file',
  'database.engine_version': 'Aurora PostgreSQL engine version',
  'database.instance_class': 'instance class for provisioned mode',
  'database.storage_gb': 'expected storage in GiB (Aurora grows storage itself; used for the cost estimate)',
  'database.min_acu': 'Serverless v2 minimum capacity (ACU, multiples of 0.5)',
  'database.max_acu': 'Serverless v2 maximum capacity (ACU)',
  'database.readers': 'reader instances besides the writer',
  'database.backup_retention_days': 'automated backup retention (1-35 days)',
  'database.deletion_protection': 'refuse to delete the cluster',
  'database.removal_policy': 'what happens to the cluster when removed from the stack: snapshot, retain or destroy',
  tigerbeetle: 'the TigerBeetle cluster, deployed when the DSL has ledgers',
  'tigerbeetle.enabled': 'false: do not deploy TigerBeetle even when the DSL has ledgers',
  'tigerbeetle.version': 'pinned TigerBeetle release installed on the nodes (a published release, 0.15.3 or later)',
  'tigerbeetle.cluster_id': 'cluster id (0 is reserved for testing)',
  'tigerbeetle.size': 'node size: t3.large or m6i.large (8 GiB), r6i.large (16 GiB), r6i.xlarge (32 GiB) or r6i.2xlarge (64 GiB); t3.medium (4 GiB) is below the 6 GiB a replica needs (a warning)',
  'tigerbeetle.node_count': 'replicas, fixed when the data files are formatted: 1, or 3 to tolerate the loss of one (2 tolerates none)',
  'tigerbeetle.volume_size_gb': 'data volume per node in GiB (50-1000)',
  'tigerbeetle.volume_iops': 'data volume IOPS (3000-64000; above 16000 the volume is io2)',
  'tigerbeetle.volume_throughput': 'gp3 data volume throughput in MiB/s (125-1000)',
  'tigerbeetle.ami': 'Amazon Linux 2023 image (AMI ID, "ami-…") the replicas run, for the environment\'s region and the size\'s architecture; empty: the latest Amazon Linux 2023 when the TigerBeetle stack is first deployed, kept until you set one. Changing it replaces the replicas one at a time',
  cache: 'Redis-compatible cache, deployed when the DSL needs one (integrations, experiences, sessions)',
  'cache.enabled': 'auto (when the DSL needs it), true or false',
  'cache.engine': 'valkey or redis (ElastiCache, managed), or kvrocks (self-hosted on ECS with EFS: a master, replicas and sentinels)',
  'cache.node_type': 'ElastiCache node type',
  'cache.replicas': 'replicas besides the primary (0-5; failover needs at least 1)',
  kafka: 'Amazon MSK, used for streams and event topics instead of EventBridge when enabled',
  'kafka.enabled': 'deploy MSK (IAM auth on port 9098)',
  'kafka.broker_count': 'brokers (a multiple of network.az_count)',
  'kafka.instance_type': 'broker instance type',
  'kafka.version': 'Kafka version',
  'kafka.volume_size_gb': 'storage per broker in GiB',
  'kafka.partitions': 'partitions of each topic (streams and event topics of the DSL), created by the brokers at first use',
  'kafka.replication_factor': 'copies of each partition (at most broker_count; topics are written with min.insync.replicas one less, at least 1)',
  domain: 'HTTPS on a domain: an ACM certificate and a Route 53 record for the load balancer',
  'domain.name': 'domain name (empty: HTTP only, on the load balancer name)',
  'domain.subdomain': 'record created for the load balancer (api → api.example.com; empty: the apex)',
  'domain.hosted_zone': 'Route 53 hosted zone (empty: the domain name)',
  'domain.hosted_zone_id': 'ID of that hosted zone (Z…): the certificate is validated and the alias record created there (empty: add the validation record yourself)',
  'domain.certificate_arn': 'existing ACM certificate (empty: a DNS-validated certificate is created)',
  alarms: 'where alarms are sent',
  'alarms.email': 'addresses subscribed to the alarm topic',
  'alarms.sns_topic_arn': 'existing SNS topic to use instead of creating one',
  logs: 'CloudWatch Logs',
  'logs.retention_days': 'log retention in days (a value CloudWatch accepts)',
  storage: 'S3 buckets, deployed when the DSL has file fields',
  'storage.versioning': 'keep object versions',
  'storage.removal_policy': 'retain or destroy the buckets when removed from the stack',
  frontend: 'a static front end on S3 behind CloudFront',
  'frontend.source_dir': 'folder of built static files to publish, relative to the project (empty: no front end)',
  'frontend.subdomain': 'record for the front end under domain.name (app → app.example.com)',
  'frontend.spa': 'a single-page app: a path that is no file answers with /index.html (the app\'s own routes)',
  api_gateway: 'an HTTP API in front of the load balancer',
  'api_gateway.enabled': 'route requests through API Gateway (each service\'s paths become routes) instead of exposing the ALB directly: the load balancer becomes internal, behind a VPC link, and [deploy.domain] names the API',
  'api_gateway.throttling_rate_limit': 'requests per second the stage allows on average',
  'api_gateway.throttling_burst_limit': 'requests the stage allows in a burst',
  secrets: 'secrets: name = "ssm:/path", "ssm:name", "secretsmanager:name[:json-key]", or ssm: or secretsmanager: and a full ARN; each becomes the variable NAME in every service',
  env: 'per-environment overrides: [deploy.env.prod.compute] etc.',
};
