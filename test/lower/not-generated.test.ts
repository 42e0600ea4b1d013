/**
 * What this version cannot generate stops `plan` and `generate` alike, with the same
 * diagnostic at the same place (DZ7001): an email channel without a from address, and
 * settings that are accepted but build nothing yet. Emission refuses them too.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { emitApp } from '../../src/emit/index.js';
import type { DeploymentPlan } from '../../src/plan/index.js';
import { planWith } from '../emit/in-process.js';
import { REPO, runCli, STACK_TRACE, tempProject } from '../helpers.js';

const EMAIL_APP = `app shop "Shop"

entity Order "Order":
  id: uuid pk

channel receipts "Receipts":
  kind: email
  provider: auto

  config:
    from_name: "Shop"
`;

/** `file:line:col - error DZ7001: …` lines of a run's diagnostics. */
const dz7001 = (stderr: string) => stderr.split('\n').filter((l) => / - error DZ7001: /.test(l) || /^error DZ7001: /.test(l));

interface JsonDiagnostic {
  readonly code: string;
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  readonly keyPath?: string | null;
  readonly message: string;
}

function diagnostics(args: readonly string[]): { code: number | null; list: JsonDiagnostic[] } {
  const r = runCli([...args, '--format', 'json']);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { code: r.code, list: (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics };
}

describe('an email channel without a from address', () => {
  it('fails plan with the DZ7001 that generate reports, at the channel', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\n', 'dsl/app.dsl': EMAIL_APP });
    const plan = runCli(['deploy', 'plan', '-p', dir]);
    const generate = runCli(['deploy', 'generate', '-p', dir]);
    expect(plan.code).toBe(2);
    expect(generate.code).toBe(2);
    expect(dz7001(plan.stderr)).toEqual(dz7001(generate.stderr));
    expect(dz7001(plan.stderr)).toHaveLength(1);
    expect(dz7001(plan.stderr)[0]).toMatch(/dsl\/app\.dsl:6:1 - error DZ7001: email channel 'receipts' has no from address/);
    const p = diagnostics(['deploy', 'plan', '-p', dir]);
    const g = diagnostics(['deploy', 'generate', '-p', dir]);
    expect(p.list.map((d) => [d.code, d.line, d.col])).toEqual([['DZ7001', 6, 1]]);
    expect(g.list).toEqual(p.list);
  });
});

describe('settings that are accepted but build nothing yet', () => {
  const TOML = `[deploy]
region = "eu-west-1"

[deploy.network]
namespace = "shop.local"

[deploy.frontend]
source_dir = "web/dist"

[deploy.api_gateway]
enabled = true
`;
  const APP = 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n';

  it('stop plan and generate with DZ7001 naming each key, at its line', () => {
    const dir = tempProject({ 'dazzle.toml': TOML, 'dsl/app.dsl': APP });
    const p = diagnostics(['deploy', 'plan', '-p', dir]);
    const g = diagnostics(['deploy', 'generate', '-p', dir]);
    expect(p.code).toBe(2);
    expect(g.code).toBe(2);
    // The Cloud Map namespace and the API Gateway are generated: no refusal for them.
    expect(p.list.map((d) => [d.code, d.keyPath, d.line, d.col])).toEqual([['DZ7001', 'deploy.frontend.source_dir', 8, 14]]);
    expect(p.list[0]?.message).toContain(`source_dir = 'web/dist'`);
    expect(g.list).toEqual(p.list);
  });

  it('in one environment only: [deploy.env.prod.frontend] stops prod, and dev plans', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy.env.prod.frontend]\nsource_dir = "web/dist"\n', 'dsl/app.dsl': APP });
    expect(runCli(['deploy', 'plan', '-p', dir, '--env', 'dev']).code).toBe(0);
    const prod = diagnostics(['deploy', 'plan', '-p', dir, '--env', 'prod']);
    expect(prod.code).toBe(2);
    expect(prod.list.filter((d) => d.code === 'DZ7001').map((d) => [d.code, d.keyPath, d.line])).toEqual([['DZ7001', 'deploy.frontend.source_dir', 2]]);
  });

  it('their empty defaults, as dazzle.toml.example writes them, ask for nothing', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy.network]\nnamespace = ""\n\n[deploy.frontend]\nsource_dir = ""\nsubdomain = "app"\n\n[deploy.api_gateway]\nenabled = false\n', 'dsl/app.dsl': APP });
    const r = runCli(['deploy', 'plan', '-p', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('DZ7001');
  });

  it('emission refuses a plan that asks for them, whatever built it', () => {
    const plan = planWith(join(REPO, 'examples', 'ledger-app'), 'dev');
    const asks: DeploymentPlan = { ...plan, aws: { ...plan.aws, frontend: { sourceDir: 'web/dist', subdomain: 'app' } } };
    const r = emitApp({ plan: asks, projectRoot: '.', outDir: 'infra', projectFromOut: '..', inputsChecksum: '0'.repeat(64), generatedAt: '2026-01-01T00:00:00Z' });
    expect(r.value).toBeUndefined();
    expect(r.diagnostics.map((d) => [d.code, d.keyPath])).toEqual([
      ['DZ7001', 'deploy.frontend.source_dir'],
    ]);
  });
});
