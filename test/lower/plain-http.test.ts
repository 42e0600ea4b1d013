/** Prod without a domain serves plain HTTP to the internet: a warning (DZ5080) at plan and generate, with the fix in its hint. */
import { describe, expect, it } from 'vitest';
import { runCli, STACK_TRACE, tempProject } from '../helpers.js';

const APP = 'app shop "Shop"\n\nentity Order "Order":\n  id: uuid pk\n';
const warning = (stderr: string) => stderr.split('\n').filter((l) => /warning DZ5080: /.test(l));

describe('prod without a domain', () => {
  it('is a warning at plan and at generate, at the line that chose prod, and both go on (exit 0)', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\nenvironment = "prod"\n', 'dsl/app.dsl': APP });
    const plan = runCli(['deploy', 'plan', '-p', dir]);
    const generate = runCli(['deploy', 'generate', '-p', dir]);
    for (const r of [plan, generate]) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toMatch(STACK_TRACE);
      expect(warning(r.stderr)).toEqual([expect.stringMatching(/dazzle\.toml:3:15 - warning DZ5080: environment 'prod' serves the app over plain HTTP to the internet/)]);
      expect(r.stderr).toMatch(/hint: set \[deploy\.domain\] name = "example\.com"/);
    }
  });

  it('with --env prod: the warning has no line to point at, and names the key to set', () => {
    const dir = tempProject({ 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\n', 'dsl/app.dsl': APP, Dockerfile: 'FROM scratch\n' });
    const r = runCli(['deploy', 'generate', '-p', dir, '--env', 'prod', '--format', 'json']);
    expect(r.code).toBe(0);
    const d = (JSON.parse(r.stdout) as { diagnostics: { code: string; severity: string; keyPath: string | null; line?: number | null }[] }).diagnostics;
    expect(d.map((x) => [x.code, x.severity, x.keyPath, x.line ?? null])).toEqual([['DZ5080', 'warning', 'deploy.domain.name', null]]);
  });

  it('is no warning with a domain in prod, nor in dev or staging without one', () => {
    const withDomain = tempProject({ 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\n\n[deploy.env.prod.domain]\nname = "shop.example.com"\n', 'dsl/app.dsl': APP });
    const prod = runCli(['deploy', 'plan', '-p', withDomain, '--env', 'prod']);
    expect(prod.code, prod.stderr).toBe(0);
    expect(prod.stderr).not.toContain('DZ5080');
    for (const env of ['dev', 'staging']) {
      const r = runCli(['deploy', 'plan', '-p', withDomain, '--env', env]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr, env).not.toContain('DZ5080');
    }
  });
});
