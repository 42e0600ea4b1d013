/**
 * The generated app as its users run it: `npm install` in it (from the registry), its own
 * `npm run build` (strict tsc) and the real `npx cdk synth` CLI, offline and without AWS
 * credentials. Its templates must be the ones `dazzle deploy synth` writes in-process.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { copyProject, REPO, runCli } from '../helpers.js';

/** The environment of a machine with no AWS credentials or configuration. */
function offlineEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('AWS_') && !k.startsWith('CDK_')) env[k] = v;
  return { ...env, CDK_VALIDATION: 'false', AWS_CONFIG_FILE: '/nonexistent', AWS_SHARED_CREDENTIALS_FILE: '/nonexistent', NO_COLOR: '1' };
}

function templates(dir: string): Map<string, { Resources: Record<string, unknown> }> {
  return new Map(readdirSync(dir).filter((f) => f.endsWith('.template.json')).sort().map((f) => [f, JSON.parse(readFileSync(join(dir, f), 'utf8'))]));
}

describe('the generated app with the real aws-cdk CLI', () => {
  it('installs, type-checks and synthesizes offline; the templates match dazzle deploy synth', () => {
    const project = mkdtempSync(join(tmpdir(), 'dazzle-e2e-'));
    copyProject(join(REPO, 'examples', 'ledger-app'), project);
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod']).code).toBe(0);
    const app = join(project, 'infra');
    const env = offlineEnv();
    const run = (cmd: string, args: string[]) => spawnSync(cmd, args, { cwd: app, env, encoding: 'utf8', timeout: 420_000 });

    const install = run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline']);
    expect(install.status, install.stderr).toBe(0);
    const build = run('npm', ['run', 'build']);
    expect(build.status, `${build.stdout}${build.stderr}`).toBe(0);
    const synth = run('npx', ['cdk', 'synth', '--quiet', '--no-notices', '-o', 'cdk.out.cli']);
    expect(synth.status, `${synth.stdout}${synth.stderr}`).toBe(0);
    expect(synth.stderr).not.toMatch(/credentials/i);

    const ours = runCli(['deploy', 'synth', '-p', project, '-e', 'prod'], { env: env as Record<string, string>, timeoutMs: 120_000 });
    expect(ours.code, ours.stderr).toBe(0);
    const cli = templates(join(app, 'cdk.out.cli'));
    const inProcess = templates(join(app, 'cdk.out'));
    expect([...cli.keys()]).toEqual([...inProcess.keys()]);
    expect(cli.size).toBe(7);
    for (const [file, t] of cli) expect(inProcess.get(file)?.Resources, file).toEqual(t.Resources);
  }, 600_000);
});
