/**
 * Rendering the plan's alarms in the stack that owns what they watch: each stack passes how
 * one of its metrics is written, the plan gives everything else (threshold, periods, how
 * missing data counts and why). Every alarm notifies the alarm topic through `notify`
 * (lib/wiring.ts), by the topic's ARN.
 */
import { InternalError } from '../diagnostics/index.js';
import type { AlarmMetric, AwsAlarm, StackName } from '../plan/index.js';
import { distinct } from './model.js';
import { lit, str, wrappedComment } from './code.js';
import type { EmitContext } from './model.js';

/** The plan's choices as the members of aws-cdk's enums (checked: a value the plan cannot hold is a broken invariant). */
const STATISTIC: Readonly<Record<string, string>> = { Average: 'AVERAGE', Sum: 'SUM', Minimum: 'MINIMUM', Maximum: 'MAXIMUM' };
const COMPARISON = new Set(['GREATER_THAN_THRESHOLD', 'LESS_THAN_THRESHOLD', 'GREATER_THAN_OR_EQUAL_TO_THRESHOLD']);
const MISSING = new Set(['NOT_BREACHING', 'BREACHING', 'MISSING']);

function member(table: ReadonlySet<string> | Readonly<Record<string, string>>, value: string, what: string): string {
  const found = table instanceof Set ? (table.has(value) ? value : undefined) : Object.hasOwn(table, value) ? (table as Record<string, string>)[value] : undefined;
  if (found === undefined) throw new InternalError(`an alarm with the ${what} ${JSON.stringify(value)}`);
  return found;
}

/** `Duration.minutes(5)` or `Duration.seconds(90)`. */
export function duration(seconds: number): string {
  return seconds % 60 === 0 ? `Duration.minutes(${lit(seconds / 60)})` : `Duration.seconds(${lit(seconds)})`;
}

/** The options of a metric method for an alarm: its period and statistic. */
export function metricOptions(a: Pick<AwsAlarm, 'period' | 'statistic'>): string {
  return `{ period: ${duration(a.period)}, statistic: cloudwatch.Stats.${member(STATISTIC, a.statistic, 'statistic')} }`;
}

/** The alarms a stack owns. */
export function alarmsOf(ctx: EmitContext, stack: StackName): readonly AwsAlarm[] {
  const alarms = ctx.plan.aws.alarms.filter((a) => a.stack === stack);
  distinct(`${stack} stack alarms`, alarms.map((a) => a.id));
  return alarms;
}

/** The alarms of a stack as code: one `notify(new cloudwatch.Alarm(…))` each. */
export function alarmCode(ctx: EmitContext, stack: StackName, metric: (m: AlarmMetric, a: AwsAlarm) => string, indent = '    '): string {
  return alarmsOf(ctx, stack)
    .map(
      (a) => `${wrappedComment(`Missing data: ${a.missing.toLowerCase().replace(/_/g, ' ')}. ${a.missingWhy}`, indent)}
${indent}notify(new cloudwatch.Alarm(this, ${str(a.id)}, {
${indent}  alarmName: ALARMS[${str(stack)}][${str(a.id)}],
${indent}  alarmDescription: ${str(a.description)},
${indent}  metric: ${metric(a.metric, a)},
${indent}  threshold: ${lit(a.threshold)},
${indent}  comparisonOperator: cloudwatch.ComparisonOperator.${member(COMPARISON, a.comparison, 'comparison')},
${indent}  evaluationPeriods: ${lit(a.evaluationPeriods)},
${indent}  datapointsToAlarm: ${lit(a.datapointsToAlarm)},
${indent}  treatMissingData: cloudwatch.TreatMissingData.${member(MISSING, a.missing, 'missing data treatment')},
${indent}}));`,
    )
    .join('\n');
}

/**
 * The generated helper that graphs a service's missing tasks (desired minus running), for the
 * `tasks-below-desired` alarms of the stacks that run ECS services (Compute, Cache).
 */
export const TASKS_BELOW_DESIRED = `/**
 * Desired minus running tasks of a service (Container Insights): above zero means tasks are missing.
 * Both counts are published every minute while the service exists.
 */
function tasksBelowDesired(cluster: ecs.ICluster, service: ecs.IBaseService, period: Duration): cloudwatch.IMetric {
  const count = (metricName: string, statistic: string) =>
    new cloudwatch.Metric({
      namespace: 'ECS/ContainerInsights',
      metricName,
      dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
      statistic,
      period,
    });
  return new cloudwatch.MathExpression({
    expression: 'desired - running',
    usingMetrics: { desired: count('DesiredTaskCount', cloudwatch.Stats.MAXIMUM), running: count('RunningTaskCount', cloudwatch.Stats.MINIMUM) },
    label: 'tasks below desired',
    period,
  });
}`;
