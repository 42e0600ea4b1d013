/**
 * The JSON Schema of dazzle.toml (draft-07). Shipped as grammar/dazzle.schema.json
 * for editors; used by the loader through ajv. Defaults and descriptions come
 * from defaults.ts, so the schema, `config show` and the example cannot drift.
 */
import { BASE_DEFAULTS, DOCS, PROFILES } from './defaults.js';
import { PREFLIGHT_SCHEMA } from './preflight.js';
import { ALB_PATH, ANY_CIDR, DNS_LABEL, DNS_NAME, DOMAIN, DOMAIN_MAX, EMAIL, ENV_VALUE, HEALTH_PATH, IMAGE, IPV4_ADDRESS, KEY_PAIR_NAME, NO_CONTROL, S3_OBJECT, VPC_CIDR } from './forms.js';
import { AWS_REGIONS, ENVIRONMENTS, FARGATE_SIZES, LOG_RETENTION_DAYS, TIGERBEETLE_SIZES } from './vocabulary.js';

type Schema = Record<string, unknown>;

const NAME = '^[a-z][a-z0-9_]*$';
/** `major.minor.patch` without leading zeros (`0.16.07` is not `0.16.7`: a version is never read as a number). */
const VERSION = '^(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)\\.(?:0|[1-9][0-9]*)$';
/** An EC2 image ID (8 or 17 hexadecimal digits), or empty. */
const AMI = '^$|^ami-(?:[0-9a-f]{8}|[0-9a-f]{17})$';
const int = (minimum: number, maximum: number): Schema => ({ type: 'integer', minimum, maximum });
const str = (extra: Schema = {}): Schema => ({ type: 'string', ...extra });
const port = int(1, 65535);
/** A domain name (labels of at most 63 characters, at most 253 in all), or empty. */
const domain = str({ pattern: `^$|${DOMAIN}`, maxLength: DOMAIN_MAX });
/** A DNS name such as a private zone, or empty. */
const dnsName = str({ pattern: DNS_NAME, maxLength: DOMAIN_MAX });

function described(path: string, schema: Schema, defaults: unknown): Schema {
  const doc = DOCS[path];
  const profile = envDefaults(path);
  const out: Schema = { ...schema };
  if (doc) out.description = profile ? `${doc}. Default by environment: ${profile}.` : `${doc}.`;
  if (defaults !== undefined && !(typeof defaults === 'object' && defaults !== null && !Array.isArray(defaults))) out.default = defaults;
  return out;
}

function envDefaults(path: string): string | undefined {
  const [table, key] = path.split('.');
  if (!table || !key) return undefined;
  const parts = ENVIRONMENTS.map((e) => {
    const t = (PROFILES[e] as Record<string, Record<string, unknown> | undefined>)[table];
    return t && key in t ? `${e} ${JSON.stringify(t[key])}` : undefined;
  }).filter((x): x is string => x !== undefined);
  return parts.length ? parts.join(', ') : undefined;
}

function table(path: string, props: Record<string, Schema>, defaults: Record<string, unknown>): Schema {
  const properties: Record<string, Schema> = {};
  for (const [k, s] of Object.entries(props)) properties[k] = described(path ? `${path}.${k}` : k, s, defaults[k]);
  return described(path, { type: 'object', additionalProperties: false, properties }, undefined);
}

const serviceProps: Record<string, Schema> = {
  runtime: { enum: ['fargate', 'ec2'] },
  cpu: { type: 'integer', enum: [...FARGATE_SIZES.keys()] },
  memory: int(512, 122880),
  desired_count: int(0, 1000),
  min_count: int(0, 1000),
  max_count: int(1, 1000),
  cpu_target: int(10, 95),
  port,
  health_check_path: str({ pattern: HEALTH_PATH }),
  image: str({ pattern: IMAGE }),
  dockerfile: str({ minLength: 1, pattern: NO_CONTROL }),
  paths: { type: 'array', items: str({ pattern: ALB_PATH }), uniqueItems: true },
  instance_type: str({ pattern: '^[a-z][a-z0-9-]*\\.[a-z0-9]+$' }),
  node_count: int(1, 100),
  ip_offset: int(4, 250),
  seed_addresses: { type: 'array', items: str({ pattern: IPV4_ADDRESS }), uniqueItems: true },
  peer_ports: { type: 'array', items: port, uniqueItems: true },
  public_ports: { type: 'array', items: port, uniqueItems: true },
  volume_size_gb: int(0, 16384),
  ssh_cidr: str({ pattern: ANY_CIDR }),
  key_name: str({ pattern: KEY_PAIR_NAME }),
  artifact: str({ pattern: S3_OBJECT }),
  command: str({ pattern: NO_CONTROL }),
  snapshot_retention_days: int(0, 3650),
  backup_retention_days: int(0, 3650),
  private_dns: dnsName,
  ami: str({ pattern: AMI }),
  env: { type: 'object', propertyNames: { pattern: '^[A-Z_][A-Z0-9_]*$' }, additionalProperties: { type: 'string', pattern: ENV_VALUE } },
  // The generated variables and the names are checked in node-groups.ts, each at its line (DZ4104-DZ4107).
  variable_names: { type: 'object', additionalProperties: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] } },
};

const d = BASE_DEFAULTS;
const tables = {
  network: table(
    'network',
    {
      vpc_cidr: str({ pattern: VPC_CIDR }),
      az_count: int(2, 3),
      // The names are checked against the region in load.ts (DZ4060, DZ4061); the form only keeps text out.
      availability_zones: { type: 'array', items: str({ pattern: '^[a-z][a-z0-9-]{0,62}[a-z]$' }), uniqueItems: true },
      nat_gateways: int(1, 3),
      namespace: dnsName,
    },
    { ...d.network },
  ),
  compute: table('compute', serviceProps, { ...d.compute }),
  database: table(
    'database',
    {
      mode: { enum: ['auto', 'serverless', 'provisioned'] },
      engine_version: str({ pattern: '^\\d+(\\.\\d+)?$' }),
      instance_class: str({ pattern: '^db\\.[a-z0-9]+\\.[a-z0-9]+$' }),
      storage_gb: int(20, 131072),
      min_acu: { type: 'number', minimum: 0, maximum: 256, multipleOf: 0.5 },
      max_acu: { type: 'number', minimum: 1, maximum: 256, multipleOf: 0.5 },
      readers: int(0, 15),
      backup_retention_days: int(1, 35),
      deletion_protection: { type: 'boolean' },
      removal_policy: { enum: ['snapshot', 'retain', 'destroy'] },
    },
    { ...d.database },
  ),
  tigerbeetle: table(
    'tigerbeetle',
    {
      enabled: { type: 'boolean' },
      version: str({ pattern: VERSION }),
      cluster_id: { type: 'integer', minimum: 1 },
      size: { enum: [...TIGERBEETLE_SIZES] },
      node_count: int(1, 6),
      volume_size_gb: int(50, 1000),
      volume_iops: int(3000, 64000),
      volume_throughput: int(125, 1000),
      ami: str({ pattern: AMI }),
    },
    { ...d.tigerbeetle },
  ),
  cache: table(
    'cache',
    { enabled: { enum: ['auto', true, false] }, engine: { enum: ['valkey', 'redis', 'kvrocks'] }, node_type: str({ pattern: '^cache\\.[a-z0-9]+\\.[a-z0-9]+$' }), replicas: int(0, 5) },
    { ...d.cache },
  ),
  kafka: table(
    'kafka',
    {
      enabled: { type: 'boolean' },
      broker_count: int(2, 30),
      instance_type: str({ pattern: '^kafka\\.[a-z0-9]+\\.[a-z0-9]+$' }),
      version: str({ pattern: VERSION }),
      volume_size_gb: int(1, 16384),
      partitions: int(1, 1000),
      replication_factor: int(1, 30),
    },
    { ...d.kafka },
  ),
  domain: table(
    'domain',
    {
      name: domain,
      subdomain: str({ pattern: `^$|${DNS_LABEL}` }),
      hosted_zone: domain,
      hosted_zone_id: str({ pattern: '^$|^Z[A-Z0-9]{5,31}$' }),
      certificate_arn: str({ pattern: '^$|^arn:aws[a-z-]*:acm:[a-z0-9-]+:\\d{12}:certificate/[A-Za-z0-9-]+$' }),
    },
    { ...d.domain },
  ),
  alarms: table(
    'alarms',
    {
      email: { type: 'array', items: str({ pattern: EMAIL }), uniqueItems: true },
      sns_topic_arn: str({ pattern: '^$|^arn:aws[a-z-]*:sns:[a-z0-9-]+:\\d{12}:[A-Za-z0-9_-]+$' }),
    },
    { ...d.alarms },
  ),
  logs: table('logs', { retention_days: { type: 'integer', enum: [...LOG_RETENTION_DAYS] } }, { ...d.logs }),
  storage: table('storage', { versioning: { type: 'boolean' }, removal_policy: { enum: ['retain', 'destroy'] } }, { ...d.storage }),
  frontend: table('frontend', { source_dir: str({ pattern: NO_CONTROL }), subdomain: str({ pattern: DNS_LABEL }), spa: { type: 'boolean' } }, { ...d.frontend }),
  api_gateway: table('api_gateway', { enabled: { type: 'boolean' }, throttling_rate_limit: int(1, 1000000), throttling_burst_limit: int(1, 1000000) }, { ...d.api_gateway }),
};

const services = described('services', { type: 'object', propertyNames: { pattern: NAME }, additionalProperties: { $ref: '#/definitions/service' } }, undefined);
const secrets = described(
  'secrets',
  { type: 'object', propertyNames: { pattern: NAME }, additionalProperties: { type: 'string', description: 'a reference: "ssm:/path", "ssm:name", "secretsmanager:name[:json-key]", or ssm: or secretsmanager: and a full ARN' } },
  undefined,
);

const top = {
  enabled: described('enabled', { type: 'boolean' }, d.enabled),
  environment: described('environment', { enum: [...ENVIRONMENTS] }, d.environment),
  region: described('region', { enum: [...AWS_REGIONS] }, d.region),
  output: described('output', str({ minLength: 1, pattern: NO_CONTROL }), d.output),
};

/** Each table is defined once and referenced from [deploy] and from [deploy.env.<name>]. */
const refs = Object.fromEntries(Object.keys(tables).map((k) => [k, { $ref: `#/definitions/${k}` }]));

const envOverride: Schema = {
  type: 'object',
  additionalProperties: false,
  properties: { region: top.region, enabled: top.enabled, ...refs, services },
};

/** The schema of a whole dazzle.toml: `[deploy]` is strict; other tables belong to Dazzle and are free. */
export const DAZZLE_TOML_SCHEMA: Schema = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  $id: 'https://dazzle.dev/schema/dazzle.toml.json',
  title: 'dazzle.toml',
  description: 'Project file of a Dazzle app. [deploy] configures the AWS deployment generated by `dazzle deploy`; other tables belong to Dazzle.',
  type: 'object',
  definitions: { ...tables, service: table('compute', serviceProps, {}), envOverride },
  properties: {
    modules: {
      type: 'object',
      description: 'DSL modules.',
      properties: { paths: { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1, description: 'Folders searched for .dsl files.', default: ['./dsl'] } },
    },
    deploy: {
      type: 'object',
      additionalProperties: false,
      description: 'The AWS deployment. Every key is optional; see the defaults.',
      properties: {
        ...top,
        ...refs,
        services,
        secrets,
        // Not per environment: an acknowledgement names its environment itself.
        preflight: PREFLIGHT_SCHEMA,
        env: described(
          'env',
          { type: 'object', propertyNames: { enum: [...ENVIRONMENTS] }, additionalProperties: { $ref: '#/definitions/envOverride' } },
          undefined,
        ),
      },
    },
  },
};
