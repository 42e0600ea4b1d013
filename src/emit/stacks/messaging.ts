/**
 * The Messaging stack: SQS queues with dead-letter queues, EventBridge buses, SES identities,
 * schedules, and the alarms on the queues. Queues and buses have fixed names, from which the
 * Compute stack builds their URLs and ARNs (no export).
 */
import { retentionDays, stackFamily, type AlarmMetric, type AwsRequirements, type StackName } from '../../plan/index.js';
import { InternalError } from '../../diagnostics/index.js';
import type { Because } from '../../lower/index.js';
import { alarmCode, alarmsOf, metricOptions } from '../alarms.js';
import { commentBlock, header, jsdoc, lineComment, lit, pascal, str } from '../code.js';
import { because, distinct, member, propsInterface, stackSource, type EmitContext, type StackSource } from '../model.js';

type Queue = AwsRequirements['queues'][number];
type Bus = AwsRequirements['buses'][number];
type EmailIdentity = AwsRequirements['emailIdentities'][number];
type Schedule = AwsRequirements['schedules'][number];

/** How long a received message stays invisible to other consumers before it is delivered again. */
export const VISIBILITY_TIMEOUT_SECONDS = 300;

/** A syntactically plain email address (what SES verifies as an email identity); generation stops on any other (DZ7003). */
export function isAddress(s: string): boolean {
  return /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(s);
}

function queueBlock(ctx: EmitContext, q: Queue): string {
  const { plan, projectRoot } = ctx;
  const id = `Queue${pascal(q.name)}`;
  const dlq = member.deadLetterQueue(q.name);
  return `${commentBlock(`SQS queue ${q.name}: a message received ${q.deadLetterAfter} time${q.deadLetterAfter === 1 ? '' : 's'} without being deleted moves to its dead-letter queue.`, because(plan, q.stack, id), projectRoot, '    ')}
    this.${dlq} = new sqs.Queue(this, ${str(`${id}DeadLetters`)}, {
      queueName: NAMES.queues[${str(q.name)}].deadLetters,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    // A received message stays hidden from other consumers for ${VISIBILITY_TIMEOUT_SECONDS / 60} minutes: the time a consumer has to finish and delete it.
    this.${member.queue(q.name)} = new sqs.Queue(this, ${str(id)}, {
      queueName: NAMES.queues[${str(q.name)}].queue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(${VISIBILITY_TIMEOUT_SECONDS}),
      deadLetterQueue: { queue: this.${dlq}, maxReceiveCount: ${lit(q.deadLetterAfter)} },
    });`;
}

function busBlock(ctx: EmitContext, b: Bus): string {
  const { plan, projectRoot } = ctx;
  const id = `Bus${pascal(b.name)}`;
  const name = b.busName;
  const days = retentionDays(b.retention);
  const archive =
    days !== null
      ? `
${lineComment(`retention ${b.retention}: every event on the bus is archived for ${days} day${days === 1 ? '' : 's'} and can be replayed.`, '    ')}
    this.${member.bus(b.name)}.archive('Archive', {
      description: ${str(`Events of ${name}, kept ${days} day${days === 1 ? '' : 's'}`)},
      eventPattern: { account: [this.account] },
      retention: Duration.days(${lit(days)}),
    });`
      : b.retention !== null
        ? `\n${lineComment(`retention ${str(b.retention)} is not a number of days, so the bus has no archive.`, '    ')}`
        : '';
  return `${commentBlock(`EventBridge bus ${b.name}.`, because(plan, b.stack, id), projectRoot, '    ')}
    this.${member.bus(b.name)} = new events.EventBus(this, ${str(id)}, {
      eventBusName: NAMES.buses[${str(b.name)}],
    });${archive}`;
}

function emailBlock(ctx: EmitContext, e: EmailIdentity): string {
  const { plan, projectRoot } = ctx;
  const id = `Email${pascal(e.name)}`;
  const address = e.identity ?? '';
  const scheme =
    address === e.fromAddress
      ? ''
      : `\n${lineComment(`An SES identity belongs to the account and region: ${plan.environment} sends from the sub-address ${address}, so that it never takes ${e.fromAddress ?? ''} from another environment.`, '    ')}`;
  return `${commentBlock(`SES identity for ${e.name}: SES sends a verification link to ${address}; mail can be sent from it once the link is followed.`, because(plan, e.stack, id), projectRoot, '    ')}${scheme}
    this.${member.email(e.name)} = new ses.EmailIdentity(this, ${str(id)}, {
      identity: ses.Identity.email(NAMES.emailIdentities[${str(e.name)}]),
    });`;
}

/** The schedule queue (the first Messaging stack makes it; the others send to it by its name). */
function scheduleQueueBlock(ctx: EmitContext): string {
  const { plan, projectRoot } = ctx;
  return `${commentBlock('Schedule queue: every schedule sends a message {"schedule": "<name>"} here and the worker consumes it; a run received 3 times without success moves to its dead-letter queue.', because(plan, 'Messaging', 'ScheduleQueue'), projectRoot, '    ')}
    this.scheduleDeadLetterQueue = new sqs.Queue(this, 'ScheduleQueueDeadLetters', {
      queueName: NAMES.scheduleQueue.deadLetters,
      retentionPeriod: Duration.days(14),
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
    });
    this.scheduleQueue = new sqs.Queue(this, 'ScheduleQueue', {
      queueName: NAMES.scheduleQueue.queue,
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: Duration.seconds(${VISIBILITY_TIMEOUT_SECONDS}),
      deadLetterQueue: { queue: this.scheduleDeadLetterQueue, maxReceiveCount: 3 },
    });`;
}

/** The schedules of one Messaging stack, with the role EventBridge Scheduler sends them with. */
function schedulesBlock(ctx: EmitContext, stack: StackName, schedules: readonly Schedule[]): string {
  const { plan, projectRoot } = ctx;
  const out: string[] = [];
  const queue = stack === 'Messaging' ? 'this.scheduleQueue' : 'scheduleQueue';
  if (stack !== 'Messaging') {
    out.push(`    // The schedule queue of the Messaging stack (deployed first), by its name: no export.
    const scheduleQueue = sqs.Queue.fromQueueArn(this, 'ScheduleQueue', this.formatArn({ service: 'sqs', resource: NAMES.scheduleQueue.queue }));`);
  }
  out.push(`${commentBlock('EventBridge Scheduler assumes this role to deliver; it may only send to the schedule queue.', because(plan, stack, 'ScheduleRole'), projectRoot, '    ')}
    const scheduleRole = new iam.Role(this, 'ScheduleRole', {
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
      description: 'EventBridge Scheduler: send the schedules to the schedule queue',
    });`);
  for (const s of schedules) {
    const id = `Schedule${pascal(s.name)}`;
    const expr = s.timezone ? `scheduler.ScheduleExpression.expression(${str(s.expression)}, TimeZone.of(${str(s.timezone)}))` : `scheduler.ScheduleExpression.expression(${str(s.expression)})`;
    out.push(`${commentBlock(`Schedule ${s.name}: ${s.expression}${s.timezone ? ` (${s.timezone})` : ' (UTC)'} → the worker, through the schedule queue.`, because(plan, stack, id), projectRoot, '    ')}
    new scheduler.Schedule(this, ${str(id)}, {
      description: ${str(`${s.name}: ${s.expression}`)},
      schedule: ${expr},
      target: new targets.SqsSendMessage(${queue}, {
        role: scheduleRole,
        input: scheduler.ScheduleTargetInput.fromObject(${lit({ schedule: s.name })}),
      }),
    });`);
  }
  return out.join('\n\n');
}

/**
 * The Messaging stack `name`: its queues, buses, email identities and schedules (the Messaging
 * stacks split them when one stack would pass CloudFormation's limits; each keeps its own), and
 * the alarms on its queues. The first one also makes the schedule queue.
 */
export function messagingStack(ctx: EmitContext, name: StackName = 'Messaging'): StackSource {
  const { plan } = ctx;
  const a = plan.aws;
  if (stackFamily(name) !== 'Messaging') throw new InternalError(`the Messaging stack renderer was asked for ${name}`);
  const first = name === 'Messaging';
  const queues = a.queues.filter((q) => q.stack === name);
  const buses = a.buses.filter((b) => b.kind === 'eventbridge' && b.stack === name);
  const emails = a.emailIdentities.filter((e) => e.stack === name);
  const schedules = a.schedules.filter((x) => x.stack === name);
  const scheduleQueue = first && a.schedules.length > 0;
  const className = `${name}Stack`;
  const members: string[] = [];
  for (const q of queues) {
    members.push(jsdoc(`SQS queue ${q.name}.`, '  '), `  readonly ${member.queue(q.name)}: sqs.Queue;`);
    members.push(jsdoc(`Dead letters of ${q.name}: messages received ${q.deadLetterAfter} time${q.deadLetterAfter === 1 ? '' : 's'} without success.`, '  '), `  readonly ${member.deadLetterQueue(q.name)}: sqs.Queue;`);
  }
  for (const b of buses) members.push(jsdoc(`EventBridge bus ${b.name}.`, '  '), `  readonly ${member.bus(b.name)}: events.EventBus;`);
  for (const e of emails) members.push(jsdoc(`SES identity for ${e.name}.`, '  '), `  readonly ${member.email(e.name)}: ses.EmailIdentity;`);
  if (scheduleQueue) {
    members.push('  /** The schedules send here; the worker consumes it. */', '  readonly scheduleQueue: sqs.Queue;');
    members.push('  /** Dead letters of the schedule queue. */', '  readonly scheduleDeadLetterQueue: sqs.Queue;');
  }

  distinct(`${name} stack members`, [
    ...queues.flatMap((q) => [member.queue(q.name), member.deadLetterQueue(q.name)]),
    ...buses.map((b) => member.bus(b.name)),
    ...emails.map((e) => member.email(e.name)),
    ...(scheduleQueue ? ['scheduleQueue', 'scheduleDeadLetterQueue'] : []),
  ]);
  // Construct IDs made from names, with the fixed ones they could meet (a schedule named `queue` is `ScheduleQueue`).
  distinct(`${name} stack construct IDs`, [
    ...queues.flatMap((q) => [`Queue${pascal(q.name)}`, `Queue${pascal(q.name)}DeadLetters`]),
    ...buses.map((b) => `Bus${pascal(b.name)}`),
    ...emails.map((e) => `Email${pascal(e.name)}`),
    ...(scheduleQueue || schedules.length ? ['ScheduleQueue', 'ScheduleQueueDeadLetters', 'ScheduleRole', ...schedules.map((x) => `Schedule${pascal(x.name)}`)] : []),
  ]);

  const body: string[] = [];
  for (const q of queues) body.push(queueBlock(ctx, q));
  for (const b of buses) body.push(busBlock(ctx, b));
  // emitApp renders no plan with an email channel whose from_address is missing or not an address (DZ7001, DZ7003).
  for (const e of emails) body.push(emailBlock(ctx, e));
  if (scheduleQueue) body.push(scheduleQueueBlock(ctx));
  if (schedules.length) body.push(schedulesBlock(ctx, name, schedules));
  const alarms = alarmsOf(ctx, name);
  if (alarms.length) {
    const metric = (m: AlarmMetric, x: (typeof alarms)[number]): string => {
      if (m.kind !== 'dead-letters' && m.kind !== 'oldest-message') throw new InternalError(`a ${m.kind} alarm in the ${name} stack`);
      const queue = m.queue === null ? (m.kind === 'dead-letters' ? 'scheduleDeadLetterQueue' : 'scheduleQueue') : m.kind === 'dead-letters' ? member.deadLetterQueue(m.queue) : member.queue(m.queue);
      return m.kind === 'dead-letters' ? `this.${queue}.metricApproximateNumberOfMessagesVisible(${metricOptions(x)})` : `this.${queue}.metricApproximateAgeOfOldestMessage(${metricOptions(x)})`;
    };
    body.push(`    // Alarms on the queues: dead letters, and messages waiting too long. This stack owns them, so it imports nothing.
${alarmCode(ctx, name, metric)}`);
  }

  const usesQueues = queues.length > 0 || scheduleQueue || schedules.length > 0;
  const usesDuration = queues.length > 0 || scheduleQueue || buses.some((b) => retentionDays(b.retention) !== null);
  const core = [(usesDuration || alarms.length > 0) && 'Duration', 'Stack', schedules.some((x) => x.timezone) && 'TimeZone'].filter((x): x is string => typeof x === 'string');
  const imports = [
    `import { ${core.join(', ')}, type StackProps } from 'aws-cdk-lib';`,
    ...(alarms.length ? ["import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';"] : []),
    ...(buses.length ? ["import * as events from 'aws-cdk-lib/aws-events';"] : []),
    ...(schedules.length ? ["import * as iam from 'aws-cdk-lib/aws-iam';", "import * as scheduler from 'aws-cdk-lib/aws-scheduler';", "import * as targets from 'aws-cdk-lib/aws-scheduler-targets';"] : []),
    ...(emails.length ? ["import * as ses from 'aws-cdk-lib/aws-ses';"] : []),
    ...(usesQueues ? ["import * as sqs from 'aws-cdk-lib/aws-sqs';"] : []),
    "import type { Construct } from 'constructs';",
    `import { ${[...(alarms.length ? ['ALARMS'] : []), 'NAMES', ...(alarms.length ? ['notify'] : [])].join(', ')} } from './wiring';`,
  ];
  const what = [queues.length && 'queues', buses.length && 'event buses', emails.length && 'email identities', (scheduleQueue || schedules.length) && 'schedules'].filter((x): x is string => typeof x === 'string');
  const source = `${header(`${name} stack: ${what.join(', ') || 'nothing yet'}${first ? '' : ' (the Messaging stacks split them; each keeps its own)'}.`, plan.app, plan.environment)}
${imports.join('\n')}

${propsInterface(className, [])}

export class ${className} extends Stack {
${members.join('\n')}

  constructor(scope: Construct, id: string, props: ${className}Props) {
    super(scope, id, props);

${body.join('\n\n')}
  }
}
`;
  return stackSource(name, [], source);
}
