/**
 * Metric rows of the Observability dashboard for the components whose alarms alone do not show
 * them (seed 004's dashboards): Aurora's writer and reader side by side, MSK's throughput per
 * broker, the Kvrocks tasks' CPU and memory. The Observability stack deploys first and imports
 * nothing, so each widget finds its metrics by CloudWatch SEARCH on names fixed at generation
 * (the cluster identifier's prefix, the MSK cluster name, the Cache stack's name, which its ECS
 * cluster's name starts with).
 */
import type { DeploymentPlan } from '../plan/index.js';
import { str } from './code.js';
import { stackName } from './model.js';

/** One graph of a SEARCH expression. */
function graph(title: string, search: string): string {
  return `new cloudwatch.GraphWidget({ title: ${str(title)}, width: 12, left: [new cloudwatch.MathExpression({ expression: ${str(search)}, usingMetrics: {}, label: '', period: Duration.minutes(5) })] })`;
}

/** The rows (TypeScript expressions of `cloudwatch.IWidget[]`), none when the plan has none of these components. */
export function componentRows(plan: DeploymentPlan): string[] {
  const a = plan.aws;
  const rows: string[] = [];
  const db = a.database;
  if (db && db.readers > 0) {
    const by = (metric: string, stat: string) => `SEARCH('{AWS/RDS,DBClusterIdentifier,Role} MetricName="${metric}" ${db.clusterIdentifier}', '${stat}', 300)`;
    rows.push(`[${graph('Aurora writer and reader: CPU %', by('CPUUtilization', 'Average'))}, ${graph('Aurora writer and reader: connections', by('DatabaseConnections', 'Average'))}]`);
  }
  if (a.kafka) {
    const by = (metric: string) => `SEARCH('{AWS/Kafka,"Broker ID","Cluster Name"} MetricName="${metric}" "Cluster Name"="${a.kafka?.clusterName ?? ''}"', 'Average', 300)`;
    rows.push(`[${graph('MSK: bytes in per broker', by('BytesInPerSec'))}, ${graph('MSK: bytes out per broker', by('BytesOutPerSec'))}]`);
  }
  if (a.kvrocks) {
    const by = (metric: string) => `SEARCH('{ECS/ContainerInsights,ClusterName,ServiceName} MetricName="${metric}" ${stackName(plan, 'Cache')}', 'Average', 300)`;
    rows.push(`[${graph('Kvrocks and sentinels: CPU', by('CpuUtilized'))}, ${graph('Kvrocks and sentinels: memory', by('MemoryUtilized'))}]`);
  }
  return rows;
}
