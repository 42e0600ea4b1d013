/**
 * The ticketing deployment's choices in the plan, without synthesizing: ElastiCache stays the
 * default cache engine, Kvrocks needs a Cloud Map namespace (DZ5120), and the stacks deploy in
 * the seed's stages.
 */
import { describe, expect, it } from 'vitest';
import { planWith } from '../emit/in-process.js';
import { runCli, tempProject } from '../helpers.js';
import { TICKETING } from './synth.js';

describe('the cache engine', () => {
  it('is ElastiCache by default: no Cache stack, REDIS_URL', () => {
    const plan = planWith(TICKETING, 'prod', (c) => ({ ...c, deploy: { ...c.deploy, cache: { ...c.deploy.cache, engine: 'valkey' } } }));
    expect(plan.aws.kvrocks).toBeNull();
    expect(plan.aws.cache?.engine).toBe('valkey');
    expect(plan.stacks.map((s) => s.name)).not.toContain('Cache');
    expect(plan.stacks.find((s) => s.name === 'Compute')?.resources.find((r) => r.id === 'Cache')?.type).toBe('AWS::ElastiCache::ReplicationGroup');
    const web = plan.services.find((s) => s.name === 'ticketing_service');
    expect(web?.variables.map((v) => v.name)).toContain('REDIS_URL');
    expect(web?.variables.map((v) => v.name)).not.toContain('REDIS_SENTINELS');
  });

  it('kvrocks without a namespace is DZ5120 at cache.engine, from plan and generate alike', () => {
    const dir = tempProject({
      'dazzle.toml': '[auth]\nprovider = "session"\n\n[deploy.cache]\nengine = "kvrocks"\n',
      'dsl/app.dsl': 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n',
    });
    for (const command of ['plan', 'generate']) {
      const r = runCli(['deploy', command, '-p', dir, '--format', 'json']);
      expect(r.code).toBe(2);
      const out = JSON.parse(r.stdout) as { diagnostics: { code: string; span?: { line: number; col: number }; file?: string; line?: number; col?: number }[] };
      const d = out.diagnostics.find((x) => x.code === 'DZ5120') as Record<string, any> | undefined;
      expect(d).toBeDefined();
      expect([d?.line ?? d?.span?.line, d?.col ?? d?.span?.col]).toEqual([5, 10]);
    }
  });
});

describe('names in the Cloud Map namespace', () => {
  it('a service registered under a Kvrocks sentinel\'s name is DZ5009 at the service, before anything is generated', () => {
    const toml = '[auth]\nprovider = "session"\n\n[deploy.network]\nnamespace = "shop.local"\n\n[deploy.cache]\nengine = "kvrocks"\n\n[deploy.services.web]\n\n[deploy.services.sentinel_1]\npaths = ["/s/*"]\n';
    const dir = tempProject({ 'dazzle.toml': toml, 'dsl/app.dsl': 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n' });
    for (const command of ['plan', 'generate']) {
      const r = runCli(['deploy', command, '-p', dir, '--format', 'json']);
      expect(r.code).toBe(2);
      const ds = (JSON.parse(r.stdout) as { diagnostics: Record<string, any>[] }).diagnostics.filter((x) => x.code === 'DZ5009');
      expect(ds.map((d) => [d.line, d.keyPath, String(d.message).includes("Cloud Map service name 'sentinel-1'")])).toEqual([[13, 'deploy.services.sentinel_1.paths', true]]);
    }
    // Without the clash it plans.
    const ok = tempProject({ 'dazzle.toml': toml.replace('sentinel_1', 'search'), 'dsl/app.dsl': 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n' });
    expect(runCli(['deploy', 'plan', '-p', ok]).code).toBe(0);
  });
});

describe('API Gateway routes', () => {
  it('a service path with a wildcard an HTTP API route cannot have is DZ5121 at its line; /x/* and exact paths are routes', () => {
    const app = 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n';
    const bad = tempProject({ 'dazzle.toml': '[deploy.api_gateway]\nenabled = true\n\n[deploy.services.web]\n\n[deploy.services.api]\npaths = ["/api/*/orders"]\n', 'dsl/app.dsl': app });
    const r = runCli(['deploy', 'plan', '-p', bad, '--format', 'json']);
    expect(r.code).toBe(2);
    const d = (JSON.parse(r.stdout) as { diagnostics: Record<string, any>[] }).diagnostics.find((x) => x.code === 'DZ5121');
    expect([d?.line ?? d?.span?.line, d?.key_path ?? d?.keyPath]).toEqual([7, 'deploy.services.api.paths']);
    const good = planWith(TICKETING, 'prod', (c) => ({ ...c, deploy: { ...c.deploy, api_gateway: { ...c.deploy.api_gateway, enabled: true } } }));
    expect(good.aws.apiGateway?.routes.map((x) => `${x.key} → ${x.service}`)).toContain('ANY /api/user/{proxy+} → ticketing_service');
  });
});

describe('the stages', () => {
  it('deploy the infrastructure stacks (Data, Kafka, Cache) before the application (Compute)', () => {
    const plan = planWith(TICKETING, 'prod');
    const compute = plan.stacks.find((s) => s.name === 'Compute');
    expect(compute?.dependsOn).toEqual(expect.arrayContaining(['Network', 'Data', 'Kafka', 'Cache', 'Observability']));
    for (const s of ['Data', 'Kafka', 'Cache'] as const) expect(plan.stacks.find((x) => x.name === s)?.dependsOn).not.toContain('Compute');
  });
});
