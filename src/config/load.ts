/**
 * dazzle.toml → a resolved, validated deployment configuration, with the
 * source of every value. Pure: the caller reads the file.
 *
 * Order of precedence (later wins): base defaults → the environment's profile
 * → [deploy] in the file → [deploy.env.<environment>] in the file → --env.
 *
 * Every environment is merged and checked, not only the one asked for: a
 * mistake in [deploy.env.prod] is reported while working on dev. Values that
 * may be secrets are masked in every diagnostic's code frame (redact.ts).
 */
import type { ErrorObject } from 'ajv';
import { closest, credentialRanges, diag, escapeUnprintable, hasErrors, quote, type Diagnostic, type DiagnosticCode, type RelatedLocation, type Result, type Severity, type Span } from '../diagnostics/index.js';
import { AVAILABILITY_ZONES_AS_OF, defaultZones, isZoneOfRegion, regionZones } from './availability-zones.js';
import { LAST_NODE_HOST, lastNodeHost, nodeGroupProblems, variableNameProblems } from './node-groups.js';
import { BASE_DEFAULTS, EC2_ONLY_KEYS, PROFILES, type DeployConfig, type ServiceConfig } from './defaults.js';
import { codePoint, DOMAIN_MAX, firstControl, formatCidr, imageProblem, networkOf, parseCidr } from './forms.js';
import { couldBeSecret, hasSecretName, isSecretPath, secretMasks, withSecretMasks } from './redact.js';
import { checkInstanceType, instanceTypesAsOf, instanceTypeWhat, type InstanceService } from './instance-types.js';
import { ACK_FORMS, resolvePreflight, type PreflightConfig } from './preflight.js';
import { parseSecretRef } from './secret-ref.js';
import { smallestTigerBeetleSize, TIGERBEETLE_HARDWARE_DOCS, TIGERBEETLE_INSTANCE_TYPES, TIGERBEETLE_MIN_MEMORY_GIB, TIGERBEETLE_RECOMMENDED_MEMORY_GIB } from './tigerbeetle-sizes.js';
import { LATEST_TIGERBEETLE_RELEASE, nearestTigerBeetleRelease, OLDEST_TIGERBEETLE_RELEASE, TIGERBEETLE_RELEASES_AS_OF, tigerBeetleRelease } from './tigerbeetle-releases.js';
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
  /** `[deploy.preflight]`: read by `deploy preflight` only, and not part of `deploy` (nor of the inputs checksum). */
  readonly preflight: PreflightConfig;
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
      // A value under [deploy.secrets], or under a key named like a secret, may be the secret itself:
      // never quote it (its code frame is masked for every diagnostic, in loadConfig).
      const secret = isSecretPath(path);
      const push = (d: Diagnostic) => {
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
        case 'maxLength':
        case 'minItems': {
          const s = e.parentSchema as { minimum?: number; maximum?: number; multipleOf?: number; maxLength?: number };
          const range = s.minimum !== undefined && s.maximum !== undefined ? `${s.minimum} to ${s.maximum}` : s.minimum !== undefined ? `at least ${s.minimum}` : s.maximum !== undefined ? `at most ${s.maximum}` : '';
          const what =
            e.keyword === 'multipleOf'
              ? `a multiple of ${s.multipleOf}`
              : e.keyword === 'minLength'
                ? 'not empty'
                : e.keyword === 'maxLength'
                  ? `at most ${s.maxLength} characters long (it has ${typeof value === 'string' ? value.length : '?'})`
                  : e.keyword === 'minItems'
                    ? 'a non-empty list'
                    : range;
          push(diag('DZ4004', `${key} is ${describe(value)}; it must be ${what}`, { span: this.span(path), keyPath: key, hint: hintFor(e, key) }));
          break;
        }
        case 'pattern': {
          const control = typeof value === 'string' ? firstControl(value) : undefined;
          if (control) {
            // Names, addresses, paths and commands are one line of visible text; a control character in one is a
            // mistake or an attempt to inject a line into generated code, a shell script or a log.
            push(
              diag('DZ4022', `${key} contains the control character ${codePoint(control.char)} (character ${control.index + 1})${secret ? '' : `: ${describe(value)}`}`, {
                span: this.span(path),
                keyPath: key,
                hint:
                  path[path.length - 2] === 'env'
                    ? 'remove it: an environment variable may hold tabs and line breaks, but no other control character (a NUL cannot be passed to a process at all)'
                    : lastKey(path) === 'command'
                      ? 'a command is one line: remove the line breaks and other control characters'
                      : 'remove it: this value is one line of visible text (in a TOML basic string, \\n and \\t are control characters too)',
              }),
            );
            break;
          }
          const last = lastKey(path);
          const hint = last === 'image' && typeof value === 'string' ? `${imageProblem(value)}; ${hintFor(e, key)}` : hintFor(e, key);
          push(diag('DZ4005', `${key} ${describe(value)} is not ${FORMS[last] ?? 'of the expected form'}`, { span: this.span(path), keyPath: key, hint }));
          break;
        }
        case 'required': {
          const missing = String((e.params as { missingProperty: string }).missingProperty);
          const doc = (e.parentSchema as { properties?: Record<string, { description?: string }> } | undefined)?.properties?.[missing]?.description;
          push(diag('DZ4005', `${key} has no ${quote(missing)}`, { span: this.span(path, 'key'), keyPath: `${key}.${missing}`, hint: doc ? `add ${missing}: ${doc.replace(/\.$/, '')}` : `add ${missing}` }));
          break;
        }
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
  ...ACK_FORMS,
  vpc_cidr: 'an IPv4 CIDR block between /16 and /28, each number 0-255 without leading zeros (e.g. "10.0.0.0/16")',
  ssh_cidr: 'an IPv4 CIDR block, each number 0-255 without leading zeros (e.g. "203.0.113.7/32")',
  health_check_path: 'a path starting with /, without spaces (at most 1024 characters)',
  paths: 'an ALB path pattern: / then up to 127 letters, digits and _ - . $ / ~ " \' @ : + & * ? (e.g. "/api/*")',
  image: 'a container image reference such as "123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.4.2"',
  email: 'an email address such as "ops@example.com"',
  key_name: 'an EC2 key pair name (up to 255 printable ASCII characters)',
  engine_version: 'a version such as "16.6"',
  version: 'a version such as "1.2.3" (numbers without leading zeros)',
  instance_class: 'an RDS instance class such as "db.r6g.large"',
  instance_type: 'an instance type such as "t3.small"',
  node_type: 'an ElastiCache node type such as "cache.t4g.small"',
  name: 'a lower-case domain name such as "example.com" (labels of at most 63 characters)',
  hosted_zone: 'a lower-case domain name such as "example.com" (labels of at most 63 characters)',
  hosted_zone_id: 'a Route 53 hosted zone ID such as "Z0123456789ABCDEFGHIJ"',
  subdomain: 'a single DNS label such as "api" (at most 63 characters)',
  certificate_arn: 'an ACM certificate ARN',
  sns_topic_arn: 'an SNS topic ARN',
  artifact: 'an S3 URI such as "s3://my-bucket/releases/node.tar.gz"',
  private_dns: 'a DNS name such as "internal" (labels of at most 63 characters)',
  seed_addresses: 'an IPv4 address such as "10.0.2.10"',
  namespace: 'a DNS name such as "app.local" (labels of at most 63 characters)',
  availability_zones: 'an availability zone name such as "us-east-1a"',
  ami: 'an EC2 image ID such as "ami-0123456789abcdef0" (empty: Amazon Linux 2023, resolved at the first deploy and kept)',
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
  const s = typeof v === 'string' ? escapeUnprintable(JSON.stringify(v)) : String(v);
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
  if (input.text === undefined) return resolve(new Loader(input.path, ''), {}, input);
  const parsed = parseTomlText(input.path, input.text);
  if (!parsed.value) return parsed as Result<undefined>;
  const loader = new Loader(input.path, input.text);
  const doc = parsed.value as Obj;
  loader.schemaErrors(doc);
  const result = hasErrors(loader.diagnostics) ? { value: undefined, diagnostics: loader.diagnostics } : resolve(loader, doc, input);
  // One place marks the secrets for every diagnostic that points into the file, whichever rule produced it.
  return { value: result.value, diagnostics: withSecretMasks(result.diagnostics, input.path, secretMasks(input.text)) };
}

/** The environment a run resolves: --env, else the file's `environment`, else the default. */
function environmentOf(doc: Obj, input: LoadInput): Environment {
  const deployDoc = isObj(doc.deploy) ? doc.deploy : undefined;
  const fileEnv = typeof deployDoc?.environment === 'string' ? (deployDoc.environment as Environment) : undefined;
  return input.environment ?? fileEnv ?? BASE_DEFAULTS.environment;
}

/**
 * Resolve the environment asked for and check it; then resolve and check
 * every other environment too, and report what is wrong there and comes from
 * that environment's own [deploy.env.<name>] tables (a problem of [deploy]
 * itself is reported when that environment is the one asked for). Each
 * problem is reported once.
 */
function resolve(loader: Loader, doc: Obj, input: LoadInput): Result<ResolvedConfig | undefined> {
  const deployDoc = isObj(doc.deploy) ? doc.deploy : undefined;
  const environment = environmentOf(doc, input);
  const { deploy, sources } = merge(loader, doc, environment, input);
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
  const seen = new Set<string>();
  const once = (d: Diagnostic): boolean => {
    const id = d.span ? `${d.code}:${d.span.line}:${d.span.col}` : `${d.code}:${d.message}`;
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  };
  diagnostics.push(...checks.diagnostics.filter(once));
  if (deployDoc && isObj(deployDoc.env)) {
    for (const other of ENVIRONMENTS) {
      if (other === environment || !isObj(deployDoc.env[other])) continue;
      const resolved = merge(loader, doc, other, { ...input, environment: other });
      const elsewhere = new Checks(loader, resolved.deploy, resolved.sources, other);
      elsewhere.run();
      diagnostics.push(...elsewhere.diagnostics.filter(once));
    }
  }
  diagnostics.push(...amiRegions(loader, doc, input).filter(once));
  if (hasErrors(diagnostics)) return { value: undefined, diagnostics };
  const auth = isObj(doc.auth) ? doc.auth : undefined;
  const sessionsAt = auth !== undefined && auth.provider === 'session' && auth.enabled !== false ? positionOf(loader.positions, ['auth', 'provider']) : undefined;
  const sessions: ConfigSource | null = sessionsAt ? { kind: 'file', file: loader.path, line: sessionsAt.valueLine, col: sessionsAt.valueCol, table: '[auth]' } : null;
  const preflight = resolvePreflight(doc, loader.positions, loader.path);
  diagnostics.push(...preflight.diagnostics);
  if (hasErrors(preflight.diagnostics)) return { value: undefined, diagnostics };
  return {
    value: { deploy: deepFreeze(deploy), sources: Object.fromEntries(Object.entries(sources).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))), hasDeployTable: Boolean(deployDoc), sessions, preflight: deepFreeze(preflight.value) },
    diagnostics,
  };
}

/**
 * An image ID names an image in one region only: a `tigerbeetle.ami` that environments in different
 * regions read (written in [deploy.tigerbeetle] while [deploy.env.prod] moves prod to another region)
 * would name no image in one of them, and its replicas would first fail at deploy.
 */
function amiRegions(loader: Loader, doc: Obj, input: LoadInput): Diagnostic[] {
  const readers = new Map<string, { key: string; source: Extract<ConfigSource, { kind: 'file' }>; ami: string; environments: [Environment, string][] }>();
  for (const environment of ENVIRONMENTS) {
    const { deploy, sources } = merge(loader, doc, environment, { ...input, environment });
    // The images that are read: TigerBeetle's, and each node group's (a service inherits [deploy.compute] ami).
    const images: [string, string][] = [
      ...(deploy.tigerbeetle.enabled ? ([['tigerbeetle.ami', deploy.tigerbeetle.ami]] as [string, string][]) : []),
      ...(deploy.compute.runtime === 'ec2' ? ([['compute.ami', deploy.compute.ami]] as [string, string][]) : []),
      ...Object.entries(deploy.services).filter(([, s]) => s.runtime === 'ec2').map(([n, s]): [string, string] => [`services.${n}.ami`, s.ami]),
    ];
    for (const [key, ami] of images) {
      let source = sources[key];
      while (source?.kind === 'inherited') source = sources[source.from];
      if (source?.kind !== 'file' || !ami) continue;
      const at = `${source.line}:${source.col}`;
      const entry = readers.get(at) ?? { key, source, ami, environments: [] };
      if (!entry.environments.some(([e]) => e === environment)) entry.environments.push([environment, deploy.region]);
      readers.set(at, entry);
    }
  }
  return [...readers.values()]
    .filter((r) => new Set(r.environments.map(([, region]) => region)).size > 1)
    .map((r) =>
      diag('DZ4051', `${r.key} ${quote(r.ami)} in ${r.source.table} applies to ${r.environments.map(([e, region]) => `${e} (${region})`).join(', ')}, but an image ID names an image in one region only`, {
        span: pointAt(r.source.file, r.source.line, r.source.col),
        keyPath: `deploy.${r.key}`,
        hint: `set ami per environment, under [deploy.env.<name>.${r.key.slice(0, -'.ami'.length)}], to an image of that environment's region`,
      }),
    );
}

/** Layer the defaults, the profile, the file and the flag for one environment. */
function merge(loader: Loader, doc: Obj, environment: Environment, input: LoadInput): { deploy: DeployConfig; sources: Record<string, ConfigSource> } {
  const deployDoc = isObj(doc.deploy) ? doc.deploy : undefined;
  const sources: Record<string, ConfigSource> = {};
  const fileEnv = typeof deployDoc?.environment === 'string' ? (deployDoc.environment as Environment) : undefined;
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
  // [deploy.preflight] is not a deployment setting (see preflight.ts).
  const { env: envTables, services: serviceDocs, preflight: _preflight, ...deployRest } = deployDoc ?? {};
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

  zones(out, sources);
  return { deploy: out as unknown as DeployConfig, sources };
}

/** Zone lists dazzle can plan a VPC over: 2 or 3 zones, as az_count allows. */
const ZONE_COUNTS = { min: 2, max: 3 } as const;

/**
 * The zones the VPC spans. A list written in the file is taken as it is, and az_count follows its
 * length unless az_count is written too (a difference is then an error, DZ4062). Otherwise (or for
 * an empty list) the zones are the first az_count of the region's (availability-zones.ts).
 */
function zones(out: Obj, sources: Record<string, ConfigSource>): void {
  const network = out.network as Obj;
  const list = network.availability_zones as string[];
  const key = 'network.availability_zones';
  if (sources[key]?.kind === 'file' && list.length > 0) {
    const fits = list.length >= ZONE_COUNTS.min && list.length <= ZONE_COUNTS.max;
    if (fits && sources['network.az_count']?.kind !== 'file') {
      network.az_count = list.length;
      sources['network.az_count'] = { kind: 'inherited', from: key };
    }
    return;
  }
  network.availability_zones = [...defaultZones(out.region as string, network.az_count as number)];
  sources[key] = { kind: 'inherited', from: 'region' };
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
  return k === 'env' || k === 'variable_names' || (prefix.length === 0 && k === 'secrets');
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

/** Where a value or key is written, as a one-character span. */
function pointAt(file: string, line: number, col: number): Span {
  return { file, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 };
}

/** Rules that span keys or need AWS facts; run on the merged configuration of one environment. */
class Checks {
  readonly diagnostics: Diagnostic[] = [];
  /**
   * @param scope set when checking an environment other than the one asked
   * for: only problems that involve a value of its [deploy.env.<scope>] tables
   * are reported (the others belong to [deploy] and show when it is checked).
   */
  constructor(
    readonly loader: Loader,
    readonly c: DeployConfig,
    readonly sources: Readonly<Record<string, ConfigSource>>,
    readonly scope?: Environment,
  ) {}

  /** The file source of a resolved key, following inheritance. */
  fileSource(key: string): Extract<ConfigSource, { kind: 'file' }> | undefined {
    const s = this.sources[key];
    if (s?.kind === 'file') return s;
    if (s?.kind === 'inherited') return this.fileSource(s.from);
    return undefined;
  }

  /** Where a resolved key's value was written (or the file start when it is a default). */
  at(key: string): { span?: Span; note: string } {
    const s = this.sources[key];
    if (s?.kind === 'file') return { span: pointAt(s.file, s.line, s.col), note: '' };
    if (s?.kind === 'inherited') return this.at(s.from);
    const why = s?.kind === 'profile' ? ` (the ${s.environment} default)` : ' (the default)';
    return { note: why };
  }

  /** The key (not the value) of a written entry, e.g. an env variable's name: its TOML path from the table it is in. */
  keySpan(key: string, name: string): Span | undefined {
    const s = this.fileSource(key);
    if (!s) return undefined;
    const table = s.table.replace(/^\[|\]$/g, '').split('.');
    const p = positionOf(this.loader.positions, [...table, name]);
    return p && p.line === s.line ? pointAt(s.file, p.line, p.col) : pointAt(s.file, s.line, s.col);
  }

  /** Report at the first of `keys` that was written in the file (or at `where`). */
  report(code: DiagnosticCode, keys: readonly string[], message: string, hint: string, extra: { readonly where?: Span; readonly related?: readonly RelatedLocation[]; readonly severity?: Severity } = {}): void {
    if (this.scope !== undefined && !keys.some((k) => this.fileSource(k)?.table.startsWith(`[deploy.env.${this.scope}.`) || this.fileSource(k)?.table === `[deploy.env.${this.scope}]`)) return;
    const written = keys.find((k) => this.at(k).span);
    const where = extra.where ?? (written ? this.at(written).span : undefined);
    const scoped = this.scope === undefined ? message : `${message} (in environment '${this.scope}')`;
    this.diagnostics.push(diag(code, scoped, { ...(where ? { span: where } : {}), keyPath: `deploy.${written ?? keys[0]}`, hint, ...(extra.related ? { related: extra.related } : {}), ...(extra.severity ? { severity: extra.severity } : {}) }));
  }

  val(key: string): string {
    const s = this.sources[key];
    return s?.kind === 'file' ? '' : this.at(key).note;
  }

  written(key: string): boolean {
    return this.fileSource(key) !== undefined;
  }

  run(): void {
    const { c } = this;
    if (c.network.nat_gateways > c.network.az_count) {
      this.report('DZ4012', ['network.nat_gateways', 'network.az_count'], `network.nat_gateways is ${c.network.nat_gateways}${this.val('network.nat_gateways')} but there are only ${c.network.az_count} availability zones${this.val('network.az_count')}`, 'use at most one NAT gateway per availability zone');
    }
    this.network();
    this.service('compute', c.compute);
    for (const [name, s] of Object.entries(c.services)) this.service(`services.${name}`, s);
    const db = c.database;
    if (db.min_acu > db.max_acu) {
      this.report('DZ4013', ['database.min_acu', 'database.max_acu'], `database.min_acu ${db.min_acu}${this.val('database.min_acu')} is more than database.max_acu ${db.max_acu}${this.val('database.max_acu')}`, 'make min_acu at most max_acu');
    }
    this.tigerbeetle();
    if (c.kafka.enabled && c.kafka.broker_count % c.network.az_count !== 0) {
      this.report('DZ4016', ['kafka.broker_count', 'network.az_count'], `kafka.broker_count ${c.kafka.broker_count} is not a multiple of network.az_count ${c.network.az_count}`, `MSK spreads brokers evenly over the zones: use ${c.network.az_count * Math.max(1, Math.round(c.kafka.broker_count / c.network.az_count))}`);
    } else if (c.kafka.enabled && c.kafka.replication_factor > c.kafka.broker_count) {
      // (Not with DZ4016: a broker count that changes may fit the replication factor.)
      this.report('DZ4120', ['kafka.replication_factor', 'kafka.broker_count'], `kafka.replication_factor ${c.kafka.replication_factor} is more than kafka.broker_count ${c.kafka.broker_count}`, `a partition has at most one copy per broker: use replication_factor = ${c.kafka.broker_count} or fewer`);
    }
    this.domain();
    this.secrets();
    this.variables();
    this.instanceTypes();
  }

  /** Instance types AWS has, at their line (see instance-types.ts): a typo is an error, a type dazzle cannot vouch for a warning. */
  instanceTypes(): void {
    const { c } = this;
    const keys: [string, InstanceService, string][] = [
      ['tigerbeetle.size', 'ec2', c.tigerbeetle.size],
      ['database.instance_class', 'aurora', c.database.instance_class],
      ['cache.node_type', 'elasticache', c.cache.node_type],
      ['kafka.instance_type', 'msk', c.kafka.instance_type],
      ['compute.instance_type', 'ec2', c.compute.instance_type],
      ...Object.entries(c.services).map(([name, s]): [string, InstanceService, string] => [`services.${name}.instance_type`, 'ec2', s.instance_type]),
    ];
    for (const [key, service, value] of keys) {
      const what = instanceTypeWhat(service);
      const asOf = instanceTypesAsOf(service);
      const r = checkInstanceType(service, value);
      if (r.kind === 'unknown') {
        this.report('DZ4070', [key], `${key} ${quote(value)} is not ${what} (dazzle knows them as of ${asOf})`, r.suggestion ? `did you mean '${r.suggestion}'?` : `use ${what} AWS offers in ${c.region}`);
      } else if (r.kind !== 'known') {
        const why = r.kind === 'newer' ? `is newer than the instance types dazzle knows (as of ${asOf})` : `is EC2 hardware, but not ${what} dazzle knows (as of ${asOf})`;
        this.report('DZ4071', [key], `${key} ${quote(value)} ${why}, so it cannot be checked, and the plan does not price it`, `make sure AWS offers ${value} in ${c.region} (it is an error at deploy otherwise), or choose one dazzle knows`);
      }
    }
  }

  /** A CIDR block with host bits set (the schema has checked its form). */
  cidr(key: string, value: string): void {
    const block = parseCidr(value);
    if (!block) return;
    const network = networkOf(block);
    if (network.address !== block.address) {
      this.report('DZ4023', [key], `${key} ${quote(value)} has host bits set: a /${block.prefix} block starts at ${formatCidr(network).replace(/\/\d+$/, '')}`, `write the network address, "${formatCidr(network)}"${key.endsWith('ssh_cidr') && block.prefix < 32 ? `, or "${value.replace(/\/\d+$/, '/32')}" for that one address` : ''}`);
    }
  }

  /** The zones exist in the region: a list written in the file names its zones; otherwise the region has az_count of them. */
  zones(): void {
    const { network, region } = this.c;
    const key = 'network.availability_zones';
    const offered = regionZones(region);
    const known = `${offered.join(', ')}, in dazzle's table as of ${AVAILABILITY_ZONES_AS_OF}`;
    const source = this.sources[key];
    if (source?.kind !== 'file') {
      if (network.az_count > offered.length) {
        this.report(
          'DZ4063',
          ['network.az_count', 'region'],
          `network.az_count is ${network.az_count}${this.val('network.az_count')} but region ${quote(region)}${this.val('region')} offers ${offered.length} availability zones (${known})`,
          `set az_count = ${offered.length}${this.c.network.nat_gateways > offered.length ? ` and nat_gateways = ${offered.length}` : ''} in [deploy${this.scope ? `.env.${this.scope}` : ''}.network], or deploy to a region with ${network.az_count} zones; an account that has more zones there can list them in availability_zones`,
        );
      }
      return;
    }
    const list = network.availability_zones;
    const table = source.table.replace(/^\[|\]$/g, '').split('.');
    const at = (i: number): Span => this.loader.span([...table, 'availability_zones', i]);
    const regionAt = this.at('region').span;
    const related = regionAt ? [{ message: `the region is ${quote(region)}`, span: regionAt }] : [];
    if (list.length < ZONE_COUNTS.min || list.length > ZONE_COUNTS.max) {
      this.report('DZ4062', [key], `network.availability_zones lists ${list.length} zone${list.length === 1 ? '' : 's'}; the VPC spans ${ZONE_COUNTS.min} or ${ZONE_COUNTS.max}`, `list ${ZONE_COUNTS.min} or ${ZONE_COUNTS.max} zones of ${quote(region)}, e.g. ${JSON.stringify(offered.slice(0, ZONE_COUNTS.max))}`);
    } else if (list.length !== network.az_count) {
      this.report(
        'DZ4062',
        [key, 'network.az_count'],
        `network.availability_zones lists ${list.length} zones but network.az_count is ${network.az_count}${this.val('network.az_count')}`,
        `remove az_count (it follows the list), or make the list ${network.az_count} zones long`,
      );
    }
    list.forEach((zone, i) => {
      if (!isZoneOfRegion(zone, region)) {
        this.report('DZ4060', [key], `network.availability_zones: ${quote(zone)} is not an availability zone of region ${quote(region)}`, `the zones of ${region} are named ${region} and a letter: ${known}${zone.startsWith(`${region}-`) ? ' (Local Zones cannot hold the load balancer, NAT gateways and database subnets)' : ''}`, { where: at(i), related });
      } else if (!offered.includes(zone)) {
        this.report(
          'DZ4061',
          [key],
          `network.availability_zones: ${quote(zone)} is not a zone most accounts have in ${region} (${known})`,
          `keep it if your account has it (aws ec2 describe-availability-zones --region ${region}); CloudFormation fails to create its subnets otherwise`,
          { where: at(i), related },
        );
      }
    });
  }

  network(): void {
    this.zones();
    const { network } = this.c;
    this.cidr('network.vpc_cidr', network.vpc_cidr);
    const block = parseCidr(network.vpc_cidr);
    if (!block) return;
    // The subnet layout (plan/aws.ts): a /24 each for the public, private and isolated subnet of every zone.
    const needed = 3 * network.az_count;
    const room = block.prefix <= 24 ? 2 ** (24 - block.prefix) : 0;
    if (room < needed) {
      const largest = 24 - Math.ceil(Math.log2(needed));
      this.report(
        'DZ4024',
        ['network.vpc_cidr', 'network.az_count'],
        `network.vpc_cidr ${quote(network.vpc_cidr)} holds ${room} /24 subnet${room === 1 ? '' : 's'}, but ${network.az_count} availability zones${this.val('network.az_count')} need ${needed} (a public, a private and an isolated /24 in each)`,
        `use a /${largest} block or larger, e.g. "${formatCidr(networkOf({ address: block.address, prefix: largest }))}"`,
      );
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
        // A table of names (variable_names) is written entry by entry: report at its first entry.
        const entry = this.sources[k(only)]?.kind === 'file' ? k(only) : Object.keys(this.sources).find((x) => x.startsWith(`${k(only)}.`) && this.sources[x]?.kind === 'file');
        if (entry) this.report('DZ4018', [entry], `${label}: ${only} applies to runtime = "ec2", not "fargate"`, `set runtime = "ec2" for a node group, or remove ${only}`);
      }
    } else {
      // Nodes are spread over the zones: each private subnet holds node_count / az_count of them.
      const azs = this.c.network.az_count;
      if (lastNodeHost(s, azs) > LAST_NODE_HOST) {
        const room = (LAST_NODE_HOST - s.ip_offset + 1) * azs;
        this.report('DZ4020', [k('node_count'), k('ip_offset')], `${label}: ${s.node_count} nodes from host ${s.ip_offset} do not fit ${azs} private /24 subnets: there are ${room} free addresses from host ${s.ip_offset} to ${LAST_NODE_HOST} in ${azs} zones`, `use at most ${room} nodes, or lower ip_offset`);
      }
      const problems = [...nodeGroupProblems(label, s, this.c.network, this.c.domain.name !== ''), ...variableNameProblems(label, s, Object.keys(this.c.secrets))];
      for (const p of problems) {
        const source = p.element ? this.fileSource(k(p.element.key)) : undefined;
        const where = p.element && source ? this.loader.span([...source.table.replace(/^\[|\]$/g, '').split('.'), p.element.key.split('.').pop() as string, p.element.index]) : p.nameOf ? this.keySpan(k(p.nameOf), p.nameOf.split('.').pop() as string) : undefined;
        this.report(p.code, [...p.keys.map(k), ...(p.deployKeys ?? [])], p.message, p.hint, where ? { where } : {});
      }
      if (s.artifact && !s.command) this.report('DZ4018', [k('artifact')], `${label}: artifact is set but command is empty, so nothing would start it`, 'set command to the program to run, e.g. command = "bin/node --data /data"');
      if (s.artifact && s.image && this.sources[k('image')]?.kind === 'file') this.report('DZ4017', [k('artifact'), k('image')], `${label}: both artifact and image are set`, 'keep artifact to install a binary, or image to run a container');
      if (s.key_name && !s.ssh_cidr) this.report('DZ4018', [k('key_name')], `${label}: key_name is set but ssh_cidr is empty, so SSH would stay closed`, 'set ssh_cidr to your admin address (e.g. "203.0.113.7/32"), or use SSM Session Manager and drop key_name');
      if (s.ssh_cidr) this.cidr(k('ssh_cidr'), s.ssh_cidr);
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
    this.tigerbeetleRelease();
    this.tigerbeetleSize();
    if (t.enabled && t.node_count === 2) {
      this.report(
        'DZ4027',
        [key('node_count')],
        'tigerbeetle.node_count is 2: a cluster of 2 replicas needs both to make progress, so it cannot lose either (no more fault tolerance than 1, at twice the cost)',
        'use 3 replicas, which tolerate the loss of one; or 1 where losing the node is acceptable (dev). The count is fixed when the data files are formatted',
      );
    }
    if (t.volume_iops > EBS.gp3.maxIops) {
      if (t.volume_iops > t.volume_size_gb * EBS.io2.iopsPerGib) {
        this.report('DZ4014', [key('volume_iops'), key('volume_size_gb')], `tigerbeetle.volume_iops ${t.volume_iops} needs at least ${Math.ceil(t.volume_iops / EBS.io2.iopsPerGib)} GiB on io2, but volume_size_gb is ${t.volume_size_gb}`, `io2 allows ${EBS.io2.iopsPerGib} IOPS per GiB`);
      } else {
        this.report(
          'DZ4015',
          [key('volume_iops')],
          `tigerbeetle.volume_iops ${t.volume_iops} is above gp3's ${EBS.gp3.maxIops}, so the data volumes will be io2 (billed per provisioned IOPS; volume_throughput does not apply)`,
          `keep volume_iops at ${EBS.gp3.maxIops} or below to stay on gp3`,
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

  /**
   * A size with less memory than TigerBeetle documents as a replica's minimum: a warning at the line
   * that chose it (every profile's default meets the minimum, so only a written size can be below it).
   */
  tigerbeetleSize(): void {
    const t = this.c.tigerbeetle;
    const facts = TIGERBEETLE_INSTANCE_TYPES[t.size as keyof typeof TIGERBEETLE_INSTANCE_TYPES];
    if (!t.enabled || !facts || facts.memoryGib >= TIGERBEETLE_MIN_MEMORY_GIB) return;
    this.report(
      'DZ4050',
      ['tigerbeetle.size'],
      `tigerbeetle.size ${quote(t.size)} has ${facts.memoryGib} GiB of memory, below the ${TIGERBEETLE_MIN_MEMORY_GIB} GiB TigerBeetle documents as a replica's minimum (${TIGERBEETLE_HARDWARE_DOCS}): the replica can run out of memory`,
      `use ${smallestTigerBeetleSize()} (${TIGERBEETLE_INSTANCE_TYPES[smallestTigerBeetleSize()].memoryGib} GiB) or larger; TigerBeetle recommends ${TIGERBEETLE_RECOMMENDED_MEMORY_GIB} GiB or more for production (r6i.large)`,
    );
  }

  /** The pinned release must exist: the nodes download it at boot, where a typo fails the deployment. */
  tigerbeetleRelease(): void {
    const v = this.c.tigerbeetle.version;
    const key = 'tigerbeetle.version';
    switch (tigerBeetleRelease(v)) {
      case 'known':
        return;
      case 'newer':
        this.report('DZ4026', [key], `tigerbeetle.version ${quote(v)} is newer than the releases this dazzle knows (up to ${LATEST_TIGERBEETLE_RELEASE}, as of ${TIGERBEETLE_RELEASES_AS_OF}), so it cannot check that it exists`, `make sure release ${v} is published at github.com/tigerbeetle/tigerbeetle/releases, or pin ${LATEST_TIGERBEETLE_RELEASE}`);
        return;
      case 'too-old':
        this.report('DZ4025', [key], `tigerbeetle.version ${quote(v)} is older than ${OLDEST_TIGERBEETLE_RELEASE}, the first stable TigerBeetle release, which dazzle needs (its data files can be upgraded in place)`, `pin a release from ${OLDEST_TIGERBEETLE_RELEASE} to ${LATEST_TIGERBEETLE_RELEASE}, e.g. "${LATEST_TIGERBEETLE_RELEASE}"`);
        return;
      case 'unknown':
        this.report('DZ4025', [key], `tigerbeetle.version ${quote(v)} is not a TigerBeetle release (known releases run from ${OLDEST_TIGERBEETLE_RELEASE} to ${LATEST_TIGERBEETLE_RELEASE})`, `pin a published release, e.g. "${nearestTigerBeetleRelease(v)}" (the last of the ${v.split('.').slice(0, 2).join('.')} series) or "${LATEST_TIGERBEETLE_RELEASE}"`);
    }
  }

  /** Names DNS can hold, and records inside the zone they are created in. */
  domain(): void {
    const { domain, frontend } = this.c;
    if (!domain.name) return;
    const records: Array<readonly [string, string]> = [['domain.subdomain', domain.subdomain ? `${domain.subdomain}.${domain.name}` : domain.name]];
    if (frontend.source_dir) records.push(['frontend.subdomain', `${frontend.subdomain}.${domain.name}`]);
    for (const [key, record] of records) {
      if (record.length > DOMAIN_MAX) {
        this.report('DZ4030', [key, 'domain.name'], `the record ${quote(record, 80)} (${key} under domain.name) has ${record.length} characters; a domain name has at most ${DOMAIN_MAX}`, `shorten ${key} or domain.name`);
      }
    }
    const zone = domain.hosted_zone || domain.name;
    if (domain.hosted_zone && !(domain.name === zone || domain.name.endsWith(`.${zone}`))) {
      this.report('DZ4031', ['domain.hosted_zone', 'domain.name'], `domain.name ${quote(domain.name)} is not inside domain.hosted_zone ${quote(zone)}, so its certificate cannot be validated and its records cannot be created there`, `set hosted_zone to ${quote(domain.name)} or one of its parent domains, or leave it empty to use domain.name`);
    }
  }

  /** Each secret is a reference AWS can resolve; its value is never quoted, because it may be the secret itself. */
  secrets(): void {
    for (const [name, ref] of Object.entries(this.c.secrets)) {
      const r = parseSecretRef(ref);
      if (r.ok) continue;
      if (r.reason === 'not-a-reference') {
        this.report(
          'DZ4019',
          [`secrets.${name}`],
          `secret '${name}' must be a reference, "ssm:/path", "ssm:name", "secretsmanager:name[:json-key]" or either with a full ARN; its value is not shown because it may be the secret itself`,
          `store the value in SSM Parameter Store or Secrets Manager and write e.g. ${name} = "ssm:/myapp/${this.c.environment}/${name.replace(/_/g, '-')}"; it reaches every service as ${name.toUpperCase()}`,
        );
      } else {
        this.report('DZ4021', [`secrets.${name}`], `secret '${name}': ${r.problem} (the value is not shown)`, r.hint);
      }
    }
  }

  /** Plain environment variables: none is also a secret's variable, and none looks like a secret. */
  variables(): void {
    const secretVars = new Map(Object.keys(this.c.secrets).map((name) => [name.toUpperCase(), name] as const));
    const services: Array<readonly [string, ServiceConfig]> = [['compute', this.c.compute], ...Object.entries(this.c.services).map(([n, s]) => [`services.${n}`, s] as const)];
    for (const [prefix, s] of services) {
      const label = prefix === 'compute' ? '[deploy.compute.env]' : `the env of service '${prefix.slice('services.'.length)}'`;
      for (const [name, value] of Object.entries(s.env)) {
        const key = `${prefix}.env.${name}`;
        if (!this.written(key)) continue;
        const where = this.keySpan(key, name);
        const secret = secretVars.get(name);
        if (secret !== undefined) {
          const declared = this.fileSource(`secrets.${secret}`);
          this.report(
            'DZ4028',
            [key],
            `${name} in ${label} is also the variable of secret '${secret}' in [deploy.secrets] (secrets reach every service as their upper-cased name)`,
            `a name is either a plain variable or a secret: remove ${name} from ${label}, or rename one of them`,
            { ...(where ? { where } : {}), ...(declared ? { related: [{ message: `secret '${secret}' is declared here`, span: pointAt(declared.file, declared.line, declared.col) }] } : {}) },
          );
          continue;
        }
        const shaped = credentialRanges(value).length > 0;
        if (shaped || (hasSecretName(name) && couldBeSecret(value))) {
          this.report(
            'DZ4029',
            [key],
            `${name} in ${label} ${shaped ? 'holds something shaped like a credential' : 'is named like a secret'}; plain variables are written in clear text into the generated CloudFormation template (its value is not shown)`,
            `store it in SSM Parameter Store or Secrets Manager and reference it in [deploy.secrets], e.g. ${name.toLowerCase()} = "ssm:/myapp/${this.c.environment}/${name.toLowerCase().replace(/_/g, '-')}" (it reaches every service as ${name})`,
            where ? { where } : {},
          );
        }
      }
    }
  }
}

function summarise(xs: readonly number[]): string {
  if (xs.length <= 4) return xs.join(', ');
  return `${xs[0]}, ${xs[1]}, … ${xs[xs.length - 1]}`;
}
