/**
 * InfraRequirements + resolved config → the AWS DeploymentPlan. Every AWS
 * choice for the environment is made here, once; generate renders the result.
 */
import { EBS, type ResolvedConfig, type ServiceConfig } from '../config/index.js';
import { configKey, constructId, createdSecretName, databaseName, generatedVariables, replicaList, sharedZones, tigerBeetleMajority, type Because, type InfraRequirements } from '../lower/index.js';
import type { Cost, DeploymentPlan, ParamValue, PlanResource, PlanService, PlanStack, ServiceVariable, StackName } from './model.js';
import { PLAN_FORMAT_VERSION } from './model.js';
import { lowerToAws, type AwsService } from './aws.js';
import { FLAT, hourlyPrice, HOURS_PER_MONTH, ifPriced, PRICE_TABLE_DATE, pricesFor, type RegionPrices } from './prices.js';

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

export function buildPlan(req: InfraRequirements, config: ResolvedConfig): DeploymentPlan {
  const d = config.deploy;
  // The AWS choices, typed; the stacks below show them with their costs and reasons.
  const aws = lowerToAws(req, config);
  const { prices, bundled } = pricesFor(d.region);
  const notes: string[] = [];
  if (!bundled) notes.push(`No bundled prices for ${d.region}: costs use us-east-1 prices.`);
  const stacks: PlanStack[] = [];
  const add = (name: StackName, dependsOn: StackName[], resources: PlanResource[]) => {
    if (resources.length) stacks.push({ name, dependsOn, resources });
  };

  // Network
  const azs = d.network.az_count;
  add('Network', [], [
    {
      id: 'Vpc',
      type: 'AWS::EC2::VPC',
      title: 'VPC with public, private (egress) and isolated subnets',
      params: [
        ['cidr', d.network.vpc_cidr],
        ['availability zones', d.network.availability_zones],
        ['NAT gateways', d.network.nat_gateways],
        ['flow logs', true],
      ],
      because: [
        cfg(config, 'network.az_count'),
        // Zones written in the file are a cause; the region's own zones are shown above.
        ...(config.sources['network.availability_zones']?.kind === 'file' ? [cfg(config, 'network.availability_zones')] : []),
        cfg(config, 'network.nat_gateways'),
      ],
      cost: range(d.network.nat_gateways * prices.natHour * HOURS_PER_MONTH, d.network.nat_gateways * prices.natHour * HOURS_PER_MONTH + 45 * d.network.nat_gateways, 'NAT gateway hours; high adds 1 TB/month processed'),
    },
  ]);

  // TigerBeetle
  const tb = d.tigerbeetle;
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
        because: [...req.ledgerCluster.because, cfg(config, 'tigerbeetle.node_count'), cfg(config, 'tigerbeetle.size'), ...(t.image.kind === 'pinned' ? [cfg(config, 'tigerbeetle.ami')] : [])],
        cost: ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH + volume, `${t.instanceType} on demand + data volume`)),
      });
    }
    resources.push({
      id: 'ClusterParameters',
      type: 'AWS::SSM::Parameter',
      title: 'cluster parameters and log group',
      params: [
        ['parameters', [`${t.parameterPrefix}/cluster_id`, `${t.parameterPrefix}/replica_count`, `${t.parameterPrefix}/nodes/{id}`]],
        ['cluster id', String(tb.cluster_id)],
        ['log group', t.logGroup],
      ],
      because: req.ledgerCluster.because,
      cost: null,
    });
    add('TigerBeetle', ['Network'], resources);
  }

  // Data
  const data: PlanResource[] = [];
  if (req.database) {
    const db = d.database;
    const instances = 1 + db.readers;
    const storage = db.storage_gb * prices.auroraStorageGbMonth;
    const serverless = db.mode === 'serverless';
    const hourly = serverless ? 0 : hourlyPrice(prices.aurora, db.instance_class, 'database.instance_class', notes);
    const cost = serverless
      ? range(db.min_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, db.max_acu * prices.auroraAcuHour * HOURS_PER_MONTH * instances + storage, `${db.min_acu}-${db.max_acu} ACU × ${instances} instance(s), always at min (low) or max (high), + ${db.storage_gb} GiB`)
      : ifPriced(hourly, (h) => fixed(h * HOURS_PER_MONTH * instances + storage, `${db.instance_class} × ${instances} + ${db.storage_gb} GiB`));
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
        ['credentials', 'generated in Secrets Manager'],
      ],
      because: [...req.database.because, cfg(config, 'database.mode'), ...(serverless ? [cfg(config, 'database.max_acu')] : [cfg(config, 'database.instance_class')])],
      cost,
    });
  }
  for (const s of req.objectStores) {
    data.push({
      id: constructId.bucket(s.name),
      type: 'AWS::S3::Bucket',
      title: `S3 bucket for ${s.fields.join(', ')}`,
      params: [
        ['public access', 'blocked'],
        ['encryption', 'S3-managed'],
        ['TLS only', true],
        ['versioning', d.storage.versioning],
        ['removal policy', d.storage.removal_policy],
      ],
      because: s.because,
      cost: range(0, 100 * prices.s3GbMonth, 'storage: 0-100 GB'),
    });
  }
  add('Data', ['Network'], data);

  // Messaging
  const messaging: PlanResource[] = [];
  for (const q of req.queues) {
    messaging.push({
      id: constructId.queue(q.name),
      type: 'AWS::SQS::Queue',
      title: `SQS queue ${q.name} with a dead-letter queue`,
      params: [
        ['dead letter after', `${q.deadLetterAfter} receives`],
        ['encrypted', true],
      ],
      because: q.because,
      cost: range(0, 10 * FLAT.sqsPerMillion, 'requests: 0-10 million/month'),
    });
  }
  for (const b of req.eventBuses) {
    messaging.push({
      id: constructId.bus(b.name),
      type: d.kafka.enabled ? 'AWS::MSK::Topic' : 'AWS::Events::EventBus',
      title: d.kafka.enabled ? `Kafka topic ${b.name}` : `EventBridge bus ${b.name}`,
      params: [['source', b.source === 'stream' ? 'stream channel' : 'event topic'], ...(b.retention ? ([['retention', b.retention]] as [string, ParamValue][]) : [])],
      because: b.because,
      cost: d.kafka.enabled ? null : range(0, 10 * FLAT.eventBridgePerMillion, 'events: 0-10 million/month'),
    });
  }
  for (const e of req.emailSenders) {
    messaging.push({
      id: constructId.email(e.name),
      type: 'AWS::SES::EmailIdentity',
      title: `SES identity for ${e.name}`,
      params: [['from', e.fromAddress ?? '(set in the channel config)']],
      because: e.because,
      cost: range(0, 100 * FLAT.sesPerThousand, 'emails: 0-100 thousand/month'),
    });
  }
  if (req.schedules.length) {
    messaging.push({
      id: 'ScheduleQueue',
      type: 'AWS::SQS::Queue',
      title: 'SQS queue the schedules send to and the worker consumes, with a dead-letter queue',
      params: [
        ['schedules', req.schedules.map((s) => s.name)],
        ['encrypted', true],
      ],
      because: req.schedules.flatMap((s) => s.because),
      cost: fixed(0, 'within the free tier'),
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
    });
  }
  if (d.kafka.enabled) {
    const k = d.kafka;
    messaging.push({
      id: 'Kafka',
      type: 'AWS::MSK::Cluster',
      title: 'Amazon MSK cluster (IAM auth, port 9098)',
      params: [
        ['brokers', k.broker_count],
        ['instance', k.instance_type],
        ['version', k.version],
        ['storage', `${k.volume_size_gb} GiB per broker`],
      ],
      because: [cfg(config, 'kafka.enabled')],
      cost: ifPriced(hourlyPrice(prices.msk, k.instance_type, 'kafka.instance_type', notes), (h) => fixed(k.broker_count * (h * HOURS_PER_MONTH + k.volume_size_gb * prices.mskStorageGbMonth), `${k.broker_count} × ${k.instance_type} + storage`)),
    });
  }
  add('Messaging', ['Network'], messaging);

  // Compute
  const compute: PlanResource[] = [];
  const fargateMonth = (s: ServiceConfig, n: number) => n * ((s.cpu / 1024) * prices.fargateVcpuHour + (s.memory / 1024) * prices.fargateGbHour) * HOURS_PER_MONTH;
  for (const w of req.webServices) {
    // The settings come from the AWS choices, the one source generate renders too.
    const s = (aws.services.find((x) => x.role === 'web' && x.name === w.name) as AwsService).settings;
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
          ['image', s.image || `built from ${s.dockerfile} by cdk deploy`],
          ...(s.paths.length ? ([['paths', s.paths]] as [string, ParamValue][]) : []),
        ],
        because: w.because,
        cost: range(fargateMonth(s, s.desired_count), fargateMonth(s, s.max_count), `${s.desired_count} task(s) (low) to ${s.max_count} (high)`),
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
      });
    }
  }
  if (req.worker) {
    const s = (aws.services.find((x) => x.role === 'worker') as AwsService).settings;
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
    });
  }
  compute.push({
    id: 'LoadBalancer',
    type: 'AWS::ElasticLoadBalancingV2::LoadBalancer',
    title: d.domain.name ? `Application Load Balancer, HTTPS at ${d.domain.subdomain ? `${d.domain.subdomain}.` : ''}${d.domain.name}` : 'Application Load Balancer (HTTP; set [deploy.domain] name for HTTPS)',
    params: [
      ['listeners', d.domain.name ? '443 (ACM certificate), 80 → 443' : '80'],
      ['scheme', 'internet-facing'],
    ],
    because: [cfg(config, 'domain.name')],
    cost: range(prices.albHour * HOURS_PER_MONTH + prices.albLcuHour * HOURS_PER_MONTH, prices.albHour * HOURS_PER_MONTH + 10 * prices.albLcuHour * HOURS_PER_MONTH, '1-10 LCU'),
  });
  if (req.cache) {
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
    });
  }
  const secretsToCreate = req.secrets.filter((s) => s.from.kind === 'create');
  if (req.secrets.length) {
    compute.push({
      id: 'Secrets',
      type: 'AWS::SecretsManager::Secret',
      title: 'secrets passed to the services',
      params: req.secrets.map((s) => [s.env, s.from.kind === 'reference' ? s.from.ref : `created: ${s.from.description}`] as [string, ParamValue]),
      because: req.secrets.flatMap((s) => s.because),
      cost: fixed((secretsToCreate.length + (req.database ? 1 : 0)) * FLAT.secretMonth, 'per secret created'),
    });
  }
  const computeDeps: StackName[] = ['Network', ...(req.ledgerCluster ? (['TigerBeetle'] as StackName[]) : []), ...(data.length ? (['Data'] as StackName[]) : []), ...(messaging.length ? (['Messaging'] as StackName[]) : [])];
  add('Compute', computeDeps, compute);

  // Observability
  const alarms = 4 + (req.database ? 2 : 0) + req.queues.length * 2 + (req.ledgerCluster ? tb.node_count : 0);
  add('Observability', stacks.filter((s) => s.name !== 'Network' && s.name !== 'Observability').map((s) => s.name), [
    {
      id: 'Dashboard',
      type: 'AWS::CloudWatch::Dashboard',
      title: 'dashboard, alarms and alarm topic',
      params: [
        ['alarms', alarms],
        ['notify', d.alarms.email.length ? d.alarms.email : d.alarms.sns_topic_arn ? [d.alarms.sns_topic_arn] : ['(no subscribers: set [deploy.alarms] email)']],
        ['log retention', `${d.logs.retention_days} days`],
      ],
      because: [cfg(config, 'alarms.email'), cfg(config, 'logs.retention_days')],
      cost: range(FLAT.dashboardMonth + alarms * FLAT.alarmMonth, FLAT.dashboardMonth + alarms * FLAT.alarmMonth + 20 * FLAT.logsIngestGb, 'high adds 20 GB of logs'),
    },
  ]);

  // What each service receives: the variables dazzle generates, the service's own env, and the secrets.
  // The names pass has made sure that no name is set twice.
  for (const name of ['DATABASE_USER', 'DATABASE_PASSWORD']) {
    if (req.database && req.secrets.some((s) => s.env === name)) notes.push(`${name} comes from [deploy.secrets], not from the generated database credentials.`);
  }
  const db = databaseName(req.app);
  if (req.database && db.reason) notes.push(`The database is named ${db.name}, not ${req.app}: ${db.reason}.`);
  const variables = (env: Readonly<Record<string, string>>, role: 'web' | 'worker'): ServiceVariable[] =>
    [
      ...generatedVariables(req, config, role).map((v): ServiceVariable => (v.kind === 'value' ? { name: v.name, kind: 'value', value: v.value } : { name: v.name, kind: 'secret', from: v.value })),
      ...Object.entries(env).map(([name, value]): ServiceVariable => ({ name, kind: 'value', value })),
      ...req.secrets.map((s): ServiceVariable => ({ name: s.env, kind: 'secret', from: s.from.kind === 'reference' ? s.from.ref : `Secrets Manager: ${createdSecretName(req.app, d.environment, s.env)}` })),
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
