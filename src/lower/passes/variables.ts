/**
 * The environment variables every service receives, and the rule that keeps
 * them unambiguous: each name is set once, as a plain value or as a secret,
 * never both.
 *
 * dazzle generates the variables that wire the app to what it deploys
 * (DATABASE_HOST, QUEUE_<NAME>_URL, TIGERBEETLE_ADDRESSES, DAZZLE_PROCESS, …).
 * A configured variable (`[deploy.compute.env]`, a service's `env`) with one of
 * those names is an error, not an override: the generated value is what
 * connects the app to the resource, and replacing it would point the app away
 * from what was deployed. The one deliberate override is a `[deploy.secrets]`
 * entry named DATABASE_USER or DATABASE_PASSWORD, which replaces the generated
 * database credentials (a secret replacing a secret).
 */
import { diag, quote } from '../../diagnostics/index.js';
import type { ResolvedConfig } from '../../config/index.js';
import { envName } from '../../ir/index.js';
import { databaseName } from '../aws-names.js';
import { causeText, configKey, relatedAt, spanOf, type Pass } from '../context.js';
import type { Because, InfraRequirements } from '../requirements.js';
import { tigerBeetleAddresses } from './network.js';

/** A variable dazzle gives every service. */
export interface GeneratedVariable {
  readonly name: string;
  readonly kind: 'value' | 'secret';
  /** The value as the plan shows it (a literal, or the resource it is read from), or a secret's source. */
  readonly value: string;
  /** What makes dazzle generate it (empty: dazzle always does). */
  readonly because: readonly Because[];
  /** The resource or setting it stands for, in a few words. */
  readonly what: string;
}

type Requirements = Pick<InfraRequirements, 'app' | 'database' | 'ledgerCluster' | 'schedules' | 'queues' | 'eventBuses' | 'objectStores' | 'cache' | 'secrets'>;

/** An environment variable name the services can receive (and the generated code can write). */
export const VARIABLE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * The variables dazzle generates for a service (`role` is its DAZZLE_PROCESS), in a
 * stable order. The generated database credentials are left out when a secret of the
 * same name replaces them.
 */
export function generatedVariables(req: Requirements, config: ResolvedConfig, role: 'web' | 'worker'): GeneratedVariable[] {
  const d = config.deploy;
  const out: GeneratedVariable[] = [
    { name: 'DAZZLE_ENV', kind: 'value', value: d.environment, because: [], what: 'the environment' },
    { name: 'DAZZLE_PROCESS', kind: 'value', value: role, because: [], what: 'the kind of process' },
  ];
  const replaced = new Set(req.secrets.map((s) => s.env));
  if (req.database) {
    const because = req.database.because;
    const what = 'the database';
    out.push(
      { name: 'DATABASE_HOST', kind: 'value', value: '(Data stack: cluster endpoint)', because, what },
      { name: 'DATABASE_PORT', kind: 'value', value: '5432', because, what },
      { name: 'DATABASE_NAME', kind: 'value', value: databaseName(req.app).name, because, what },
    );
    if (!replaced.has('DATABASE_USER')) out.push({ name: 'DATABASE_USER', kind: 'secret', value: 'database credentials (username)', because, what: 'the database credentials' });
    if (!replaced.has('DATABASE_PASSWORD')) out.push({ name: 'DATABASE_PASSWORD', kind: 'secret', value: 'database credentials (password)', because, what: 'the database credentials' });
  }
  if (req.ledgerCluster) {
    const because = req.ledgerCluster.because;
    const tb = d.tigerbeetle;
    out.push(
      // (No addresses for a VPC range the network pass refuses.)
      { name: 'TIGERBEETLE_ADDRESSES', kind: 'value', value: tigerBeetleAddresses(d.network.vpc_cidr, d.network.az_count, tb.node_count).join(','), because, what: 'the TigerBeetle cluster' },
      { name: 'TIGERBEETLE_CLUSTER_ID', kind: 'value', value: String(tb.cluster_id), because, what: 'the TigerBeetle cluster' },
    );
  }
  if (req.schedules.length) out.push({ name: 'SCHEDULE_QUEUE_URL', kind: 'value', value: '(Messaging stack: schedule queue URL)', because: req.schedules.flatMap((s) => s.because), what: 'the schedule queue' });
  for (const q of req.queues) out.push({ name: `QUEUE_${envName(q.name)}_URL`, kind: 'value', value: `(Messaging stack: ${q.name} queue URL)`, because: q.because, what: `queue ${q.name}` });
  for (const b of req.eventBuses) out.push({ name: `EVENT_BUS_${envName(b.name)}`, kind: 'value', value: `(Messaging stack: ${b.name} bus name)`, because: b.because, what: `event bus ${b.name}` });
  for (const s of req.objectStores) out.push({ name: `BUCKET_${envName(s.name)}`, kind: 'value', value: `(Data stack: ${s.name} bucket name)`, because: s.because, what: `bucket ${s.name}` });
  if (req.cache) out.push({ name: 'REDIS_URL', kind: 'value', value: '(Compute stack: cache endpoint)', because: req.cache.because, what: 'the cache' });
  return out;
}

/** A variable written in dazzle.toml for a service, with the key it was written at. */
interface ConfiguredVariable {
  readonly name: string;
  /** Dotted key under [deploy]: `compute.env.X` or `services.api.env.X`. */
  readonly key: string;
}

/** The configured variables the services receive: [deploy.compute.env] (the worker's, and every named service's unless it sets its own value) and each named service's `env`. */
function configuredVariables(config: ResolvedConfig): ConfiguredVariable[] {
  const out = new Map<string, ConfiguredVariable>();
  const add = (env: Readonly<Record<string, string>>, service: string | null) => {
    for (const name of Object.keys(env)) {
      const own = service !== null ? `services.${service}.env.${name}` : null;
      const key = own && config.sources[own] ? own : `compute.env.${name}`;
      out.set(key, { name, key });
    }
  };
  add(config.deploy.compute.env, null);
  for (const [name, s] of Object.entries(config.deploy.services)) add(s.env, name);
  return [...out.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
}

const from = (config: ResolvedConfig, v: GeneratedVariable) => relatedAt(config, v.because, (b) => `${v.name} comes from ${causeText(b)} here`);

export const variables: Pass = ({ config, draft, report }) => {
  const generated = generatedVariables(draft, config, 'web');
  const byName = new Map<string, GeneratedVariable[]>();
  for (const v of generated) byName.set(v.name, [...(byName.get(v.name) ?? []), v]);

  // Two generated variables with one name (two names that become the same in UPPER_SNAKE_CASE).
  for (const [name, vs] of byName) {
    if (vs.length < 2) continue;
    const [first, ...rest] = vs as [GeneratedVariable, ...GeneratedVariable[]];
    const b = first.because[0];
    report(
      diag('DZ5015', `${first.what} and ${rest.map((r) => r.what).join(' and ')} would both set the variable ${name}`, {
        ...(b ? spanOf(config, b) : {}),
        related: rest.flatMap((r) => from(config, r)),
        hint: 'rename one of them: the variable is the name in UPPER_SNAKE_CASE, so names that differ only in case or underscores collide',
      }),
    );
  }

  // A secret the services receive that has the name of a generated plain variable.
  for (const s of draft.secrets) {
    const g = byName.get(s.env)?.find((v) => v.kind === 'value');
    const b = s.because[0];
    if (!g || !b) continue;
    report(
      diag('DZ5013', `${causeText(b)} makes ${s.env} a secret, but dazzle sets ${s.env} as a plain variable for ${g.what}; a variable is a value or a secret, never both`, {
        ...spanOf(config, b),
        ...(b.kind === 'config' ? { keyPath: b.key, sensitive: b.key.startsWith('deploy.secrets.') } : {}),
        related: from(config, g),
        hint: `give the secret another name; ${s.env} belongs to ${g.what}`,
      }),
    );
  }

  // A configured variable with the name of a generated one, or of a secret.
  const secrets = new Map(draft.secrets.map((s) => [s.env, s]));
  for (const c of configuredVariables(config)) {
    const at = { ...spanOf(config, configKey(config, c.key)), keyPath: `deploy.${c.key}` };
    const table = c.key.startsWith('compute.') ? '[deploy.compute.env]' : `[deploy.services.${c.key.split('.')[1]}.env]`;
    const g = byName.get(c.name)?.[0];
    if (g?.kind === 'value') {
      report(
        diag('DZ5012', `${table} sets ${c.name}, which dazzle generates for ${g.what}; the generated value is what connects the app to it`, {
          ...at,
          related: from(config, g),
          hint: `remove ${c.name} here, or give your variable another name (dazzle sets ${c.name} = ${quote(g.value)})`,
        }),
      );
      continue;
    }
    const secret = secrets.get(c.name);
    if (!g && !secret) continue;
    report(
      diag('DZ5013', `${table} sets ${c.name} as a plain variable, but the services also receive ${c.name} as a secret (${g ? g.what : secret?.because[0] ? causeText(secret.because[0]) : 'a secret'}); a variable is a value or a secret, never both`, {
        ...at,
        // The value written here may be the secret itself: no code frame.
        sensitive: true,
        related: g ? from(config, g) : relatedAt(config, secret?.because ?? [], (b) => `${c.name} is a secret because of ${causeText(b)} here`),
        hint: `remove ${c.name} from ${table}: a secret's value belongs in SSM Parameter Store or Secrets Manager, referenced from [deploy.secrets]`,
      }),
    );
  }
};
