/**
 * One output folder per environment: the version file records the environment an
 * app was generated for, and neither synth nor generate takes one environment's app
 * for another's.
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const VERSION_FILE = '.dazzle-infra-version.json';
let project = '';
let prodApp = '';

beforeAll(() => {
  project = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-envs-')));
  const r = runCli(['deploy', 'generate', '-p', project, '--env', 'prod']);
  expect(r.code, r.stderr).toBe(0);
  prodApp = readFileSync(join(project, 'infra', VERSION_FILE), 'utf8');
});

describe('an app generated for prod', () => {
  it('deploy synth --env dev refuses it (DZ6030, exit 2) and synthesizes nothing', () => {
    const r = runCli(['deploy', 'synth', '-p', project, '--env', 'dev']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error DZ6030: \S*infra holds the app generated for 'prod', but this run is for 'dev' \(--env dev\)/m);
    expect(r.stderr).toMatch(/hint: .*--env prod.*--out infra\/dev/);
    expect(r.stderr).not.toMatch(STACK_TRACE);
    expect(existsSync(join(project, 'infra', 'cdk.out'))).toBe(false);
  });

  it('deploy synth with the environment of dazzle.toml (staging) refuses it, pointing at that line', () => {
    const r = runCli(['deploy', 'synth', '-p', project, '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; file?: string; line?: number; col?: number; message: string }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => d.code)).toEqual(['DZ6030']);
    // `environment = "staging"` is line 12 of the example's dazzle.toml.
    expect(out.diagnostics[0]).toMatchObject({ line: 12, col: 15, message: expect.stringContaining(`this run is for 'staging' (environment = "staging" in dazzle.toml)`) });
    expect(out.diagnostics[0]?.file).toMatch(/dazzle\.toml$/);
  });

  it('deploy generate --env dev refuses to replace it (DZ6030), with --force and --dry-run too, and writes nothing', () => {
    for (const extra of [[], ['--force'], ['--dry-run']]) {
      const r = runCli(['deploy', 'generate', '-p', project, '--env', 'dev', ...extra]);
      expect(r.code, extra.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/error DZ6030: \S*infra holds the app generated for 'prod'; generating the 'dev' app \(--env dev\) there would replace it/);
      expect(r.stderr).toMatch(/hint: .*--out infra\/dev/);
      expect(readFileSync(join(project, 'infra', VERSION_FILE), 'utf8')).toBe(prodApp);
    }
  });

  it('each environment in a folder of its own: --out gives dev one beside it, and prod is untouched', () => {
    const r = runCli(['deploy', 'generate', '-p', project, '--env', 'dev', '--out', join(project, 'infra-dev')]);
    expect(r.code, r.stderr).toBe(0);
    expect((JSON.parse(readFileSync(join(project, 'infra-dev', VERSION_FILE), 'utf8')) as { environment: string }).environment).toBe('dev');
    expect(readFileSync(join(project, 'infra', VERSION_FILE), 'utf8')).toBe(prodApp);
    // Generating prod again into its own folder is the ordinary case: nothing changes.
    const again = runCli(['deploy', 'generate', '-p', project, '--env', 'prod']);
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain('0 files written');
  });
});
