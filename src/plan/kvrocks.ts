/**
 * Kvrocks (`[deploy.cache] engine = "kvrocks"`): the Cache stack's AWS choices, plan resources
 * and alarms. ElastiCache (valkey, redis) stays the default and lives in the Compute stack.
 *
 * - Kvrocks nodes: one master and `cache.replicas` replicas, each its own ECS service of one
 *   Fargate task (a node is one data directory: never two tasks at once), registered in Cloud
 *   Map as `kvrocks-<n>.<namespace>`; node 1 starts as the master, the others replicate it.
 * - Three Redis Sentinels, `sentinel-<n>.<namespace>:26666`, each its own service, watching the
 *   master under the name `mymaster` with a quorum of 2: when the master stops answering, they
 *   promote a replica and repoint the others, and the app (which asks the sentinels for the
 *   master) follows.
 * - Data on EFS: encrypted at rest and in transit, automatic backups, one access point (its own
 *   directory and owner) per node; mount targets in the private subnets.
 * - One security group for the nodes and sentinels: 6666 and 26666 from the services and from
 *   each other, nothing else; the file system admits NFS from that group only.
 * The services receive REDIS_SENTINELS and REDIS_MASTER_NAME (the seed's contract).
 */
import type { ResolvedConfig } from '../config/index.js';
import { configKey, KVROCKS_MASTER_NAME, KVROCKS_PORT, kvrocksName, SENTINEL_COUNT, SENTINEL_PORT, sentinelList, type Because, type InfraRequirements } from '../lower/index.js';
import type { Cost, PlanResourceDraft } from './model.js';
import { FLAT, HOURS_PER_MONTH, type RegionPrices } from './prices.js';

/** How many sentinels must agree that the master is down. */
const QUORUM = 2;
/** Pinned images: Kvrocks (Apache) and Redis, whose redis-sentinel watches Kvrocks like a Redis master. */
export const KVROCKS_IMAGE = 'apache/kvrocks:2.10.1';
export const SENTINEL_IMAGE = 'public.ecr.aws/docker/library/redis:7.2.5-alpine';
/** Task sizes: a node holds its working set in memory and RocksDB's cache; a sentinel is small. */
const NODE_TASK = { cpu: 1024, memory: 2048 } as const;
const SENTINEL_TASK = { cpu: 256, memory: 512 } as const;
/** EFS standard storage per GB-month (us-east-1 list price), and the data range the estimate assumes. */
const EFS_GB_MONTH = 0.3;
const EFS_GB = { low: 100, high: 330 } as const;

export interface KvrocksNode {
  /** 1-based; node 1 starts as the master. */
  readonly index: number;
  /** Construct ID of its ECS service: `Kvrocks1`. */
  readonly id: string;
  /** Its Cloud Map name (`kvrocks-1`), and full DNS name. */
  readonly name: string;
  readonly host: string;
}

export interface AwsKvrocks {
  readonly image: string;
  readonly sentinelImage: string;
  readonly port: typeof KVROCKS_PORT;
  readonly sentinelPort: typeof SENTINEL_PORT;
  readonly masterName: string;
  readonly quorum: number;
  readonly nodes: readonly KvrocksNode[];
  readonly sentinels: readonly KvrocksNode[];
  readonly nodeTask: { readonly cpu: number; readonly memory: number };
  readonly sentinelTask: { readonly cpu: number; readonly memory: number };
  /** What the services receive as REDIS_SENTINELS: `sentinel-1.<namespace>:26666,…`. */
  readonly sentinelList: string;
  /** The nodes' and sentinels' log group, before `-<creation id>` of the Cache stack. */
  readonly logGroup: string;
  readonly removalPolicy: 'retain' | 'destroy';
}

/**
 * What a Kvrocks or sentinel service's template entries weigh less than an app service's typical
 * ones (src/plan/size.ts): one container with a command and no variables, no load balancer.
 */
const SMALL_SERVICE_BYTES = -1_300;

/** The AWS choices of a Kvrocks cache, or null for ElastiCache (or no cache). */
export function awsKvrocks(req: Pick<InfraRequirements, 'app' | 'cache'>, config: ResolvedConfig): AwsKvrocks | null {
  const d = config.deploy;
  if (!req.cache || d.cache.engine !== 'kvrocks') return null;
  const ns = d.network.namespace;
  const node = (kind: 'kvrocks' | 'sentinel', index: number): KvrocksNode => {
    const name = kvrocksName(kind, index);
    return { index, id: `${kind === 'kvrocks' ? 'Kvrocks' : 'Sentinel'}${index}`, name, host: `${name}.${ns}` };
  };
  const sentinels = Array.from({ length: SENTINEL_COUNT }, (_, i) => node('sentinel', i + 1));
  return {
    image: KVROCKS_IMAGE,
    sentinelImage: SENTINEL_IMAGE,
    port: KVROCKS_PORT,
    sentinelPort: SENTINEL_PORT,
    masterName: KVROCKS_MASTER_NAME,
    quorum: QUORUM,
    nodes: Array.from({ length: 1 + d.cache.replicas }, (_, i) => node('kvrocks', i + 1)),
    sentinels,
    nodeTask: NODE_TASK,
    sentinelTask: SENTINEL_TASK,
    sentinelList: sentinelList(ns),
    logGroup: `/${req.app}/${d.environment}/kvrocks`,
    removalPolicy: d.environment === 'prod' ? 'retain' : 'destroy',
  };
}

/** The alarms of the Cache stack: a node or sentinel with no task running. */
export function kvrocksAlarmSpecs(k: AwsKvrocks) {
  return [...k.nodes, ...k.sentinels].map((n) => ({
    id: `${n.id}TasksAlarm`,
    metric: { kind: 'tasks-below-desired' as const, service: n.id },
    description: `Kvrocks: ${n.name} has fewer tasks running than desired for 5 minutes.`,
    period: 60,
    statistic: 'Maximum' as const,
    threshold: 0,
    comparison: 'GREATER_THAN_THRESHOLD' as const,
    evaluationPeriods: 5,
    datapointsToAlarm: 5,
    missing: 'BREACHING' as const,
    missingWhy: 'Container Insights publishes the desired and running task counts every minute while the service exists: no data means the service (or its metrics) is gone, which must page.',
    metrics: 2,
  }));
}

const round2 = (n: number) => Math.round(n * 100) / 100;
const fargateMonth = (prices: RegionPrices, t: { cpu: number; memory: number }) => ((t.cpu / 1024) * prices.fargateVcpuHour + (t.memory / 1024) * prices.fargateGbHour) * HOURS_PER_MONTH;

/** The Cache stack's resources in the plan (its alarms are added with every stack's). */
export function kvrocksResources(k: AwsKvrocks, req: Pick<InfraRequirements, 'cache'>, config: ResolvedConfig, prices: RegionPrices): PlanResourceDraft[] {
  const because: readonly Because[] = [configKey(config, 'cache.engine'), ...(req.cache?.because ?? [])];
  const nodes = k.nodes.length;
  const fixed = (usd: number, basis: string): Cost => ({ low: round2(usd), high: round2(usd), basis });
  // Every ECS service of the stack: its task definition, the execution role (pulls, logs) and the task role, with their policies.
  const service = (efs: boolean) => ({
    'AWS::ECS::Service': 1,
    'AWS::ECS::TaskDefinition': 1,
    'AWS::IAM::Role': 2,
    'AWS::IAM::Policy': efs ? 2 : 1,
    'AWS::ServiceDiscovery::Service': 1,
  });
  return [
    {
      id: 'KvrocksSecurityGroup',
      type: 'AWS::EC2::SecurityGroup',
      title: `Kvrocks nodes and sentinels: ${k.port} and ${k.sentinelPort} from the services and from each other`,
      params: [['ingress', [`${k.port}, ${k.sentinelPort} from the services`, `${k.port}, ${k.sentinelPort} between nodes and sentinels`]]],
      because,
      cost: null,
      cloudformation: { 'AWS::EC2::SecurityGroup': 1, 'AWS::EC2::SecurityGroupIngress': 4 },
    },
    {
      id: 'KvrocksData',
      type: 'AWS::EFS::FileSystem',
      title: `EFS for the Kvrocks data: encrypted, backed up, one access point per node`,
      params: [
        ['encrypted', true],
        ['backups', 'automatic (AWS Backup, daily)'],
        ['access points', k.nodes.map((n) => `/${n.name}`)],
        ['removal policy', k.removalPolicy],
      ],
      because,
      cost: { low: round2(EFS_GB.low * EFS_GB_MONTH), high: round2(EFS_GB.high * EFS_GB_MONTH), basis: `${EFS_GB.low}-${EFS_GB.high} GB of standard storage` },
      cloudformation: {
        'AWS::EFS::FileSystem': 1,
        'AWS::EFS::MountTarget': config.deploy.network.az_count,
        'AWS::EFS::AccessPoint': nodes,
        'AWS::EC2::SecurityGroup': 1,
        'AWS::EC2::SecurityGroupIngress': 1,
      },
    },
    {
      id: 'KvrocksCluster',
      type: 'AWS::ECS::Cluster',
      title: 'ECS cluster (Container Insights) for the Kvrocks nodes and sentinels, and their log group',
      params: [['log group', `${k.logGroup}-<creation id>`]],
      because,
      cost: { low: 0, high: round2(5 * FLAT.logsIngestGb), basis: '0-5 GB of logs/month' },
      cloudformation: { 'AWS::ECS::Cluster': 1, 'AWS::Logs::LogGroup': 1 },
    },
    ...k.nodes.map(
      (n): PlanResourceDraft => ({
        id: n.id,
        type: 'AWS::ECS::Service',
        title: `Kvrocks node ${n.host}:${k.port}${n.index === 1 ? ' (the first master)' : ` (replica of ${k.nodes[0]?.host ?? ''} at first)`}`,
        params: [
          ['image', k.image],
          ['cpu / memory', `${k.nodeTask.cpu} / ${k.nodeTask.memory} MiB`],
          ['tasks', 1],
          ['data', `EFS access point /${n.name}`],
        ],
        because,
        cost: fixed(fargateMonth(prices, k.nodeTask), '1 task'),
        cloudformation: service(true),
        extraBytes: SMALL_SERVICE_BYTES,
      }),
    ),
    ...k.sentinels.map(
      (n): PlanResourceDraft => ({
        id: n.id,
        type: 'AWS::ECS::Service',
        title: `Redis Sentinel ${n.host}:${k.sentinelPort}, watching ${k.masterName} (quorum ${k.quorum})`,
        params: [
          ['image', k.sentinelImage],
          ['cpu / memory', `${k.sentinelTask.cpu} / ${k.sentinelTask.memory} MiB`],
          ['tasks', 1],
        ],
        because,
        cost: fixed(fargateMonth(prices, k.sentinelTask), '1 task'),
        cloudformation: service(false),
        extraBytes: SMALL_SERVICE_BYTES,
      }),
    ),
  ];
}
