/**
 * The final check on every name the plan fixes, before anything is
 * generated: each AWS name within its limit and form, no two resources with
 * one AWS name, and no two constructs with one construct ID in a stack.
 * A collision names both causes (the DSL constructs or dazzle.toml lines).
 *
 * Resources whose names CloudFormation chooses (schedules, ECS clusters and
 * services, load balancers, target groups, IAM roles, cache clusters) cannot
 * collide and are not listed. A name that ends with its stack's creation id
 * (what is kept when its stack is deleted) is checked with the id's length.
 */
import { diag, quote, type Span } from '../../diagnostics/index.js';
import type { ResolvedConfig, ServiceConfig } from '../../config/index.js';
import {
  imageRepositoryName,
  alarmName,
  alarmTopicDisplayName,
  alarmTopicName,
  bucketNameLength,
  bucketPrefix,
  busName,
  clusterIdentifier,
  constructId,
  createdSecretName,
  dashboardName,
  databaseLogGroupName,
  databaseName,
  emailIdentity,
  logGroupName,
  NAME_LIMITS,
  queueNames,
  scheduleQueueNames,
  stackName,
  tigerBeetleParameterPrefix,
  wiringParameters,
  withCreationIdLength,
  withSampleCreationId,
} from '../aws-names.js';
import { configKey, relatedAt, spanOf, type Pass } from '../context.js';
import { discoveryName, kvrocksName, SENTINEL_COUNT } from '../discovery-names.js';
import type { Because, InfraRequirements } from '../requirements.js';

/** The kinds of AWS names the plan fixes: each with its limit and allowed form. */
export const NAME_RULES = {
  'CloudFormation stack': { limit: NAME_LIMITS.stackName, form: /^[A-Za-z][A-Za-z0-9-]*$/, allowed: 'a letter, then letters, digits and hyphens' },
  'S3 bucket': { limit: NAME_LIMITS.bucketName, form: /^[a-z0-9][a-z0-9-]*[a-z0-9]$/, allowed: 'lower-case letters, digits and hyphens, starting and ending with a letter or digit' },
  'EventBridge bus': { limit: NAME_LIMITS.busName, form: /^[A-Za-z0-9._-]+$/, allowed: 'letters, digits, ".", "-" and "_"' },
  'SES identity': { limit: 320, form: new RegExp(`^[^\\s@]{1,${NAME_LIMITS.emailLocalPart}}@[^\\s@]+$`), allowed: `an email address whose part before the @ has at most ${NAME_LIMITS.emailLocalPart} characters` },
  'SQS queue': { limit: NAME_LIMITS.queueName, form: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, "-" and "_"' },
  'SNS topic': { limit: NAME_LIMITS.topicName, form: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, "-" and "_"' },
  'CloudWatch alarm': { limit: NAME_LIMITS.alarmName, form: /^[A-Za-z0-9_.-]+$/, allowed: 'letters, digits, "-", "_" and "."' },
  'CloudWatch log group': { limit: NAME_LIMITS.logGroupName, form: /^[A-Za-z0-9_\-/.#]+$/, allowed: 'letters, digits and "_-/.#"' },
  'SSM parameter': { limit: NAME_LIMITS.parameterName, form: /^\/(?!(aws|ssm))[A-Za-z0-9_.\-/]+$/i, allowed: 'a path of letters, digits and "_.-/", not beginning with "aws" or "ssm"' },
  'Secrets Manager secret': { limit: NAME_LIMITS.secretName, form: /^[A-Za-z0-9/_+=.@-]+$/, allowed: 'letters, digits and "/_+=.@-"' },
  'Aurora cluster identifier': { limit: NAME_LIMITS.clusterIdentifier, form: /^[a-z](?!.*--)[a-z0-9-]*[a-z0-9]$/, allowed: 'a letter, then letters, digits and single hyphens, not ending with a hyphen' },
  'ECR repository': { limit: NAME_LIMITS.imageRepositoryName, form: /^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, allowed: 'lower-case letters and digits, separated by single ".", "_" or "-"' },
  'Aurora database name': { limit: NAME_LIMITS.databaseName, form: /^[A-Za-z][A-Za-z0-9_]*$/, allowed: 'a letter, then letters, digits and underscores' },
  'CloudWatch dashboard': { limit: NAME_LIMITS.dashboardName, form: /^[A-Za-z0-9_-]+$/, allowed: 'letters, digits, "-" and "_"' },
  'SNS display name': { limit: NAME_LIMITS.topicDisplayName, form: /^[^\n\r]+$/, allowed: 'one line of text' },
  'Cloud Map service': { limit: 63, form: /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, allowed: 'a DNS label: lower-case letters, digits and hyphens' },
} as const;

export type NameKind = keyof typeof NAME_RULES;

/** One name the plan fixes: its kind, the name (its length, for names completed at deploy time), and what it names. */
export interface PlannedName {
  readonly kind: NameKind;
  readonly name: string;
  /** The name's full length when AWS completes it (a bucket's account and region); else its own. */
  readonly length: number;
  /** What it names, for messages: `bucket files`. */
  readonly what: string;
  /** The DSL construct or config key behind it (null: the app as a whole). */
  readonly because: Because | null;
}

/** Why a name breaks its kind's rule, or null. */
export function nameProblem(n: Pick<PlannedName, 'kind' | 'name' | 'length'>): string | null {
  const rule = NAME_RULES[n.kind];
  if (n.length > rule.limit) return `is ${n.length} characters; AWS allows at most ${rule.limit}`;
  if (!rule.form.test(n.name)) return `is not ${rule.allowed}`;
  return null;
}

type Stack = 'Network' | 'TigerBeetle' | 'Data' | 'Messaging' | 'Images' | 'Nodes' | 'Compute' | 'Frontend' | 'Observability';

/** Whether a Fargate service's image is built from the project's Dockerfile (the plan's rule: no image; an EC2 node group's is built by cdk deploy): the Images stack holds their repository. */
function buildsImages(draft: InfraRequirements, config: ResolvedConfig): boolean {
  const d = config.deploy;
  const builds = (s: ServiceConfig) => s.runtime === 'fargate' && !s.image;
  return draft.webServices.some((w) => builds(Object.keys(d.services).length === 0 ? d.compute : (d.services[w.name] ?? d.compute))) || (Boolean(draft.worker) && !d.compute.image);
}

/** The first key written in `[deploy.services.<name>]` (where the service is named), when the file has one. */
function serviceTable(config: ResolvedConfig, name: string): Because | null {
  const written = Object.entries(config.sources).filter(([k, src]) => k.startsWith(`services.${name}.`) && src.kind === 'file');
  const first = written.sort(([, a], [, b]) => (a.kind === 'file' && b.kind === 'file' ? a.line - b.line : 0))[0];
  return first ? configKey(config, first[0]) : null;
}

/** The stacks the plan has (the same rule as the plan's: a stack with no resources is left out). */
function stacks(draft: InfraRequirements, config: ResolvedConfig): Stack[] {
  return [
    'Network',
    ...(draft.ledgerCluster ? (['TigerBeetle'] as const) : []),
    ...(draft.database || draft.objectStores.length ? (['Data'] as const) : []),
    ...(draft.queues.length || draft.eventBuses.length || draft.emailSenders.length || draft.schedules.length || config.deploy.kafka.enabled ? (['Messaging'] as const) : []),
    ...(buildsImages(draft, config) ? (['Images'] as const) : []),
    ...(draft.webServices.some((w) => w.runtime === 'ec2') ? (['Nodes'] as const) : []),
    'Compute',
    ...(config.deploy.frontend.source_dir ? (['Frontend'] as const) : []),
    'Observability',
  ];
}

/**
 * Each web service's cause: the first line written in its [deploy.services.<name>] table (or, when
 * none is written, its runtime key). One pass over the configuration's sources for all services.
 */
function serviceCauses(config: ResolvedConfig): (name: string, fallback: Because | undefined) => Because | null {
  const first = new Map<string, { key: string; line: number }>();
  for (const [k, s] of Object.entries(config.sources)) {
    if (!k.startsWith('services.') || s.kind !== 'file') continue;
    const name = k.slice('services.'.length, k.indexOf('.', 'services.'.length));
    const known = first.get(name);
    if (!known || s.line < known.line) first.set(name, { key: k, line: s.line });
  }
  return (name, fallback) => {
    const f = first.get(name);
    return f ? configKey(config, f.key) : (fallback ?? null);
  };
}

/** Every AWS name the plan fixes. A name that ends with its stack's creation id is listed with a sample id. */
export function plannedNames(draft: InfraRequirements, config: ResolvedConfig): PlannedName[] {
  const d = config.deploy;
  const { app } = draft;
  const env = d.environment;
  const out: PlannedName[] = [];
  const add = (kind: NameKind, name: string, what: string, because: Because | null, length = name.length) => out.push({ kind, name, length, what, because });
  /** A name that ends with `-<creation id>`: checked with the id in place. */
  const addWithId = (kind: NameKind, base: string, what: string, because: Because | null) => add(kind, withSampleCreationId(base), what, because, withCreationIdLength(base));
  const present = stacks(draft, config);
  for (const s of present) add('CloudFormation stack', stackName(app, env, s), `the ${s} stack`, null);
  for (const s of draft.objectStores) {
    const prefix = bucketPrefix(app, env, s.name);
    add('S3 bucket', withSampleCreationId(prefix), `bucket ${quote(s.name)}`, s.because[0] ?? null, bucketNameLength(prefix));
  }
  for (const q of draft.queues) {
    const n = queueNames(app, env, q.name);
    add('SQS queue', n.queue, `queue ${quote(q.name)}`, q.because[0] ?? null);
    add('SQS queue', n.deadLetters, `the dead-letter queue of ${quote(q.name)}`, q.because[0] ?? null);
  }
  if (draft.schedules.length) {
    const n = scheduleQueueNames(app, env);
    add('SQS queue', n.queue, 'the schedule queue', null);
    add('SQS queue', n.deadLetters, "the schedule queue's dead-letter queue", null);
  }
  if (!d.kafka.enabled) for (const b of draft.eventBuses) add('EventBridge bus', busName(app, env, b.name), `${b.source === 'topic' ? 'event topic' : 'stream'} ${quote(b.name)}`, b.because[0] ?? null);
  for (const e of draft.emailSenders) if (e.fromAddress) add('SES identity', emailIdentity(e.fromAddress, env).toLowerCase(), `email channel ${quote(e.name)}`, e.because[0] ?? null);
  addWithId('CloudWatch log group', logGroupName(app, env, 'services'), "the services' log group", null);
  const base = wiringParameters(app, env);
  const network = base.network;
  for (const p of [network.vpcId, ...Object.values(network.subnets), ...Object.values(network.securityGroups)]) add('SSM parameter', p, 'a parameter of the Network stack', null);
  if (present.includes('Data')) for (const p of Object.values(base.data)) add('SSM parameter', p, 'a parameter of the Data stack', null);
  if (draft.ledgerCluster) {
    addWithId('CloudWatch log group', logGroupName(app, env, 'tigerbeetle'), "TigerBeetle's log group", null);
    const prefix = tigerBeetleParameterPrefix(app, env);
    const nodes = Array.from({ length: d.tigerbeetle.node_count }, (_, i) => i);
    for (const p of ['cluster_id', 'replica_count', ...nodes.flatMap((i) => [`nodes/${i}`, `formatted/${i}`])]) add('SSM parameter', `${prefix}/${p}`, 'a TigerBeetle parameter', null);
  }
  if (draft.database) {
    const identifier = clusterIdentifier(app, env);
    addWithId('Aurora cluster identifier', identifier, 'the database cluster', null);
    add('Aurora database name', databaseName(app).name, 'the database', null);
    const logs = databaseLogGroupName(withSampleCreationId(identifier));
    add('CloudWatch log group', logs, "the database's log group", null);
  }
  for (const s of draft.secrets) if (s.from.kind === 'create') addWithId('Secrets Manager secret', createdSecretName(app, env, s.env), `the secret ${s.env}`, s.because[0] ?? null);
  if (present.includes('Images')) add('ECR repository', imageRepositoryName(app, env), "the app's image repository", null);
  add('CloudWatch dashboard', dashboardName(app, env), 'the dashboard', null);
  if (d.network.namespace) {
    // Every ECS service registers in the namespace under its name as a DNS label: two names that
    // make one label (`a_b`, `A-b`), or a service named like a Kvrocks node or sentinel, would clash.
    for (const w of draft.webServices) if (w.runtime === 'fargate') add('Cloud Map service', discoveryName(w.name), `service ${quote(w.name)}`, serviceTable(config, w.name) ?? w.because[0] ?? null);
    if (draft.worker) add('Cloud Map service', discoveryName('worker'), 'the worker', null);
    if (draft.cache && d.cache.engine === 'kvrocks') {
      for (let i = 1; i <= 1 + d.cache.replicas; i++) add('Cloud Map service', kvrocksName('kvrocks', i), `Kvrocks node ${i}`, null);
      for (let i = 1; i <= SENTINEL_COUNT; i++) add('Cloud Map service', kvrocksName('sentinel', i), `sentinel ${i}`, null);
    }
  }
  if (!d.alarms.sns_topic_arn) {
    add('SNS display name', alarmTopicDisplayName(app, env), 'the alarm topic', null);
    add('SNS topic', alarmTopicName(app, env), 'the alarm topic', null);
  }
  for (const c of plannedConstructs(draft, config)) if (c.id.endsWith('Alarm')) add('CloudWatch alarm', alarmName(app, env, c.stack, c.id), `the alarm ${c.id}`, c.because);
  return out;
}

/** One construct ID in a stack, with what it is and why it exists (null: dazzle's own resource). */
export interface PlannedConstruct {
  readonly stack: Stack;
  readonly id: string;
  readonly what: string;
  readonly because: Because | null;
}

/** Every top-level construct ID of every stack `generate` writes (nested IDs are unique within their parent). */
export function plannedConstructs(draft: InfraRequirements, config: ResolvedConfig): PlannedConstruct[] {
  const d = config.deploy;
  const present = new Set(stacks(draft, config));
  const out: PlannedConstruct[] = [];
  const own = (stack: Stack, what: string, ...ids: string[]) => {
    for (const id of ids) out.push({ stack, id, what, because: null });
  };
  const user = (stack: Stack, what: string, because: Because | null, ...ids: string[]) => {
    for (const id of ids) out.push({ stack, id, what, because });
  };
  const azs = Array.from({ length: d.network.az_count }, (_, i) => i);
  // Constructs that import what another stack made (no resource) have IDs too: `Vpc`, the tier security groups, `AlarmTopic`.
  const importsAlarmTopic = (stack: Stack) => own(stack, 'the alarm topic (imported by name)', 'AlarmTopic');
  own('Network', 'the network', 'Vpc', 'FlowLogs', 'LoadBalancerSecurityGroup', 'ServiceSecurityGroup', 'TigerBeetleSecurityGroup', 'DatabaseSecurityGroup', 'CacheSecurityGroup', ...azs.map((i) => `TigerBeetleAddresses${'ABCDEF'[i]}`));
  own('Network', 'the parameters the Network stack publishes', 'VpcIdParameter', 'PublicSubnetsParameter', 'PrivateSubnetsParameter', 'IsolatedSubnetsParameter', 'LoadBalancerSecurityGroupParameter', 'ServiceSecurityGroupParameter', 'TigerBeetleSecurityGroupParameter', 'DatabaseSecurityGroupParameter', 'CacheSecurityGroupParameter');
  if (present.has('TigerBeetle')) {
    own('TigerBeetle', 'the TigerBeetle cluster', 'LogGroup', 'ClusterIdParameter', 'ReplicaCountParameter', 'Vpc', 'SecurityGroup');
    importsAlarmTopic('TigerBeetle');
    for (let i = 0; i < d.tigerbeetle.node_count; i++) own('TigerBeetle', `TigerBeetle replica ${i}`, ...['', 'Address', 'Data', 'FormatMarker', 'Parameter', 'Role', 'LaunchTemplate', 'InServiceAlarm'].map((s) => `Replica${i}${s}`));
  }
  if (present.has('Data')) {
    own('Data', 'the database', 'Database', 'DatabaseLogs', 'DatabaseSecret', 'Vpc', 'DatabaseSecurityGroup', 'DatabaseCpuAlarm', 'DatabaseConnectionsAlarm');
    own('Data', 'the parameters the Data stack publishes', 'CreationIdParameter', 'DatabaseHostParameter', 'DatabaseReaderHostParameter', 'DatabaseSecretArnParameter');
    own('Data', "the buckets' access logs", 'AccessLogs');
    importsAlarmTopic('Data');
    for (const s of draft.objectStores) user('Data', `bucket ${quote(s.name)}`, s.because[0] ?? null, constructId.bucket(s.name));
  }
  if (present.has('Messaging')) {
    importsAlarmTopic('Messaging');
    for (const q of draft.queues) {
      const id = constructId.queue(q.name);
      user('Messaging', `queue ${quote(q.name)}`, q.because[0] ?? null, id, constructId.deadLetterQueue(q.name), `${id}DeadLettersAlarm`, `${id}AgeAlarm`);
    }
    for (const b of draft.eventBuses) user('Messaging', `${b.source === 'topic' ? 'event topic' : 'stream'} ${quote(b.name)}`, b.because[0] ?? null, constructId.bus(b.name));
    for (const e of draft.emailSenders) user('Messaging', `email channel ${quote(e.name)}`, e.because[0] ?? null, constructId.email(e.name));
    if (draft.schedules.length) own('Messaging', 'the queue dazzle creates for the schedules', 'ScheduleQueue', 'ScheduleQueueDeadLetters', 'ScheduleRole', 'ScheduleQueueDeadLettersAlarm', 'ScheduleQueueAgeAlarm');
    for (const s of draft.schedules) user('Messaging', `schedule ${quote(s.name)}`, s.because[0] ?? null, constructId.schedule(s.name));
  }
  own('Images', "the app's image repository", 'ImageRepository');
  own('Compute', 'the ECS cluster', 'Cluster');
  own('Compute', "the app's image repository (imported by name)", 'ImageRepository');
  own('Compute', 'the log group dazzle creates for the services', 'ServiceLogs');
  own('Compute', 'what the Compute stack imports', 'Vpc', 'LoadBalancerSecurityGroup', 'ServiceSecurityGroup', 'CacheSecurityGroup', 'DatabaseSecret');
  importsAlarmTopic('Compute');
  own('Compute', 'the load balancer', 'LoadBalancer', 'LoadBalancerLogs', 'Zone', 'Certificate', 'DnsRecord', 'Url', 'LoadBalancer5xxAlarm');
  own('Compute', 'the cache', 'Cache', 'CacheSubnets');
  const serviceCause = serviceCauses(config);
  const serviceAlarms = (id: string, web: boolean) => [`${id}CpuAlarm`, `${id}MemoryAlarm`, `${id}TasksBelowDesiredAlarm`, ...(web ? [`${id}UnhealthyTargetsAlarm`, `${id}NoHealthyTargetsAlarm`] : [])];
  if (draft.worker) own('Compute', 'the worker', 'Worker', 'WorkerTask', constructId.taskRole('Worker'), 'WorkerRepository', ...serviceAlarms('Worker', false));
  for (const w of draft.webServices) {
    const because = serviceCause(w.name, w.because[0]);
    const id = w.runtime === 'fargate' ? constructId.service(w.name) : constructId.nodes(w.name);
    user('Compute', `web service ${quote(w.name)}`, because, id, `${id}Task`, `${id}Targets`, constructId.taskRole(id), `${id}Repository`, ...(w.runtime === 'fargate' ? serviceAlarms(id, true) : []));
  }
  for (const s of draft.secrets) user('Compute', `the secret ${s.env}`, s.because[0] ?? null, constructId.secret(s.env));
  own('Observability', 'the alarm topic', 'AlarmTopic', 'AlarmTopicKey');
  own('Observability', 'the dashboard', 'Dashboard');
  return out.filter((c) => present.has(c.stack));
}

/** Group by a key; only the groups with more than one member whose causes differ. */
function clashes<T extends { readonly what: string }>(items: readonly T[], key: (t: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const t of items) groups.set(key(t), [...(groups.get(key(t)) ?? []), t]);
  return [...groups.values()].filter((g) => new Set(g.map((t) => t.what)).size > 1);
}

export const names: Pass = ({ spec, config, draft, report }) => {
  const app = spec.app;
  if (app.name.length > NAME_LIMITS.appName) {
    report(
      diag('DZ5011', `app name ${quote(app.name)} is ${app.name.length} characters; at most ${NAME_LIMITS.appName} are allowed`, {
        span: app.span,
        hint: `the app name is part of the stack, log group, parameter and secret names and of the tags in AWS; choose a name of at most ${NAME_LIMITS.appName} characters`,
      }),
    );
    // Every name below is made from it: checking them would only repeat this.
    return;
  }
  const where = (b: Because | null): { span?: Span; keyPath?: string } => (b ? { ...spanOf(config, b), ...(b.kind === 'config' ? { keyPath: b.key } : {}) } : { span: app.span });

  const planned = plannedNames(draft, config);
  for (const n of planned) {
    const problem = nameProblem(n);
    if (!problem) continue;
    report(diag('DZ5011', `the ${n.kind} name for ${n.what}, ${quote(n.name, 80)}, ${problem}`, { ...where(n.because), hint: 'rename the construct (or the app) so that the name fits' }));
  }

  const seen = new Set<string>();
  /** One diagnostic per set of causes: at the user's construct, the others as related locations. */
  const reportClash = (code: 'DZ5009' | 'DZ5010', name: string, group: readonly { readonly what: string; readonly because: Because | null }[], hint?: string) => {
    const id = `${code}:${[...new Set(group.map((g) => g.what))].sort().join('\0')}`;
    if (seen.has(id)) return;
    seen.add(id);
    const users = group.filter((g) => g.because !== null);
    const own = group.filter((g) => g.because === null);
    const [first, ...others] = users.length ? users : group;
    const message = own.length && users.length
      ? `${users.map((u) => u.what).join(' and ')} would get the ${name}, which ${own.map((o) => o.what).join(' and ')} already ${own.length === 1 ? 'has' : 'have'}`
      : `${group.map((g) => g.what).join(' and ')} would get the same ${name}`;
    report(
      diag(code, message, {
        ...where(first?.because ?? null),
        related: others.flatMap((o) => relatedAt(config, o.because ? [o.because] : [], () => `${o.what} is declared here`)),
        hint: hint ?? (own.length ? `rename ${first?.what ?? 'it'}: the name is taken by a resource dazzle creates` : 'rename one of them'),
      }),
    );
  };
  for (const group of clashes(planned, (n) => `${n.kind}\0${n.name}`)) {
    const [n] = group as [PlannedName, ...PlannedName[]];
    const hint = n.kind === 'SES identity' ? 'give each email channel its own from_address (SES verifies an address once per account and region)' : undefined;
    reportClash('DZ5009', `${n.kind} name ${quote(n.name, 80)}`, group, hint);
  }
  for (const group of clashes(plannedConstructs(draft, config), (c) => `${c.stack}\0${c.id}`)) {
    const [c] = group as [PlannedConstruct, ...PlannedConstruct[]];
    reportClash('DZ5010', `construct ID ${quote(c.id)} in the ${c.stack} stack`, group);
  }

  if (draft.database) {
    const db = databaseName(app.name);
    if (db.reason) report(diag('DZ5016', `the database is named ${quote(db.name)}, not ${quote(app.name)}: ${db.reason}`, { span: app.span, hint: `the services receive it as DATABASE_NAME=${db.name}` }));
  }
};
