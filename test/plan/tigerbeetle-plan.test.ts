/**
 * What the plan says about the TigerBeetle cluster's placement and image: with fewer zones
 * than replicas it says which replicas share a zone and what losing that zone does (a warning
 * in prod when it stops the cluster); prod spreads 3 replicas over 3 zones; every replica shows
 * the image it runs.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readProject } from '../../src/cli/io.js';
import { loadConfig, type Environment } from '../../src/config/index.js';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { lowerToRequirements, sharedZones } from '../../src/lower/index.js';
import { buildPlan, planText, type DeploymentPlan } from '../../src/plan/index.js';
import { frontEnd } from '../../src/project/index.js';
import { CORPUS, REPO, sharedCases } from '../helpers.js';

const LEDGER_APP = join(REPO, 'examples/ledger-app');

/** The plan and the lowering diagnostics of `project` in `environment`, with `extra` appended to its dazzle.toml. */
function planOf(project: string, environment: Environment, extra = ''): { plan: DeploymentPlan; diagnostics: readonly Diagnostic[]; text: string } {
  const files = readProject(project, REPO);
  const spec = frontEnd(files.dsl).value.spec;
  if (!spec) throw new Error(`${project}: the DSL does not check`);
  const text = `${files.configText ?? ''}\n${extra}`;
  const loaded = loadConfig({ path: 'dazzle.toml', text, environment });
  if (!loaded.value) throw new Error(loaded.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  const lowered = lowerToRequirements(spec, loaded.value);
  if (!lowered.value) throw new Error(lowered.diagnostics.map((d) => `${d.code} ${d.message}`).join('; '));
  return { plan: buildPlan(lowered.value, loaded.value), diagnostics: lowered.diagnostics, text };
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.startsWith(needle)) + 1;
const zoneNotes = (plan: DeploymentPlan) => plan.notes.filter((n) => n.startsWith('TigerBeetle replicas'));

describe('TigerBeetle replicas and availability zones', () => {
  it('staging (3 replicas, 2 zones): the plan says replicas 0 and 2 share zone #1 and that losing it stops the cluster', () => {
    const { plan, diagnostics } = planOf(LEDGER_APP, 'staging');
    expect(plan.aws.network.azCount).toBe(2);
    expect(plan.aws.tigerbeetle?.nodes.map((n) => n.az)).toEqual([0, 1, 0]);
    expect(zoneNotes(plan)).toEqual([expect.stringMatching(/^TigerBeetle replicas 0 and 2 share availability zone #1 \(3 replicas in 2 zones\): losing that zone stops the cluster: it leaves 1 of 3 replicas, and 2 are needed/)]);
    expect(planText(plan)).toContain(`Note: ${zoneNotes(plan)[0]}`);
    // Staging is told, not warned.
    expect(diagnostics.filter((d) => d.code === 'DZ5060')).toEqual([]);
  });

  it('prod spreads 3 replicas over 3 zones by default: no zone holds two, no note, no warning', () => {
    for (const project of [LEDGER_APP, ...sharedCases('fieldtest_hub', () => [join(CORPUS, 'fieldtest_hub')])]) {
      const { plan, diagnostics } = planOf(project, 'prod');
      const nodes = plan.aws.tigerbeetle?.nodes ?? [];
      expect(nodes).toHaveLength(3);
      expect(new Set(nodes.map((n) => n.az)).size).toBe(3);
      expect(plan.aws.network.azCount).toBe(3);
      expect(zoneNotes(plan)).toEqual([]);
      expect(diagnostics.filter((d) => d.code === 'DZ5060')).toEqual([]);
    }
  });

  it('prod in 2 zones is a DZ5060 warning at the az_count line, and the plan notes it', () => {
    const { plan, diagnostics, text } = planOf(LEDGER_APP, 'prod', '[deploy.env.prod.network]\naz_count = 2\nnat_gateways = 2\n');
    const warning = diagnostics.filter((d) => d.code === 'DZ5060');
    expect(warning.map((d) => [d.severity, d.span?.line, d.span?.col])).toEqual([['warning', lineOf(text, 'az_count = 2'), 12]]);
    expect(warning[0]?.message).toMatch(/replicas 0 and 2 share availability zone #1/);
    expect(warning[0]?.hint).toMatch(/az_count = 3/);
    expect(zoneNotes(plan)).toHaveLength(1);
  });

  it('tells a zone whose loss leaves a majority from one whose loss does not', () => {
    expect(sharedZones(3, 2)).toEqual([{ zone: 0, replicas: [0, 2], survives: false }]);
    expect(sharedZones(5, 3)).toEqual([
      { zone: 0, replicas: [0, 3], survives: true },
      { zone: 1, replicas: [1, 4], survives: true },
    ]);
    expect(sharedZones(4, 3)).toEqual([{ zone: 0, replicas: [0, 3], survives: false }]);
    expect(sharedZones(3, 3)).toEqual([]);
    expect(sharedZones(1, 2)).toEqual([]);
    const five = planOf(LEDGER_APP, 'prod', '[deploy.env.prod.tigerbeetle]\nnode_count = 5\n');
    expect(zoneNotes(five.plan)).toEqual([expect.stringMatching(/^TigerBeetle replicas 0 and 3 share .*: losing that zone leaves 3 of 5 replicas, still a majority\.$/), expect.stringMatching(/^TigerBeetle replicas 1 and 4 share/)]);
    expect(five.diagnostics.filter((d) => d.code === 'DZ5060')).toEqual([]);
  });
});

describe('TigerBeetle image in the plan', () => {
  it('is Amazon Linux 2023 resolved at the first deploy unless tigerbeetle.ami pins one', () => {
    const first = planOf(LEDGER_APP, 'prod').plan;
    expect(first.aws.tigerbeetle?.image).toEqual({ kind: 'first-deploy' });
    const replicas = first.stacks.find((s) => s.name === 'TigerBeetle')?.resources.filter((r) => /^Replica\d+$/.test(r.id)) ?? [];
    expect(replicas).toHaveLength(3);
    for (const r of replicas) expect(Object.fromEntries(r.params).image).toMatch(/^Amazon Linux 2023, the latest at the first deploy, then kept/);

    const pinned = planOf(LEDGER_APP, 'prod', '[deploy.env.prod.tigerbeetle]\nami = "ami-0123456789abcdef0"\n').plan;
    expect(pinned.aws.tigerbeetle?.image).toEqual({ kind: 'pinned', ami: 'ami-0123456789abcdef0' });
    const row = pinned.stacks.find((s) => s.name === 'TigerBeetle')?.resources.find((r) => r.id === 'Replica0');
    expect(Object.fromEntries(row?.params ?? []).image).toBe('ami-0123456789abcdef0 (pinned)');
    expect(row?.because.some((b) => b.kind === 'config' && b.key === 'deploy.tigerbeetle.ami')).toBe(true);
  });

  it('uses no port but the client port (3000): TigerBeetle has no separate replication port', () => {
    const tb = planOf(LEDGER_APP, 'prod').plan.aws.tigerbeetle;
    expect(tb?.clientPort).toBe(3000);
    expect(tb).not.toHaveProperty('replicationPort');
  });
});
