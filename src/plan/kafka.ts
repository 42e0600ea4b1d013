/**
 * Amazon MSK (`[deploy.kafka] enabled`): the Kafka stack's AWS choices, its plan resources
 * and its alarms.
 *
 * - A provisioned cluster of `broker_count` brokers spread evenly over the availability
 *   zones (the private subnets), IAM authentication on port 9098, TLS between clients and
 *   brokers and between brokers, encryption at rest, broker logs to CloudWatch Logs. Its
 *   security group admits 9098 from the services' security group only.
 * - Topics: the DSL's stream channels and event topics, one topic each, named
 *   `<app>-<env>-<name>`. The brokers create a topic the first time a client uses it
 *   (`auto.create.topics.enable`), with `num.partitions` and `default.replication.factor` from
 *   `[deploy.kafka]`, and `min.insync.replicas` one less than the replication factor (at least
 *   1). The choice (rather than a custom resource running a Kafka admin client in the VPC):
 *   the topic set is fixed by the DSL and every topic gets the same settings, so the brokers'
 *   own defaults create exactly the planned topics, deterministically, with no Lambda
 *   bundle, no admin credentials and nothing that must reach the brokers while the stack
 *   deploys. What auto-creation cannot do is set a topic's own retention: the brokers keep
 *   every topic's records for the longest retention the DSL asks for (7 days when none does).
 * - The services receive `KAFKA_BOOTSTRAP_SERVERS` (the IAM brokers, read by the stack from
 *   MSK once deployed and published as an SSM parameter) and `KAFKA_CONSUMER_GROUP_PREFIX`;
 *   their task roles may connect to this cluster, read and write its planned topics (and
 *   create them, for auto-creation) and use the consumer groups under the prefix, nothing else.
 */
import type { ResolvedConfig } from '../config/index.js';
import { pascal } from '../ir/index.js';
import { configKey, kafkaClusterName, kafkaConsumerGroupPrefix, kafkaParameters, kafkaTopicName, KAFKA_IAM_PORT, type Because, type InfraRequirements } from '../lower/index.js';
import { retentionDays } from './retention.js';
import type { Cost, PlanResourceDraft } from './model.js';
import { FLAT, hourlyPrice, HOURS_PER_MONTH, ifPriced, type RegionPrices } from './prices.js';

export interface AwsKafkaTopic {
  /** The DSL name of the stream channel or event topic. */
  readonly name: string;
  /** The Kafka topic name (`<app>-<env>-<name>`). */
  readonly topic: string;
  readonly retention: string | null;
}

export interface AwsKafka {
  readonly brokers: number;
  readonly instanceType: string;
  readonly version: string;
  readonly volumeGb: number;
  readonly partitions: number;
  readonly replicationFactor: number;
  readonly minInsyncReplicas: number;
  /** How long the brokers keep records, in hours: the longest topic retention of the DSL (7 days when none is set). */
  readonly retentionHours: number;
  readonly clusterName: string;
  readonly port: typeof KAFKA_IAM_PORT;
  readonly topics: readonly AwsKafkaTopic[];
  /** Consumer group IDs the services may use start with this. */
  readonly consumerGroupPrefix: string;
  /** The brokers' log group, before `-<creation id>` of the Kafka stack. */
  readonly logGroup: string;
  /** SSM parameters the Kafka stack writes for the Compute stack. */
  readonly parameters: { readonly bootstrapServers: string; readonly clusterArn: string };
}

const DEFAULT_RETENTION_DAYS = 7;

/** The AWS choices of `[deploy.kafka]`, or null when it is off. */
export function awsKafka(req: Pick<InfraRequirements, 'app' | 'eventBuses'>, config: ResolvedConfig): AwsKafka | null {
  const d = config.deploy;
  const k = d.kafka;
  if (!k.enabled) return null;
  const env = d.environment;
  const days = req.eventBuses.map((b) => retentionDays(b.retention)).filter((x): x is number => x !== null);
  return {
    brokers: k.broker_count,
    instanceType: k.instance_type,
    version: k.version,
    volumeGb: k.volume_size_gb,
    partitions: k.partitions,
    replicationFactor: k.replication_factor,
    minInsyncReplicas: Math.max(1, k.replication_factor - 1),
    retentionHours: 24 * (days.length ? Math.max(...days) : DEFAULT_RETENTION_DAYS),
    clusterName: kafkaClusterName(req.app, env),
    port: KAFKA_IAM_PORT,
    topics: req.eventBuses.map((b) => ({ name: b.name, topic: kafkaTopicName(req.app, env, b.name), retention: b.retention })),
    consumerGroupPrefix: kafkaConsumerGroupPrefix(req.app, env),
    logGroup: `/${req.app}/${env}/kafka`,
    parameters: kafkaParameters(req.app, env),
  };
}

/** The Kafka stack's broker alarms, in the form plan/alarms.ts plans them. */
export function kafkaAlarmSpecs(k: AwsKafka) {
  const why = 'MSK publishes broker metrics every minute while the cluster runs; a cluster that stops publishing shows on the services first.';
  return [
    {
      id: 'KafkaDiskAlarm',
      metric: { kind: 'kafka-disk' as const },
      description: `Kafka: a broker's data volume is more than 80% full (${k.volumeGb} GiB each).`,
      period: 300,
      statistic: 'Maximum' as const,
      threshold: 80,
      comparison: 'GREATER_THAN_THRESHOLD' as const,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      missing: 'MISSING' as const,
      missingWhy: why,
      metrics: k.brokers,
    },
    {
      id: 'KafkaUnderReplicatedAlarm',
      metric: { kind: 'kafka-under-replicated' as const },
      description: 'Kafka: partitions are under-replicated for 10 minutes.',
      period: 300,
      statistic: 'Maximum' as const,
      threshold: 0,
      comparison: 'GREATER_THAN_THRESHOLD' as const,
      evaluationPeriods: 2,
      datapointsToAlarm: 2,
      missing: 'MISSING' as const,
      missingWhy: why,
      metrics: k.brokers,
    },
  ];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** The Kafka stack's resources in the plan (its alarms are added with every stack's). */
export function kafkaResources(k: AwsKafka, req: Pick<InfraRequirements, 'eventBuses'>, config: ResolvedConfig, prices: RegionPrices, notes: string[]): PlanResourceDraft[] {
  const enabled: Because = configKey(config, 'kafka.enabled');
  const brokerCost = ifPriced(hourlyPrice(prices.msk, k.instanceType, 'kafka.instance_type', notes), (h): Cost => {
    const usd = round2(k.brokers * (h * HOURS_PER_MONTH + k.volumeGb * prices.mskStorageGbMonth));
    return { low: usd, high: usd, basis: `${k.brokers} × ${k.instanceType} + ${k.volumeGb} GiB storage each` };
  });
  const out: PlanResourceDraft[] = [
    {
      id: 'KafkaSecurityGroup',
      type: 'AWS::EC2::SecurityGroup',
      title: `the brokers' security group: ${k.port} (IAM, TLS) from the services only`,
      params: [['ingress', `${k.port} from the services' security group`]],
      because: [enabled],
      cost: null,
      cloudformation: { 'AWS::EC2::SecurityGroup': 1, 'AWS::EC2::SecurityGroupIngress': 1 },
    },
    {
      id: 'KafkaLogs',
      type: 'AWS::Logs::LogGroup',
      title: 'the brokers\' logs',
      params: [
        ['name', `${k.logGroup}-<creation id>`],
        ['retention', `${config.deploy.logs.retention_days} days`],
      ],
      because: [enabled, configKey(config, 'logs.retention_days')],
      cost: { low: 0, high: round2(5 * FLAT.logsIngestGb), basis: '0-5 GB of broker logs/month' },
      cloudformation: { 'AWS::Logs::LogGroup': 1 },
    },
    {
      id: 'KafkaConfiguration',
      type: 'AWS::MSK::Configuration',
      title: 'broker settings: topics created at first use with the planned partitions and replication',
      params: [
        ['auto.create.topics.enable', true],
        ['num.partitions', k.partitions],
        ['default.replication.factor', k.replicationFactor],
        ['min.insync.replicas', k.minInsyncReplicas],
        ['log.retention.hours', k.retentionHours],
      ],
      because: [configKey(config, 'kafka.partitions'), configKey(config, 'kafka.replication_factor')],
      cost: null,
      cloudformation: { 'AWS::MSK::Configuration': 1 },
    },
    {
      id: 'Kafka',
      type: 'AWS::MSK::Cluster',
      title: `Amazon MSK cluster (IAM auth on ${k.port}, TLS, encrypted at rest)`,
      params: [
        ['name', k.clusterName],
        ['brokers', k.brokers],
        ['instance', k.instanceType],
        ['version', k.version],
        ['storage', `${k.volumeGb} GiB per broker`],
        ['monitoring', 'per broker'],
      ],
      because: [enabled, configKey(config, 'kafka.broker_count'), configKey(config, 'kafka.instance_type')],
      cost: brokerCost,
      cloudformation: { 'AWS::MSK::Cluster': 1 },
    },
    {
      id: 'KafkaParameters',
      type: 'AWS::SSM::Parameter',
      title: 'the IAM bootstrap brokers (read from MSK once the cluster exists) and the cluster ARN, for the Compute stack',
      params: [['parameters', [k.parameters.bootstrapServers, k.parameters.clusterArn]]],
      because: [enabled],
      cost: { low: 0, high: 0, basis: 'standard parameters' },
      // The bootstrap brokers come from a custom resource (MSK's API call, by aws-cdk's provider function and its role).
      cloudformation: { 'AWS::SSM::Parameter': 2, 'Custom::KafkaBootstrapBrokers': 1, 'AWS::Lambda::Function': 1, 'AWS::IAM::Role': 1, 'AWS::IAM::Policy': 1 },
    },
  ];
  for (const t of k.topics) {
    const bus = req.eventBuses.find((b) => b.name === t.name);
    out.push({
      id: `Topic${pascal(t.name)}`,
      type: 'Kafka::Topic',
      title: `Kafka topic ${t.topic}, created by the brokers at first use`,
      params: [
        ['source', bus?.source === 'topic' ? 'event topic' : 'stream channel'],
        ['partitions', k.partitions],
        ['replication', k.replicationFactor],
        ...(t.retention ? ([['retention', `${t.retention} (the brokers keep every topic ${k.retentionHours / 24} days)`]] as [string, string][]) : []),
      ],
      because: bus?.because ?? [],
      cost: null,
      cloudformation: {},
    });
  }
  return out;
}
