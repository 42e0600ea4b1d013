/**
 * `dazzle deploy plan` shows the availability zones the VPC spans, in every format, and the
 * subnet layout and the TigerBeetle addresses follow those zones: the region's zones from the
 * bundled table, or the ones [deploy.network] availability_zones names.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { exampleIn } from '../example-in.js';
import { runCli } from '../helpers.js';

function plan(dir: string, format: 'text' | 'json' | 'markdown', env = 'staging'): string {
  const r = runCli(['deploy', 'plan', '--project', dir, '--env', env, '--format', format]);
  expect(r.code, r.stderr).toBe(0);
  return r.stdout;
}

describe('deploy plan in us-west-1 (two zones, b and c for most accounts)', () => {
  const dir = exampleIn('us-west-1');

  it('text: the VPC lists its zones', () => {
    const lines = plan(dir, 'text').split('\n');
    const vpc = lines.findIndex((l) => l.startsWith('  Vpc  AWS::EC2::VPC  '));
    expect(vpc, lines.slice(0, 12).join('\n')).toBeGreaterThan(0);
    expect(lines.slice(vpc, vpc + 8)).toContain('    availability zones: us-west-1b, us-west-1c');
  });

  it('json: the zones, the subnets in them, and the replicas spread over them at addresses in those subnets', () => {
    const p = JSON.parse(plan(dir, 'json')) as DeploymentPlan;
    expect(p.aws.network.zones).toEqual(['us-west-1b', 'us-west-1c']);
    expect(p.aws.network.subnets).toEqual({ public: ['10.0.0.0/24', '10.0.1.0/24'], private: ['10.0.2.0/24', '10.0.3.0/24'], isolated: ['10.0.4.0/24', '10.0.5.0/24'] });
    expect(p.aws.tigerbeetle?.nodes.map((n) => [n.address, p.aws.network.zones[n.az]])).toEqual([
      ['10.0.2.10', 'us-west-1b'],
      ['10.0.3.10', 'us-west-1c'],
      ['10.0.2.11', 'us-west-1b'],
    ]);
    expect(p.aws.tigerbeetle?.addresses).toEqual(['10.0.2.10:3000', '10.0.3.10:3000', '10.0.2.11:3000']);
  });

  it('markdown: a line names the zones', () => {
    expect(plan(dir, 'markdown').split('\n')).toContain('Availability zones: `us-west-1b`, `us-west-1c`');
  });
});

describe('deploy plan with [deploy.network] availability_zones', () => {
  it('plans the named zones, in their order, and the count follows them in prod', () => {
    const dir = exampleIn('ap-northeast-1', '[deploy.network]\navailability_zones = ["ap-northeast-1d", "ap-northeast-1a"]\nnat_gateways = 2\n');
    const p = JSON.parse(plan(dir, 'json', 'prod')) as DeploymentPlan;
    expect(p.aws.network).toMatchObject({ zones: ['ap-northeast-1d', 'ap-northeast-1a'], azCount: 2, natGateways: 2 });
    expect(p.aws.tigerbeetle?.nodes.map((n) => p.aws.network.zones[n.az])).toEqual(['ap-northeast-1d', 'ap-northeast-1a', 'ap-northeast-1d']);
    const vpc = p.stacks.find((s) => s.name === 'Network')?.resources.find((r) => r.id === 'Vpc');
    expect(vpc?.params).toContainEqual(['availability zones', ['ap-northeast-1d', 'ap-northeast-1a']]);
    expect(vpc?.because.map((b) => (b.kind === 'config' ? b.key : b.name))).toContain('deploy.network.availability_zones');
  });

  it('refuses az_count above the zones of the region at the key, and plans nothing', () => {
    const dir = exampleIn('us-west-1', '[deploy.network]\naz_count = 3\n');
    const r = runCli(['deploy', 'plan', '--project', dir, '--env', 'prod', '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { diagnostics: { code: string; line: number | null }[] };
    const line = readFileSync(join(dir, 'dazzle.toml'), 'utf8').split('\n').indexOf('az_count = 3') + 1;
    expect(out.diagnostics.filter((d) => d.code.startsWith('DZ40')).map((d) => [d.code, d.line])).toEqual([['DZ4063', line]]);
  });
});
