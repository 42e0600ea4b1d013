/**
 * dazzle.toml → a resolved, validated deployment configuration, with the
 * source of every value. Pure: the caller reads the file.
 *
 * Order of precedence (later wins): base defaults → the environment's profile
 * → [deploy] in the file → [deploy.env.<environment>] in the file → --env.
 */
import type { ErrorObject } from 'ajv';
import { closest, diag, hasErrors, quote, type Diagnostic, type Result, type Span } from '../diagnostics/index.js';
import { BASE_DEFAULTS, EC2_ONLY_KEYS, PROFILES, type DeployConfig, type ServiceConfig } from './defaults.js';
import { positionOf, tomlKeyPositions, type KeyPosition } from './toml-positions.js';
import { parseTomlText } from './toml.js';
import validateToml from './toml-validator.generated.js';
import { EBS, ENVIRONMENTS, FARGATE_SIZES, type Environment } from './vocabulary.js';

/** Where a resolved value came from. */
export type ConfigSource =
  | { readonly kind: 'default' }
  | { readonly kind: 'profile'; readonly environment: Environment }
  | { readonly kind: 'file'; readonly file: string; readonly line: number; readonly col: number; readonly table: string }
  | { readonly kind: 'inherited'; readonly from: string }
  | { readonly kind: 'flag'; readonly flag: string };

export interface ResolvedConfig {
  readonly deploy: DeployConfig;
  /** Source of every leaf, by dotted key under [deploy] (`compute.cpu`, `services.api.port`, `secrets.api_key`). */
  readonly sources: Readonly<Record<string, ConfigSource>>;
  readonly hasDeployTable: boolean;
  /** Where Dazzle's own `[auth]` says the app uses server-side sessions (provider = "session"), or null. */
  readonly sessions: ConfigSource | null;
}

export interface LoadInput {
  /** dazzle.toml as shown to the user. */
  readonly path: string;
  /** Its text, or undefined when there is no file. */
  readonly text: string | undefined;
  /** `--env`, if given. */
  readonly environment?: Environment;
}

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Obj = { [k: string]: Json };
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

const SECRET_PLACEHOLDER = '(value not shown)';

/** Common spellings of the environment names. */
const ENV_ALIASES: Readonly<Record<string, Environment>> = { production: 'prod', prd: 'prod', live: 'prod', development: 'dev', develop: 'dev', local: 'dev', stage: 'staging', stg: 'staging', test: 'staging' };

/** Schema validation with ajv, compiled ahead of time (see scripts/schema-artifacts.mjs). */
function validate(doc: unknown): ErrorObject[] {
  return validateToml(doc) ? [] : [...(validateToml.errors ?? [])];
}

class Loader {
  readonly diagnostics: Diagnostic[] = [];
  readonly positions: ReadonlyMap<string, KeyPosition>;
  constructor(
    readonly path: string,
    readonly text: string,
  ) {
    this.positions = tomlKeyPositions(text);
  }

  /** Span of the value (or key) at a TOML path. */
  span(path: readonly (string | number)[], of: 'key' | 'value' = 'value'): Span {
    const p = positionOf(this.positions, path);
    const line = p ? (of === 'key' ? p.line : p.valueLine) : 1;
    const col = p ? (of === 'key' ? p.col : p.valueCol) : 1;
    return { file: this.path, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 };
  }

  /** Schema errors → diagnostics, one per problem, in the user's terms. */
  schemaErrors(doc: Obj): void {
    const seen = new Set<string>();
    for (const e of validate(doc)) {
      // An error about a key's *name* also arrives as an inner error of the name check; the outer one says it all.
      if (e.propertyName !== undefined) continue;
      const path = pointer(e.instancePath);
      const key = path.join('.');
      // A value under [deploy.secrets] may be the secret itself: never quote it or show its line.
      const secret = path[0] === 'deploy' && path[1] === 'secrets' && path.length > 2;
      const push = (found: Diagnostic) => {
        const d: Diagnostic = secret ? { ...found, sensitive: true } : found;
        const id = `${d.code}:${d.span?.line}:${d.span?.col}:${d.message}`;
        if (!seen.has(id)) {
          seen.add(id);
          this.diagnostics.push(d);
        }
      };
      const value = secret ? SECRET_PLACEHOLDER : valueAt(doc, path);
      switch (e.keyword) {
        case 'additionalProperties': {
          const bad = String((e.params as { additionalProperty: string }).additionalProperty);
          const allowed = Object.keys((e.parentSchema as { properties?: object } | undefined)?.properties ?? {});
          const near = closest(bad, allowed);
          push(
            diag('DZ4001', `unknown key ${quote(bad)} in [${key}]; allowed: ${allowed.join(', ')}`, {
              span: this.span([...path, bad], 'key'),
              keyPath: [...path, bad].join('.'),
              hint: near ? `did you mean '${near}'?` : 'remove it, or see dazzle.toml.example for every key',
            }),
          );
          break;
        }
        case 'propertyNames': {
          const name = String((e.params as { propertyName: string }).propertyName);
          if (key === 'deploy.env') {
            const near = ENV_ALIASES[name] ?? closest(name, ENVIRONMENTS);
            push(
              diag('DZ4006', `unknown environment ${quote(name)} in [deploy.env.${name}]; environments are ${ENVIRONMENTS.join(', ')}`, {
                span: this.span([...path, name], 'key'),
                keyPath: [...path, name].join('.'),
                hint: near ? `did you mean '${near}'?` : `use one of ${ENVIRONMENTS.join(', ')}`,
              }),
            );
          } else {
            const rule = key.endsWith('.env') ? 'UPPER_SNAKE_CASE' : 'lower_snake_case, starting with a letter';
            push(
              diag('DZ4005', `name ${quote(name)} in [${key}] must be ${rule}`, {
                span: this.span([...path, name], 'key'),
                keyPath: [...path, name].join('.'),
                hint: key.endsWith('secrets') ? 'the name becomes the environment variable NAME (upper-cased)' : 'rename it',
              }),
            );
          }
          break;
        }
        case 'type':
          push(
            diag('DZ4002', `${key} must be ${article(String((e.params as { type: string }).type))}, got ${describe(value)}`, {
              span: this.span(path),
              keyPath: key,
              hint: hintFor(e, key),
            }),
          );
          break;
        case 'enum': {
          const allowed = (e.params as { allowedValues: unknown[] }).allowedValues.map((v) => JSON.stringify(v));
          const near = typeof value === 'string' ? (ENV_ALIASES[value] ?? closest(value, allowed.map((a) => a.replace(/^"|"$/g, '')))) : undefined;
          // Long lists (regions) are summarised; the hint carries the near miss.
          const list = allowed.length > 10 ? `one of ${allowed.length} values such as ${allowed.slice(0, 3).join(', ')} (see grammar/dazzle.schema.json)` : allowed.join(', ');
          push(
            diag('DZ4003', `${key} cannot be ${describe(value)}; allowed: ${list}`, {
              span: this.span(path),
              keyPath: key,
              hint: near ? `did you mean '${near}'?` : allowed.length > 10 ? `use ${list}` : `use one of ${list}`,
            }),
          );
          break;
        }
        case 'minimum':
        case 'maximum':
        case 'multipleOf':
        case 'minLength':
        case 'minItems': {
          const s = e.parentSchema as { minimum?: number; maximum?: number; multipleOf?: number };
          const range = s.minimum !== undefined && s.maximum !== undefined ? `${s.minimum} to ${s.maximum}` : s.minimum !== undefined ? `at least ${s.minimum}` : s.maximum !== undefined ? `at most ${s.maximum}` : '';
          const what = e.keyword === 'multipleOf' ? `a multiple of ${s.multipleOf}` : e.keyword === 'minLength' ? 'not empty' : e.keyword === 'minItems' ? 'a non-empty list' : range;
          push(diag('DZ4004', `${key} is ${describe(value)}; it must be ${what}`, { span: this.span(path), keyPath: key, hint: hintFor(e, key) }));
          break;
        }
        case 'pattern':
          push(diag('DZ4005', `${key} ${describe(value)} is not ${FORMS[lastKey(path)] ?? 'of the expected form'}`, { span: this.span(path), keyPath: key, hint: hintFor(e, key) }));
          break;
        case 'uniqueItems':
          push(diag('DZ4007', `${key} lists the same item twice`, { span: this.span(path), keyPath: key, hint: 'remove the duplicate' }));
          break;
        default:
          push(diag('DZ4005', `${key} is not valid: ${e.message ?? e.keyword}`, { span: this.span(path), keyPath: key }));
      }
    }
  }
}

const FORMS: Record<string, string> = {
  vpc_cidr: 'an IPv4 CIDR block between /16 and /28 (e.g. "10.0.0.0/16")',
  ssh_cidr: 'an IPv4 CIDR block (e.g. "203.0.113.7/32")',
  health_check_path: 'a path starting with /',
  engine_version: 'a version such as "16.6"',
  version: 'a version such as "1.2.3"',
  instance_class: 'an RDS instance class such as "db.r6g.large"',
  instance_type: 'an instance type such as "t3.small"',
  node_type: 'an ElastiCache node type such as "cache.t4g.small"',
  name: 'a domain name such as "example.com"',
  hosted_zone: 'a domain name such as "example.com"',
  hosted_zone_id: 'a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"',
  subdomain: 'a single DNS label such as "api"',
  certificate_arn: 'an ACM certificate ARN',
  sns_topic_arn: 'an SNS topic ARN',
  artifact: 'an S3 URI such as "s3://my-bucket/releases/node.tar.gz"',
  private_dns: 'a DNS name such as "internal"',
  namespace: 'a DNS name such as "app.local"',
};

function lastKey(path: readonly string[]): string {
  for (let i = path.length - 1; i >= 0; i--) if (!/^\d+$/.test(path[i] as string)) return path[i] as string;
  return '';
}

function hintFor(e: ErrorObject, key: string): string {
  const s = e.parentSchema as { default?: unknown; description?: string } | undefined;
  const doc = s?.description ? s.description.replace(/\.$/, '') : key;
  return s?.default !== undefined ? `${doc} (default ${JSON.stringify(s.default)})` : doc;
}

function article(type: string): string {
  return { integer: 'a whole number', number: 'a number', string: 'a "string"', boolean: 'true or false', array: 'a list [ … ]', object: 'a table' }[type] ?? `a ${type}`;
}

function describe(v: unknown): string {
  if (v === undefined) return 'nothing';
  if (v === SECRET_PLACEHOLDER) return v;
  if (v instanceof Date) return `a date (${String(v.toISOString?.() ?? v)})`;
  if (Array.isArray(v)) return `a list of ${v.length}`;
  if (isObj(v)) return 'a table';
  const s = typeof v === 'string' ? JSON.stringify(v) : String(v);
  return s.length > 60 ? `${s.slice(0, 59)}…` : s;
}

function pointer(p: string): string[] {
  return p === '' ? [] : p.slice(1).split('/').map((x) => x.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function valueAt(doc: Json, path: readonly string[]): Json | undefined {
  let cur: Json | undefined = doc;
  for (const k of path) {
    if (Array.isArray(cur)) cur = cur[Number(k)];
    else if (isObj(cur)) cur = cur[k];
    else return undefined;
  }
  return cur;
}

/** Load and resolve the configuration. Returns undefined when the file has errors. */
export function loadConfig(input: LoadInput): Result<ResolvedConfig | undefined> {
  const text = input.text ?? '';
  const loader = new Loader(input.path, text);
  let doc: Obj = {};
  if (input.text !== undefined) {
    const parsed = parseTomlText(input.path, text);
    if (!parsed.value) return { value: undefined, diagnostics: parsed.diagnostics };
    doc = parsed.value as Obj;
    loader.schemaErrors(doc);
    if (hasErrors(loader.diagnostics)) return { value: undefined, diagnostics: loader.diagnostics };
  }
  return resolve(loader, doc, input);
}

/** Layer the defaults, the profile, the file and the flag; then check the result. */
function resolve(loader: Loader, doc: Obj, input: LoadInput): Result<ResolvedConfig | undefined> {
  const deployDoc = isObj(doc.deploy) ? doc.deploy : undefined;
  const sources: Record<string, ConfigSource> = {};
  const fileEnv = typeof deployDoc?.environment === 'string' ? (deployDoc.environment as Environment) : undefined;
  const environment: Environment = input.environment ?? fileEnv ?? BASE_DEFAULTS.environment;
  const out = structuredClone(BASE_DEFAULTS) as unknown as Obj;
  // 1. defaults
  walk(out, [], (key) => (sources[key] = { kind: 'default' }));
  // 2. the environment's profile
  apply(out, PROFILES[environment] as unknown as Obj, [], (key) => (sources[key] = { kind: 'profile', environment }));
  // 3. [deploy], then 4. [deploy.env.<environment>]
  const fileSource =
    (tomlPath: readonly string[], table: string, prefix = '') =>
    (key: string): void => {
      const parts = key.split('.');
      const p = positionOf(loader.positions, [...tomlPath, ...parts]);
      // The table the value is written in: [deploy.compute] for compute.cpu.
      const where = parts.length > 1 ? `${table.slice(0, -1)}.${parts.slice(0, -1).join('.')}]` : table;
      sources[prefix + key] = { kind: 'file', file: loader.path, line: p?.valueLine ?? 1, col: p?.valueCol ?? 1, table: where };
    };
  const { env: envTables, services: serviceDocs, ...deployRest } = deployDoc ?? {};
  apply(out, deployRest as Obj, [], fileSource(['deploy'], '[deploy]'));
  const envDoc = isObj(envTables) && isObj(envTables[environment]) ? (envTables[environment] as Obj) : undefined;
  const { services: envServices, ...envRest } = envDoc ?? {};
  apply(out, envRest as Obj, [], fileSource(['deploy', 'env', environment], `[deploy.env.${environment}]`));
  // 5. --env
  out.environment = environment;
  sources.environment = input.environment ? { kind: 'flag', flag: '--env' } : fileEnv ? (sources.environment ?? { kind: 'default' }) : { kind: 'default' };

  // Named services start from [deploy.compute]; their own keys (and the environment's) win.
  const compute = out.compute as Obj;
  const services: Record<string, Obj> = {};
  const names = new Set([...Object.keys(isObj(serviceDocs) ? serviceDocs : {}), ...Object.keys(isObj(envServices) ? envServices : {})]);
  for (const name of [...names].sort()) {
    const svc = structuredClone(compute);
    walk(svc, [], (key) => (sources[`services.${name}.${key}`] = { kind: 'inherited', from: `compute.${key}` }));
    const base = isObj(serviceDocs) && isObj(serviceDocs[name]) ? (serviceDocs[name] as Obj) : {};
    apply(svc, base, [], fileSource(['deploy', 'services', name], `[deploy.services.${name}]`, `services.${name}.`));
    const envSvc = isObj(envServices) && isObj(envServices[name]) ? (envServices[name] as Obj) : {};
    apply(svc, envSvc, [], fileSource(['deploy', 'env', environment, 'services', name], `[deploy.env.${environment}.services.${name}]`, `services.${name}.`));
    services[name] = svc;
  }
  out.services = services as unknown as Json;

  // Autoscaling bounds that are defaults stretch to include a desired_count the file sets.
  for (const [prefix, svc] of [['compute', out.compute as Obj], ...Object.entries(services).map(([n, v]) => [`services.${n}`, v] as const)] as const) {
    const desired = svc.desired_count as number;
    // A bound written in the file (here, or in [deploy.compute] for a named service) is kept and checked, never stretched.
    const written = (key: string): boolean => {
      const src = sources[key];
      return src?.kind === 'file' || (src?.kind === 'inherited' && written(src.from));
    };
    if (!written(`${prefix}.min_count`) && (svc.min_count as number) > desired) {
      svc.min_count = desired;
      sources[`${prefix}.min_count`] = { kind: 'inherited', from: `${prefix}.desired_count` };
    }
    if (!written(`${prefix}.max_count`) && (svc.max_count as number) < desired) {
      svc.max_count = desired;
      sources[`${prefix}.max_count`] = { kind: 'inherited', from: `${prefix}.desired_count` };
    }
  }

  // database.mode = auto: provisioned when the file sets an instance class.
  const db = out.database as Obj;
  if (db.mode === 'auto') {
    const fromFile = sources['database.instance_class']?.kind === 'file';
    db.mode = fromFile ? 'provisioned' : 'serverless';
    sources['database.mode'] = fromFile ? { kind: 'inherited', from: 'database.instance_class' } : (sources['database.mode'] ?? { kind: 'default' });
  }

  const deploy = out as unknown as DeployConfig;
  const diagnostics = [...loader.diagnostics];
  if (!deployDoc) {
    diagnostics.push(
      diag(
        'DZ4000',
        input.text === undefined ? `there is no ${loader.path}; the deployment uses the defaults for '${environment}'` : `${loader.path} has no [deploy] table; the deployment uses the defaults for '${environment}'`,
        {
          ...(input.text !== undefined ? { span: { file: loader.path, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, length: 0 } } : {}),
          hint: 'add [deploy] to choose the region, sizes and environment (see dazzle.toml.example)',
        },
      ),
    );
  }
  const checks = new Checks(loader, deploy, sources);
  checks.run();
  diagnostics.push(...checks.diagnostics);
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const auth = isObj(doc.auth) ? doc.auth : undefined;
  const sessionsAt = auth !== undefined && auth.provider === 'session' && auth.enabled !== false ? positionOf(loader.positions, ['auth', 'provider']) : undefined;
  const sessions: ConfigSource | null = sessionsAt ? { kind: 'file', file: loader.path, line: sessionsAt.valueLine, col: sessionsAt.valueCol, table: '[auth]' } : null;
  return {
    value: { deploy: deepFreeze(deploy), sources: Object.fromEntries(Object.entries(sources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), hasDeployTable: Boolean(deployDoc), sessions },
    diagnostics,
  };
}

/** Visit every leaf (non-table value) of an object, by dotted key. */
function walk(o: Obj, prefix: string[], visit: (key: string) => void): void {
  for (const [k, v] of Object.entries(o)) {
    if (isObj(v) && Object.keys(v).length > 0 && !isFreeTable(prefix, k)) walk(v, [...prefix, k], visit);
    else visit([...prefix, k].join('.'));
  }
}

/** Tables whose keys are the user's own names (env variables, secrets): a leaf as a whole. */
function isFreeTable(prefix: readonly string[], k: string): boolean {
  return k === 'env' || (prefix.length === 0 && k === 'secrets');
}

/** Copy `src`'s leaves onto `dst`, calling `visit` for each key written. */
function apply(dst: Obj, src: Obj, prefix: string[], visit: (key: string) => void): void {
  for (const [k, v] of Object.entries(src)) {
    if (v === undefined) continue;
    if (isObj(v) && !isFreeTable(prefix, k) && isObj(dst[k])) apply(dst[k] as Obj, v, [...prefix, k], visit);
    else if (isObj(v) && isFreeTable(prefix, k)) {
      dst[k] = { ...(isObj(dst[k]) ? dst[k] : {}), ...v };
      for (const sub of Object.keys(v)) visit([...prefix, k, sub].join('.'));
    } else {
      dst[k] = structuredClone(v);
      visit([...prefix, k].join('.'));
    }
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

const SECRET_REF = /^(ssm:\/[A-Za-z0-9_.\-/]+|secretsmanager:[A-Za-z0-9/_+=.@-]+(:[A-Za-z0-9_.-]+)?)$/;

/** Rules that span keys or need AWS facts; run on the merged configuration. */
class Checks {
  readonly diagnostics: Diagnostic[] = [];
  constructor(
    readonly loader: Loader,
    readonly c: DeployConfig,
    readonly sources: Readonly<Record<string, ConfigSource>>,
  ) {}

  /** Where a resolved key's value was written (or the file start when it is a default). */
  at(key: string): { span?: Span; note: string } {
    const s = this.sources[key];
    if (s?.kind === 'file') return { span: { file: s.file, line: s.line, col: s.col, endLine: s.line, endCol: s.col + 1, offset: 0, length: 0 }, note: '' };
    if (s?.kind === 'inherited') return this.at(s.from);
    const why = s?.kind === 'profile' ? ` (the ${s.environment} default)` : ' (the default)';
    return { note: why };
  }

  /** Report at the first of `keys` that was written in the file. */
  report(code: Parameters<typeof diag>[0], keys: readonly string[], message: string, hint: string, sensitive = false): void {
    const written = keys.find((k) => this.at(k).span);
    const where = written ? this.at(written).span : undefined;
    this.diagnostics.push(diag(code, message, { ...(where ? { span: where } : {}), keyPath: `deploy.${written ?? keys[0]}`, hint, sensitive }));
  }

  val(key: string): string {
    const s = this.sources[key];
    return s?.kind === 'file' ? '' : this.at(key).note;
  }

  run(): void {
    const { c } = this;
    if (c.network.nat_gateways > c.network.az_count) {
      this.report('DZ4012', ['network.nat_gateways', 'network.az_count'], `network.nat_gateways is ${c.network.nat_gateways}${this.val('network.nat_gateways')} but there are only ${c.network.az_count} availability zones${this.val('network.az_count')}`, 'use at most one NAT gateway per availability zone');
    }
    this.service('compute', c.compute);
    for (const [name, s] of Object.entries(c.services)) this.service(`services.${name}`, s);
    const db = c.database;
    if (db.min_acu > db.max_acu) {
      this.report('DZ4013', ['database.min_acu', 'database.max_acu'], `database.min_acu ${db.min_acu}${this.val('database.min_acu')} is more than database.max_acu ${db.max_acu}${this.val('database.max_acu')}`, 'make min_acu at most max_acu');
    }
    this.tigerbeetle();
    if (c.kafka.enabled && c.kafka.broker_count % c.network.az_count !== 0) {
      this.report('DZ4016', ['kafka.broker_count', 'network.az_count'], `kafka.broker_count ${c.kafka.broker_count} is not a multiple of network.az_count ${c.network.az_count}`, `MSK spreads brokers evenly over the zones: use ${c.network.az_count * Math.max(1, Math.round(c.kafka.broker_count / c.network.az_count))}`);
    }
    for (const [name, ref] of Object.entries(c.secrets)) {
      if (!SECRET_REF.test(ref)) {
        this.report(
          'DZ4019',
          [`secrets.${name}`],
          `secret '${name}' must be a reference, "ssm:/path" or "secretsmanager:name[:json-key]"; its value is not shown because it may be the secret itself`,
          `store the value in SSM Parameter Store or Secrets Manager and write e.g. ${name} = "ssm:/myapp/${c.environment}/${name.replace(/_/g, '-')}"; it reaches every service as ${name.toUpperCase()}`,
          true,
        );
      }
    }
  }

  service(prefix: string, s: ServiceConfig): void {
    const k = (x: string) => `${prefix}.${x}`;
    const label = prefix === 'compute' ? '[deploy.compute]' : `service '${prefix.slice('services.'.length)}'`;
    if (s.runtime === 'fargate') {
      const mems = FARGATE_SIZES.get(s.cpu) ?? [];
      if (!mems.includes(s.memory)) {
        this.report('DZ4010', [k('memory'), k('cpu')], `${label}: Fargate cannot run cpu ${s.cpu} with memory ${s.memory}`, `with cpu ${s.cpu}, memory is one of ${summarise(mems)} (MiB)`);
      }
      for (const only of EC2_ONLY_KEYS) {
        if (this.sources[k(only)]?.kind === 'file') this.report('DZ4018', [k(only)], `${label}: ${only} applies to runtime = "ec2", not "fargate"`, `set runtime = "ec2" for a node group, or remove ${only}`);
      }
    } else {
      if (s.ip_offset + s.node_count - 1 > 250) {
        this.report('DZ4020', [k('ip_offset'), k('node_count')], `${label}: ${s.node_count} nodes from host ${s.ip_offset} do not fit a /24 subnet (last usable host is 250)`, 'lower ip_offset or node_count');
      }
      if (s.artifact && !s.command) this.report('DZ4018', [k('artifact')], `${label}: artifact is set but command is empty, so nothing would start it`, 'set command to the program to run, e.g. command = "bin/node --data /data"');
      if (s.artifact && s.image && this.sources[k('image')]?.kind === 'file') this.report('DZ4017', [k('artifact'), k('image')], `${label}: both artifact and image are set`, 'keep artifact to install a binary, or image to run a container');
      if (s.key_name && !s.ssh_cidr) this.report('DZ4018', [k('key_name')], `${label}: key_name is set but ssh_cidr is empty, so SSH would stay closed`, 'set ssh_cidr to your admin address (e.g. "203.0.113.7/32"), or use SSM Session Manager and drop key_name');
    }
    if (!(s.min_count <= s.desired_count && s.desired_count <= s.max_count)) {
      this.report(
        'DZ4011',
        [k('desired_count'), k('min_count'), k('max_count')],
        `${label}: min_count ${s.min_count}${this.val(k('min_count'))} <= desired_count ${s.desired_count}${this.val(k('desired_count'))} <= max_count ${s.max_count}${this.val(k('max_count'))} does not hold`,
        'choose counts with min_count <= desired_count <= max_count',
      );
    }
    if (this.sources[k('image')]?.kind === 'file' && this.sources[k('dockerfile')]?.kind === 'file' && s.image && s.dockerfile) {
      this.report('DZ4017', [k('dockerfile'), k('image')], `${label}: both image and dockerfile are set`, 'keep image to run a pushed image, or dockerfile to build one during cdk deploy');
    }
  }

  tigerbeetle(): void {
    const t = this.c.tigerbeetle;
    const key = (x: string) => `tigerbeetle.${x}`;
    if (t.volume_iops > EBS.gp3.maxIops) {
      if (t.volume_iops > t.volume_size_gb * EBS.io2.iopsPerGib) {
        this.report('DZ4014', [key('volume_iops'), key('volume_size_gb')], `tigerbeetle.volume_iops ${t.volume_iops} needs at least ${Math.ceil(t.volume_iops / EBS.io2.iopsPerGib)} GiB on io2, but volume_size_gb is ${t.volume_size_gb}`, `io2 allows ${EBS.io2.iopsPerGib} IOPS per GiB`);
      } else {
        const { span } = this.at(key('volume_iops'));
        this.diagnostics.push(
          diag('DZ4015', `tigerbeetle.volume_iops ${t.volume_iops} is above gp3's ${EBS.gp3.maxIops}, so the data volumes will be io2 (billed per provisioned IOPS; volume_throughput does not apply)`, {
            ...(span ? { span } : {}),
            keyPath: 'deploy.tigerbeetle.volume_iops',
            hint: `keep volume_iops at ${EBS.gp3.maxIops} or below to stay on gp3`,
          }),
        );
      }
      return;
    }
    if (t.volume_iops > t.volume_size_gb * EBS.gp3.iopsPerGib) {
      this.report('DZ4014', [key('volume_iops'), key('volume_size_gb')], `tigerbeetle.volume_iops ${t.volume_iops} needs at least ${Math.ceil(t.volume_iops / EBS.gp3.iopsPerGib)} GiB on gp3, but volume_size_gb is ${t.volume_size_gb}`, `gp3 allows ${EBS.gp3.iopsPerGib} IOPS per GiB`);
    }
    if (t.volume_throughput > t.volume_iops * EBS.gp3.mibPerIops) {
      this.report('DZ4014', [key('volume_throughput'), key('volume_iops')], `tigerbeetle.volume_throughput ${t.volume_throughput} MiB/s needs at least ${Math.ceil(t.volume_throughput / EBS.gp3.mibPerIops)} IOPS on gp3, but volume_iops is ${t.volume_iops}`, `gp3 allows ${EBS.gp3.mibPerIops} MiB/s per IOPS`);
    }
  }
}

function summarise(xs: readonly number[]): string {
  if (xs.length <= 4) return xs.join(', ');
  return `${xs[0]}, ${xs[1]}, … ${xs[xs.length - 1]}`;
}
