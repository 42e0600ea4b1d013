/** The lowering passes, one behaviour at a time, including what must NOT be inferred. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/cli/io.js';
import { loadConfig } from '../../src/config/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { frontEnd } from '../../src/project/index.js';
import { APP, checkTexts, CORPUS, describeShared, REPO } from '../helpers.js';

function lower(dsl: string, toml?: string, environment?: 'dev' | 'staging' | 'prod') {
  const front = checkTexts({ 'dsl/app.dsl': dsl });
  expect(front.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const config = loadConfig({ path: 'dazzle.toml', text: toml ?? '[deploy]\n', ...(environment ? { environment } : {}) });
  expect(config.value).toBeDefined();
  if (!front.value.spec || !config.value) throw new Error('bad fixture');
  return lowerToRequirements(front.value.spec, config.value);
}

function lowerProject(dir: string, environment?: 'dev' | 'staging' | 'prod') {
  const files = readProject(dir, REPO);
  const front = frontEnd(files.dsl);
  const config = loadConfig({ path: files.configPath, text: files.configText, ...(environment ? { environment } : {}) });
  if (!front.value.spec || !config.value) throw new Error('bad project');
  return lowerToRequirements(front.value.spec, config.value);
}

const USER = 'entity User "User":\n  id: uuid pk\n';

describe('the bundled ledger example', () => {
  const r = lowerProject(join(REPO, 'examples', 'ledger-app'));
  const q = r.value;

  it('lowers without problems', () => {
    expect(r.diagnostics).toEqual([]);
    expect(q).toBeDefined();
  });

  it('needs a database for its entities, a store for its file field, and a ledger cluster', () => {
    expect(q?.database?.entities).toEqual(['Customer', 'Payment']);
    expect(q?.objectStores.map((s) => [s.name, s.fields])).toEqual([['files', ['Payment.receipt']]]);
    expect(q?.ledgerCluster).toMatchObject({ ledgers: ['CustomerWallet', 'Revenue'], currencies: ['GBP'] });
    expect(q?.ledgerCluster?.because.map((b) => (b.kind === 'dsl' ? `${b.construct} ${b.name} ${b.span.file}:${b.span.line}` : b.key))).toEqual([
      'ledger CustomerWallet examples/ledger-app/dsl/ledgers.dsl:5',
      'ledger Revenue examples/ledger-app/dsl/ledgers.dsl:13',
      'deploy.tigerbeetle.enabled',
    ]);
  });

  it('needs a queue with its dead-letter setting, a bus for the stream, and the schedule in AWS form', () => {
    expect(q?.queues.map((x) => [x.name, x.deadLetterAfter])).toEqual([['payment_jobs', 5]]);
    expect(q?.eventBuses.map((x) => [x.name, x.source, x.retention])).toEqual([['ledger_events', 'stream', '7d']]);
    expect(q?.schedules.map((x) => [x.name, x.expression, x.timezone])).toEqual([['nightly_reconciliation', 'cron(0 2 * * ? *)', 'Europe/London']]);
  });

  it('runs the async transaction, the queue consumer and the schedule on a worker', () => {
    expect(q?.worker?.handles).toEqual(['transaction RecordPayment', 'queue payment_jobs', 'schedule nightly_reconciliation']);
  });

  it('passes every [deploy.secrets] entry as its upper-cased name, by reference', () => {
    expect(q?.secrets.map((s) => [s.env, s.from])).toEqual([
      ['API_KEY', { kind: 'reference', ref: 'secretsmanager:myapp/api-key' }],
      ['DATABASE_PASSWORD', { kind: 'reference', ref: 'ssm:/myapp/prod/db-password' }],
    ]);
    expect(q?.webServices.map((s) => s.name)).toEqual(['web']);
    expect(q?.cache).toBeNull();
  });
});

describe('what is not inferred', () => {
  it('no ledgers → no ledger cluster; no queues → no queues; no entities → no database', () => {
    const r = lower(`${APP}channel mail "Mail":\n  kind: email\n  config:\n    from_address: "mail@example.com"\n`);
    expect(r.value?.ledgerCluster).toBeNull();
    expect(r.value?.queues).toEqual([]);
    expect(r.value?.database).toBeNull();
    expect(r.value?.worker).toBeNull();
    expect(r.value?.emailSenders.map((e) => e.name)).toEqual(['mail']);
  });

  it('look-alike names do not create a bucket: ref Document, an enum value filed, a field named file_name', () => {
    const r = lower(`${APP}entity Document "Doc":\n  id: uuid pk\n  file_name: str(200)\n  files_count: int\nentity Case "Case":\n  id: uuid pk\n  doc: ref Document\n  status: enum[open, filed]=open\n`);
    expect(r.value?.objectStores).toEqual([]);
  });

  it('a storage= binding names its store; file fields without one share "files"', () => {
    const r = lower(`${APP}entity Doc "Doc":\n  id: uuid pk\n  scan: file storage=scans\n  photo: image\n  attachment: file\n`);
    expect(r.value?.objectStores.map((s) => [s.id, s.fields])).toEqual([
      ['store:files', ['Doc.photo', 'Doc.attachment']],
      ['store:scans', ['Doc.scan']],
    ]);
  });
});

describe('configuration and diagnostics', () => {
  it('TigerBeetle disabled in config: no cluster, and a warning at the first ledger', () => {
    const r = lower(`${APP}ledger Cash "Cash":\n  account_code: 1\n  account_type: asset\n  currency: GBP\n`, '[deploy.tigerbeetle]\nenabled = false\n');
    expect(r.value?.ledgerCluster).toBeNull();
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line])).toEqual([['DZ5001', 'warning', 3]]);
  });

  it('an invalid cron is an error at the line of its cron, found by check (the linker) before lowering', () => {
    const r = checkTexts({ 'dsl/app.dsl': `${APP}schedule nightly "Nightly":\n  timezone: "UTC"\n  cron: "0 25 * * *"\n` });
    expect(r.value.spec).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ5003', 5, 9]]);
    expect(r.diagnostics[0]?.message).toContain('hour 25 is out of range 0-23');
  });

  it('intervals become rates; a schedule without timing is a warning', () => {
    const r = lower(`${APP}schedule sweep "Sweep":\n  interval: 15m\nschedule idle "Idle":\n  timezone: "UTC"\n`);
    expect(r.value?.schedules.map((s) => s.expression)).toEqual(['rate(15 minutes)']);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([['DZ5004', 5]]);
  });

  it('[auth] provider = "session" needs a cache, traced to that line', () => {
    const r = lower(`${APP}${USER}`, '[auth]\nenabled = true\nprovider = "session"\n');
    expect(r.value?.cache?.uses).toEqual(['sessions']);
    expect(r.value?.cache?.because).toEqual([{ kind: 'config', key: 'auth.provider', source: { kind: 'file', file: 'dazzle.toml', line: 3, col: 12, table: '[auth]' } }]);
    expect(lower(`${APP}${USER}`, '[auth]\nprovider = "session"\n[deploy.cache]\nenabled = false\n').value?.cache).toBeNull();
  });

  it('LLM providers need their API key: created, unless [deploy.secrets] references it', () => {
    const dsl = `${APP}llm_model fast "Fast":\n  provider: anthropic\n  model_id: claude-3-haiku\n`;
    expect(lower(dsl).value?.secrets.map((s) => [s.env, s.from.kind])).toEqual([['ANTHROPIC_API_KEY', 'create']]);
    expect(lower(dsl, '[deploy.secrets]\nanthropic_api_key = "ssm:/app/anthropic"\n').value?.secrets.map((s) => [s.env, s.from])).toEqual([
      ['ANTHROPIC_API_KEY', { kind: 'reference', ref: 'ssm:/app/anthropic' }],
    ]);
  });

  it('config("X") values: a warning and a secret to fill in, unless supplied as a secret or a plain variable', () => {
    const dsl = `${APP}${USER}webhook Hook "Hook":\n  entity: User\n  events: [created]\n  url: config("HOOK_URL")\n`;
    const bare = lower(dsl);
    expect(bare.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([['DZ5005', 8]]);
    expect(bare.value?.secrets.map((s) => [s.env, s.from.kind])).toEqual([['HOOK_URL', 'create']]);
    const plain = lower(dsl, '[deploy.compute.env]\nHOOK_URL = "https://example.com/hook"\n');
    expect(plain.diagnostics).toEqual([]);
    expect(plain.value?.secrets).toEqual([]);
    const secret = lower(dsl, '[deploy.secrets]\nhook_url = "ssm:/app/hook"\n');
    expect(secret.diagnostics).toEqual([]);
    expect(secret.value?.secrets.map((s) => [s.env, s.from.kind])).toEqual([['HOOK_URL', 'reference']]);
  });

  it('named services replace the default web service', () => {
    const r = lower(`${APP}${USER}`, '[deploy.services.ticketing]\npaths = ["/api/event"]\n[deploy.services.reservation]\npaths = ["/api/reservation"]\n');
    expect(r.value?.webServices.map((s) => [s.name, s.paths])).toEqual([
      ['reservation', ['/api/reservation']],
      ['ticketing', ['/api/event']],
    ]);
  });
});

describeShared('corpus projects', () => {
  it('simple_task: email and queue channels, two topics, two weekly/daily schedules in AWS form', () => {
    const q = lowerProject(join(CORPUS, 'simple_task')).value;
    expect(q?.emailSenders.map((e) => e.name)).toEqual(['digests', 'notifications']);
    expect(q?.queues.map((x) => [x.name, x.deadLetterAfter])).toEqual([['task_queue', 3]]);
    expect(q?.eventBuses.map((b) => b.name)).toEqual(['notification_events', 'task_events']);
    expect(q?.schedules.map((s) => [s.name, s.expression])).toEqual([
      ['daily_overdue_check', 'cron(0 9 * * ? *)'],
      ['weekly_team_report', 'cron(0 9 ? * MON *)'],
    ]);
    expect(q?.cache?.uses).toEqual(['sessions']);
    expect(q?.secrets.map((s) => s.env)).toEqual(['ANTHROPIC_API_KEY']);
  });

  it('support_tickets: the scheduled jobs, and the webhook config() values it must be given', () => {
    const r = lowerProject(join(CORPUS, 'support_tickets'));
    expect(r.value?.schedules.map((s) => [s.name, s.expression])).toEqual([
      ['daily_metrics_rollup', 'cron(0 1 * * ? *)'],
      ['stale_ticket_sweep', 'cron(0 * * * ? *)'],
    ]);
    expect(r.value?.worker?.handles).toHaveLength(6);
    expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ5005', 'DZ5005']);
  });

  it('fieldtest_hub: a ledger cluster for its two ledgers, no queues, no buckets', () => {
    const q = lowerProject(join(CORPUS, 'fieldtest_hub')).value;
    expect(q?.ledgerCluster?.ledgers).toEqual(['DeviceCost', 'OperationsBudget']);
    expect(q?.queues).toEqual([]);
    expect(q?.objectStores).toEqual([]);
    expect(q?.worker).toBeNull();
  });

  it('every pass is listed in order, once', async () => {
    const { PASSES } = await import('../../src/lower/index.js');
    expect(PASSES.map(([n]) => n)).toEqual(['network', 'database', 'object-stores', 'ledger-cluster', 'messaging', 'schedules', 'worker', 'cache', 'secrets', 'web-services', 'node-groups', 'api-gateway', 'variables', 'names', 'region-types', 'not-generated', 'plain-http']);
  });
});

const at = (r: { diagnostics: readonly { code: string; span?: { file: string; line: number } }[] }) => r.diagnostics.map((d) => [d.code, d.span?.file, d.span?.line]);

describe('[deploy] enabled = false', () => {
  it('refuses to lower, with an error at that line', () => {
    const r = lower(`${APP}${USER}`, '[deploy]\nregion = "eu-west-1"\nenabled = false\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col, d.keyPath])).toEqual([['DZ5006', 'error', 3, 11, 'deploy.enabled']]);
  });

  it('in [deploy.env.prod] it refuses prod only, at the line in that table', () => {
    const toml = '[deploy]\n[deploy.env.prod]\nenabled = false\n';
    expect(at(lower(`${APP}${USER}`, toml, 'prod'))).toEqual([['DZ5006', 'dazzle.toml', 3]]);
    expect(lower(`${APP}${USER}`, toml, 'dev').value).toBeDefined();
  });
});

describe('the VPC range', () => {
  // The config refuses a block the layout cannot use, at its line, before anything is planned on it.
  const config = (toml: string, environment?: 'dev' | 'prod') => loadConfig({ path: 'dazzle.toml', text: toml, ...(environment ? { environment } : {}) });

  it('a /24 has room for one /24 subnet, not 2 zones × 3 tiers: an error at vpc_cidr that names /21', () => {
    const r = config('[deploy.network]\nvpc_cidr = "10.0.0.0/24"\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col, d.keyPath])).toEqual([['DZ4024', 2, 12, 'deploy.network.vpc_cidr']]);
    expect(r.diagnostics[0]?.hint).toMatch(/\/21\b.*"10\.0\.0\.0\/21"/);
  });

  it('3 zones (prod) need 9 subnets: a /21 is too small, a /20 fits', () => {
    const small = config('[deploy.network]\nvpc_cidr = "10.0.8.0/21"\n', 'prod');
    expect(at(small)).toEqual([['DZ4024', 'dazzle.toml', 2]]);
    expect(small.diagnostics[0]?.hint).toMatch(/\/20\b.*"10\.0\.0\.0\/20"/);
    // (Prod without a domain is a warning of its own, DZ5080.)
    expect(lower(`${APP}${USER}`, '[deploy.network]\nvpc_cidr = "10.0.16.0/20"\n', 'prod').diagnostics.filter((d) => d.code !== 'DZ5080')).toEqual([]);
  });

  it('an address that is not the start of its range is an error that suggests the network address', () => {
    const r = config('[deploy.network]\nvpc_cidr = "10.0.1.0/16"\n');
    expect(at(r)).toEqual([['DZ4023', 'dazzle.toml', 2]]);
    expect(r.diagnostics[0]?.hint).toContain('"10.0.0.0/16"');
  });
});

describe('variables the services receive', () => {
  const QUEUE = 'channel jobs "Jobs":\n  kind: queue\n';
  const LEDGER = 'ledger Cash "Cash":\n  account_code: 1\n  account_type: asset\n  currency: GBP\n';

  it('[deploy.compute.env] setting a generated variable is an error at its line, related to what generates it', () => {
    const r = lower(`${APP}${USER}${QUEUE}`, '[deploy.compute.env]\nLOG_LEVEL = "info"\nDATABASE_HOST = "db.example.com"\nQUEUE_JOBS_URL = "x"\nDAZZLE_PROCESS = "web"\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.keyPath])).toEqual([
      ['DZ5012', 3, 'deploy.compute.env.DATABASE_HOST'],
      ['DZ5012', 4, 'deploy.compute.env.QUEUE_JOBS_URL'],
      ['DZ5012', 5, 'deploy.compute.env.DAZZLE_PROCESS'],
    ]);
    // DATABASE_HOST comes from the entity; QUEUE_JOBS_URL from the channel (dsl/app.dsl lines 3 and 5).
    expect(r.diagnostics.map((d) => d.related.map((x) => `${x.span.file}:${x.span.line}`))).toEqual([['dsl/app.dsl:3'], ['dsl/app.dsl:5'], []]);
  });

  it('TIGERBEETLE_ADDRESSES in a service env is an error at its line in that service table', () => {
    const r = lower(`${APP}${LEDGER}`, '[deploy.services.api]\nport = 8080\n[deploy.services.api.env]\nTIGERBEETLE_ADDRESSES = "10.0.0.1:3000"\n');
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.keyPath])).toEqual([['DZ5012', 4, 'deploy.services.api.env.TIGERBEETLE_ADDRESSES']]);
  });

  it('a plain variable with the name of a secret (generated or needed) is an error, and no code frame shows its value', () => {
    const llm = 'llm_model fast "Fast":\n  provider: anthropic\n  model_id: claude-3-haiku\n';
    const r = lower(`${APP}${USER}${llm}`, '[deploy.compute.env]\nANTHROPIC_API_KEY = "sk-ant-123"\nDATABASE_PASSWORD = "hunter2"\n');
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.sensitive])).toEqual([
      ['DZ5013', 2, true],
      ['DZ5013', 3, true],
    ]);
    expect(JSON.stringify(r.diagnostics)).not.toMatch(/sk-ant-123|hunter2/);
  });

  it('a [deploy.secrets] entry with the name of a generated plain variable is an error at its line', () => {
    const r = lower(`${APP}${USER}`, '[deploy.secrets]\ndatabase_host = "ssm:/app/db-host"\n');
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.keyPath, d.sensitive])).toEqual([['DZ5013', 2, 'deploy.secrets.database_host', true]]);
  });

  it('a [deploy.secrets] database_password is the database password: the cluster is created with it and the services read it', () => {
    const r = lower(`${APP}${USER}`, '[deploy.secrets]\ndatabase_password = "ssm:/app/db-password"\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.secrets.map((s) => [s.env, s.from])).toEqual([['DATABASE_PASSWORD', { kind: 'reference', ref: 'ssm:/app/db-password' }]]);
    // A Secrets Manager secret (by name or by ARN, with a JSON key) is accepted too.
    expect(lower(`${APP}${USER}`, '[deploy.secrets]\ndatabase_password = "secretsmanager:app/db:password"\n').diagnostics).toEqual([]);
  });

  it('a [deploy.secrets] database_user cannot choose the database user (fixed at creation): an error at its line, and nothing after it', () => {
    const r = lower(`${APP}${USER}`, '[deploy]\nregion = "us-east-1"\n[deploy.secrets]\ndatabase_user = "ssm:/app/db-user"\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col, d.keyPath, d.sensitive])).toEqual([['DZ5040', 4, 17, 'deploy.secrets.database_user', true]]);
    // Without a database there is no master user: DATABASE_USER is an ordinary secret then.
    expect(lower(APP, '[deploy.secrets]\ndatabase_user = "ssm:/app/db-user"\n').diagnostics).toEqual([]);
  });

  it('a database_password naming an SSM parameter by ARN is an error at its line (CloudFormation reads the master password by name)', () => {
    const r = lower(`${APP}${USER}`, '[deploy.secrets]\ndatabase_password = "ssm:arn:aws:ssm:us-east-1:210987654321:parameter/shared/db"\n');
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.keyPath])).toEqual([['DZ5041', 2, 'deploy.secrets.database_password']]);
    expect(r.diagnostics[0]?.message).toContain("'/shared/db'");
  });

  it('a [deploy.secrets] PGPASSWORD is an error at its line: it is the database password, set from one source', () => {
    const r = lower(`${APP}${USER}`, '[deploy.secrets]\npgpassword = "ssm:/app/pg"\n');
    expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.keyPath])).toEqual([['DZ5012', 2, 'deploy.secrets.pgpassword']]);
  });

  it('config("X") of a variable dazzle generates is supplied by it: no secret is created', () => {
    const dsl = `${APP}${USER}webhook Hook "Hook":\n  entity: User\n  events: [created]\n  url: config("DATABASE_HOST")\n`;
    const r = lower(dsl);
    expect(r.diagnostics).toEqual([]);
    expect(r.value?.secrets).toEqual([]);
  });

  it('config("X") with a name that is no environment variable name is an error at the config() value', () => {
    const dsl = `${APP}${USER}webhook Hook "Hook":\n  entity: User\n  events: [created]\n  url: config("hook url: 1")\n`;
    const r = lower(dsl);
    expect(r.diagnostics.map((d) => [d.code, d.span?.line])).toEqual([['DZ5014', 8]]);
  });
});
