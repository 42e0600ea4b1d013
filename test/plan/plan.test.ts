/** `dazzle deploy plan`: stacks, sizes, provenance, formats, determinism. */
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/index.js';
import { lowerToRequirements } from '../../src/lower/index.js';
import { buildPlan, type DeploymentPlan } from '../../src/plan/index.js';
import { checkTexts, CORPUS, itShared, REPO, runCli, STACK_TRACE, tempProject } from '../helpers.js';

const EXAMPLE = 'examples/ledger-app';

function planJson(args: string[]): DeploymentPlan {
  const r = runCli(['deploy', 'plan', '--format', 'json', ...args]);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
  return JSON.parse(r.stdout) as DeploymentPlan;
}

describe('the seed deployment in prod', () => {
  const plan = planJson(['-p', EXAMPLE, '--env', 'prod']);

  it('has the seven stacks, each deployed after the stacks whose names and parameters it uses (Observability first: the alarm topic)', () => {
    expect(plan.format_version).toBe(1);
    expect(plan.stacks.map((s) => [s.name, s.dependsOn])).toEqual([
      ['Network', []],
      ['TigerBeetle', ['Network', 'Observability']],
      ['Data', ['Network', 'Observability']],
      ['Messaging', ['Observability']],
      // The repository of the images built from the project's Dockerfile: pushed to before Compute deploys.
      ['Images', []],
      ['Compute', ['Network', 'TigerBeetle', 'Data', 'Messaging', 'Images', 'Observability']],
      ['Observability', []],
    ]);
  });

  it('shares values between stacks through SSM parameters the owner publishes, read by the stacks after it', () => {
    const published = new Map(plan.stacks.flatMap((s) => s.resources.filter((r) => r.type === 'AWS::SSM::Parameter' && r.id.endsWith('Parameters')).flatMap((r) => (Object.fromEntries(r.params).parameters as string[]).map((p) => [p, s.name] as const))));
    for (const s of plan.stacks) {
      for (const read of s.reads) {
        const owner = published.get(read);
        expect(owner, `${s.name} reads ${read}`).toBeDefined();
        expect(s.dependsOn, `${s.name} reads ${read}`).toContain(owner);
      }
    }
    expect(plan.stacks.find((s) => s.name === 'Compute')?.reads).toEqual([
      '/ledger_app/prod/network/vpc-id',
      '/ledger_app/prod/network/subnets/public',
      '/ledger_app/prod/network/subnets/private',
      '/ledger_app/prod/network/security-groups/load-balancer',
      '/ledger_app/prod/network/security-groups/service',
      '/ledger_app/prod/data/creation-id',
      '/ledger_app/prod/data/database/host',
      '/ledger_app/prod/data/database/reader-host',
    ]);
  });

  it('lists every alarm in the stack that owns what it watches, and prices each', () => {
    const alarms = plan.stacks.flatMap((s) => s.resources.filter((r) => r.type === 'AWS::CloudWatch::Alarm').map((r) => [s.name, r.id]));
    expect(alarms).toEqual(plan.aws.alarms.map((a) => [a.stack, a.id]));
    expect(new Set(alarms.map(([stack]) => stack))).toEqual(new Set(['TigerBeetle', 'Data', 'Messaging', 'Compute']));
    const dashboard = plan.stacks.find((s) => s.name === 'Observability')?.resources.find((r) => r.id === 'Dashboard');
    expect(Object.fromEntries(dashboard?.params ?? []).alarms).toBe(alarms.length);
  });

  it('runs TigerBeetle as 3 × r6i.large with 100 GB and 10000 IOPS, one ordered address list', () => {
    const tb = plan.stacks.find((s) => s.name === 'TigerBeetle');
    const replicas = tb?.resources.filter((r) => r.type === 'AWS::AutoScaling::AutoScalingGroup') ?? [];
    expect(replicas.map((r) => r.id)).toEqual(['Replica0', 'Replica1', 'Replica2']);
    for (const r of replicas) {
      expect(Object.fromEntries(r.params)).toMatchObject({ instance: 'r6i.large', volume: '100 GiB gp3, 10000 IOPS, 500 MiB/s, encrypted' });
    }
    const addresses = replicas.map((r) => `${Object.fromEntries(r.params).address}:3000`).join(',');
    for (const s of plan.services) expect(s.variables).toContainEqual({ name: 'TIGERBEETLE_ADDRESSES', kind: 'value', value: addresses });
  });

  it('carries the typed AWS choices that generate renders', () => {
    const tb = plan.aws.tigerbeetle;
    expect(tb).toMatchObject({ instanceType: 'r6i.large', clusterId: 1, version: '0.17.9', volume: { type: 'gp3', sizeGb: 100, iops: 10000, throughput: 500 }, clientPort: 3000, image: { kind: 'first-deploy' } });
    expect(tb).not.toHaveProperty('replicationPort');
    expect(tb?.nodes.map((n) => [n.id, n.az, n.address])).toEqual([
      ['Replica0', 0, '10.0.3.10'],
      ['Replica1', 1, '10.0.4.10'],
      ['Replica2', 2, '10.0.5.10'],
    ]);
    expect(plan.aws.network.subnets).toEqual({
      public: ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/24'],
      private: ['10.0.3.0/24', '10.0.4.0/24', '10.0.5.0/24'],
      isolated: ['10.0.6.0/24', '10.0.7.0/24', '10.0.8.0/24'],
    });
    // Every replica's address lies in the private subnet of its AZ.
    for (const n of tb?.nodes ?? []) expect(n.address.startsWith(plan.aws.network.subnets.private[n.az]?.replace('0/24', '') ?? '?')).toBe(true);
    expect(plan.aws.database).toMatchObject({ mode: 'provisioned', instanceClass: 'db.t3.medium', readers: 1, deletionProtection: true, removalPolicy: 'snapshot' });
    expect(plan.aws.services.map((s) => [s.name, s.role, s.image])).toEqual([
      ['web', 'web', { kind: 'asset', dockerfile: 'Dockerfile' }],
      ['worker', 'worker', { kind: 'asset', dockerfile: 'Dockerfile' }],
    ]);
  });

  it('traces resources to the DSL and the config', () => {
    const replica = plan.stacks.find((s) => s.name === 'TigerBeetle')?.resources[0];
    expect(replica?.because).toContainEqual(expect.objectContaining({ kind: 'dsl', construct: 'ledger', name: 'CustomerWallet', span: expect.objectContaining({ line: 5 }) }));
    expect(replica?.because).toContainEqual(expect.objectContaining({ kind: 'config', key: 'deploy.tigerbeetle.node_count', value: '3', source: expect.objectContaining({ kind: 'file', line: 27 }) }));
  });

  it('passes secrets only as secrets, and estimates a monthly cost', () => {
    for (const s of plan.services) {
      const secretNames = s.variables.filter((v) => v.kind === 'secret').map((v) => v.name);
      expect(secretNames).toEqual(expect.arrayContaining(['API_KEY', 'DATABASE_PASSWORD']));
      expect(s.variables.filter((v) => v.kind === 'value').map((v) => v.name)).not.toContain('DATABASE_PASSWORD');
    }
    expect(plan.total.low).toBeGreaterThan(500);
    expect(plan.total.high).toBeGreaterThan(plan.total.low);
    expect(plan.prices).toMatchObject({ region: 'us-east-1', bundled: true });
  });
});

describe('deploy plan', () => {
  it('prints text, json and markdown; json is byte-identical across runs', () => {
    const text = runCli(['deploy', 'plan', '-p', EXAMPLE]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Deployment plan for 'ledger_app' — staging, us-east-1/);
    expect(text.stdout).toContain('because: ledger CustomerWallet (examples/ledger-app/dsl/ledgers.dsl:5)');
    expect(text.stdout).toMatch(/Estimated monthly cost: \$[\d,.]+–\$[\d,.]+ \(an estimate/);
    const a = runCli(['deploy', 'plan', '-p', EXAMPLE, '--format', 'json']);
    const b = runCli(['deploy', 'plan', '-p', EXAMPLE, '--format', 'json']);
    expect(a.stdout).toBe(b.stdout);
    const md = runCli(['deploy', 'plan', '-p', EXAMPLE, '--format', 'markdown']);
    expect(md.code).toBe(0);
    expect(md.stdout).toContain('```mermaid\ngraph LR');
    expect(md.stdout).toContain('  Network --> TigerBeetle');
    expect(md.stdout).toContain('| TigerBeetle | `Replica0` | AWS::AutoScaling::AutoScalingGroup |');
  });

  it('a bad cron expression is exit 2 at the line of its cron:', () => {
    const dir = tempProject({ 'dsl/app.dsl': 'app t "T"\n\nschedule nightly "Nightly":\n  cron: "0 2 * *"\n' });
    const r = runCli(['deploy', 'plan', '-p', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dsl\/app\.dsl:4:9 - error DZ5003: schedule 'nightly': cron expression '0 2 \* \*' has 4 fields/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
  });

  itShared('no ledgers: no TigerBeetle stack; no queues or buses: no Messaging resources for them', () => {
    const plan = planJson(['-p', join(CORPUS, 'acme_billing')]);
    expect(plan.stacks.map((s) => s.name)).toEqual(['Network', 'Data', 'Images', 'Compute', 'Observability']);
    expect(plan.services.flatMap((s) => s.variables.map((v) => v.name))).not.toContain('TIGERBEETLE_ADDRESSES');
  });

  itShared('plans every corpus project', () => {
    for (const p of readdirSync(CORPUS).filter((d) => !d.startsWith('corpora') && d !== 'LICENSE')) {
      const r = runCli(['deploy', 'plan', '--format', 'json', '-p', join(CORPUS, p)]);
      expect(r.code, p).toBe(0);
      expect((JSON.parse(r.stdout) as DeploymentPlan).app).toBe(p);
    }
  });
});

describe('checks that need the config and the plan together run at plan and at generate', () => {
  it('[deploy] enabled = false: plan and generate refuse with exit 2 at that line, and nothing is written', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\nenabled = false\n', 'dsl/app.dsl': 'app t "T"\n\nentity User "User":\n  id: uuid pk\n' });
    for (const command of ['plan', 'generate']) {
      const r = runCli(['deploy', command, '-p', dir]);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toMatch(/dazzle\.toml:3:11 - error DZ5006: /);
      expect(r.stderr).not.toMatch(STACK_TRACE);
    }
    expect(existsSync(join(dir, 'infra'))).toBe(false);
  });

  it('a configured DATABASE_HOST is an error at its line at generate (it used to give duplicate keys that tsc rejected)', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy.compute.env]\nDATABASE_HOST = "db.internal"\n', 'dsl/app.dsl': 'app t "T"\n\nentity User "User":\n  id: uuid pk\n', Dockerfile: 'FROM scratch\n' });
    const r = runCli(['deploy', 'generate', '-p', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/dazzle\.toml:2:17 - error DZ5012: /);
    expect(existsSync(join(dir, 'infra'))).toBe(false);
  });
});

describe('what each service receives', () => {
  it("a named service's own env reaches that service only; the worker receives [deploy.compute.env]", () => {
    const front = checkTexts({ 'dsl/app.dsl': 'app t "T"\n\nchannel jobs "Jobs":\n  kind: queue\n' });
    const toml = '[deploy.compute.env]\nLOG_LEVEL = "info"\n[deploy.services.web]\npaths = ["/"]\n[deploy.services.api]\npaths = ["/api/*"]\n[deploy.services.api.env]\nLOG_LEVEL = "debug"\nAPI_MODE = "strict"\n';
    const config = loadConfig({ path: 'dazzle.toml', text: toml }).value;
    if (!front.value.spec || !config) throw new Error('bad fixture');
    const lowered = lowerToRequirements(front.value.spec, config);
    if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => d.message).join('\n'));
    const vars = (name: string, role: string) => {
      const s = buildPlan(lowered.value as NonNullable<typeof lowered.value>, config).services.find((x) => x.name === name && x.role === role);
      return Object.fromEntries((s?.variables ?? []).flatMap((v) => (v.kind === 'value' && (v.name === 'LOG_LEVEL' || v.name === 'API_MODE') ? [[v.name, v.value]] : [])));
    };
    expect(vars('api', 'web')).toEqual({ LOG_LEVEL: 'debug', API_MODE: 'strict' });
    expect(vars('web', 'web')).toEqual({ LOG_LEVEL: 'info' });
    expect(vars('worker', 'worker')).toEqual({ LOG_LEVEL: 'info' });
  });
});

describe('determinism', () => {
  const files = readdirSync(join(REPO, EXAMPLE, 'dsl')).map((f) => readFileSync(join(REPO, EXAMPLE, 'dsl', f), 'utf8'));
  // The example's declarations, without module/use lines: each starts at column 1.
  const decls = files
    .flatMap((t) => t.split(/\n(?=[a-z])/))
    .map((d) => d.trim())
    .filter((d) => d && !d.startsWith('#') && !d.startsWith('module ') && !d.startsWith('use '));
  const config = loadConfig({ path: 'dazzle.toml', text: readFileSync(join(REPO, EXAMPLE, 'dazzle.toml'), 'utf8'), environment: 'prod' }).value;
  const planOf = (texts: Record<string, string>) => {
    const front = checkTexts(texts);
    if (!front.value.spec || !config) throw new Error(JSON.stringify(front.diagnostics.slice(0, 2)));
    const lowered = lowerToRequirements(front.value.spec, config);
    if (!lowered.value) throw new Error('lowering failed');
    // Provenance names files and lines, which move with the declarations; everything else must not change.
    return JSON.stringify(buildPlan(lowered.value, config), (k, v) => (k === 'because' ? undefined : v));
  };

  it('permuting declarations across files gives the same plan', () => {
    const reference = planOf({ 'dsl/all.dsl': decls.join('\n\n') });
    fc.assert(
      fc.property(fc.shuffledSubarray(decls, { minLength: decls.length, maxLength: decls.length }), fc.array(fc.integer({ min: 0, max: 3 }), { minLength: decls.length, maxLength: decls.length }), (order, fileOf) => {
        const texts: Record<string, string> = {};
        order.forEach((d, i) => {
          const f = `dsl/part${fileOf[i]}.dsl`;
          texts[f] = `${texts[f] ?? ''}${d}\n\n`;
        });
        expect(planOf(texts)).toBe(reference);
      }),
      { seed: 11, numRuns: 40 },
    );
  });
});

describe('values that look like credentials', () => {
  it('a plain variable holding a key is not printed by plan, in text or JSON; generate still renders it', () => {
    const key = `sk_live_${'4eC39HqLyjWDarjtT1zdp7dc'}`;
    const project = tempProject({
      'dazzle.toml': `[deploy]\nregion = "eu-west-1"\n[deploy.compute.env]\nSTRIPE_KEY = "${key}"\nLOG_LEVEL = "info"\n`,
      'dsl/app.dsl': 'module shop.app\napp shop "Shop"\nentity User "User":\n  id: uuid pk\n',
    });
    for (const format of ['text', 'json', 'markdown']) {
      const r = runCli(['deploy', 'plan', '-p', project, '--format', format]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout + r.stderr, format).not.toContain(key);
    }
    const json = JSON.parse(runCli(['deploy', 'plan', '-p', project, '--format', 'json']).stdout) as { services: { variables: { name: string; value?: string }[] }[] };
    // A value that is no credential is shown as it is.
    expect(json.services[0]?.variables.find((v) => v.name === 'LOG_LEVEL')?.value).toBe('info');
    expect(runCli(['deploy', 'generate', '-p', project]).code).toBe(0);
    expect(readFileSync(join(project, 'infra', 'lib', 'compute-stack.ts'), 'utf8')).toContain(key);
  });
});
