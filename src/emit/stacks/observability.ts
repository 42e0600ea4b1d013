/**
 * The Observability stack: one dashboard and the alarms for what was
 * deployed, every alarm wired to one SNS topic. Each alarm reads a metric the
 * resource actually publishes (ECS service metrics, ALB target-group metrics,
 * Aurora cluster metrics by DBClusterIdentifier, SQS queue metrics, and the
 * TigerBeetle groups' GroupInServiceInstances, which that stack enables).
 */
import { alarmTopicDisplayName, dashboardName } from '../../lower/index.js';
import { commentBlock, header, lit, pascal, str } from '../code.js';
import { because, distinct, member, propsInterface, stackSource, type EmitContext, type StackProp, type StackSource } from '../model.js';

interface AlarmSpec {
  readonly id: string;
  readonly metric: string;
  readonly threshold: number;
  readonly comparison: 'GREATER_THAN_THRESHOLD' | 'LESS_THAN_THRESHOLD' | 'GREATER_THAN_OR_EQUAL_TO_THRESHOLD';
  readonly periods: number;
  readonly missing: 'NOT_BREACHING' | 'BREACHING' | 'MISSING';
  readonly description: string;
}

export function observabilityStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const web = a.services.filter((s) => s.role === 'web');
  const worker = a.services.find((s) => s.role === 'worker');
  const props: StackProp[] = [
    { field: 'loadBalancer', type: 'elbv2.ApplicationLoadBalancer', doc: 'The load balancer (Compute stack).', value: 'compute.loadBalancer' },
  ];
  for (const s of web) {
    props.push({ field: member.service(s.name), type: 'ecs.FargateService', doc: `Web service ${s.name} (Compute stack).`, value: `compute.${member.service(s.name)}` });
    props.push({ field: `${member.service(s.name)}Targets`, type: 'elbv2.ApplicationTargetGroup', doc: `Targets of ${s.name} (Compute stack).`, value: `compute.${member.service(s.name)}Targets` });
  }
  if (worker) props.push({ field: 'worker', type: 'ecs.FargateService', doc: 'The worker (Compute stack).', value: 'compute.worker' });
  if (a.database) props.push({ field: 'database', type: 'rds.DatabaseCluster', doc: 'The Aurora cluster (Data stack).', value: 'data.database' });
  for (const q of a.queues) {
    props.push({ field: member.queue(q.name), type: 'sqs.IQueue', doc: `Queue ${q.name} (Messaging stack).`, value: `messaging.${member.queue(q.name)}` });
    props.push({ field: member.deadLetterQueue(q.name), type: 'sqs.IQueue', doc: `Dead letters of ${q.name} (Messaging stack).`, value: `messaging.${member.deadLetterQueue(q.name)}` });
  }
  if (a.schedules.length) {
    props.push({ field: 'scheduleQueue', type: 'sqs.IQueue', doc: 'The schedule queue (Messaging stack).', value: 'messaging.scheduleQueue' });
    props.push({ field: 'scheduleDeadLetterQueue', type: 'sqs.IQueue', doc: 'Dead letters of the schedule queue (Messaging stack).', value: 'messaging.scheduleDeadLetterQueue' });
  }
  if (a.tigerbeetle) props.push({ field: 'tigerBeetleReplicas', type: 'autoscaling.AutoScalingGroup[]', doc: 'The TigerBeetle replicas, by index (TigerBeetle stack).', value: 'tigerBeetle.replicas' });

  const alarms: AlarmSpec[] = [];
  const widgets: string[] = [];
  const fiveMin = 'Duration.minutes(5)';
  // Load balancer
  widgets.push(`      new cloudwatch.GraphWidget({
        title: 'Load balancer requests and 5xx',
        left: [props.loadBalancer.metrics.requestCount({ period: ${fiveMin} })],
        right: [props.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: ${fiveMin} })],
      }),`);
  alarms.push({
    id: 'LoadBalancer5xxAlarm',
    metric: `props.loadBalancer.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: ${fiveMin} })`,
    threshold: 10,
    comparison: 'GREATER_THAN_THRESHOLD',
    periods: 1,
    // The ALB publishes 5xx counts only when there are some.
    missing: 'NOT_BREACHING',
    description: 'More than 10 responses with a 5xx status from the targets in 5 minutes.',
  });
  for (const s of web) {
    const m = member.service(s.name);
    const P = pascal(s.name);
    widgets.push(`      new cloudwatch.GraphWidget({
        title: ${str(`${s.name}: CPU and memory (%)`)},
        left: [props.${m}.metricCpuUtilization({ period: ${fiveMin} }), props.${m}.metricMemoryUtilization({ period: ${fiveMin} })],
      }),
      new cloudwatch.GraphWidget({
        title: ${str(`${s.name}: healthy and unhealthy targets`)},
        left: [props.${m}Targets.metrics.healthyHostCount({ period: Duration.minutes(1) }), props.${m}Targets.metrics.unhealthyHostCount({ period: Duration.minutes(1) })],
        right: [props.${m}Targets.metrics.targetResponseTime({ period: ${fiveMin} })],
      }),`);
    alarms.push(
      { id: `Service${P}CpuAlarm`, metric: `props.${m}.metricCpuUtilization({ period: ${fiveMin} })`, threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: `${s.name}: CPU above 85% for 15 minutes.` },
      { id: `Service${P}MemoryAlarm`, metric: `props.${m}.metricMemoryUtilization({ period: ${fiveMin} })`, threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: `${s.name}: memory above 85% for 15 minutes.` },
      { id: `Service${P}UnhealthyTargetsAlarm`, metric: `props.${m}Targets.metrics.unhealthyHostCount({ period: Duration.minutes(1) })`, threshold: 0, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'NOT_BREACHING', description: `${s.name}: a target has failed its health check for 3 minutes.` },
    );
  }
  if (worker) {
    widgets.push(`      new cloudwatch.GraphWidget({
        title: 'worker: CPU and memory (%)',
        left: [props.worker.metricCpuUtilization({ period: ${fiveMin} }), props.worker.metricMemoryUtilization({ period: ${fiveMin} })],
      }),`);
    alarms.push(
      { id: 'WorkerCpuAlarm', metric: `props.worker.metricCpuUtilization({ period: ${fiveMin} })`, threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: 'worker: CPU above 85% for 15 minutes.' },
      { id: 'WorkerMemoryAlarm', metric: `props.worker.metricMemoryUtilization({ period: ${fiveMin} })`, threshold: 85, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: 'worker: memory above 85% for 15 minutes.' },
    );
  }
  if (a.database) {
    widgets.push(`      new cloudwatch.GraphWidget({
        title: 'Database: CPU (%) and connections',
        left: [props.database.metricCPUUtilization({ period: ${fiveMin} })],
        right: [props.database.metricDatabaseConnections({ period: ${fiveMin} })],
      }),`);
    // Aurora PostgreSQL allows roughly LEAST(DBInstanceClassMemory/9531392, 5000) connections; at 0.5 ACU that is about 90.
    const maxConnections = a.database.mode === 'serverless' ? Math.max(45, Math.round(a.database.minAcu * 2 * 90 * 0.8)) : 400;
    alarms.push(
      { id: 'DatabaseCpuAlarm', metric: `props.database.metricCPUUtilization({ period: ${fiveMin} })`, threshold: 80, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: 'Database: CPU above 80% for 15 minutes.' },
      { id: 'DatabaseConnectionsAlarm', metric: `props.database.metricDatabaseConnections({ period: ${fiveMin} })`, threshold: maxConnections, comparison: 'GREATER_THAN_THRESHOLD', periods: 3, missing: 'MISSING', description: `Database: more than ${maxConnections} connections for 15 minutes.` },
    );
  }
  const queueAlarms = (label: string, q: string, dlq: string, P: string) => {
    widgets.push(`      new cloudwatch.GraphWidget({
        title: ${str(`Queue ${label}: backlog, oldest message (s), dead letters`)},
        left: [props.${q}.metricApproximateNumberOfMessagesVisible({ period: ${fiveMin} }), props.${dlq}.metricApproximateNumberOfMessagesVisible({ period: ${fiveMin} })],
        right: [props.${q}.metricApproximateAgeOfOldestMessage({ period: ${fiveMin} })],
      }),`);
    alarms.push(
      { id: `${P}DeadLettersAlarm`, metric: `props.${dlq}.metricApproximateNumberOfMessagesVisible({ period: ${fiveMin} })`, threshold: 0, comparison: 'GREATER_THAN_THRESHOLD', periods: 1, missing: 'MISSING', description: `${label}: messages in the dead-letter queue.` },
      { id: `${P}AgeAlarm`, metric: `props.${q}.metricApproximateAgeOfOldestMessage({ period: ${fiveMin} })`, threshold: 900, comparison: 'GREATER_THAN_THRESHOLD', periods: 2, missing: 'MISSING', description: `${label}: the oldest message has waited more than 15 minutes.` },
    );
  };
  for (const q of a.queues) queueAlarms(q.name, member.queue(q.name), member.deadLetterQueue(q.name), `Queue${pascal(q.name)}`);
  if (a.schedules.length) queueAlarms('schedules', 'scheduleQueue', 'scheduleDeadLetterQueue', 'ScheduleQueue');
  const tb = a.tigerbeetle;
  if (tb) {
    widgets.push(`      new cloudwatch.GraphWidget({
        title: 'TigerBeetle replicas in service',
        left: props.tigerBeetleReplicas.map((group, index) => inService(group).with({ label: \`replica \${index}\` })),
      }),`);
  }

  distinct('Observability stack props', props.map((p) => p.field));
  distinct('Observability stack alarms', alarms.map((x) => x.id));
  const alarmCode = alarms.map(
    (x) => `    new cloudwatch.Alarm(this, ${str(x.id)}, {
      alarmDescription: ${str(x.description)},
      metric: ${x.metric},
      threshold: ${lit(x.threshold)},
      comparisonOperator: cloudwatch.ComparisonOperator.${x.comparison},
      evaluationPeriods: ${lit(x.periods)},
      treatMissingData: cloudwatch.TreatMissingData.${x.missing},
    }),`,
  );

  const topic = a.observability.snsTopicArn
    ? `    // Alarms go to the existing topic deploy.alarms.sns_topic_arn.
    const topic = sns.Topic.fromTopicArn(this, 'AlarmTopic', ${str(a.observability.snsTopicArn)});`
    : `    // The alarm topic, encrypted with a key CloudWatch may use to publish to it.
    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: ${str(`Encrypts the ${a.app} (${a.environment}) alarm topic`)},
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    const topic = new sns.Topic(this, 'AlarmTopic', {
      displayName: ${str(alarmTopicDisplayName(a.app, a.environment))},
      masterKey: topicKey,
      enforceSSL: true,
    });
    // The topic policy (TLS only) replaces SNS's default one, so allow CloudWatch alarms of this account to publish.
    topic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );${a.observability.alarmEmails.map((e) => `\n    topic.addSubscription(new subscriptions.EmailSubscription(${str(e)}));`).join('')}`;

  const tbAlarms = tb
    ? `

    // TigerBeetle: each replica's group must have its one instance in service (the TigerBeetle stack
    // enables GroupInServiceInstances on every group, so this metric always has data).
    props.tigerBeetleReplicas.forEach((group, index) => {
      alarms.push(
        new cloudwatch.Alarm(this, \`TigerBeetleReplica\${index}Alarm\`, {
          alarmDescription: \`TigerBeetle replica \${index} has no instance in service.\`,
          metric: inService(group),
          threshold: 1,
          comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
          evaluationPeriods: 2,
          treatMissingData: cloudwatch.TreatMissingData.BREACHING,
        }),
      );
    });`
    : '';

  const imports = [
    `import { Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';`,
    tb ? `import type * as autoscaling from 'aws-cdk-lib/aws-autoscaling';` : '',
    `import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';`,
    `import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';`,
    `import type * as ecs from 'aws-cdk-lib/aws-ecs';`,
    `import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';`,
    a.observability.snsTopicArn ? '' : `import * as iam from 'aws-cdk-lib/aws-iam';\nimport * as kms from 'aws-cdk-lib/aws-kms';`,
    a.database ? `import type * as rds from 'aws-cdk-lib/aws-rds';` : '',
    `import * as sns from 'aws-cdk-lib/aws-sns';`,
    a.observability.alarmEmails.length && !a.observability.snsTopicArn ? `import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';` : '',
    a.queues.length || a.schedules.length ? `import type * as sqs from 'aws-cdk-lib/aws-sqs';` : '',
    `import type { Construct } from 'constructs';`,
  ].filter(Boolean);

  const source = `${header('Observability stack: the dashboard, the alarms and the topic they notify.', plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface('ObservabilityStack', props)}
${
  tb
    ? `
/** Instances in service in one TigerBeetle replica's group (published because the group enables it). */
function inService(group: autoscaling.AutoScalingGroup): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/AutoScaling',
    metricName: 'GroupInServiceInstances',
    dimensionsMap: { AutoScalingGroupName: group.autoScalingGroupName },
    statistic: cloudwatch.Stats.MINIMUM,
    period: Duration.minutes(1),
  });
}
`
    : ''
}
export class ObservabilityStack extends Stack {
  /** Every alarm, each notifying the alarm topic. */
  readonly alarms: cloudwatch.Alarm[];

  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);

${commentBlock(`Alarm notifications${a.observability.alarmEmails.length ? ` to ${a.observability.alarmEmails.join(', ')}` : a.observability.snsTopicArn ? '' : ' (no subscribers yet: set [deploy.alarms] email)'}.`, because(plan, 'Observability', 'Dashboard'), projectRoot, '    ')}
${topic}

    // The dashboard: one row of widgets per part of the deployment.
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: ${str(dashboardName(plan.app, plan.environment))},
      widgets: [
        [
${widgets.map((x) => x.replace(/^ {6}/gm, '          ')).join('\n')}
        ],
      ],
    });

    const alarms: cloudwatch.Alarm[] = [
${alarmCode.join('\n')}
    ];${tbAlarms}
    for (const alarm of alarms) {
      alarm.addAlarmAction(new actions.SnsAction(topic));
      alarm.addOkAction(new actions.SnsAction(topic));
    }
    this.alarms = alarms;
  }
}
`;
  return stackSource('Observability', props, source);
}
