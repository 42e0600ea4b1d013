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
  /** The part of a bucket name before `-<12-digit account>-<region>`. */
  bucketPrefix: 34,
  busName: 256,
  logGroupName: 512,
  /** SSM parameter names (the service counts the full ARN against 1011; a name of 900 always fits). */
  parameterName: 900,
  secretName: 512,
  clusterIdentifier: 63,
  databaseName: 63,
  dashboardName: 255,
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
 * `ledger-app-prod-files`: the bucket's name before `-<account>-<region>` (S3 names are
 * global). Lower-case letters, digits and single hyphens, at most 34 characters so that
 * the whole name fits S3's 63 in every region.
 */
export function bucketPrefix(app: string, environment: string, name: string): string {
  const clean = (x: string) => x.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  const full = [clean(app), environment, clean(name)].filter(Boolean).join('-');
  const allowed = RESERVED_BUCKET_PREFIXES.some((p) => full.startsWith(p)) ? `dz-${full}` : full;
  return shorten(allowed, NAME_LIMITS.bucketPrefix);
}

/** The length of a bucket's full name, `<prefix>-<12-digit account>-<region>`. */
export function bucketNameLength(prefix: string, region: string): number {
  return prefix.length + 1 + 12 + 1 + region.length;
}

/** EventBridge bus name: `ledger_app-prod-ledger_events` (letters, digits, `.`, `-`, `_`; at most 256). */
export function busName(app: string, environment: string, name: string): string {
  return shorten(`${app}-${environment}-${name}`.replace(/[^A-Za-z0-9._-]+/g, '-'), NAME_LIMITS.busName);
}

/** The Aurora cluster identifier: `ledger-app-prod` (RDS: a letter first, then letters, digits and single hyphens; at most 63). */
export function clusterIdentifier(app: string, environment: string): string {
  const id = `${app}-${environment}`
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const lettered = /^[a-z]/.test(id) ? id : `db-${id}`;
  // Shortened with a hash of the whole (never cut): the environment must stay part of it.
  return shorten(lettered, NAME_LIMITS.clusterIdentifier);
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

/** A log group the plan names: `/ledger_app/prod/services`. */
export function logGroupName(app: string, environment: string, what: 'services' | 'tigerbeetle'): string {
  return `/${app}/${environment}/${what}`;
}

/** The RDS log group of the cluster (RDS chooses it; dazzle creates it first to set its retention). */
export function databaseLogGroupName(app: string, environment: string): string {
  return `/aws/rds/cluster/${clusterIdentifier(app, environment)}/postgresql`;
}

/**
 * Where the TigerBeetle parameters live: `/ledger_app/prod/tigerbeetle`. SSM refuses
 * names that begin with `aws` or `ssm` (in any case), so an app named so gets them
 * under `/dazzle/<app>/…`.
 */
export function tigerBeetleParameterPrefix(app: string, environment: string): string {
  const prefix = /^(aws|ssm)/i.test(app) ? `/dazzle/${app}` : `/${app}`;
  return `${prefix}/${environment}/tigerbeetle`;
}

/** The Secrets Manager secret the Compute stack creates for a variable: `ledger_app/prod/API_KEY`. */
export function createdSecretName(app: string, environment: string, variable: string): string {
  return shorten(`${app}/${environment}/${variable}`, NAME_LIMITS.secretName);
}

/** The CloudWatch dashboard: `ledger_app-prod` (letters, digits, `-` and `_`; at most 255). */
export function dashboardName(app: string, environment: string): string {
  return shorten(`${app}-${environment}`.replace(/[^A-Za-z0-9_-]/g, '-'), NAME_LIMITS.dashboardName);
}

/** The alarm topic's display name (SNS allows 100 characters). */
export function alarmTopicDisplayName(app: string, environment: string): string {
  return `${app} ${environment} alarms`.slice(0, NAME_LIMITS.topicDisplayName);
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
} as const;
