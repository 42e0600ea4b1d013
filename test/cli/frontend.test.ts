/**
 * The static front end through the CLI: `[deploy.frontend] source_dir` plans and generates a
 * Frontend stack (no longer DZ7001), and a folder that is not there is a warning at its line
 * (DZ7061), since cdk deploy uploads it.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP, runCli, STACK_TRACE, tempProject } from '../helpers.js';

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly line?: number;
  readonly col?: number;
  readonly keyPath?: string | null;
}

function generate(dir: string): { code: number | null; list: JsonDiagnostic[] } {
  const r = runCli(['deploy', 'generate', '-p', dir, '--format', 'json']);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return { code: r.code, list: (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics };
}

const TOML = '[deploy]\nregion = "eu-west-1"\n\n[deploy.compute]\nimage = "nginx:1.27"\n\n[deploy.frontend]\nsource_dir = "web/dist"\nspa = true\n';

describe('[deploy.frontend]', () => {
  it('generates a Frontend stack from the folder', () => {
    const dir = tempProject({ 'dazzle.toml': TOML, 'dsl/app.dsl': APP });
    mkdirSync(join(dir, 'web', 'dist'), { recursive: true });
    writeFileSync(join(dir, 'web', 'dist', 'index.html'), '<!doctype html><title>shop</title>\n');
    const r = generate(dir);
    expect(r.code).toBe(0);
    expect(r.list).toEqual([]);
    const plan = JSON.parse(runCli(['deploy', 'plan', '-p', dir, '--format', 'json']).stdout) as { stacks: { name: string; resources: { id: string }[] }[] };
    expect(plan.stacks.find((s) => s.name === 'Frontend')?.resources.map((x) => x.id)).toEqual(['FrontendBucket', 'FrontendDistribution', 'FrontendDeployment']);
  });

  it('a source folder that is not there is a DZ7061 warning at source_dir, and the app is still generated', () => {
    const dir = tempProject({ 'dazzle.toml': TOML, 'dsl/app.dsl': APP });
    const r = generate(dir);
    expect(r.code).toBe(0);
    expect(r.list.map((d) => [d.code, d.severity, d.line, d.col, d.keyPath])).toEqual([['DZ7061', 'warning', 8, 14, 'deploy.frontend.source_dir']]);
  });
});
