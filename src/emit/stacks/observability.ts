/**
 * The Observability stack: the alarm topic (with its key and subscriptions) and a dashboard of
 * every alarm. It deploys first, so that the topic exists before any alarm names it; the alarms
 * themselves live in the stacks that own what they watch, and send to the topic by its ARN.
 * The dashboard names each alarm by the ARN built from its fixed name, so this stack imports
 * nothing from the others.
 */
import { alarmTopicDisplayName, dashboardName } from '../../lower/index.js';
import { componentRows } from '../dashboard-rows.js';
import { commentBlock, header, lit, str } from '../code.js';
import { because, propsInterface, stackSource, type EmitContext, type StackSource } from '../model.js';

export function observabilityStack(ctx: EmitContext): StackSource {
  const { plan, projectRoot } = ctx;
  const a = plan.aws;
  const own = !a.observability.snsTopicArn;
  const emails = a.observability.alarmEmails;
  // Metric rows for Aurora's writer and reader, MSK and Kvrocks (src/emit/dashboard-rows.ts).
  const components = componentRows(plan);

  const topic = own
    ? `${commentBlock(`The alarm topic${emails.length ? `, notifying ${emails.join(', ')}` : ' (no subscribers yet: set [deploy.alarms] email)'}. Its name is fixed: every stack's alarms send to it by ARN.`, because(plan, 'Observability', 'AlarmTopic'), projectRoot, '    ')}
    // Encrypted with a key CloudWatch may use to publish to it.
    const topicKey = new kms.Key(this, 'AlarmTopicKey', {
      description: ${str(`Encrypts the ${a.app} (${a.environment}) alarm topic`)},
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.DESTROY,
    });
    topicKey.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      topicName: NAMES.alarmTopic,
      displayName: ${str(alarmTopicDisplayName(a.app, a.environment))},
      masterKey: topicKey,
      enforceSSL: true,
    });
    // The topic policy (TLS only) replaces SNS's default one, so allow CloudWatch alarms of this account to publish.
    this.alarmTopic.addToResourcePolicy(
      new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [this.alarmTopic.topicArn],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );${emails.map((e) => `\n    this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(${str(e)}));`).join('')}`
    : `    // The alarms of every stack send to the existing topic deploy.alarms.sns_topic_arn.`;

  const imports = [
    `import { ${components.length ? 'Duration, ' : ''}${own ? 'RemovalPolicy, ' : ''}Stack, type StackProps } from 'aws-cdk-lib';`,
    `import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';`,
    own ? `import * as iam from 'aws-cdk-lib/aws-iam';\nimport * as kms from 'aws-cdk-lib/aws-kms';\nimport * as sns from 'aws-cdk-lib/aws-sns';` : '',
    own && emails.length ? `import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';` : '',
    `import type { Construct } from 'constructs';`,
    `import { ALARMS, alarmArn${own ? ', NAMES' : ''} } from './wiring';`,
  ].filter(Boolean);

  const d = a.dashboard;
  const graphs = d.graphsOmitted ? `a graph of the metric of ${d.graphs.length} alarms (the services', the database's and TigerBeetle's first; a dashboard holds at most 500 widgets, and every alarm is in the state widgets)` : "each alarm's metric";
  const graphSet = d.graphsOmitted ? `\n    const graphed: ReadonlySet<string> = new Set(${lit(d.graphs.map((g) => `${g.stack}/${g.id}`))});` : '';
  const graphFilter = d.graphsOmitted ? '.filter(({ key }) => graphed.has(key))' : '';
  const source = `${header('Observability stack: the alarm topic and a dashboard of every alarm.', plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface('ObservabilityStack', [])}

/** The most alarms one alarm-status widget shows. */
const ALARMS_PER_STATUS_WIDGET = ${a.dashboard.alarmsPerStatusWidget};

export class ObservabilityStack extends Stack {${own ? '\n  /** The topic every alarm notifies. */\n  readonly alarmTopic: sns.Topic;\n' : ''}
  constructor(scope: Construct, id: string, props: ObservabilityStackProps) {
    super(scope, id, props);

${topic}

    // The dashboard: the state of every alarm, then ${graphs}, one row per stack. The alarms
    // live in the stacks that own what they watch; the dashboard names them by ARN (built from their
    // fixed names), so this stack imports nothing and deploys first.
    const byStack = Object.entries(ALARMS).map(([stack, alarms]) =>
      Object.entries(alarms).map(([alarmId, name]) => ({ key: \`\${stack}/\${alarmId}\`, title: \`\${stack}: \${alarmId}\`, alarm: cloudwatch.Alarm.fromAlarmArn(this, \`\${stack}\${alarmId}\`, alarmArn(this, name)) })),
    );${graphSet}
    const rows = byStack.map((alarms) => alarms${graphFilter}.map(({ title, alarm }) => new cloudwatch.AlarmWidget({ title, alarm, width: 8 }))).filter((row) => row.length > 0);
    const all = byStack.flat().map(({ alarm }) => alarm);
    const status: cloudwatch.IWidget[] = [];
    for (let i = 0; i < all.length; i += ALARMS_PER_STATUS_WIDGET) {
      status.push(new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: all.slice(i, i + ALARMS_PER_STATUS_WIDGET), width: 24 }));
    }
    new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: ${str(dashboardName(plan.app, plan.environment))},
      widgets: [status, ...rows${components.length ? `, ${components.join(', ')}` : ''}],
    });
  }
}
`;
  return stackSource('Observability', [], source);
}
