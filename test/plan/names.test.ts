/**
 * Every name the plan fixes in AWS: derived within its limit and form, unique, and the same
 * name in the plan, the generated code and the check; construct IDs unique per stack; and a
 * name that cannot be made valid is an error at plan time, at the construct that caused it.
 */
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig, type Environment } from '../../src/config/index.js';
import { emitApp } from '../../src/emit/index.js';
import { bucketNameLength, bucketPrefix, lowerToRequirements, nameProblem, NAME_LIMITS, plannedConstructs, plannedNames, stackName, withSampleCreationId } from '../../src/lower/index.js';
import { buildPlan } from '../../src/plan/index.js';
import { link } from '../../src/ir/index.js';
import { decodeSource, parseSource } from '../../src/syntax/index.js';
import { APP, checkTexts } from '../helpers.js';

const USER = 'entity User "User":\n  id: uuid pk\n';

function lower(dsl: string, toml = '[deploy]\n', environment: Environment = 'dev') {
  const front = checkTexts({ 'dsl/app.dsl': dsl });
  expect(front.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const config = loadConfig({ path: 'dazzle.toml', text: toml, environment }).value;
  if (!front.value.spec || !config) throw new Error('bad fixture');
  return { lowered: lowerToRequirements(front.value.spec, config), config };
}

/**
 * Lower a project that `check` already refuses (with `checkCode`): the plan's own check is the
 * backstop for every name it fixes, and must find the same mistake.
 */
function lowerPastCheck(dsl: string, checkCode: string, toml = '[deploy]\n') {
  const source = decodeSource('dsl/app.dsl', new TextEncoder().encode(dsl)).value;
  const ast = source ? parseSource(source).value : undefined;
  if (!ast) throw new Error('bad fixture');
  const linked = link([ast], ['dsl/app.dsl']);
  expect(linked.diagnostics.map((d) => d.code)).toContain(checkCode);
  const config = loadConfig({ path: 'dazzle.toml', text: toml, environment: 'dev' }).value;
  if (!linked.value || !config) throw new Error('bad fixture');
  return { lowered: lowerToRequirements(linked.value, config), config };
}

function plan(dsl: string, toml = '[deploy]\n', environment: Environment = 'dev') {
  const { lowered, config } = lower(dsl, toml, environment);
  if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return buildPlan(lowered.value, config);
}

function emit(p: ReturnType<typeof plan>) {
  const r = emitApp({ plan: p, projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: 'x'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
  if (!r.value) throw new Error(r.diagnostics.map((d) => d.message).join('\n'));
  return r.value.files;
}

const codes = (r: { diagnostics: readonly { code: string; span?: { line: number }; related: readonly { span: { line: number } }[] }[] }) =>
  r.diagnostics.map((d) => [d.code, d.span?.line, d.related.map((x) => x.span.line)]);

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

describe('shortened bucket names keep 40 bits of sha256', () => {
  it('short names are unchanged; a long part keeps its start and ends with 10 hex digits of its sha256, and the environment stays', () => {
    expect(bucketPrefix('ledger_app', 'prod', 'files')).toBe('ledger-app-prod-files');
    expect(bucketPrefix('test_app', 'dev', 'customer_invoices_2023')).toBe('test-app-dev-customer-invoices-2023');
    const store = 'customer-invoices-for-the-accounting-team-2023';
    expect(bucketPrefix('test_app', 'dev', 'customer_invoices_for_the_accounting_team_2023')).toBe(`test-app-dev-customer-invoices-for-the-acco-${sha(store).slice(0, 10)}`);
    // A long app name gives up its characters, never the environment.
    const app = `a${'b'.repeat(98)}c`;
    for (const env of ['dev', 'staging', 'prod']) {
      expect(bucketPrefix(app, env, 'files').length).toBeLessThanOrEqual(NAME_LIMITS.bucketPrefix);
      expect(bucketPrefix(app, env, 'files')).toMatch(new RegExp(`^abb+-${sha(app).slice(0, 10)}-${env}-files$`));
    }
  });

  it('two stores that differ only at the end get two buckets (the 24-bit hash gave them one name)', () => {
    const dsl = `${APP}entity Doc "Doc":\n  id: uuid pk\n  a: file storage=customer_invoices_2023\n  b: file storage=customer_invoices_2024\n`;
    const buckets = plan(dsl).aws.buckets.map((b) => b.namePrefix);
    expect(buckets).toHaveLength(2);
    expect(new Set(buckets).size).toBe(2);
  });

  it('any app and store name gives a valid bucket name of at most 63 characters, with the creation id', () => {
    const ident = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/);
    fc.assert(
      fc.property(ident, ident, fc.constantFrom('dev', 'staging', 'prod'), (app, store, env) => {
        const prefix = bucketPrefix(app, env, store);
        expect(prefix.length).toBeLessThanOrEqual(NAME_LIMITS.bucketPrefix);
        expect(nameProblem({ kind: 'S3 bucket', name: withSampleCreationId(prefix), length: bucketNameLength(prefix) })).toBeNull();
      }),
      { seed: 3, numRuns: 300 },
    );
  });
});

describe('names from the app name', () => {
  const RICH = `${USER}entity Doc "Doc":\n  id: uuid pk\n  scan: file\nchannel jobs "Jobs":\n  kind: queue\nchannel events "Events":\n  kind: stream\nledger Cash "Cash":\n  account_code: 1\n  account_type: asset\n  currency: GBP\nschedule nightly "Nightly":\n  cron: "0 2 * * *"\n`;
  const withApp = (name: string) => `module test.app\napp ${name} "Test"\n${RICH}`;

  it('an app name of 100 characters plans and generates names within every limit, distinct per environment', () => {
    const name = `a${'b'.repeat(98)}c`;
    const dev = plan(withApp(name), '[deploy]\n', 'dev');
    const prod = plan(withApp(name), '[deploy]\n', 'prod');
    for (const p of [dev, prod]) {
      expect(p.aws.database?.databaseName.length).toBeLessThanOrEqual(63);
      const files = emit(p);
      const stacks = [...(files.get('lib/app.ts') ?? '').matchAll(/stackName: '([^']+)'/g)].map((m) => m[1] as string);
      expect(stacks).toHaveLength(p.stacks.length);
      for (const s of stacks) expect(s.length).toBeLessThanOrEqual(128);
      const display = /displayName: '([^']*)'/.exec(files.get('lib/observability-stack.ts') ?? '')?.[1] ?? '';
      expect(display.length).toBeGreaterThan(0);
      expect(display.length).toBeLessThanOrEqual(100);
    }
    // The cluster identifier keeps the environment (dev and prod may share an account), with room for the creation id.
    const cluster = (p: typeof dev) => p.aws.database?.clusterIdentifier ?? '';
    expect(withSampleCreationId(cluster(dev)).length).toBeLessThanOrEqual(63);
    expect(cluster(dev)).not.toBe(cluster(prod));
    expect(emit(dev).get('lib/data-stack.ts')).toContain(`const identifier = \`${cluster(dev)}-\${creationId(this)}\`;`);
  });

  it('any app name (a DSL identifier of up to 128 characters) gives valid names for everything planned', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,127}$/), fc.constantFrom<Environment>('dev', 'prod'), (name, env) => {
        const { lowered, config } = lower(withApp(name), '[deploy]\n', env);
        // Notes on the database name (DZ5016) and prod's plain HTTP (DZ5080) are not about the names.
        expect(lowered.diagnostics.filter((d) => d.code !== 'DZ5016' && d.code !== 'DZ5080')).toEqual([]);
        for (const n of plannedNames(lowered.value as NonNullable<typeof lowered.value>, config)) expect(nameProblem(n), `${n.kind} ${n.name}`).toBeNull();
      }),
      { seed: 7, numRuns: 60 },
    );
  });

  it('a reserved word becomes a safe database name, passed to the services, with a note at the app line', () => {
    const { lowered } = lower(`module test.app\napp user "User app"\n${USER}`);
    expect(lowered.diagnostics.map((d) => [d.code, d.severity, d.span?.line])).toEqual([['DZ5016', 'note', 2]]);
    const p = plan(`module test.app\napp user "User app"\n${USER}`);
    expect(p.aws.database?.databaseName).toBe('user_db');
    expect(p.services[0]?.variables).toContainEqual({ name: 'DATABASE_NAME', kind: 'value', value: 'user_db' });
    expect(p.notes.join('\n')).toContain('user_db');
  });

  it('an app name that does not start with a letter still gives valid stack and database names', () => {
    const p = plan(`module test.app\napp _9lives "Nine"\n${USER}`);
    expect(p.aws.database?.databaseName).toBe('db_9lives');
    expect(stackName(p.app, p.environment, 'Network')).toBe('App9lives-dev-Network');
  });

  it('an app named aws… keeps its TigerBeetle parameters out of the names SSM reserves', () => {
    const p = plan(withApp('aws_shop'));
    expect(p.aws.tigerbeetle?.parameterPrefix).toBe('/dazzle/aws_shop/dev/tigerbeetle');
    expect(plan(withApp('shop')).aws.tigerbeetle?.parameterPrefix).toBe('/shop/dev/tigerbeetle');
  });

  it('an app name over 128 characters is an error at the app line', () => {
    const { lowered } = lower(`module test.app\napp ${'x'.repeat(129)} "Long"\n${USER}`);
    expect(lowered.value).toBeUndefined();
    expect(codes(lowered)).toEqual([['DZ5011', 2, []]]);
  });

  it('the names the golden example gets are unchanged', () => {
    const p = plan(withApp('ledger_app'), '[deploy]\n', 'prod');
    expect(stackName(p.app, 'prod', 'Network')).toBe('LedgerApp-prod-Network');
    expect(p.aws.buckets[0]?.namePrefix).toBe('ledger-app-prod-files');
    expect(p.aws.tigerbeetle).toMatchObject({ parameterPrefix: '/ledger_app/prod/tigerbeetle', logGroup: '/ledger_app/prod/tigerbeetle' });
    expect(p.aws.database?.databaseName).toBe('ledger_app');
    expect(p.aws.database?.clusterIdentifier).toBe('ledger-app-prod');
  });
});

describe('the limit and form check', () => {
  it('states the AWS limit, and the form AWS allows', () => {
    expect(nameProblem({ kind: 'S3 bucket', name: 'a'.repeat(40), length: 70 })).toBe('is 70 characters; AWS allows at most 63');
    expect(nameProblem({ kind: 'S3 bucket', name: 'Bad_Name', length: 8 })).toMatch(/^is not lower-case letters/);
    expect(nameProblem({ kind: 'SSM parameter', name: '/ssm_tool/dev/tigerbeetle/cluster_id', length: 36 })).toMatch(/not beginning with "aws" or "ssm"/);
    expect(nameProblem({ kind: 'CloudFormation stack', name: '9lives-dev-Network', length: 18 })).toMatch(/^is not a letter, then/);
  });

  it('an email channel whose from address is not an address is an error at the channel', () => {
    const { lowered } = lowerPastCheck(`${APP}channel a "A":\n  kind: email\n  config:\n    from_address: "noreply"\n`, 'DZ2208');
    expect(codes(lowered)).toEqual([['DZ5011', 3, []]]);
  });
});

describe('collisions are errors at plan time, naming both causes', () => {
  it('two email channels with one from address would create one SES identity twice', () => {
    const dsl = `${APP}channel a "A":\n  kind: email\n  config:\n    from_address: "ops@example.com"\nchannel b "B":\n  kind: email\n  config:\n    from_address: "OPS@example.com"\n`;
    const { lowered } = lowerPastCheck(dsl, 'DZ3012');
    expect(lowered.value).toBeUndefined();
    expect(codes(lowered)).toEqual([['DZ5009', 3, [7]]]);
  });

  it('a queue named like another queue\'s dead-letter queue collides on its construct ID', () => {
    const dsl = `${APP}channel jobs "Jobs":\n  kind: queue\nchannel jobs_dead_letters "DLQ":\n  kind: queue\n`;
    const { lowered } = lowerPastCheck(dsl, 'DZ3012');
    expect(codes(lowered)).toEqual([['DZ5010', 3, [5]]]);
    expect(lowered.diagnostics[0]?.message).toContain("'QueueJobsDeadLetters'");
  });

  it('a schedule named queue collides with the schedule queue dazzle creates', () => {
    const { lowered } = lowerPastCheck(`${APP}schedule queue "Q":\n  cron: "0 2 * * *"\n`, 'DZ3013');
    expect(codes(lowered)).toEqual([['DZ5010', 3, []]]);
  });

  it("a service named logs collides with the services' log group: an error at its dazzle.toml table", () => {
    const { lowered } = lower(`${APP}${USER}`, '[deploy.services.web]\npaths = ["/"]\n[deploy.services.logs]\npaths = ["/logs/*"]\n');
    expect(lowered.diagnostics.map((d) => [d.code, d.span?.file, d.span?.line, d.keyPath])).toEqual([['DZ5010', 'dazzle.toml', 4, 'deploy.services.logs.paths']]);
  });

  it('the check sees every name of a kind: equal names are one collision, found by the same table the plan uses', () => {
    const { lowered, config } = lower(`${APP}${USER}entity Doc "Doc":\n  id: uuid pk\n  a: file storage=customer_invoices_2023\n  b: file storage=customer_invoices_2024\n`);
    const names = plannedNames(lowered.value as NonNullable<typeof lowered.value>, config);
    const buckets = names.filter((n) => n.kind === 'S3 bucket').map((n) => n.name);
    expect(buckets).toEqual(plan(`${APP}${USER}entity Doc "Doc":\n  id: uuid pk\n  a: file storage=customer_invoices_2023\n  b: file storage=customer_invoices_2024\n`).aws.buckets.map((b) => withSampleCreationId(b.namePrefix)));
  });
});

describe('a service named worker', () => {
  const dsl = `${APP}${USER}channel jobs "Jobs":\n  kind: queue\n`;
  const toml = '[deploy.services.web]\npaths = ["/"]\n[deploy.services.worker]\npaths = ["/worker/*"]\n';

  it('plans beside the internal worker: distinct construct IDs and log stream prefixes', () => {
    const p = plan(dsl, toml);
    expect(p.aws.services.map((s) => [s.id, s.name, s.role, s.logStreamPrefix])).toEqual([
      ['ServiceWeb', 'web', 'web', 'web'],
      ['ServiceWorker', 'worker', 'web', 'worker'],
      ['Worker', 'worker', 'worker', 'dazzle-worker'],
    ]);
    const compute = emit(p).get('lib/compute-stack.ts') ?? '';
    expect([...compute.matchAll(/streamPrefix: '([^']+)'/g)].map((m) => m[1])).toEqual(['web', 'worker', 'dazzle-worker']);
  });
});

describe('the construct-ID table is the one generate uses', () => {
  it('every construct ID in the generated stacks is in the table the check uses', () => {
    const dsl = `${APP}${USER}entity Doc "Doc":\n  id: uuid pk\n  scan: file\nchannel jobs "Jobs":\n  kind: queue\nchannel events "Events":\n  kind: stream\nchannel mail "Mail":\n  kind: email\n  config:\n    from_address: "a@example.com"\nledger Cash "Cash":\n  account_code: 1\n  account_type: asset\n  currency: GBP\nschedule nightly "Nightly":\n  cron: "0 2 * * *"\nintegration crm "CRM":\n  base_url: "https://crm.example.com"\n`;
    const toml = '[deploy.services.web]\npaths = ["/"]\n[deploy.services.api]\npaths = ["/api/*"]\n[deploy.secrets]\napi_key = "ssm:/x/api-key"\n[deploy.domain]\nname = "example.com"\nhosted_zone_id = "Z0123456789ABCDEFGHIJ"\n[deploy.alarms]\nemail = ["ops@example.com"]\n';
    const { lowered, config } = lower(dsl, toml, 'prod');
    if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
    const p = buildPlan(lowered.value, config);
    const table = plannedConstructs(lowered.value, config);
    const files = emit(p);
    let seen = 0;
    for (const s of p.stacks) {
      const source = files.get(`lib/${s.name.toLowerCase()}-stack.ts`) ?? '';
      const ids = [...source.matchAll(/\(this, '([^']+)'/g)].map((m) => m[1] as string);
      const known = new Set(table.filter((c) => c.stack === s.name).map((c) => c.id));
      for (const id of ids) expect(known.has(id), `${s.name}/${id}`).toBe(true);
      seen += ids.length;
    }
    expect(seen).toBeGreaterThan(40);
  });
});
