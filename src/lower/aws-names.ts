/**
 * The names the plan fixes in AWS, one rule each, with the limit AWS puts on
 * it. The plan, the generated code and the check at plan time (the `names`
 * pass) all call these rules, so the name that is checked is the name that is
 * deployed.
 *
 * A name that can be made valid is derived, never refused: a name over its
 * limit keeps its first characters and ends with 40 bits of its sha256 (so two
 * long names differ unless they are equal); a name that would start with a
 * character AWS does not allow gets a fixed prefix. Names that were valid
 * before are unchanged, because a physical name is a contract: changing one
 * replaces the resource in AWS.
 */
import { createHash } from 'node:crypto';
import { ENVIRONMENTS } from '../config/index.js';
import { pascal } from '../ir/index.js';

/** AWS limits on the names dazzle fixes (documented service quotas), and dazzle's own bound on the app name. */
export const NAME_LIMITS = {
  /** The DSL app name: every name, tag and description derived from it fits its limit below this. */
  appName: 128,
  stackName: 128,
  bucketName: 63,
  /** The part of a bucket name before `-<creation id>` (the 8 characters that end every bucket name). */
  bucketPrefix: 54,
  busName: 256,
  logGroupName: 512,
  /** SSM parameter names (the service counts the full ARN against 1011; a name of 900 always fits). */
  parameterName: 900,
  secretName: 512,
  clusterIdentifier: 63,
  queueName: 80,
  topicName: 256,
  alarmName: 255,
  /** The local part of an email address (before the `@`). */
  emailLocalPart: 64,
  databaseName: 63,
  dashboardName: 255,
  imageRepositoryName: 256,
  topicDisplayName: 100,
} as const;

/** Hex characters of sha256 that end a shortened name: 40 bits. */
export const NAME_HASH_CHARS = 10;

/** The first 40 bits of the sha256 of a name, in hex. */
export function nameHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, NAME_HASH_CHARS);
}

/**
 * `text` when it fits in `max` characters; otherwise its first characters,
 * `sep` and the hash of the whole text (exactly `max` characters or fewer).
 */
export function shorten(text: string, max: number, sep = '-'): string {
  if (text.length <= max) return text;
  const head = text.slice(0, Math.max(0, max - NAME_HASH_CHARS - sep.length)).replace(/[-_./]+$/, '');
  return `${head}${sep}${nameHash(text)}`;
}

/**
 * `<app><sep><env>[<sep><name>]` within `max` characters. When that is too long, the app's part
 * (and, if need be, the name's) gives up characters, each ending with the hash of itself: the
 * environment is never shortened away, so two environments of an app never share a name.
 */
export function scoped(app: string, environment: string, name: string | null, max: number, sep = '-'): string {
  const parts = scopedParts(app, environment, name, max, sep);
  return [parts.app, environment, ...(parts.name === null ? [] : [parts.name])].join(sep);
}

/** The app's and the name's parts of a `scoped` name (each shortened as `scoped` shortens it). */
function scopedParts(app: string, environment: string, name: string | null, max: number, sep: string): { readonly app: string; readonly name: string | null } {
  const full = [app, environment, ...(name === null ? [] : [name])].join(sep);
  if (full.length <= max) return { app, name };
  const budget = max - environment.length - sep.length * (name === null ? 1 : 2);
  if (name === null) return { app: shorten(app, budget, sep), name: null };
  const appMax = Math.min(app.length, Math.max(Math.ceil(budget / 2), budget - name.length));
  return { app: shorten(app, appMax, sep), name: shorten(name, budget - appMax, sep) };
}

/**
 * The part of a `scoped` name before its own name: `<app part><sep><env><sep>`. Every name of one
 * app and environment that `scoped` makes with the same app part starts with it, and no name of
 * another environment does (the environment is never shortened away); a policy may grant the
 * names that start with it (`<prefix>*`) instead of listing each one.
 */
export function scopedPrefix(app: string, environment: string, name: string, max: number, sep = '-'): string {
  return `${scopedParts(app, environment, name, max, sep).app}${sep}${environment}${sep}`;
}

/** The AWS partition of a region: `aws`, `aws-cn` (China) or `aws-us-gov` (GovCloud). */
export function partitionOf(region: string): string {
  return region.startsWith('cn-') ? 'aws-cn' : region.startsWith('us-gov-') ? 'aws-us-gov' : 'aws';
}

const longest = (xs: readonly string[]) => Math.max(...xs.map((x) => x.length));
/** The longest stack name suffix (`-staging-Observability`) leaves this much for the app. */
const STACK_APP_BUDGET = NAME_LIMITS.stackName - 2 - longest(ENVIRONMENTS) - 'Observability'.length;

/**
 * The app's part of every CloudFormation stack name: `ledger_app` → `LedgerApp`.
 * Stack names start with a letter, so `_9lives` → `App9lives`; the same for every
 * stack and environment of the app.
 */
export function stackAppName(app: string): string {
  const p = pascal(app);
  return shorten(/^[A-Za-z]/.test(p) ? p : `App${p}`, STACK_APP_BUDGET);
}

/** CloudFormation stack name: `LedgerApp-prod-Network` (a letter, then letters, digits and hyphens; at most 128). */
export function stackName(app: string, environment: string, stack: string): string {
  return `${stackAppName(app)}-${environment}-${stack}`;
}

/** Bucket-name prefixes S3 reserves. */
const RESERVED_BUCKET_PREFIXES = ['xn--', 'sthree-', 'amzn-s3-demo-'];

/**
 * `ledger-app-prod-files`: the bucket's name before `-<creation id>`. Lower-case letters,
 * digits and single hyphens, at most 54 characters, so that the whole name fits S3's 63.
 */
export function bucketPrefix(app: string, environment: string, name: string): string {
  const { appPart, clean } = bucketParts(app);
  return scoped(appPart, environment, clean(name) || null, NAME_LIMITS.bucketPrefix);
}

/** The app's part of its bucket names (lower case, hyphens, clear of S3's reserved prefixes), and the cleaning of a name. */
function bucketParts(app: string): { readonly appPart: string; readonly clean: (x: string) => string } {
  const clean = (x: string) => x.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const appPart = clean(app) || 'app';
  return { appPart: RESERVED_BUCKET_PREFIXES.some((p) => `${appPart}-`.startsWith(p)) ? `dz-${appPart}` : appPart, clean };
}

/** The prefixes of the app's bucket names in an environment (`ledger-app-prod-`): usually one, see `scopedPrefix`. */
export function bucketNamePrefixes(app: string, environment: string, names: readonly string[]): string[] {
  const { appPart, clean } = bucketParts(app);
  return [...new Set(names.map((n) => scopedPrefix(appPart, environment, clean(n) || 'x', NAME_LIMITS.bucketPrefix)))].sort();
}

/** The length of a bucket's full name, `<prefix>-<creation id>`. */
export function bucketNameLength(prefix: string): number {
  return withCreationIdLength(prefix);
}

/** EventBridge bus name: `ledger_app-prod-ledger_events` (letters, digits, `.`, `-`, `_`; at most 256). */
export function busName(app: string, environment: string, name: string): string {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9._-]+/g, '-');
  return scoped(clean(app), environment, clean(name), NAME_LIMITS.busName);
}

/** The prefixes of the app's event bus names in an environment (`ledger_app-prod-`): usually one, see `scopedPrefix`. */
export function busNamePrefixes(app: string, environment: string, names: readonly string[]): string[] {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9._-]+/g, '-');
  return [...new Set(names.map((n) => scopedPrefix(clean(app), environment, clean(n), NAME_LIMITS.busName)))].sort();
}

/**
 * The Aurora cluster identifier before `-<creation id>`: `ledger-app-prod` (RDS: a letter first,
 * then letters, digits and single hyphens; at most 63 with the creation id).
 */
export function clusterIdentifier(app: string, environment: string): string {
  const appPart = app
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const lettered = /^[a-z]/.test(appPart) ? appPart : `db${appPart ? `-${appPart}` : ''}`;
  // The app's part is shortened with its hash (never cut), never the environment. The cluster is
  // kept on delete (or snapshotted): its identifier ends with the creation id.
  return scoped(lettered, environment, null, NAME_LIMITS.clusterIdentifier - CREATION_SUFFIX_LENGTH);
}

/**
 * Words PostgreSQL reserves (SQL key words marked reserved, including those that may be
 * a function or type name), and the databases every RDS PostgreSQL cluster already has.
 */
const POSTGRES_RESERVED = new Set(
  (
    'all analyse analyze and any array as asc asymmetric authorization binary both case cast check collate collation column ' +
    'concurrently constraint create cross current_catalog current_date current_role current_schema current_time current_timestamp ' +
    'current_user default deferrable desc distinct do else end except false fetch for foreign freeze from full grant group having ' +
    'ilike in initially inner intersect into is isnull join lateral leading left like limit localtime localtimestamp natural not ' +
    'notnull null offset on only or order outer overlaps placing primary references returning right select session_user similar ' +
    'some symmetric system_user table tablesample then to trailing true union unique user using variadic verbose when where window ' +
    'with postgres rdsadmin template0 template1'
  ).split(' '),
);

/**
 * The database the Aurora cluster creates, and why it differs from the app name (null
 * when it does not). RDS allows a letter, then letters, digits and underscores, at most
 * 63, and no word the engine reserves: `ledger_app` stays `ledger_app`; `user` becomes
 * `user_db`, `_app` becomes `db_app`, and a longer name is shortened with a hash.
 */
export function databaseName(app: string): { readonly name: string; readonly reason: string | null } {
  let name = app.replace(/[^A-Za-z0-9_]+/g, '_');
  const reasons: string[] = [];
  if (!/^[A-Za-z]/.test(name)) {
    name = `db${name.startsWith('_') ? '' : '_'}${name}`;
    reasons.push('a database name must start with a letter');
  }
  if (POSTGRES_RESERVED.has(name.toLowerCase())) {
    reasons.push(`'${name}' is a word PostgreSQL reserves`);
    name = `${name}_db`;
  }
  if (name.length > NAME_LIMITS.databaseName) {
    name = shorten(name, NAME_LIMITS.databaseName, '_');
    reasons.push(`a database name has at most ${NAME_LIMITS.databaseName} characters`);
  }
  return { name, reason: reasons.length ? reasons.join('; ') : null };
}

/**
 * A log group the plan names, before `-<creation id>`: `/ledger_app/prod/services`. Log groups
 * are kept on delete in prod, so the name ends with the creation id of the stack that makes it.
 */
export function logGroupName(app: string, environment: string, what: 'services' | 'tigerbeetle'): string {
  return `/${app}/${environment}/${what}`;
}

/**
 * The RDS log group of the cluster with this full identifier (RDS chooses it; dazzle creates it
 * first to set its retention): `/aws/rds/cluster/<identifier>/postgresql`.
 */
export function databaseLogGroupName(identifier: string): string {
  return `/aws/rds/cluster/${identifier}/postgresql`;
}

/**
 * Where every SSM parameter of one environment lives: `/ledger_app/prod`. SSM refuses
 * names that begin with `aws` or `ssm` (in any case), so an app named so gets them
 * under `/dazzle/<app>/…`.
 */
export function parameterBase(app: string, environment: string): string {
  const prefix = /^(aws|ssm)/i.test(app) ? `/dazzle/${app}` : `/${app}`;
  return `${prefix}/${environment}`;
}

/** Where the TigerBeetle parameters live: `/ledger_app/prod/tigerbeetle`. */
export function tigerBeetleParameterPrefix(app: string, environment: string): string {
  return `${parameterBase(app, environment)}/tigerbeetle`;
}

/**
 * The SSM parameters through which stacks share what only exists once deployed (resource IDs,
 * endpoints, the creation id of the Data stack): the owner writes each one, the stacks after it
 * read it when they deploy. No CloudFormation export, so no ordinary change is ever refused
 * because another stack still imports a value.
 */
export function wiringParameters(app: string, environment: string) {
  const base = parameterBase(app, environment);
  return {
    network: {
      vpcId: `${base}/network/vpc-id`,
      subnets: { public: `${base}/network/subnets/public`, private: `${base}/network/subnets/private`, isolated: `${base}/network/subnets/isolated` },
      securityGroups: {
        loadBalancer: `${base}/network/security-groups/load-balancer`,
        service: `${base}/network/security-groups/service`,
        tigerBeetle: `${base}/network/security-groups/tigerbeetle`,
        database: `${base}/network/security-groups/database`,
        cache: `${base}/network/security-groups/cache`,
      },
    },
    data: {
      creationId: `${base}/data/creation-id`,
      databaseHost: `${base}/data/database/host`,
      databaseReaderHost: `${base}/data/database/reader-host`,
      databaseSecretArn: `${base}/data/database/secret-arn`,
    },
    /** What the first Compute stack publishes for the further ones (`Compute2`…), when there are any. */
    compute: {
      clusterName: `${base}/compute/cluster-name`,
      listenerArn: `${base}/compute/listener-arn`,
      logGroupName: `${base}/compute/log-group-name`,
      redisUrl: `${base}/compute/redis-url`,
      /** The ARN of a secret the first Compute stack creates, by the variable it is for. */
      secretArnPrefix: `${base}/compute/secrets`,
    },
  } as const;
}

/**
 * The SSM parameter holding the creation id of a Data stack with buckets (the end of their names):
 * `/ledger_app/prod/data/creation-id`, `/ledger_app/prod/data2/creation-id` for `Data2`.
 */
export function creationIdParameter(app: string, environment: string, stack: string): string {
  return `${parameterBase(app, environment)}/${stack.toLowerCase()}/creation-id`;
}

/**
 * The Secrets Manager secret the Compute stack creates for a variable, before `-<creation id>`:
 * `ledger_app/prod/API_KEY` (kept on delete in prod, and a deleted secret's name stays taken
 * for its recovery window, so the name ends with the creation id).
 */
export function createdSecretName(app: string, environment: string, variable: string): string {
  return scoped(app, environment, variable, NAME_LIMITS.secretName - CREATION_SUFFIX_LENGTH, '/');
}

/**
 * Characters of the creation id: the first 8 hexadecimal digits of the CloudFormation stack ID
 * (a UUID given when the stack is created). A name that ends with it is the same for the life of
 * the stack, and differs from the name of what an earlier, deleted stack left behind.
 */
export const CREATION_ID_LENGTH = 8;
/** `-` and the creation id. */
export const CREATION_SUFFIX_LENGTH = 1 + CREATION_ID_LENGTH;
/** How the plan shows the creation id in a name. */
export const CREATION_ID_PLACEHOLDER = '<creation id>';

/** The length of `name-<creation id>`. */
export function withCreationIdLength(name: string): number {
  return name.length + CREATION_SUFFIX_LENGTH;
}

/** `name` ending with a creation id, as it is checked against its form (a representative id). */
export function withSampleCreationId(name: string): string {
  return `${name}-${'0'.repeat(CREATION_ID_LENGTH)}`;
}

/** An SQS queue name `<app>-<env>-<name>`: letters, digits, `-` and `_`, at most 80. */
function sqsName(app: string, environment: string, name: string): string {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9_-]+/g, '-');
  return scoped(clean(app), environment, clean(name), NAME_LIMITS.queueName);
}

/**
 * The queues' names: `ledger_app-prod-payment_jobs` and `ledger_app-prod-payment_jobs-dlq`.
 * Fixed, so that the stacks that use a queue build its URL and ARN from the name. The schedule
 * queue is `<app>-<env>-dazzle-schedules`: a DSL name has no hyphen, so no channel's queue can
 * have it.
 */
export function queueNames(app: string, environment: string, name: string): { readonly queue: string; readonly deadLetters: string } {
  return { queue: sqsName(app, environment, name), deadLetters: sqsName(app, environment, `${name}-dlq`) };
}

/** The prefixes of the app's queue names in an environment (`ledger_app-prod-`): usually one, see `scopedPrefix`. */
export function queueNamePrefixes(app: string, environment: string, names: readonly string[]): string[] {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9_-]+/g, '-');
  const all = [...names, 'dazzle-schedules'].flatMap((n) => [n, `${n}-dlq`]);
  return [...new Set(all.map((n) => scopedPrefix(clean(app), environment, clean(n), NAME_LIMITS.queueName)))].sort();
}

/** The schedule queue's names (see `queueNames`). */
export function scheduleQueueNames(app: string, environment: string): { readonly queue: string; readonly deadLetters: string } {
  return queueNames(app, environment, 'dazzle-schedules');
}

/** The alarm topic: `ledger_app-prod-alarms` (SNS: letters, digits, `-` and `_`; at most 256). */
export function alarmTopicName(app: string, environment: string): string {
  return scoped(app.replace(/[^A-Za-z0-9_-]+/g, '-'), environment, 'alarms', NAME_LIMITS.topicName);
}

/** An alarm: `ledger_app-prod-Compute-ServiceWebCpuAlarm` (at most 255; the Observability dashboard finds it by name). */
export function alarmName(app: string, environment: string, stack: string, id: string): string {
  const clean = (x: string) => x.replace(/[^A-Za-z0-9_.-]+/g, '-');
  return scoped(clean(app), environment, clean(`${stack}-${id}`), NAME_LIMITS.alarmName);
}

/**
 * The address an email channel sends from in one environment. An SES identity belongs to the
 * account and region, so staging and prod cannot both create `shop@example.com`: prod uses the
 * address as written, every other environment its sub-address `shop+staging@example.com` (a
 * separate identity; mail to it reaches the same mailbox at most providers).
 */
export function emailIdentity(address: string, environment: string): string {
  if (environment === 'prod') return address;
  const at = address.lastIndexOf('@');
  if (at < 1) return address;
  return `${address.slice(0, at)}+${environment}${address.slice(at)}`;
}

/**
 * The app's ECR repository: `ledger-app-prod` (lower-case letters and digits between single
 * `-`; at most 256). Fixed, so the workflow that pushes to it knows it before any deploy.
 */
export function imageRepositoryName(app: string, environment: string): string {
  const appPart = app.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '') || 'app';
  return scoped(appPart, environment, null, NAME_LIMITS.imageRepositoryName);
}

/** The CloudWatch dashboard: `ledger_app-prod` (letters, digits, `-` and `_`; at most 255). */
export function dashboardName(app: string, environment: string): string {
  return scoped(app.replace(/[^A-Za-z0-9_-]/g, '-'), environment, null, NAME_LIMITS.dashboardName);
}

/** The alarm topic's display name (SNS allows 100 characters). */
export function alarmTopicDisplayName(app: string, environment: string): string {
  return scoped(app.replace(/[\r\n]+/g, ' '), environment, 'alarms', NAME_LIMITS.topicDisplayName, ' ');
}

/**
 * Construct IDs derived from the app's names (the contract `generate` keeps): the plan's
 * resource IDs use these, and the `names` pass checks them for collisions.
 */
export const constructId = {
  bucket: (name: string) => `Bucket${pascal(name)}`,
  queue: (name: string) => `Queue${pascal(name)}`,
  deadLetterQueue: (name: string) => `Queue${pascal(name)}DeadLetters`,
  bus: (name: string) => `Bus${pascal(name)}`,
  email: (name: string) => `Email${pascal(name)}`,
  schedule: (name: string) => `Schedule${pascal(name)}`,
  service: (name: string) => `Service${pascal(name)}`,
  nodes: (name: string) => `Nodes${pascal(name)}`,
  secret: (variable: string) => `Secret${pascal(variable.toLowerCase())}`,
  /** The task role of a web service (`ServiceWebTaskRole`) or of the worker (`WorkerTaskRole`). */
  taskRole: (serviceId: string) => `${serviceId}TaskRole`,
} as const;
