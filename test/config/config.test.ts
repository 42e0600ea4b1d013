/**
 * dazzle.toml [deploy] that loads: the deployment guide's examples and the corpus
 * verbatim, where every value comes from (file, profile, default, flag,
 * inherited), the environment profiles, database.mode, `config show` through
 * the CLI, and properties over random documents (never throws, diagnostics
 * well-formed, deterministic).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { parse as parseToml } from 'smol-toml';
import { describe, expect, it } from 'vitest';
import { BASE_DEFAULTS, ENVIRONMENTS, loadConfig, PROFILES, type Environment, type ResolvedConfig } from '../../src/config/index.js';
import { CATALOGUE, type Diagnostic, type Result } from '../../src/diagnostics/index.js';
import { CORPUS, corpusProjects, describeShared, runCli, SHARED, STACK_TRACE, tempProject } from '../helpers.js';

const FILE = 'dazzle.toml';

function load(text: string | undefined, environment?: Environment): Result<ResolvedConfig | undefined> {
  return loadConfig({ path: FILE, text, ...(environment ? { environment } : {}) });
}

/** Load a document that must have no errors; its resolved configuration. */
function ok(text: string | undefined, environment?: Environment): ResolvedConfig {
  const r = load(text, environment);
  expect(errorsOf(r.diagnostics)).toEqual([]);
  if (r.value === undefined) throw new Error('no value');
  return r.value;
}

const errorsOf = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.span?.line}:${d.span?.col} ${d.message}`);

type Obj = Record<string, unknown>;
const isTable = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Date);

/** The value at a dotted path of the resolved [deploy] configuration. */
function at(config: ResolvedConfig, key: string): unknown {
  let cur: unknown = config.deploy;
  for (const k of key.split('.')) cur = isTable(cur) ? cur[k] : undefined;
  return cur;
}

// ---------------------------------------------------------------------------

describeShared('the deployment guide (../shared/seeds/002_*)', () => {
  const seeds = join(SHARED, 'seeds');
  const name = readdirSync(seeds).find((f) => f.startsWith('002_'));
  if (name === undefined) throw new Error(`no 002_* file in ${seeds}`);
  const guide = readFileSync(join(seeds, name), 'utf8');
  const blocks = [...guide.matchAll(/^```toml\r?\n([\s\S]*?)^```/gm)].map((m) => m[1] as string);

  it('has its TOML examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(3);
    expect(blocks.some((b) => b.includes('[deploy.secrets]'))).toBe(true);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('block %i loads verbatim with no diagnostics, in every environment', (_i, block) => {
    expect(load(block).diagnostics).toEqual([]);
    for (const env of ENVIRONMENTS) expect(load(block, env).diagnostics, env).toEqual([]);
  });

  it.each(blocks.map((b, i) => [i, b] as const))('block %i: every value resolves as written, sourced at its line', (_i, block) => {
    const doc = parseToml(block) as Obj;
    const lines = block.split('\n');
    for (const env of [undefined, ...ENVIRONMENTS]) {
      const config = ok(block, env);
      const visit = (o: Obj, prefix: string) => {
        for (const [k, v] of Object.entries(o)) {
          const key = prefix + k;
          if (isTable(v)) {
            visit(v, `${key}.`);
            continue;
          }
          if (key === 'environment' && env !== undefined) {
            expect(config.deploy.environment).toBe(env);
            expect(config.sources.environment).toEqual({ kind: 'flag', flag: '--env' });
            continue;
          }
          expect(at(config, key), `${key} (${env ?? 'no --env'})`).toEqual(v);
          const s = config.sources[key];
          expect(s?.kind, key).toBe('file');
          if (s?.kind === 'file') {
            const written = (lines[s.line - 1] ?? '').slice(s.col - 1);
            expect(written.startsWith(typeof v === 'string' ? JSON.stringify(v) : String(v)), `${key} at ${s.line}:${s.col}: ${written}`).toBe(true);
            expect(lines[s.line - 1]).toMatch(new RegExp(`^${k}\\s*=`));
          }
        }
      };
      visit(doc.deploy as Obj, '');
    }
  });

  it('the main example: staging, provisioned database, a 3-node TigerBeetle on 10k IOPS', () => {
    const main = blocks.find((b) => /^\[deploy\]$/m.test(b));
    expect(main).toBeDefined();
    const c = ok(main).deploy;
    expect(c.environment).toBe('staging');
    expect(c.region).toBe('us-east-1');
    expect(c.compute).toMatchObject({ cpu: 512, memory: 1024, desired_count: 2 });
    expect(c.database).toMatchObject({ mode: 'provisioned', instance_class: 'db.t3.medium', storage_gb: 100 });
    expect(c.tigerbeetle).toMatchObject({ enabled: true, size: 'r6i.large', node_count: 3, volume_size_gb: 100, volume_iops: 10000 });
  });

  it('the storage example: 100 GiB at 10000 IOPS', () => {
    const storage = blocks.find((b) => b.startsWith('[deploy.tigerbeetle]') && !b.includes('node_count'));
    expect(storage).toBeDefined();
    expect(ok(storage).deploy.tigerbeetle).toMatchObject({ volume_size_gb: 100, volume_iops: 10000 });
  });

  it('the secrets example keeps its references', () => {
    const secrets = blocks.find((b) => b.includes('[deploy.secrets]'));
    const c = ok(secrets);
    expect(c.deploy.secrets).toEqual({ database_password: 'ssm:/myapp/prod/db-password', api_key: 'secretsmanager:myapp/api-key' });
    expect(c.sources['secrets.database_password']).toMatchObject({ kind: 'file', line: 2, col: 21, table: '[deploy.secrets]' });
    expect(c.sources['secrets.api_key']).toMatchObject({ kind: 'file', line: 3, col: 11 });
  });
});

describeShared('the corpus', () => {
  const projects = corpusProjects();

  it('has projects', () => expect(projects.length).toBeGreaterThan(0));

  it.each(projects)('%s/dazzle.toml loads with no errors (and no [deploy]: only the DZ4000 note)', (p) => {
    const text = readFileSync(join(CORPUS, p, 'dazzle.toml'), 'utf8');
    const r = load(text);
    expect(errorsOf(r.diagnostics)).toEqual([]);
    expect(r.value).toBeDefined();
    if (!/^\[deploy[\].]/m.test(text)) expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ4000']);
  });
});

// ---------------------------------------------------------------------------

const SMALL = [
  '[deploy]', //                       1
  'region = "eu-west-1"', //           2
  '', //                               3
  '[deploy.compute]', //               4
  'cpu = 1024', //                     5
  'memory = 2048', //                  6
  '', //                               7
  '[deploy.services.api]', //          8
  'port = 9000', //                    9
  '', //                               10
  '[deploy.services.worker]', //       11
  'cpu = 2048', //                     12
  'memory = 4096', //                  13
  '', //                               14
  '[deploy.secrets]', //               15
  'api_key = "ssm:/shop/api-key"', //  16
  '', //                               17
  '[deploy.env.prod.compute]', //      18
  'desired_count = 4', //              19
  '',
].join('\n');

describe('provenance', () => {
  const file = (line: number, col: number, table: string) => ({ kind: 'file', file: FILE, line, col, table });

  it('written keys come from the file, at their line and column', () => {
    const c = ok(SMALL, 'prod');
    expect(c.sources.region).toEqual(file(2, 10, '[deploy]'));
    expect(c.sources['compute.cpu']).toEqual(file(5, 7, '[deploy.compute]'));
    expect(c.sources['compute.memory']).toEqual(file(6, 10, '[deploy.compute]'));
    expect(c.sources['services.api.port']).toEqual(file(9, 8, '[deploy.services.api]'));
    expect(c.sources['secrets.api_key']).toEqual(file(16, 11, '[deploy.secrets]'));
    expect(c.deploy.region).toBe('eu-west-1');
    expect(c.deploy.secrets).toEqual({ api_key: 'ssm:/shop/api-key' });
  });

  it('profile values, defaults, and --env as a flag', () => {
    const prod = ok(SMALL, 'prod');
    expect(prod.deploy.network.az_count).toBe(3);
    expect(prod.sources['network.az_count']).toEqual({ kind: 'profile', environment: 'prod' });
    expect(prod.sources['database.deletion_protection']).toEqual({ kind: 'profile', environment: 'prod' });
    expect(prod.sources['network.vpc_cidr']).toEqual({ kind: 'default' });
    expect(prod.sources['tigerbeetle.version']).toEqual({ kind: 'default' });
    expect(prod.deploy.environment).toBe('prod');
    expect(prod.sources.environment).toEqual({ kind: 'flag', flag: '--env' });

    const none = ok(SMALL);
    expect(none.deploy.environment).toBe('dev');
    expect(none.sources.environment).toEqual({ kind: 'default' });
    expect(none.sources['network.az_count']).toEqual({ kind: 'profile', environment: 'dev' });

    const fromFile = ok('[deploy]\nenvironment = "prod"\n');
    expect(fromFile.deploy.environment).toBe('prod');
    expect(fromFile.sources.environment).toEqual(file(2, 15, '[deploy]'));
    expect(fromFile.sources['network.az_count']).toEqual({ kind: 'profile', environment: 'prod' });
  });

  it('[deploy.env.prod.compute] desired_count = 4 applies only in prod, sourced at its line', () => {
    const prod = ok(SMALL, 'prod');
    expect(prod.deploy.compute.desired_count).toBe(4);
    expect(prod.sources['compute.desired_count']).toEqual(file(19, 17, '[deploy.env.prod.compute]'));
    for (const env of ['dev', 'staging'] as const) {
      const c = ok(SMALL, env);
      expect(c.deploy.compute.desired_count, env).toBe(PROFILES[env].compute?.desired_count);
      expect(c.sources['compute.desired_count'], env).toEqual({ kind: 'profile', environment: env });
    }
    expect(ok(SMALL).deploy.compute.desired_count).toBe(PROFILES.dev.compute?.desired_count);
  });

  it('named services inherit from [deploy.compute] unless they set the key themselves', () => {
    const c = ok(SMALL, 'prod');
    expect(c.sources['services.api.cpu']).toEqual({ kind: 'inherited', from: 'compute.cpu' });
    expect(c.sources['services.api.memory']).toEqual({ kind: 'inherited', from: 'compute.memory' });
    expect(c.deploy.services.api).toMatchObject({ cpu: 1024, memory: 2048, port: 9000, desired_count: 4 });
    expect(c.sources['services.api.desired_count']).toEqual({ kind: 'inherited', from: 'compute.desired_count' });
    expect(c.sources['services.worker.cpu']).toEqual(file(12, 7, '[deploy.services.worker]'));
    expect(c.sources['services.worker.memory']).toEqual(file(13, 10, '[deploy.services.worker]'));
    expect(c.deploy.services.worker).toMatchObject({ cpu: 2048, memory: 4096, port: 8000 });
    expect(c.sources['services.worker.port']).toEqual({ kind: 'inherited', from: 'compute.port' });
    // In dev the services follow [deploy.compute] with the dev profile.
    expect(ok(SMALL, 'dev').deploy.services.api?.desired_count).toBe(PROFILES.dev.compute?.desired_count);
  });

  it('every resolved leaf has a source, and sources are sorted by key', () => {
    const c = ok(SMALL, 'prod');
    const keys = Object.keys(c.sources);
    expect(keys).toEqual([...keys].sort());
    for (const k of ['enabled', 'output', 'compute.runtime', 'database.mode', 'cache.enabled', 'kafka.broker_count', 'logs.retention_days', 'services.api.port']) {
      expect(c.sources[k], k).toBeDefined();
    }
  });
});

describe('environment profiles', () => {
  const expected = {
    dev: { node_count: 1, az_count: 2, deletion_protection: false },
    staging: { node_count: 3, az_count: 2, deletion_protection: false },
    prod: { node_count: 3, az_count: 3, deletion_protection: true },
  } as const;

  it.each(ENVIRONMENTS)('%s: TigerBeetle nodes, AZs and deletion protection', (env) => {
    const want = expected[env];
    for (const c of [ok('[deploy]\n', env), ok(`[deploy]\nenvironment = "${env}"\n`)]) {
      expect(c.deploy.environment).toBe(env);
      expect(c.deploy.tigerbeetle.node_count).toBe(want.node_count);
      expect(c.deploy.network.az_count).toBe(want.az_count);
      expect(c.deploy.database.deletion_protection).toBe(want.deletion_protection);
    }
  });

  it('no file at all resolves to the dev profile', () => {
    const c = ok(undefined);
    expect(c.hasDeployTable).toBe(false);
    expect(c.deploy.environment).toBe('dev');
    expect(c.deploy.tigerbeetle.node_count).toBe(1);
    expect(c.deploy.network.az_count).toBe(2);
  });

  it('the file beats the profile, and --env beats the file environment', () => {
    const c = ok('[deploy]\nenvironment = "dev"\n\n[deploy.tigerbeetle]\nnode_count = 5\n', 'prod');
    expect(c.deploy.environment).toBe('prod');
    expect(c.deploy.tigerbeetle.node_count).toBe(5);
    expect(c.deploy.network.az_count).toBe(3);
  });
});

describe('database.mode', () => {
  it("is 'provisioned' when the file sets instance_class", () => {
    const c = ok('[deploy.database]\ninstance_class = "db.r6g.xlarge"\n');
    expect(c.deploy.database.mode).toBe('provisioned');
    expect(c.sources['database.mode']).toEqual({ kind: 'inherited', from: 'database.instance_class' });
  });

  it("is 'serverless' otherwise, though instance_class has a default", () => {
    for (const text of ['[deploy]\n', '[deploy.database]\nmin_acu = 1\n', undefined]) {
      const c = ok(text);
      expect(c.deploy.database.mode).toBe('serverless');
      expect(c.deploy.database.instance_class).toBe(BASE_DEFAULTS.database.instance_class);
    }
  });

  it('an explicit mode wins over instance_class', () => {
    expect(ok('[deploy.database]\nmode = "serverless"\ninstance_class = "db.r6g.xlarge"\n').deploy.database.mode).toBe('serverless');
    expect(ok('[deploy.database]\nmode = "provisioned"\n').deploy.database.mode).toBe('provisioned');
  });

  it('instance_class in [deploy.env.prod.database] makes prod provisioned and leaves dev serverless', () => {
    const text = '[deploy.env.prod.database]\ninstance_class = "db.r6g.xlarge"\n';
    expect(ok(text, 'prod').deploy.database.mode).toBe('provisioned');
    expect(ok(text, 'dev').deploy.database.mode).toBe('serverless');
  });
});

// ---------------------------------------------------------------------------

describe('dazzle config show through the CLI', () => {
  const toml = '[deploy]\nregion = "eu-west-1"\n\n[deploy.tigerbeetle]\nnode_count = 3\n';

  it('--format json is byte-identical across runs, versioned, and lists each key with its source', () => {
    const dir = tempProject({ 'dazzle.toml': toml, 'dsl/app.dsl': 'app t "T"\n' });
    const a = runCli(['config', 'show', '-p', '.', '--format', 'json'], { cwd: dir });
    const b = runCli(['config', 'show', '-p', '.', '--format', 'json'], { cwd: dir });
    expect(a.code).toBe(0);
    expect(a.stderr).not.toMatch(STACK_TRACE);
    expect(b.stdout).toBe(a.stdout);
    const out = JSON.parse(a.stdout) as { ok: boolean; format_version: number; environment: string; values: { key: string; value: unknown; source: unknown }[]; diagnostics: unknown[] };
    expect(out).toMatchObject({ ok: true, format_version: 1, environment: 'dev', diagnostics: [] });
    expect(out.values.find((v) => v.key === 'deploy.tigerbeetle.node_count')).toEqual({
      key: 'deploy.tigerbeetle.node_count',
      value: 3,
      source: { kind: 'file', file: 'dazzle.toml', line: 5, col: 14, table: '[deploy.tigerbeetle]' },
    });
    expect(out.values.find((v) => v.key === 'deploy.network.az_count')).toEqual({ key: 'deploy.network.az_count', value: 2, source: { kind: 'profile', environment: 'dev' } });
    expect(out.values.find((v) => v.key === 'deploy.network.vpc_cidr')?.source).toEqual({ kind: 'default' });
    const keys = out.values.map((v) => v.key);
    expect(keys).toEqual([...new Set(keys)].sort());
  });

  it('text output is one line per key, in the same order as json, with its source', () => {
    const dir = tempProject({ 'dazzle.toml': toml, 'dsl/app.dsl': 'app t "T"\n' });
    const text = runCli(['config', 'show', '-p', '.', '--env', 'prod'], { cwd: dir });
    const json = runCli(['config', 'show', '-p', '.', '--env', 'prod', '--format', 'json'], { cwd: dir });
    expect(text.code).toBe(0);
    expect(text.stderr).toBe('');
    const values = (JSON.parse(json.stdout) as { values: { key: string; value: unknown }[] }).values;
    const lines = text.stdout.replace(/\n$/, '').split('\n');
    expect(lines[0]).toBe('# environment: prod');
    expect(lines.slice(1)).toHaveLength(values.length);
    values.forEach((v, i) => expect(lines[i + 1]?.startsWith(`${v.key} = ${JSON.stringify(v.value)} `), lines[i + 1]).toBe(true));
    expect(lines.find((l) => l.startsWith('deploy.tigerbeetle.node_count = 3 '))).toMatch(/# dazzle\.toml:5 \[deploy\.tigerbeetle\]$/);
    expect(lines.find((l) => l.startsWith('deploy.network.az_count = 3 '))).toMatch(/# prod profile$/);
    expect(lines.find((l) => l.startsWith('deploy.environment = "prod" '))).toMatch(/# flag --env$/);
  });
});

// ---------------------------------------------------------------------------

const SEED = 20_251_123;
const RUNS = 300;

/** Every diagnostic is in the catalogue and points inside the document (or nowhere). */
function wellFormed(text: string, r: Result<ResolvedConfig | undefined>): void {
  const lineCount = text.split('\n').length;
  for (const d of r.diagnostics) {
    expect(Object.hasOwn(CATALOGUE, d.code), d.code).toBe(true);
    expect(d.severity).toBe(CATALOGUE[d.code].severity);
    if (d.span) {
      expect(d.span.file).toBe(FILE);
      expect(d.span.line, `${d.code} ${d.message}`).toBeGreaterThanOrEqual(1);
      expect(d.span.line, `${d.code} ${d.message}`).toBeLessThanOrEqual(lineCount);
      expect(d.span.col).toBeGreaterThanOrEqual(1);
    }
  }
  // A value exactly when there is no error.
  expect(r.value === undefined).toBe(r.diagnostics.some((d) => d.severity === 'error'));
}

/** Random text, and text made of TOML-ish pieces (which reaches the key scanner and the schema). */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc
    .array(
      fc.constantFrom('[', ']', '[[', ']]', 'deploy', 'compute', 'env', 'prod', 'secrets', 'services', 'api', '.', ' = ', '=', ' ', '\n', '\r\n', '\t', '"', "'", '"""', '#', '{', '}', ', ', '1', '256', '4096', 'true', 'cpu', 'memory', 'é', '\u0000', '\ufeff', '\\'),
      { maxLength: 60 },
    )
    .map((a) => a.join('')),
);

const SCALAR_KEYS = (o: object): string[] => Object.entries(o).filter(([, v]) => !isTable(v)).map(([k]) => k);
const D = BASE_DEFAULTS as unknown as Record<string, Obj>;
const REAL_KEYS: Readonly<Record<string, readonly string[]>> = {
  deploy: SCALAR_KEYS(BASE_DEFAULTS),
  'deploy.compute': SCALAR_KEYS(BASE_DEFAULTS.compute),
  'deploy.services.api': SCALAR_KEYS(BASE_DEFAULTS.compute),
  'deploy.env.prod.compute': SCALAR_KEYS(BASE_DEFAULTS.compute),
  'deploy.env.dev.services.api': SCALAR_KEYS(BASE_DEFAULTS.compute),
  'deploy.tigerbeetle': SCALAR_KEYS(BASE_DEFAULTS.tigerbeetle),
  'deploy.env.prod.tigerbeetle': SCALAR_KEYS(BASE_DEFAULTS.tigerbeetle),
  'deploy.network': SCALAR_KEYS(BASE_DEFAULTS.network),
  'deploy.env.prod.network': SCALAR_KEYS(BASE_DEFAULTS.network),
  'deploy.database': SCALAR_KEYS(BASE_DEFAULTS.database),
  'deploy.kafka': SCALAR_KEYS(BASE_DEFAULTS.kafka),
  'deploy.alarms': SCALAR_KEYS(BASE_DEFAULTS.alarms),
  'deploy.logs': SCALAR_KEYS(BASE_DEFAULTS.logs),
  'deploy.secrets': ['database_password', 'api_key', 'token'],
  'deploy.compute.env': ['LOG_LEVEL', 'log_level'],
  modules: ['paths'],
  project: ['name'],
};

/** Likely values for the keys of tables without defaults. */
const EXTRA_DEFAULTS: Readonly<Record<string, Obj>> = {
  'deploy.secrets': { database_password: 'ssm:/shop/db', api_key: 'secretsmanager:shop/api:key', token: 'hunter2' },
  'deploy.compute.env': { LOG_LEVEL: 'debug', log_level: 'debug' },
  modules: { paths: ['./dsl'] },
  project: { name: 'shop' },
};

/** A TOML value: the key's default, something near it, or anything. */
function toToml(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(toToml).join(', ')}]`;
  if (isTable(v)) return `{ ${Object.entries(v).map(([k, x]) => `${k} = ${toToml(x)}`).join(', ')} }`;
  return String(v);
}

const scalar = fc.oneof(
  fc.integer({ min: -10, max: 70_000 }).map(String),
  fc.constantFrom('0', '1', '2', '3', '5', '10', '245', '256', '512', '1024', '2048', '4096', '16000', '20000', '60000', '64000', '0.5', '1.5', '3.5', 'nan', 'inf', '-0'),
  fc.boolean().map(String),
  fc.constantFrom('"ssm:/x"', '"secretsmanager:a/b"', '"hunter2"', '"prod"', '"production"', '"us-east-1"', '"us-east-7"', '"r6i.large"', '"ec2"', '"fargate"', '"/health"', '"10.0.0.0/16"', '"a@example.com"', '"1979-05-27"', '1979-05-27', '""'),
  fc.string({ maxLength: 12 }).map((s) => JSON.stringify(s)),
);
const value = fc.oneof(
  { weight: 4, arbitrary: scalar },
  { weight: 1, arbitrary: fc.array(scalar, { maxLength: 3 }).map((xs) => `[${xs.join(', ')}]`) },
  { weight: 1, arbitrary: fc.tuple(fc.constantFrom('cpu', 'memory', 'x'), scalar).map(([k, v]) => `{ ${k} = ${v} }`) },
);
const randomKey = fc.stringMatching(/^[a-zA-Z_][a-zA-Z0-9_-]{0,10}$/);
const randomTable = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,6}){0,2}$/),
  fc.stringMatching(/^[a-z][a-z0-9_]{0,6}(\.[a-z][a-z0-9_]{0,6}){0,1}$/).map((t) => `deploy.${t}`),
);
const tableName = fc.oneof({ weight: 8, arbitrary: fc.constantFrom(...Object.keys(REAL_KEYS)) }, { weight: 1, arbitrary: randomTable });

function entryFor(table: string): fc.Arbitrary<readonly [string, string]> {
  const real = REAL_KEYS[table] ?? [];
  const section = table.startsWith('deploy.env.') ? table.split('.').slice(3).join('.') : table.replace(/^deploy\.?/, '');
  const defaults = EXTRA_DEFAULTS[table] ?? (section === '' ? (BASE_DEFAULTS as unknown as Obj) : section.startsWith('services.') ? D.compute : D[section]);
  const realEntry =
    real.length === 0
      ? undefined
      : fc.constantFrom(...real).chain((k) => {
          const d = defaults?.[k];
          const near = typeof d === 'number' ? [fc.constant(toToml(d)), fc.integer({ min: -2, max: 2 }).map((x) => String(d * (x + 2)))] : d === undefined ? [] : [fc.constant(toToml(d))];
          const likely = near.length ? [{ weight: 9, arbitrary: fc.oneof(...near) }] : [];
          return fc.tuple(fc.constant(k), fc.oneof(...likely, { weight: 1, arbitrary: value }));
        });
  const randomEntry = fc.tuple(randomKey, value);
  return realEntry ? fc.oneof({ weight: 8, arbitrary: realEntry }, { weight: 1, arbitrary: randomEntry }) : randomEntry;
}

/** A TOML document of a few tables, each with a few keys: real ones, near misses and noise. */
const document = fc
  .uniqueArray(
    tableName.chain((t) => fc.record({ table: fc.constant(t), entries: fc.uniqueArray(entryFor(t), { selector: (e) => e[0], maxLength: 4 }) })),
    { selector: (s) => s.table, maxLength: 5 },
  )
  .map((sections) => `# generated\n${sections.map((s) => [`[${s.table}]`, ...s.entries.map(([k, v]) => `${k} = ${v}`)].join('\n')).join('\n\n')}\n`);

const environment = fc.constantFrom<Environment | undefined>(undefined, 'dev', 'staging', 'prod');

describe('properties', () => {
  it('(a) any text as dazzle.toml: loadConfig never throws and its diagnostics are well-formed', () => {
    fc.assert(
      fc.property(anyText, environment, (text, env) => {
        const r = load(text, env);
        wellFormed(text, r);
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });

  it('(b) random documents of real and unknown tables, keys and values: no throw, codes in the catalogue, spans inside the file', () => {
    let loaded = 0;
    fc.assert(
      fc.property(document, environment, (text, env) => {
        const r = load(text, env);
        wellFormed(text, r);
        if (r.value) loaded++;
      }),
      { seed: SEED, numRuns: RUNS },
    );
    // The grammar reaches the resolver, not only the schema.
    expect(loaded).toBeGreaterThan(0);
  });

  it('(c) loadConfig is deterministic: the same input gives a deep-equal result', () => {
    fc.assert(
      fc.property(fc.oneof(document, anyText), environment, (text, env) => {
        expect(load(text, env)).toEqual(load(text, env));
      }),
      { seed: SEED, numRuns: RUNS },
    );
  });
});
