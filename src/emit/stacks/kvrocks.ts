/**
 * The Cache stack (`[deploy.cache] engine = "kvrocks"`): Kvrocks nodes (one master, the
 * replicas) and three Redis Sentinels, each an ECS service of one Fargate task registered in
 * the Cloud Map namespace; the nodes' data on an encrypted, backed-up EFS file system with one
 * access point per node; one security group for nodes and sentinels; the alarms on their tasks.
 * See src/plan/kvrocks.ts for the design, and kvrocksReadme for failover.
 */
import { InternalError } from '../../diagnostics/index.js';
import type { AlarmMetric, AwsAlarm, DeploymentPlan } from '../../plan/index.js';
import { alarmCode, alarmsOf, duration, TASKS_BELOW_DESIRED } from '../alarms.js';
import { commentBlock, header, lit, mdCode, SHELL_WORD_FUNCTION, str, tpl } from '../code.js';
import { because, propsInterface, removalPolicy, stackSource, type EmitContext, type StackSource } from '../model.js';
import { namespaceRead } from './discovery.js';
import { retention } from './network.js';

/** The user the access points map every file operation to (whatever user the image runs as). */
const DATA_OWNER = '1000';

export function kvrocksStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const k = a.kvrocks;
  if (!k) throw new InternalError('the Cache stack without Kvrocks');
  if (!a.network.namespace) throw new InternalError('Kvrocks without a Cloud Map namespace (the cache pass refuses it: DZ5120)');
  const master = k.nodes[0];
  if (!master) throw new InternalError('Kvrocks without nodes');
  const cause = (id: string) => because(plan, 'Cache', id);

  const body: string[] = [];
  body.push(`    // The VPC's private subnets, the services' security group and the Cloud Map namespace, from the
    // Network stack's SSM parameters, read when this stack deploys (lib/wiring.ts).
    const vpc = importVpc(this, { vpcId: true, private: true });
    const serviceSecurityGroupId = deployTimeValue(this, PARAMETERS.serviceSecurityGroup);
${namespaceRead(ctx).join('\n')}

${commentBlock(`Nodes and sentinels: Kvrocks on ${k.port} and the sentinels on ${k.sentinelPort}, from the services and from each other; nothing else.`, cause('KvrocksSecurityGroup'), projectRoot, '    ')}
    const securityGroup = new ec2.SecurityGroup(this, 'KvrocksSecurityGroup', {
      vpc,
      description: ${str(`Kvrocks nodes and sentinels of ${a.app} (${a.environment})`)},
      // Out: images, logs, the file system, and each other.
      allowAllOutbound: true,
    });
    for (const [name, port] of [['Kvrocks', KVROCKS_PORT], ['Sentinel', SENTINEL_PORT]] as const) {
      new ec2.CfnSecurityGroupIngress(this, \`\${name}FromServices\`, {
        groupId: securityGroup.securityGroupId,
        sourceSecurityGroupId: serviceSecurityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: \`\${name} from the services\`,
      });
      new ec2.CfnSecurityGroupIngress(this, \`\${name}FromPeers\`, {
        groupId: securityGroup.securityGroupId,
        sourceSecurityGroupId: securityGroup.securityGroupId,
        ipProtocol: 'tcp',
        fromPort: port,
        toPort: port,
        description: \`\${name} between the nodes and sentinels (replication, monitoring, failover)\`,
      });
    }`);

  body.push(`${commentBlock(`The nodes' data on EFS: encrypted at rest (and in transit: every mount uses TLS), daily backups, one access point per node (its own directory, owned by ${DATA_OWNER}).`, cause('KvrocksData'), projectRoot, '    ')}
    this.fileSystem = new efs.FileSystem(this, 'KvrocksData', {
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      encrypted: true,
      enableAutomaticBackups: true,
      throughputMode: efs.ThroughputMode.ELASTIC,
      removalPolicy: ${removalPolicy(k.removalPolicy)},
    });
    this.fileSystem.connections.allowDefaultPortFrom(securityGroup, 'NFS from the Kvrocks nodes');`);

  body.push(`${commentBlock('The ECS cluster of the nodes and sentinels, and their log group (kept in prod, so its name ends with this stack\'s creation id).', cause('KvrocksCluster'), projectRoot, '    ')}
    this.cluster = new ecs.Cluster(this, 'KvrocksCluster', { vpc, containerInsightsV2: ecs.ContainerInsights.ENABLED });
    const logGroup = new logs.LogGroup(this, 'KvrocksLogs', {
      logGroupName: \`${tpl(k.logGroup)}-\${creationId(this)}\`,
      retention: ${retention(a.observability.logRetentionDays)},
      removalPolicy: ${removalPolicy(k.removalPolicy)},
    });
    const common = { cluster: this.cluster, securityGroup, namespace, logGroup };`);

  for (const n of k.nodes) {
    const lines = [`bind 0.0.0.0`, `port ${k.port}`, 'dir /data', 'daemonize no', 'pidfile /tmp/kvrocks.pid', 'log-dir stdout', ...(n.index === 1 ? [] : [`slaveof ${master.host} ${k.port}`])];
    body.push(`${commentBlock(`Kvrocks node ${n.host}:${k.port}: ${n.index === 1 ? 'the master when the cluster first starts' : `a replica of ${master.host} when the cluster first starts`}; its data in /data (access point /${n.name}).`, cause(n.id), projectRoot, '    ')}
    const ${dataVar(n.id)} = this.fileSystem.addAccessPoint(${str(`${n.id}Data`)}, {
      path: ${str(`/${n.name}`)},
      createAcl: { ownerUid: ${str(DATA_OWNER)}, ownerGid: ${str(DATA_OWNER)}, permissions: '750' },
      posixUser: { uid: ${str(DATA_OWNER)}, gid: ${str(DATA_OWNER)} },
    });
    this.${memberVar(n.id)} = kvrocksMember(this, ${str(n.id)}, {
      ...common,
      name: ${str(n.name)},
      image: KVROCKS_IMAGE,
      cpu: ${lit(k.nodeTask.cpu)},
      memoryLimitMiB: ${lit(k.nodeTask.memory)},
      port: KVROCKS_PORT,
      // kvrocks.conf, written when the task starts.
      script: \`printf '%s\\\\n' \${sh(${lit(lines)}.join('\\n'))} > /tmp/kvrocks.conf && exec kvrocks -c /tmp/kvrocks.conf\`,
      data: { fileSystem: this.fileSystem, accessPoint: ${dataVar(n.id)}, path: '/data' },
    });`);
  }
  for (const s of k.sentinels) {
    const lines = [
      `port ${k.sentinelPort}`,
      'sentinel resolve-hostnames yes',
      'sentinel announce-hostnames yes',
      `sentinel announce-ip ${s.host}`,
      `sentinel monitor ${k.masterName} ${master.host} ${k.port} ${k.quorum}`,
      `sentinel down-after-milliseconds ${k.masterName} 5000`,
      `sentinel failover-timeout ${k.masterName} 60000`,
      `sentinel parallel-syncs ${k.masterName} 1`,
    ];
    body.push(`${commentBlock(`Redis Sentinel ${s.host}:${k.sentinelPort}: watches ${k.masterName} (first ${master.host}); ${k.quorum} sentinels must agree that it is down before they promote a replica.`, cause(s.id), projectRoot, '    ')}
    this.${memberVar(s.id)} = kvrocksMember(this, ${str(s.id)}, {
      ...common,
      name: ${str(s.name)},
      image: SENTINEL_IMAGE,
      cpu: ${lit(k.sentinelTask.cpu)},
      memoryLimitMiB: ${lit(k.sentinelTask.memory)},
      port: SENTINEL_PORT,
      // sentinel.conf, written when the task starts (the sentinel rewrites it as it learns the replicas and other sentinels).
      script: \`printf '%s\\\\n' \${sh(${lit(lines)}.join('\\n'))} > /tmp/sentinel.conf && exec redis-sentinel /tmp/sentinel.conf\`,
    });`);
  }

  const ids = new Map([...k.nodes, ...k.sentinels].map((n) => [n.id, n]));
  const metric = (m: AlarmMetric, x: AwsAlarm): string => {
    if (m.kind !== 'tasks-below-desired' || !ids.has(m.service)) throw new InternalError(`a ${m.kind} alarm in the Cache stack`);
    return `tasksBelowDesired(this.cluster, this.${memberVar(m.service)}, ${duration(x.period)})`;
  };
  if (alarmsOf(ctx, 'Cache').length) {
    body.push(`    // Alarms: a node or sentinel without its task. This stack owns them, so it imports nothing.
${alarmCode(ctx, 'Cache', metric)}`);
  }

  const members = [...k.nodes, ...k.sentinels].map((n) => `  /** ${n.host} */\n  readonly ${memberVar(n.id)}: ecs.FargateService;`);
  const source = `${header(`Cache stack: Kvrocks (${k.nodes.length} node${k.nodes.length === 1 ? '' : 's'}) and ${k.sentinels.length} Redis Sentinels on ECS, data on EFS.`, plan.app, plan.environment)}
import { Duration, RemovalPolicy, Stack, Validations, type StackProps } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as efs from 'aws-cdk-lib/aws-efs';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as servicediscovery from 'aws-cdk-lib/aws-servicediscovery';
import type { Construct } from 'constructs';
import { ALARMS, creationId, deployTimeValue, importVpc, NAMES, notify, PARAMETERS } from './wiring';

${propsInterface('CacheStack', [])}

/** Pinned images: Kvrocks, and Redis for redis-sentinel (it watches Kvrocks as it would a Redis master). */
const KVROCKS_IMAGE = ${str(k.image)};
const SENTINEL_IMAGE = ${str(k.sentinelImage)};
const KVROCKS_PORT = ${lit(k.port)};
const SENTINEL_PORT = ${lit(k.sentinelPort)};

${SHELL_WORD_FUNCTION}

interface MemberProps {
  readonly cluster: ecs.ICluster;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly namespace: servicediscovery.IPrivateDnsNamespace;
  readonly logGroup: logs.ILogGroup;
  /** Its Cloud Map name. */
  readonly name: string;
  readonly image: string;
  readonly cpu: number;
  readonly memoryLimitMiB: number;
  readonly port: number;
  /** The shell command the container runs. */
  readonly script: string;
  /** Its data directory on EFS, through its own access point. */
  readonly data?: { readonly fileSystem: efs.IFileSystem; readonly accessPoint: efs.IAccessPoint; readonly path: string };
}

/**
 * A node or sentinel: an ECS service of exactly one Fargate task, registered in Cloud Map. A new task
 * starts only after the old one has stopped (a node's data directory has one writer).
 */
function kvrocksMember(scope: Construct, id: string, props: MemberProps): ecs.FargateService {
  const task = new ecs.FargateTaskDefinition(scope, \`\${id}Task\`, {
    cpu: props.cpu,
    memoryLimitMiB: props.memoryLimitMiB,
    runtimePlatform: { cpuArchitecture: ecs.CpuArchitecture.X86_64, operatingSystemFamily: ecs.OperatingSystemFamily.LINUX },
  });
  const container = task.addContainer('Main', {
    image: ecs.ContainerImage.fromRegistry(props.image),
    entryPoint: ['sh', '-c'],
    command: [props.script],
    portMappings: [{ containerPort: props.port }],
    logging: ecs.LogDrivers.awsLogs({ logGroup: props.logGroup, streamPrefix: props.name }),
  });
  if (props.data) {
    const { fileSystem, accessPoint, path } = props.data;
    task.addVolume({
      name: 'data',
      efsVolumeConfiguration: { fileSystemId: fileSystem.fileSystemId, transitEncryption: 'ENABLED', authorizationConfig: { accessPointId: accessPoint.accessPointId, iam: 'ENABLED' } },
    });
    container.addMountPoints({ containerPath: path, sourceVolume: 'data', readOnly: false });
    // Mount and write through this node's access point only.
    task.addToTaskRolePolicy(
      new iam.PolicyStatement({
        actions: ['elasticfilesystem:ClientMount', 'elasticfilesystem:ClientWrite'],
        resources: [fileSystem.fileSystemArn],
        conditions: { StringEquals: { 'elasticfilesystem:AccessPointArn': accessPoint.accessPointArn } },
      }),
    );
  }
  Validations.of(task).acknowledge({
    id: 'AwsSolutions-ECS2',
    reason: 'No environment variable holds a secret: the node and sentinel settings are written by the start command, and none is secret.',
  });
  return new ecs.FargateService(scope, id, {
    cluster: props.cluster,
    taskDefinition: task,
    desiredCount: 1,
    minHealthyPercent: 0,
    maxHealthyPercent: 100,
    securityGroups: [props.securityGroup],
    vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    assignPublicIp: false,
    circuitBreaker: { enable: true, rollback: true },
    cloudMapOptions: { cloudMapNamespace: props.namespace, name: props.name, dnsRecordType: servicediscovery.DnsRecordType.A, dnsTtl: Duration.seconds(10) },
  });
}

${TASKS_BELOW_DESIRED}

export class CacheStack extends Stack {
  /** The nodes' data. */
  readonly fileSystem: efs.FileSystem;
  /** The cluster of the nodes and sentinels. */
  readonly cluster: ecs.Cluster;
${members.join('\n')}

  constructor(scope: Construct, id: string, props: CacheStackProps) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource('Cache', [], source);
}

const memberVar = (id: string) => id.charAt(0).toLowerCase() + id.slice(1);
const dataVar = (id: string) => `${memberVar(id)}Data`;

/** The generated README's section on Kvrocks: the names, and what happens when the master fails. */
export function kvrocksReadme(plan: DeploymentPlan): string {
  const k = plan.aws.kvrocks;
  if (!k) return '';
  const master = k.nodes[0]?.host ?? '';
  const replicas = k.nodes.slice(1).map((n) => mdCode(n.host));
  return `## Kvrocks and failover

The cache is Kvrocks (Redis protocol, data in RocksDB on EFS) with Redis Sentinel, in the Cache stack:
${k.nodes.map((n) => `${mdCode(`${n.host}:${k.port}`)}${n.index === 1 ? ' (the master at first)' : ''}`).join(', ')}, and the sentinels
${k.sentinels.map((s) => mdCode(`${s.host}:${k.sentinelPort}`)).join(', ')}. The services receive
\`REDIS_SENTINELS\` and \`REDIS_MASTER_NAME\` (${mdCode(k.masterName)}): connect through a Sentinel-aware client
(redis-py ${mdCode(`Sentinel(...).master_for(${JSON.stringify(k.masterName)})`)}), which asks the sentinels for the master on every reconnect.

**Failover.** When ${mdCode(master)} stops answering for 5 seconds and ${k.quorum} of the ${k.sentinels.length} sentinels agree, they
promote ${replicas.length ? `a replica (${replicas.join(' or ')})` : 'a replica (there is none in this environment: `[deploy.cache] replicas` is 0, so the cache waits for the master to come back)'}, point the
other replicas at it, and answer the new master to every client that asks. ECS starts a new task for the failed node (on
the same EFS directory); when it comes back, the sentinels make it a replica of the new master. To see it:

\`\`\`bash
aws ecs execute-command --cluster <the Cache stack's cluster> --task <a sentinel task> --container Main --interactive \\
  --command "redis-cli -p ${k.sentinelPort} SENTINEL get-master-addr-by-name ${k.masterName}"
\`\`\`

Each node's data is in its own directory (EFS access point) of one encrypted file system with daily AWS Backup
backups; a node's service runs one task and starts its replacement only once the old one has stopped.

`;
}
