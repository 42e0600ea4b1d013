/**
 * Instance types are checked against the bundled, dated lists at their dazzle.toml line
 * (a typo is an error with a "did you mean"; a type dazzle cannot vouch for is a warning),
 * and the plan never prices a type it has no price for at $0: the resource is not
 * estimated, and a note says so.
 */
import { describe, expect, it } from 'vitest';
import { BASE_DEFAULTS, checkInstanceType, EC2_INSTANCE_TYPES_AS_OF, ENVIRONMENTS, instanceTypes, loadConfig, PROFILES, TIGERBEETLE_SIZES, type InstanceService } from '../../src/config/index.js';
import { PRICES } from '../../src/plan/prices.js';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { runCli, STACK_TRACE, tempProject } from '../helpers.js';

const APP = 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n\nintegration payments "Payments":\n  base_url: "https://pay.example.com"\n';

/** The diagnostics of loading `toml`, as `[code, line, col, hint]`. */
function problems(toml: string) {
  const r = loadConfig({ path: 'dazzle.toml', text: toml });
  return r.diagnostics.filter((d) => d.code !== 'DZ4000').map((d) => [d.code, d.span?.line, d.span?.col, d.hint]);
}

describe('instance types at their dazzle.toml line', () => {
  it.each([
    ['database.instance_class', '[deploy.database]\ninstance_class = "db.r6g.larg"\n', 'db.r6g.large'],
    ['cache.node_type', '[deploy.cache]\nnode_type = "cache.t4g.smal"\n', 'cache.t4g.small'],
    ['kafka.instance_type', '[deploy.kafka]\ninstance_type = "kafka.m5.larg"\n', 'kafka.m5.large'],
    ['a service on EC2', '[deploy.services.api]\nruntime = "ec2"\ninstance_type = "c7gd.meduim"\n', 'c7gd.medium'],
  ])('%s: a typo is DZ4070 at the value, with a "did you mean"', (_, toml, near) => {
    const lines = toml.trimEnd().split('\n');
    const last = lines[lines.length - 1] as string;
    expect(problems(toml)).toEqual([['DZ4070', lines.length, last.indexOf('"') + 1, `did you mean '${near}'?`]]);
  });

  it('tigerbeetle.size: one of the sizes TigerBeetle is deployed on (DZ4003 at the value, with a "did you mean")', () => {
    expect(problems('[deploy.tigerbeetle]\nsize = "r6i.larg"\n')).toEqual([['DZ4003', 2, 8, "did you mean 'r6i.large'?"]]);
  });

  it('a type dazzle cannot vouch for is a warning, and the config loads', () => {
    for (const [toml, line] of [
      ['[deploy.database]\ninstance_class = "db.r10g.large"\n', 2], // a generation newer than the lists
      ['[deploy.cache]\nnode_type = "cache.m7i.large"\n', 2], // EC2 hardware, not an ElastiCache node type dazzle knows
    ] as const) {
      const r = loadConfig({ path: 'dazzle.toml', text: toml });
      expect(r.value, toml).toBeDefined();
      expect(r.diagnostics.filter((d) => d.code !== 'DZ4000').map((d) => [d.code, d.severity, d.span?.line])).toEqual([['DZ4071', 'warning', line]]);
    }
  });

  it('the lists: every listed type is known; look-alikes are not', () => {
    for (const service of ['ec2', 'aurora', 'elasticache', 'msk'] as InstanceService[]) {
      const all = instanceTypes(service);
      expect(all.length, service).toBeGreaterThan(service === 'ec2' ? 1000 : 10);
      for (const t of all) expect(checkInstanceType(service, t), t).toEqual({ kind: 'known' });
    }
    expect(EC2_INSTANCE_TYPES_AS_OF).toMatch(/^\d{4}-\d\d-\d\d$/);
    expect(checkInstanceType('ec2', 'r6i.large')).toEqual({ kind: 'known' });
    expect(checkInstanceType('ec2', 'r6i.larg')).toEqual({ kind: 'unknown', suggestion: 'r6i.large' });
    expect(checkInstanceType('ec2', 'db.r6i.large').kind).toBe('unknown');
    expect(checkInstanceType('aurora', 'r6g.large').kind).toBe('unknown');
    expect(checkInstanceType('aurora', 'db.m5.large')).toEqual({ kind: 'unlisted' });
    expect(checkInstanceType('ec2', 'r6z.large').kind).toBe('unknown'); // not a later generation: a typo
    expect(checkInstanceType('ec2', 'r99g.large')).toEqual({ kind: 'newer' });
    expect(checkInstanceType('ec2', 'r99g.huge').kind).toBe('unknown'); // no such size
    expect(checkInstanceType('ec2', 'constructor.large').kind).toBe('unknown');
  });

  it('every default, every profile and every TigerBeetle size is a known type with a bundled price in every region', () => {
    const d = BASE_DEFAULTS;
    const used: [InstanceService, string, keyof (typeof PRICES)[string]][] = [
      ['aurora', d.database.instance_class, 'aurora'],
      ['elasticache', d.cache.node_type, 'elasticache'],
      ['msk', d.kafka.instance_type, 'msk'],
      ['ec2', d.compute.instance_type, 'ec2'],
      ...TIGERBEETLE_SIZES.map((s): [InstanceService, string, 'ec2'] => ['ec2', s, 'ec2']),
      ...ENVIRONMENTS.flatMap((e): [InstanceService, string, 'ec2'][] => (PROFILES[e].tigerbeetle?.size ? [['ec2', PROFILES[e].tigerbeetle?.size as string, 'ec2']] : [])),
    ];
    for (const [service, type, table] of used) {
      expect(checkInstanceType(service, type), type).toEqual({ kind: 'known' });
      for (const [region, prices] of Object.entries(PRICES)) expect(prices[table] as Record<string, number>, `${type} in ${region}`).toHaveProperty([type]);
    }
    // And every priced type is one dazzle accepts.
    for (const prices of Object.values(PRICES)) {
      for (const t of Object.keys(prices.ec2)) expect(checkInstanceType('ec2', t), t).toEqual({ kind: 'known' });
      for (const t of Object.keys(prices.aurora)) expect(checkInstanceType('aurora', t), t).toEqual({ kind: 'known' });
      for (const t of Object.keys(prices.elasticache)) expect(checkInstanceType('elasticache', t), t).toEqual({ kind: 'known' });
      for (const t of Object.keys(prices.msk)) expect(checkInstanceType('msk', t), t).toEqual({ kind: 'known' });
    }
  });
});

describe('the plan of a type without a bundled price', () => {
  function plan(toml: string): { plan: DeploymentPlan; stderr: string; text: string } {
    const dir = tempProject({ 'dazzle.toml': toml, 'dsl/app.dsl': APP });
    const json = runCli(['deploy', 'plan', '-p', dir, '--format', 'json']);
    expect(json.code, json.stderr).toBe(0);
    const text = runCli(['deploy', 'plan', '-p', dir]);
    expect(text.stderr).not.toMatch(STACK_TRACE);
    return { plan: JSON.parse(json.stdout) as DeploymentPlan, stderr: text.stderr, text: text.stdout };
  }
  const resource = (p: DeploymentPlan, id: string) => p.stacks.flatMap((s) => s.resources).find((r) => r.id === id);

  it('a known type without a price is not estimated (not $0), and a note says so', () => {
    const { plan: p, text } = plan('[deploy]\nregion = "eu-west-1"\n\n[deploy.database]\ninstance_class = "db.r7g.large"\n');
    expect(resource(p, 'Database')?.cost).toBeNull();
    expect(p.notes).toContain('No bundled price for db.r7g.large (deploy.database.instance_class): it is not in the estimate.');
    expect(text).toContain('Note: No bundled price for db.r7g.large');
    const priced = plan('[deploy]\nregion = "eu-west-1"\n\n[deploy.database]\ninstance_class = "db.r6g.large"\n').plan;
    expect(resource(priced, 'Database')?.cost?.low).toBeGreaterThan(100);
    expect(priced.notes.some((n) => n.startsWith('No bundled price'))).toBe(false);
  });

  it('a type dazzle cannot vouch for: a warning at its line, and a cost the plan does not pretend to know', () => {
    const { plan: p, stderr } = plan('[deploy]\nregion = "eu-west-1"\n\n[deploy.cache]\nnode_type = "cache.m7i.large"\n');
    expect(stderr).toMatch(/dazzle\.toml:5:13 - warning DZ4071: cache\.node_type 'cache\.m7i\.large' is EC2 hardware, but not an ElastiCache node type dazzle knows/);
    expect(resource(p, 'Cache')?.cost).toBeNull();
    expect(p.notes).toContain('No bundled price for cache.m7i.large (deploy.cache.node_type): it is not in the estimate.');
  });
});
