/**
 * Every alarm of the deployment, planned once: the plan lists and prices them, the stack that
 * owns what an alarm watches renders it (so no stack imports another's resources to alarm on
 * them), and the Observability dashboard shows them by name. Each alarm says why it treats
 * missing data the way it does: a total outage must page, so an alarm whose metric stops when
 * the thing it watches is gone treats missing data as breaching.
 */
import { pascal } from '../ir/index.js';
import { alarmName } from '../lower/index.js';
import type { AwsRequirements } from './aws.js';
import { kafkaAlarmSpecs } from './kafka.js';
import { kvrocksAlarmSpecs } from './kvrocks.js';
import type { StackName } from './model.js';
import { computeStackNeeded, inServiceAlarm, nodeAlarms } from './nodes.js';

/** What an alarm reads; the owner stack turns it into a CloudWatch metric of its own resource. */
export type AlarmMetric =
  | { readonly kind: 'load-balancer-5xx' }
  | { readonly kind: 'service-cpu' | 'service-memory' | 'tasks-below-desired'; /** The service's construct ID. */ readonly service: string }
  | { readonly kind: 'unhealthy-targets' | 'healthy-targets'; /** The service's construct ID. */ readonly service: string }
  | { readonly kind: 'database-cpu' | 'database-connections' }
  | { readonly kind: 'dead-letters' | 'oldest-message'; readonly queue: string | null }
  | { readonly kind: 'replica-in-service'; readonly replica: number }
  | { readonly kind: 'node-in-service' | 'node-cpu' | 'node-memory' | 'node-disk'; /** The node's construct ID (`Node0`). */ readonly node: string }
  | { readonly kind: 'kafka-disk' | 'kafka-under-replicated' };

export interface AwsAlarm {
  readonly stack: StackName;
  /** Construct ID in its stack. */
  readonly id: string;
  /** The alarm's fixed name (the Observability dashboard shows it by the ARN built from it). */
  readonly name: string;
  readonly metric: AlarmMetric;
  readonly description: string;
  /** Seconds per datapoint. */
  readonly period: number;
  readonly statistic: 'Average' | 'Sum' | 'Minimum' | 'Maximum';
  readonly threshold: number;
  readonly comparison: 'GREATER_THAN_THRESHOLD' | 'LESS_THAN_THRESHOLD' | 'GREATER_THAN_OR_EQUAL_TO_THRESHOLD';
  readonly evaluationPeriods: number;
  readonly datapointsToAlarm: number;
  readonly missing: 'NOT_BREACHING' | 'BREACHING' | 'MISSING';
  /** Why missing data is treated so (a comment next to the alarm). */
  readonly missingWhy: string;
  /** Metrics the alarm reads (CloudWatch prices an alarm per metric). */
  readonly metrics: number;
}

type Spec = Omit<AwsAlarm, 'stack' | 'name' | 'metrics'> & { readonly metrics?: number };

const MINUTE = 60;
const FIVE = 300;

/** CPU and memory: published every minute while tasks run; a stopped service is the tasks alarm's job. */
const UTILISATION_MISSING = 'CPU and memory are published every minute while tasks run: no data is no evidence of load, and a service with no tasks is what the tasks-below-desired alarm pages for.';

/** A service's alarms; the metric names the service by its construct ID (unique, whatever the services are named). */
function serviceAlarms(id: string, label: string, web: boolean): Spec[] {
  const service = id;
  const out: Spec[] = [
    { id: `${id}CpuAlarm`, metric: { kind: 'service-cpu', service }, description: `${label}: CPU above 80% for 15 minutes.`, period: FIVE, statistic: 'Average', threshold: 80, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: UTILISATION_MISSING },
    { id: `${id}MemoryAlarm`, metric: { kind: 'service-memory', service }, description: `${label}: memory above 85% for 15 minutes.`, period: FIVE, statistic: 'Average', threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: UTILISATION_MISSING },
    {
      id: `${id}TasksBelowDesiredAlarm`,
      metric: { kind: 'tasks-below-desired', service },
      description: `${label}: fewer tasks running than desired for 5 minutes.`,
      period: MINUTE,
      statistic: 'Maximum',
      threshold: 0,
      comparison: 'GREATER_THAN_THRESHOLD',
      evaluationPeriods: 5,
      datapointsToAlarm: 5,
      missing: 'BREACHING',
      missingWhy: 'Container Insights publishes the desired and running task counts every minute while the service exists: no data means the service (or its metrics) is gone, which must page.',
      metrics: 2,
    },
  ];
  if (web) {
    out.push(
      { id: `${id}UnhealthyTargetsAlarm`, metric: { kind: 'unhealthy-targets', service }, description: `${label}: a target has failed its health check for 3 minutes.`, period: MINUTE, statistic: 'Maximum', threshold: 0, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'NOT_BREACHING', missingWhy: 'A target group with no targets publishes no unhealthy count: no data means nothing is unhealthy (the no-healthy-targets alarm pages for an empty group).' },
      {
        id: `${id}NoHealthyTargetsAlarm`,
        metric: { kind: 'healthy-targets', service },
        description: `${label}: no healthy target behind the load balancer for 2 minutes (the service is down).`,
        period: MINUTE,
        statistic: 'Minimum',
        threshold: 1,
        comparison: 'LESS_THAN_THRESHOLD',
        evaluationPeriods: 2,
        datapointsToAlarm: 2,
        missing: 'BREACHING',
        missingWhy: 'The load balancer publishes the healthy count every minute for a target group it routes to: no data means no target at all, an outage like zero healthy ones.',
      },
    );
  }
  return out;
}

function queueAlarms(prefix: string, label: string, queue: string | null): Spec[] {
  const why = 'SQS stops publishing a queue\'s metrics after six hours without messages or requests: a queue that holds messages is active, so no data means none are waiting.';
  return [
    { id: `${prefix}DeadLettersAlarm`, metric: { kind: 'dead-letters', queue }, description: `${label}: messages in the dead-letter queue.`, period: FIVE, statistic: 'Maximum', threshold: 0, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 1, datapointsToAlarm: 1, missing: 'NOT_BREACHING', missingWhy: why },
    { id: `${prefix}AgeAlarm`, metric: { kind: 'oldest-message', queue }, description: `${label}: the oldest message has waited more than 15 minutes.`, period: FIVE, statistic: 'Maximum', threshold: 900, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 2, datapointsToAlarm: 2, missing: 'NOT_BREACHING', missingWhy: why },
  ];
}

/** The alarms of a plan, each in the stack that owns what it watches. */
export function plannedAlarms(a: Omit<AwsRequirements, 'alarms' | 'dashboard'>): AwsAlarm[] {
  const out: AwsAlarm[] = [];
  const add = (stack: StackName, specs: readonly Spec[]) => {
    for (const s of specs) out.push({ ...s, stack, name: alarmName(a.app, a.environment, stack, s.id), metrics: s.metrics ?? 1 });
  };
  // TigerBeetle: each replica's single-instance group keeps its instance in service.
  for (const n of a.tigerbeetle?.nodes ?? []) {
    add('TigerBeetle', [inServiceAlarm(`${n.id}InServiceAlarm`, { kind: 'replica-in-service', replica: n.index }, `TigerBeetle replica ${n.index} has no instance in service.`)]);
  }
  if (a.database) {
    // Aurora PostgreSQL allows roughly LEAST(DBInstanceClassMemory/9531392, 5000) connections; at 0.5 ACU that is about 90.
    const maxConnections = a.database.mode === 'serverless' ? Math.max(45, Math.round(a.database.minAcu * 2 * 90 * 0.8)) : 400;
    const why = 'Aurora publishes every minute while the cluster runs; a stopped cluster shows on the services\' alarms first.';
    add('Data', [
      { id: 'DatabaseCpuAlarm', metric: { kind: 'database-cpu' }, description: 'Database: CPU above 80% for 15 minutes.', period: FIVE, statistic: 'Average', threshold: 80, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: why },
      { id: 'DatabaseConnectionsAlarm', metric: { kind: 'database-connections' }, description: `Database: more than ${maxConnections} connections for 15 minutes.`, period: FIVE, statistic: 'Average', threshold: maxConnections, comparison: 'GREATER_THAN_THRESHOLD', evaluationPeriods: 3, datapointsToAlarm: 3, missing: 'MISSING', missingWhy: why },
    ]);
  }
  // EC2 node groups: each node's single-instance group keeps its instance in service; CPU, and memory and disk from the CloudWatch agent.
  for (const n of a.nodeGroups.flatMap((g) => g.nodes)) add('Nodes', nodeAlarms(n.id, `Node ${n.index}`));
  if (a.kafka) add('Kafka', kafkaAlarmSpecs(a.kafka));
  if (a.kvrocks) add('Cache', kvrocksAlarmSpecs(a.kvrocks));
  // A queue's alarms live in the Messaging stack that makes the queue.
  for (const q of a.queues) add(q.stack, queueAlarms(`Queue${pascal(q.name)}`, q.name, q.name));
  if (a.scheduleQueue) add('Messaging', queueAlarms('ScheduleQueue', 'schedules', null));
  if (computeStackNeeded(a)) add('Compute', [
    {
      id: 'LoadBalancer5xxAlarm',
      metric: { kind: 'load-balancer-5xx' },
      description: 'More than 10 responses with a 5xx status from the targets in 5 minutes.',
      period: FIVE,
      statistic: 'Sum',
      threshold: 10,
      comparison: 'GREATER_THAN_THRESHOLD',
      evaluationPeriods: 1,
      datapointsToAlarm: 1,
      missing: 'NOT_BREACHING',
      missingWhy: 'The load balancer publishes 5xx counts only when there are some.',
    },
  ]);
  for (const s of a.services) {
    if (s.runtime !== 'fargate') continue;
    add(s.stack, serviceAlarms(s.id, s.role === 'worker' ? 'worker' : s.name, s.role === 'web'));
  }
  return out;
}
