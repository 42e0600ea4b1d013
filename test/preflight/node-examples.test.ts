/**
 * The EC2 examples through the real CLI: `deploy generate`, then `deploy preflight`, which passes
 * (its only findings are the record names each example acknowledges with its reason); SSH opened
 * to the internet on a node group is a preflight finding that fails the gate.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';

interface Report {
  readonly findings: readonly { readonly rule: string; readonly level: string; readonly acknowledged: unknown; readonly message: string }[];
}

function preflight(example: string, edit: (toml: string) => string = (t) => t): { code: number | null; report: Report } {
  const dir = copyProject(join(REPO, 'examples', example), mkdtempSync(join(tmpdir(), `dazzle-${example}-`)));
  writeFileSync(join(dir, 'dazzle.toml'), edit(readFileSync(join(dir, 'dazzle.toml'), 'utf8')));
  const g = runCli(['deploy', 'generate', '-p', dir], { timeoutMs: 120_000 });
  expect(g.code, g.stderr).toBe(0);
  const r = runCli(['deploy', 'preflight', '-p', dir, '--format', 'json'], { timeoutMs: 180_000 });
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { code: r.code, report: JSON.parse(r.stdout) as Report };
}

describe('preflight of the EC2 examples', () => {
  it.each(['casty-cluster', 'pulse'])('%s passes: nothing unacknowledged', (example) => {
    const { code, report } = preflight(example);
    expect(code).toBe(0);
    expect(report.findings.filter((f) => !f.acknowledged).map((f) => `${f.rule} ${f.message}`)).toEqual([]);
  }, 240_000);

  it('SSH from 0.0.0.0/0 on the nodes is a NET_PUBLIC_INGRESS finding that fails the gate', () => {
    const { code, report } = preflight('casty-cluster', (t) => t.replace('private_dns = "casty.internal"', 'private_dns = "casty.internal"\nssh_cidr = "0.0.0.0/0"\nkey_name = "ops"'));
    expect(code).toBe(1);
    expect(report.findings.filter((f) => f.rule === 'NET_PUBLIC_INGRESS' && !f.acknowledged).map((f) => f.message)).toEqual([expect.stringContaining('port 22')]);
  }, 240_000);
});
