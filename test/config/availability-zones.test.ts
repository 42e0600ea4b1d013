/**
 * The availability zones a configuration resolves to: the region's zones from the bundled
 * table (not `<region>a/b/c`), or the list written in [deploy.network] availability_zones, whose
 * length az_count follows. Refusals are rows in bad-configs.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { AVAILABILITY_ZONES_AS_OF, AWS_REGIONS, configValues, loadConfig, regionZones, type Environment, type ResolvedConfig } from '../../src/config/index.js';

function resolved(toml: string, environment: Environment = 'dev'): ResolvedConfig {
  const r = loadConfig({ path: 'dazzle.toml', text: toml, environment });
  if (!r.value) throw new Error(r.diagnostics.map((d) => `${d.code} ${d.message}`).join('\n'));
  return r.value;
}

const zonesOf = (toml: string, env: Environment = 'dev') => resolved(toml, env).deploy.network.availability_zones;

describe('the bundled table of zone names', () => {
  it('is dated and lists at least two zones, named <region><letter>, for every supported region', () => {
    expect(AVAILABILITY_ZONES_AS_OF).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const region of AWS_REGIONS) {
      const zones = regionZones(region);
      expect(zones.length, region).toBeGreaterThanOrEqual(2);
      expect(new Set(zones).size, region).toBe(zones.length);
      for (const z of zones) expect(z, region).toMatch(new RegExp(`^${region}[a-z]$`));
    }
  });

  it('has the names most accounts have where they are not a, b, c', () => {
    expect(regionZones('us-west-1')).toEqual(['us-west-1b', 'us-west-1c']);
    expect(regionZones('ap-northeast-1')).toEqual(['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d']);
    expect(regionZones('ca-central-1')).toEqual(['ca-central-1a', 'ca-central-1b', 'ca-central-1d']);
    expect(regionZones('us-east-1')).toHaveLength(6);
  });
});

describe('the zones a configuration resolves to', () => {
  it("are the region's first az_count zones, for each environment's az_count", () => {
    expect(zonesOf('[deploy]\nregion = "ap-northeast-1"\n', 'prod')).toEqual(['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d']);
    expect(zonesOf('[deploy]\nregion = "ap-northeast-1"\n', 'dev')).toEqual(['ap-northeast-1a', 'ap-northeast-1c']);
    expect(zonesOf('[deploy]\nregion = "us-west-1"\n', 'staging')).toEqual(['us-west-1b', 'us-west-1c']);
    expect(zonesOf('[deploy]\nregion = "ca-central-1"\n', 'prod')).toEqual(['ca-central-1a', 'ca-central-1b', 'ca-central-1d']);
    expect(zonesOf('', 'prod')).toEqual(['us-east-1a', 'us-east-1b', 'us-east-1c']);
  });

  it('follow a region set per environment', () => {
    const toml = '[deploy]\nregion = "eu-west-1"\n\n[deploy.env.prod]\nregion = "ap-northeast-1"\n';
    expect(zonesOf(toml, 'dev')).toEqual(['eu-west-1a', 'eu-west-1b']);
    expect(zonesOf(toml, 'prod')).toEqual(['ap-northeast-1a', 'ap-northeast-1c', 'ap-northeast-1d']);
  });

  it('are the list written in the file, and az_count follows its length', () => {
    const toml = '[deploy]\nregion = "us-west-1"\n\n[deploy.network]\navailability_zones = ["us-west-1c", "us-west-1b"]\nnat_gateways = 2\n';
    const c = resolved(toml, 'prod');
    expect(c.deploy.network).toMatchObject({ availability_zones: ['us-west-1c', 'us-west-1b'], az_count: 2 });
    expect(c.sources['network.az_count']).toEqual({ kind: 'inherited', from: 'network.availability_zones' });
    expect(c.sources['network.availability_zones']).toMatchObject({ kind: 'file', line: 5 });
  });

  it('an empty list means the region\'s zones', () => {
    expect(zonesOf('[deploy]\nregion = "us-west-1"\n\n[deploy.network]\navailability_zones = []\n')).toEqual(['us-west-1b', 'us-west-1c']);
  });

  it('a zone of the region that the table does not list loads, with a DZ4061 warning at that zone', () => {
    const r = loadConfig({ path: 'dazzle.toml', text: '[deploy]\nregion = "us-west-1"\n\n[deploy.network]\navailability_zones = ["us-west-1a", "us-west-1c"]\n', environment: 'dev' });
    expect(r.value?.deploy.network.availability_zones).toEqual(['us-west-1a', 'us-west-1c']);
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col])).toEqual([['DZ4061', 'warning', 5, 23]]);
    expect(r.diagnostics[0]?.related?.[0]?.span).toMatchObject({ line: 2, col: 10 });
  });

  it('config show gives the zones and where they come from', () => {
    const shown = configValues(resolved('[deploy]\nregion = "us-west-1"\n')).find((v) => v.key === 'network.availability_zones');
    expect(shown).toEqual({ key: 'network.availability_zones', value: ['us-west-1b', 'us-west-1c'], source: { kind: 'inherited', from: 'region' } });
  });
});
