/**
 * dazzle.toml.example, generated from the defaults and their documentation so
 * it lists every key with its default and cannot drift from the schema.
 * Keys whose default depends on the environment are commented out: writing
 * them in a file would override the environment profiles.
 */
import { BASE_DEFAULTS, DOCS, EC2_ONLY_KEYS, PROFILES } from './defaults.js';
import { PREFLIGHT_SCHEMA } from './preflight.js';
import { ENVIRONMENTS } from './vocabulary.js';

const TABLES = ['network', 'compute', 'database', 'tigerbeetle', 'cache', 'kafka', 'domain', 'alarms', 'logs', 'storage', 'frontend', 'api_gateway'] as const;

function toml(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toml).join(', ')}]`;
  if (typeof v === 'object' && v !== null) return `{ ${Object.entries(v).map(([k, x]) => `${k} = ${toml(x)}`).join(', ')} }`;
  return String(v);
}

function byEnvironment(table: string, key: string): string | undefined {
  const parts = ENVIRONMENTS.map((e) => {
    const t = (PROFILES[e] as Record<string, Record<string, unknown> | undefined>)[table];
    return t && key in t ? `${e} ${toml(t[key])}` : undefined;
  });
  return parts.every((p) => p === undefined) ? undefined : parts.map((p, i) => p ?? `${ENVIRONMENTS[i]} ${toml((BASE_DEFAULTS as unknown as Record<string, Record<string, unknown>>)[table]?.[key])}`).join(', ');
}

function keyLines(path: string, key: string, value: unknown, table?: string): string[] {
  const doc = DOCS[path] ?? '';
  const env = table ? byEnvironment(table, key) : undefined;
  if (env) return [`# ${doc} (by environment: ${env})`, `# ${key} = ${toml(value)}`];
  if (table === 'compute' && (EC2_ONLY_KEYS as readonly string[]).includes(key)) return [`# ${doc}`, `# ${key} = ${toml(value)}`];
  return [`# ${doc}`, `${key} = ${toml(value)}`];
}

export function exampleToml(): string {
  const out: string[] = [
    '# dazzle.toml — the project file read by `dazzle`.',
    '#',
    '# Every key of [deploy] is listed with its default and is optional. Keys whose default',
    '# depends on the environment (dev, staging, prod) are commented out: set them only to',
    '# override the environment profile for every environment, or per environment under',
    '# [deploy.env.<name>]. `dazzle config show --env prod` prints the resolved values and',
    '# where each comes from. Tables other than [deploy] belong to Dazzle itself.',
    '',
    '[project]',
    '# The project\'s name (Dazzle\'s own table; the app\'s name comes from the `app` line of the DSL).',
    'name = "my_app"',
    '',
    '[modules]',
    '# Folders searched (recursively) for .dsl files, relative to this file.',
    'paths = ["./dsl"]',
    '',
    '[deploy]',
  ];
  const d = BASE_DEFAULTS as unknown as Record<string, unknown>;
  for (const key of ['enabled', 'environment', 'region', 'output']) out.push(...keyLines(key, key, d[key]));
  for (const table of TABLES) {
    out.push('', `# ${DOCS[table] ?? table}`, `[deploy.${table}]`);
    for (const [key, value] of Object.entries(d[table] as Record<string, unknown>)) out.push(...keyLines(`${table}.${key}`, key, value, table));
  }
  out.push(
    '',
    `# ${DOCS.services}`,
    '# [deploy.services.api]',
    '# paths = ["/api/*"]',
    '# desired_count = 4',
    '',
    `# ${DOCS.secrets}`,
    '[deploy.secrets]',
    '# database_password = "ssm:/my_app/prod/db-password"',
    '# api_key = "secretsmanager:my_app/api-key"',
    '',
    `# ${PREFLIGHT_SCHEMA.description.replace(/\.$/, '')}`,
    '[deploy.preflight]',
    `# ${PREFLIGHT_SCHEMA.properties.acknowledge.description.replace(/\.$/, '')}`,
    '# acknowledge = [{ rule = "TB_SUBOPTIMAL_IOPS", reason = "Staging runs the ledger at 5000 IOPS to keep its cost down", expires = "2027-03-01", environment = "staging" }]',
    '',
    `# ${DOCS.env}`,
    '# [deploy.env.prod.compute]',
    '# desired_count = 6',
    '# [deploy.env.prod.tigerbeetle]',
    '# volume_iops = 20000',
  );
  return `${out.join('\n')}\n`;
}
