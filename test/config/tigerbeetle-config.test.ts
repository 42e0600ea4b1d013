/**
 * [deploy.tigerbeetle] keys that decide what a replica runs on: a size with the memory
 * TigerBeetle documents as a replica's minimum in every profile, a warning at the line of a
 * smaller one, and `ami`, the image the replicas are pinned to.
 */
import { describe, expect, it } from 'vitest';
import { BASE_DEFAULTS, ENVIRONMENTS, loadConfig, PROFILES, TIGERBEETLE_SIZES, type Environment } from '../../src/config/index.js';
import { TIGERBEETLE_INSTANCE_TYPES, TIGERBEETLE_MIN_MEMORY_GIB } from '../../src/config/tigerbeetle-sizes.js';

function load(text: string, environment?: Environment) {
  return loadConfig({ path: 'dazzle.toml', text, ...(environment ? { environment } : {}) });
}
const codes = (text: string, environment?: Environment) => load(text, environment).diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col]);

describe('TigerBeetle node size', () => {
  it('every profile defaults to a size with at least the 6 GiB a replica needs', () => {
    expect(TIGERBEETLE_MIN_MEMORY_GIB).toBe(6);
    for (const env of ENVIRONMENTS) {
      const size = load('[deploy]\n', env).value?.deploy.tigerbeetle.size as keyof typeof TIGERBEETLE_INSTANCE_TYPES;
      expect(TIGERBEETLE_INSTANCE_TYPES[size].memoryGib, `${env}: ${size}`).toBeGreaterThanOrEqual(TIGERBEETLE_MIN_MEMORY_GIB);
      expect(load('[deploy]\n', env).diagnostics, env).toEqual([]);
    }
    expect(PROFILES.dev.tigerbeetle?.size).toBe('t3.large');
    expect(BASE_DEFAULTS.tigerbeetle.size).toBe('r6i.large');
  });

  it('knows the memory of every size it accepts', () => {
    expect(Object.keys(TIGERBEETLE_INSTANCE_TYPES).sort()).toEqual([...TIGERBEETLE_SIZES].sort());
  });

  it('a written size below the minimum is a DZ4050 warning at its line, in the environment that uses it', () => {
    expect(codes('[deploy.tigerbeetle]\nsize = "t3.medium"\n', 'dev')).toEqual([['DZ4050', 'warning', 2, 8]]);
    const r = load('[deploy.tigerbeetle]\nsize = "t3.medium"\n', 'dev');
    expect(r.value?.deploy.tigerbeetle.size).toBe('t3.medium');
    expect(r.diagnostics[0]?.message).toContain("'t3.medium'");
    expect(r.diagnostics[0]?.hint).toMatch(/\bt3\.large\b/);
    // Only in the environment that has it.
    expect(codes('[deploy.env.dev.tigerbeetle]\nsize = "t3.medium"\n', 'prod')).toEqual([['DZ4050', 'warning', 2, 8]]);
    expect(load('[deploy.env.dev.tigerbeetle]\nsize = "t3.medium"\n', 'prod').diagnostics[0]?.message).toContain("(in environment 'dev')");
    // Not when TigerBeetle is off, and not for the sizes that meet the minimum.
    expect(codes('[deploy.tigerbeetle]\nenabled = false\nsize = "t3.medium"\n')).toEqual([]);
    for (const size of ['t3.large', 'm6i.large', 'r6i.large', 'r6i.xlarge', 'r6i.2xlarge']) expect(codes(`[deploy.tigerbeetle]\nsize = "${size}"\n`), size).toEqual([]);
  });
});

describe('TigerBeetle image (tigerbeetle.ami)', () => {
  it('is empty by default: Amazon Linux 2023, resolved at the first deploy', () => {
    for (const env of ENVIRONMENTS) expect(load('[deploy]\n', env).value?.deploy.tigerbeetle.ami).toBe('');
  });

  it('accepts an image ID, per environment', () => {
    const text = '[deploy.tigerbeetle]\nami = "ami-0123456789abcdef0"\n[deploy.env.dev.tigerbeetle]\nami = "ami-12345678"\n';
    expect(load(text, 'prod').value?.deploy.tigerbeetle.ami).toBe('ami-0123456789abcdef0');
    expect(load(text, 'dev').value?.deploy.tigerbeetle.ami).toBe('ami-12345678');
    expect(load(text).diagnostics).toEqual([]);
  });

  it('is an error (DZ4051) at its line where environments in different regions read it: an image ID is regional', () => {
    const text = '[deploy]\nregion = "us-east-1"\n[deploy.tigerbeetle]\nami = "ami-0123456789abcdef0"\n[deploy.env.prod]\nregion = "eu-west-1"\n';
    for (const env of ENVIRONMENTS) {
      const r = load(text, env);
      expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line, d.span?.col]), env).toEqual([['DZ4051', 'error', 4, 7]]);
      expect(r.diagnostics[0]?.message).toContain('dev (us-east-1), staging (us-east-1), prod (eu-west-1)');
    }
    // One image per region: no error.
    expect(load(`${text}[deploy.env.prod.tigerbeetle]\nami = "ami-12345678"\n`, 'prod').diagnostics).toEqual([]);
    // One region for all: no error.
    expect(load('[deploy.tigerbeetle]\nami = "ami-0123456789abcdef0"\n', 'prod').diagnostics).toEqual([]);
  });

  it('refuses anything else at its line (DZ4005)', () => {
    for (const bad of ['ami-0123', 'AMI-0123456789abcdef0', 'ami-0123456789ABCDEF0', 'latest', '/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64', 'ami-0123456789abcdef0 ']) {
      expect(codes(`[deploy.tigerbeetle]\nami = ${JSON.stringify(bad)}\n`), bad).toEqual([['DZ4005', 'error', 2, 7]]);
    }
  });
});
