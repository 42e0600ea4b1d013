/** `dazzle deploy generate` as a process: the files, the version file, determinism and the safety rules. */
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/write.js';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/** A copy of the example project, to change freely. */
function exampleCopy(): string {
  const dir = tmp('dazzle-gen-');
  copyProject(EXAMPLE, dir);
  return dir;
}

function tree(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string) => {
    for (const n of readdirSync(d)) {
      const p = join(d, n);
      if (statSync(p).isDirectory()) walk(p);
      else out.set(relative(dir, p), readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

interface VersionFile {
  version: string;
  dazzle_version: string;
  generated_at: string;
  environment: string;
  inputs: { checksum: string };
  stacks: { name: string; id: string; file: string; checksum: string }[];
  files: { path: string; checksum: string }[];
}

describe('deploy generate', () => {
  it('writes the CDK app and a version file that checksums every file and the inputs', () => {
    const project = exampleCopy();
    const r = runCli(['deploy', 'generate', '-p', project, '-e', 'prod']);
    // The one warning: the example has no domain, so prod serves plain HTTP (DZ5080).
    expect(r.stderr.split('\n').filter((l) => / - (error|warning) DZ/.test(l) || /^(error|warning) DZ/.test(l))).toEqual([expect.stringMatching(/ - warning DZ5080: /)]);
    expect(r.code).toBe(0);
    const files = tree(join(project, 'infra'));
    expect([...files.keys()].sort()).toEqual([
      '.dazzle-infra-version.json',
      '.gitignore',
      'README.md',
      'bin/app.ts',
      'cdk.json',
      'lib/app.ts',
      'lib/compute-stack.ts',
      'lib/data-stack.ts',
      'lib/images-stack.ts',
      'lib/messaging-stack.ts',
      'lib/network-stack.ts',
      'lib/observability-stack.ts',
      'lib/tigerbeetle-stack.ts',
    'lib/wiring.ts',
      'package.json',
      'tsconfig.json',
    ]);
    const v = JSON.parse(files.get('.dazzle-infra-version.json') as string) as VersionFile;
    expect(v.environment).toBe('prod');
    expect(v.version).toMatch(/^[0-9a-f]{12}$/);
    expect(v.generated_at).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(v.inputs.checksum).toMatch(/^[0-9a-f]{64}$/);
    expect(v.stacks.map((s) => s.name)).toEqual(['Network', 'TigerBeetle', 'Data', 'Messaging', 'Images', 'Compute', 'Observability']);
    for (const s of v.stacks) expect(s.checksum).toBe(sha256(files.get(s.file) as string));
    expect(v.files.map((f) => f.path).sort()).toEqual([...files.keys()].filter((f) => f !== '.dazzle-infra-version.json').sort());
    for (const f of v.files) expect(f.checksum, f.path).toBe(sha256(files.get(f.path) as string));
    const pkg = JSON.parse(files.get('package.json') as string) as { dependencies: Record<string, string>; devDependencies: Record<string, string> };
    expect(pkg.dependencies).toMatchObject({ 'aws-cdk-lib': '2.273.0', constructs: '10.8.1' });
    expect(pkg.devDependencies).toMatchObject({ 'aws-cdk': '2.1148.1' });
    expect(JSON.parse(files.get('cdk.json') as string)).toMatchObject({ app: 'npx tsx bin/app.ts', 'cli-telemetry': false });
  });

  it('is deterministic: the same inputs give the same bytes, from any working folder; a second run writes nothing', () => {
    const project = exampleCopy();
    const a = tmp('dazzle-out-a-');
    const b = tmp('dazzle-out-b-');
    // Folders outside the project: allowed on purpose.
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod', '--out', a, '--allow-out-anywhere']).code).toBe(0);
    expect(runCli(['deploy', 'generate', '-p', relative(tmpdir(), project), '-e', 'prod', '--out', b, '--allow-out-anywhere'], { cwd: tmpdir() }).code).toBe(0);
    const ta = tree(a);
    const tb = tree(b);
    const strip = (t: string) => t.replace(/"generated_at": "[^"]+"/, '');
    for (const [path, text] of ta) expect(strip(tb.get(path) as string), path).toBe(strip(text));
    const again = runCli(['deploy', 'generate', '-p', project, '-e', 'prod', '--out', a, '--allow-out-anywhere']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 files written, 16 unchanged');
    expect(tree(a)).toEqual(ta);
  });

  it('keeps a generated file edited by hand and names it (exit 2); --dry-run lists; --force overwrites', () => {
    const project = exampleCopy();
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod']).code).toBe(0);
    const stack = join(project, 'infra', 'lib', 'data-stack.ts');
    const edited = `${readFileSync(stack, 'utf8')}// my change\n`;
    writeFileSync(stack, edited);
    // A change in the inputs that touches every stack file's header and the data stack.
    const toml = join(project, 'dazzle.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('storage_gb = 100', 'storage_gb = 200'));
    const blocked = runCli(['deploy', 'generate', '-p', project, '-e', 'prod']);
    expect(blocked.code).toBe(2);
    expect(blocked.stderr).toContain('DZ6001');
    expect(blocked.stderr).toContain('lib/data-stack.ts');
    expect(blocked.stderr).not.toMatch(STACK_TRACE);
    expect(readFileSync(stack, 'utf8')).toBe(edited);
    const dry = runCli(['deploy', 'generate', '-p', project, '-e', 'prod', '--dry-run', '--force']);
    expect(dry.code).toBe(0);
    expect(dry.stdout).toContain('would change (dry run; nothing written)');
    expect(dry.stdout).toMatch(/changed lib\/data-stack\.ts/);
    expect(readFileSync(stack, 'utf8')).toBe(edited);
    const forced = runCli(['deploy', 'generate', '-p', project, '-e', 'prod', '--force']);
    expect(forced.code).toBe(0);
    expect(readFileSync(stack, 'utf8')).not.toContain('// my change');
  });

  it('refuses what it cannot generate, at its line, and writes nothing', () => {
    const project = exampleCopy();
    // An email channel without a from address: there is no SES identity to create.
    const dsl = join(project, 'dsl', 'messaging.dsl');
    writeFileSync(dsl, `${readFileSync(dsl, 'utf8')}\nchannel receipts "Receipts":\n  kind: email\n  provider: auto\n`);
    const r = runCli(['deploy', 'generate', '-p', project, '--format', 'json']);
    expect(r.code).toBe(2);
    const out = JSON.parse(r.stdout) as { ok: boolean; diagnostics: { code: string; key_path?: string; keyPath?: string }[] };
    expect(out.ok).toBe(false);
    expect(out.diagnostics.map((d) => d.code)).toEqual(['DZ7001']);
    expect(existsSync(join(project, 'infra'))).toBe(false);
  });

  it('warns when the Dockerfile the image is built from does not exist', () => {
    const project = exampleCopy();
    const r = runCli(['deploy', 'generate', '-p', project, '--dry-run']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    rmSync(join(project, 'Dockerfile'));
    const w = runCli(['deploy', 'generate', '-p', project, '--dry-run']);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain('DZ7002');
  });
});

describe('deploy synth', () => {
  it('needs a generated app first (DZ6003, exit 2)', () => {
    const project = exampleCopy();
    const r = runCli(['deploy', 'synth', '-p', project]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('DZ6003');
  });

  it('synthesizes offline into cdk.out; a removed acknowledgement is a cdk-nag error (exit 1); a broken file is DZ7101 (exit 2)', () => {
    const project = exampleCopy();
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod']).code).toBe(0);
    const ok = runCli(['deploy', 'synth', '-p', project, '-e', 'prod', '--format', 'json'], { timeoutMs: 120_000 });
    expect(ok.code, ok.stderr).toBe(0);
    const report = JSON.parse(ok.stdout) as { ok: boolean; stacks: { name: string; template: string }[]; nag: { errors: number } };
    expect(report.ok).toBe(true);
    expect(report.nag.errors).toBe(0);
    expect(report.stacks.map((s) => s.name)).toEqual(['LedgerApp-prod-Compute', 'LedgerApp-prod-Data', 'LedgerApp-prod-Images', 'LedgerApp-prod-Messaging', 'LedgerApp-prod-Network', 'LedgerApp-prod-Observability', 'LedgerApp-prod-TigerBeetle']);
    for (const s of report.stacks) expect(existsSync(join(project, 'infra', 'cdk.out', `${s.name}.template.json`))).toBe(true);

    // The user removes the acknowledgement of the load balancer's internet ingress.
    const network = join(project, 'infra', 'lib', 'network-stack.ts');
    const text = readFileSync(network, 'utf8');
    const without = text.replace(/ {4}Validations\.of\(this\.loadBalancerSecurityGroup\)\.acknowledge\(\{[^}]*\}\);\n/, '');
    expect(without).not.toBe(text);
    writeFileSync(network, without);
    const nag = runCli(['deploy', 'synth', '-p', project, '-e', 'prod'], { timeoutMs: 120_000 });
    expect(nag.code).toBe(1);
    expect(nag.stderr).toMatch(/error DZ7103: AwsSolutions-EC23 on LedgerApp-prod-Network\/LoadBalancerSecurityGroup/);

    writeFileSync(network, `${text}\nconst broken = ;\n`);
    const broken = runCli(['deploy', 'synth', '-p', project, '-e', 'prod'], { timeoutMs: 120_000 });
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/network-stack\.ts:\d+:\d+ - error DZ7101/);
    expect(broken.stderr).toMatch(/\| const broken = ;\n\s+\| +\^/);
    expect(broken.stderr).not.toMatch(STACK_TRACE);
  });

  it('warns when the app was generated from other inputs (DZ6004)', () => {
    const project = exampleCopy();
    expect(runCli(['deploy', 'generate', '-p', project, '-e', 'prod']).code).toBe(0);
    const toml = join(project, 'dazzle.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('desired_count = 2', 'desired_count = 3'));
    const r = runCli(['deploy', 'synth', '-p', project, '-e', 'prod'], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toContain('DZ6004');
  });
});
