/**
 * What this version cannot generate stops `plan` and `generate` alike, with the same
 * diagnostic at the same place (DZ7001): an email channel without a from address. The
 * settings earlier versions refused are built now.
 */
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE, tempProject } from '../helpers.js';

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

describe('settings that every earlier version refused (namespace, API Gateway, front end)', () => {
  const TOML = `[deploy]
region = "eu-west-1"

[deploy.network]
namespace = "shop.local"

[deploy.api_gateway]
enabled = true
`;
  const APP = 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n';

  it('plan and generate build them: no DZ7001', () => {
    const dir = tempProject({ 'dazzle.toml': TOML, 'dsl/app.dsl': APP });
    const p = runCli(['deploy', 'plan', '-p', dir]);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stderr).not.toContain('DZ7001');
    const g = runCli(['deploy', 'generate', '-p', dir]);
    expect(g.code, g.stderr).toBe(0);
    expect(g.stderr).not.toContain('DZ7001');
  });

  it('their empty defaults, as dazzle.toml.example writes them, ask for nothing', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy.network]\nnamespace = ""\n\n[deploy.frontend]\nsource_dir = ""\nsubdomain = "app"\n\n[deploy.api_gateway]\nenabled = false\n', 'dsl/app.dsl': APP });
    const r = runCli(['deploy', 'plan', '-p', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toContain('DZ7001');
  });
});
