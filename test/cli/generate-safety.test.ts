/**
 * `dazzle deploy generate` and `synth` as processes never delete or overwrite a user's file:
 * the version file is untrusted input, the output folder must be ours, links are not followed.
 */
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { sha256 } from '../../src/cli/write.js';
import { copyProject, REPO, runCli, STACK_TRACE } from '../helpers.js';
import { snapshot } from './tree-helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const VERSION = '.dazzle-infra-version.json';

function project(): string {
  return copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-safe-')));
}

interface JsonOut {
  ok: boolean;
  diagnostics: { code: string; file?: string | null; line?: number | null }[];
}
const json = (stdout: string) => JSON.parse(stdout) as JsonOut;
const codes = (stdout: string) => json(stdout).diagnostics.map((d) => d.code);

function generated(): string {
  const p = project();
  const r = runCli(['deploy', 'generate', '-p', p]);
  expect(r.code, r.stderr).toBe(0);
  return p;
}

describe('the version file is untrusted input', () => {
  it('an entry ../dsl/app.dsl with the file’s true checksum never deletes the user’s DSL (DZ6006), not even with --force', () => {
    const p = generated();
    const file = join(p, 'infra', VERSION);
    const v = JSON.parse(readFileSync(file, 'utf8')) as { files: { path: string; checksum: string }[] };
    v.files.push({ path: '../dsl/app.dsl', checksum: sha256(readFileSync(join(p, 'dsl', 'app.dsl'), 'utf8')) });
    writeFileSync(file, JSON.stringify(v, null, 2));
    // A change in the inputs, so that generate has something to do.
    writeFileSync(join(p, 'dsl', 'ledgers.dsl'), `${readFileSync(join(p, 'dsl', 'ledgers.dsl'), 'utf8')}\n`);
    const before = snapshot(p);
    for (const extra of [[], ['--force']]) {
      const r = runCli(['deploy', 'generate', '-p', p, '--format', 'json', ...extra]);
      expect(r.code).toBe(2);
      expect(codes(r.stdout)).toEqual(['DZ6006']);
      expect(json(r.stdout).diagnostics[0]).toMatchObject({ file: expect.stringMatching(/infra\/\.dazzle-infra-version\.json$/), line: expect.any(Number) });
      expect(snapshot(p)).toEqual(before);
    }
  });

  // The other damaged forms are in version-file.test.ts; these are the two that crashed (DZ9001).
  it.each([
    ['null', 'null\n'],
    ['a null path', '{"files":[{"path":null}]}\n'],
  ])('%s is DZ6005 for generate and synth (exit 2), never DZ9001, and nothing changes', (_, text) => {
    const p = generated();
    writeFileSync(join(p, 'infra', VERSION), text);
    const before = snapshot(p);
    for (const cmd of ['generate', 'synth']) {
      const r = runCli(['deploy', cmd, '-p', p]);
      expect(r.code, `${cmd}: ${r.stderr}`).toBe(2);
      expect(r.stderr, cmd).toMatch(/error DZ6005/);
      expect(r.stderr, cmd).not.toMatch(/DZ9001|DZ6003/);
      expect(r.stderr, cmd).not.toMatch(STACK_TRACE);
      expect(snapshot(p), cmd).toEqual(before);
    }
  });
});

describe('the output folder must be ours', () => {
  it('--out . with the user’s own README.md and package.json is refused (DZ6008), with or without --force; nothing is written', () => {
    const p = project();
    writeFileSync(join(p, 'README.md'), '# My app\n');
    writeFileSync(join(p, 'package.json'), '{"name":"my-app"}\n');
    const before = snapshot(p);
    for (const extra of [[], ['--force']]) {
      const r = runCli(['deploy', 'generate', '-p', p, '--out', '.', '--format', 'json', ...extra], { cwd: p });
      expect(r.code).toBe(2);
      expect(codes(r.stdout)).toEqual(['DZ6008']);
      expect(snapshot(p)).toEqual(before);
    }
    // Allowed at the root, the folder is still not ours: DZ6009, and --force does not change that.
    const anywhere = runCli(['deploy', 'generate', '-p', p, '--out', '.', '--allow-out-anywhere', '--force', '--format', 'json'], { cwd: p });
    expect(anywhere.code).toBe(2);
    expect(codes(anywhere.stdout)).toEqual(['DZ6009']);
    expect(snapshot(p)).toEqual(before);
  });

  it('a module folder, a folder inside one, and a folder outside the project are refused (DZ6008); a file is DZ6010', () => {
    const p = project();
    const outside = join(mkdtempSync(join(tmpdir(), 'dazzle-outside-')), 'app');
    const before = snapshot(p);
    const cases: [string, string][] = [
      ['dsl', 'DZ6008'],
      ['dsl/generated', 'DZ6008'],
      ['/', 'DZ6008'],
      ['..', 'DZ6008'],
      [outside, 'DZ6008'],
      ['Dockerfile', 'DZ6010'],
      ['Dockerfile/infra', 'DZ6010'],
    ];
    for (const [out, code] of cases) {
      const r = runCli(['deploy', 'generate', '-p', p, '--out', out, '--format', 'json'], { cwd: p });
      expect(r.code, out).toBe(2);
      expect(codes(r.stdout), out).toEqual([code]);
    }
    expect(snapshot(p)).toEqual(before);
    expect(() => readFileSync(join(outside, VERSION))).toThrow();
    // On purpose: outside the project with the flag, into a new folder.
    const ok = runCli(['deploy', 'generate', '-p', p, '--out', outside, '--allow-out-anywhere']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(readFileSync(join(outside, VERSION), 'utf8'))).toMatchObject({ app: 'ledger_app' });
  });

  it('with the DSL at the project root ([modules] paths = ["."]), the default infra/ is fine', () => {
    const p = project();
    for (const f of ['app.dsl', 'ledgers.dsl', 'messaging.dsl']) renameSync(join(p, 'dsl', f), join(p, f));
    const toml = join(p, 'dazzle.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('paths = ["./dsl"]', 'paths = ["."]'));
    const r = runCli(['deploy', 'generate', '-p', p]);
    expect(r.code, r.stderr).toBe(0);
    expect(runCli(['deploy', 'generate', '-p', p, '--out', '.', '--format', 'json'], { cwd: p }).stdout).toContain('DZ6008');
  });

  it('[deploy] output = ".." is refused at its line in dazzle.toml', () => {
    const p = project();
    const toml = join(p, 'dazzle.toml');
    const text = readFileSync(toml, 'utf8').replace('[deploy]\n', '[deploy]\noutput = ".."\n');
    writeFileSync(toml, text);
    const r = runCli(['deploy', 'generate', '-p', p, '--format', 'json']);
    expect(r.code).toBe(2);
    const line = text.split('\n').findIndex((l) => l.startsWith('output = ')) + 1;
    expect(json(r.stdout).diagnostics).toMatchObject([{ code: 'DZ6008', file: expect.stringMatching(/dazzle\.toml$/), line }]);
  });

  it('a folder inside the project that holds the user’s files is refused (DZ6009); an empty one is fine', () => {
    const p = project();
    mkdirSync(join(p, 'docs'));
    writeFileSync(join(p, 'docs', 'guide.md'), 'mine\n');
    const before = snapshot(p);
    const r = runCli(['deploy', 'generate', '-p', p, '--out', 'docs', '--format', 'json'], { cwd: p });
    expect(r.code).toBe(2);
    expect(codes(r.stdout)).toEqual(['DZ6009']);
    expect(snapshot(p)).toEqual(before);
    mkdirSync(join(p, 'empty'));
    expect(runCli(['deploy', 'generate', '-p', p, '--out', 'empty'], { cwd: p }).code).toBe(0);
  });

  it('an output folder that is a link out of the project counts as outside (DZ6008)', () => {
    const p = project();
    const elsewhere = mkdtempSync(join(tmpdir(), 'dazzle-elsewhere-'));
    symlinkSync(elsewhere, join(p, 'infra'));
    const r = runCli(['deploy', 'generate', '-p', p, '--format', 'json']);
    expect(r.code).toBe(2);
    expect(codes(r.stdout)).toEqual(['DZ6008']);
    expect(snapshot(elsewhere)).toEqual({});
  });

  it('a link inside the app folder that leads out is never written through (DZ6012)', () => {
    const p = generated();
    const outside = mkdtempSync(join(tmpdir(), 'dazzle-linked-'));
    writeFileSync(join(outside, 'data-stack.ts'), 'not generated\n');
    rmSync(join(p, 'infra', 'lib'), { recursive: true });
    symlinkSync(outside, join(p, 'infra', 'lib'));
    const before = snapshot(outside);
    for (const extra of [[], ['--force']]) {
      const r = runCli(['deploy', 'generate', '-p', p, '--format', 'json', ...extra]);
      expect(r.code).toBe(2);
      expect(codes(r.stdout)).toEqual(['DZ6012']);
      expect(snapshot(outside)).toEqual(before);
    }
  });
});

describe('DZ6001', () => {
  it('names each edited file and says how to see the change, keep it or discard it', () => {
    const p = generated();
    const stack = join(p, 'infra', 'lib', 'data-stack.ts');
    writeFileSync(stack, `${readFileSync(stack, 'utf8')}// my change\n`);
    const toml = join(p, 'dazzle.toml');
    writeFileSync(toml, readFileSync(toml, 'utf8').replace('storage_gb = 100', 'storage_gb = 200'));
    const r = runCli(['deploy', 'generate', '-p', p, '--format', 'json'], { cwd: p });
    expect(r.code).toBe(2);
    const d = (JSON.parse(r.stdout) as { diagnostics: { code: string; message: string; hint: string }[] }).diagnostics;
    expect(d.map((x) => x.code)).toEqual(['DZ6001']);
    expect(d[0]?.message).toMatch(/infra\/lib\/data-stack\.ts \(generated [0-9a-f]{12}, now [0-9a-f]{12}\)/);
    expect(d[0]?.hint).toContain('git diff -- infra/lib/data-stack.ts');
    expect(d[0]?.hint).toContain('dazzle deploy generate --dry-run');
    expect(d[0]?.hint).toContain('DSL or dazzle.toml');
    expect(d[0]?.hint).toContain('dazzle deploy generate --force');
  });
});
