/**
 * Reading a project never hangs and never crashes: symlink loops, links out of
 * the project, FIFOs, devices, huge files, module paths outside the project,
 * unreadable files and folders, a file passed as the project, UTF-16 text.
 *
 * Every case runs the built CLI as a process with a timeout, so a hang fails
 * the test instead of blocking the suite.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, readdirSync, rmSync, symlinkSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runCli, STACK_TRACE, tempProject, type CliResult } from '../helpers.js';

/** Far above a normal run (~0.3 s); a run that reaches it has hung. */
const HANG_MS = 15_000;
const APP_DSL = 'module t.app\napp t "T"\n';
/** A second app: if a file holding it is read, linking fails with DZ3002. */
const OTHER_DSL = 'module t.other\napp other "Other"\n';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) {
    // Undo chmod 000 so the folder can be removed.
    chmodTree(d, 0o755);
    rmSync(d, { recursive: true, force: true });
  }
});

function project(files: Record<string, string | Uint8Array>): string {
  const dir = tempProject(files);
  dirs.push(dir);
  return dir;
}

function chmodTree(dir: string, mode: number): void {
  try {
    chmodSync(dir, mode);
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) chmodTree(join(dir, e.name), mode);
  } catch {
    // best effort (links, files removed meanwhile)
  }
}

function mkfifo(path: string): void {
  const r = spawnSync('mkfifo', [path]);
  if (r.status !== 0) throw new Error(`mkfifo failed: ${r.stderr}`);
}

/** Run `dazzle` inside `cwd`; fails if it hangs, crashes or prints a stack trace. */
function dazzle(args: readonly string[], cwd: string): CliResult {
  const r = runCli(args, { cwd, timeoutMs: HANG_MS });
  expect(r.code, `dazzle ${args.join(' ')} did not finish in ${HANG_MS} ms (hung): ${r.stderr}`).not.toBeNull();
  expect(r.stderr, 'internal error').not.toContain('DZ9001');
  expect(r.stderr).not.toMatch(STACK_TRACE);
  return r;
}

interface JsonDiagnostic {
  readonly code: string;
  readonly severity: string;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly col: number | null;
  readonly hint: string | null;
}

/** `dazzle check --format json` in `cwd`: exit code, counts and diagnostics. */
function check(cwd: string, extra: readonly string[] = []): { code: number | null; files: number | undefined; diagnostics: JsonDiagnostic[] } {
  const r = dazzle(['check', '-p', '.', '--format', 'json', ...extra], cwd);
  const out = JSON.parse(r.stdout) as { counts: { files: number } | null; diagnostics: JsonDiagnostic[] };
  // Notes (e.g. DZ0009, no dazzle.toml) are not what these tests are about.
  return { code: r.code, files: out.counts?.files, diagnostics: out.diagnostics.filter((d) => d.severity !== 'note') };
}

const where = (d: JsonDiagnostic) => `${d.code} ${d.file}:${d.line}:${d.col}`;

describe('symlinks in module folders', () => {
  it('a link loop is walked once per real folder (two links to ".", one to "..")', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dsl/sub/more.dsl': 'module t.more\n' });
    symlinkSync('.', join(dir, 'dsl/a'));
    symlinkSync('.', join(dir, 'dsl/b'));
    symlinkSync('..', join(dir, 'dsl/sub/up'));
    const r = check(dir);
    expect(r.diagnostics.map(where)).toEqual([]);
    expect(r.code).toBe(0);
    expect(r.files).toBe(2);
  });

  it('the same file reached twice (two links, two module paths) is read once, under its real path', () => {
    const dir = project({ 'dazzle.toml': '[modules]\npaths = ["dsl", "./dsl/", "dsl/sub"]\n', 'dsl/sub/app.dsl': APP_DSL });
    symlinkSync('sub/app.dsl', join(dir, 'dsl/alias.dsl'));
    symlinkSync('sub', join(dir, 'dsl/again'));
    const r = dazzle(['inspect', '-p', '.', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    const ir = JSON.parse(r.stdout) as { modules: { files: string[] }[] };
    expect(ir.modules.flatMap((m) => m.files)).toEqual(['dsl/sub/app.dsl']);
  });

  it('a link out of the project (folder, file, or /) is a warning with its path and target, and is not followed', () => {
    const outside = project({ 'other.dsl': OTHER_DSL });
    const dir = project({ 'dsl/app.dsl': APP_DSL });
    symlinkSync(outside, join(dir, 'dsl/ext'));
    symlinkSync(join(outside, 'other.dsl'), join(dir, 'dsl/other.dsl'));
    symlinkSync('/', join(dir, 'dsl/root'));
    const r = check(dir);
    expect(r.code).toBe(0);
    expect(r.files).toBe(1);
    expect(r.diagnostics.map(where)).toEqual(['DZ0013 dsl/ext:1:1', 'DZ0013 dsl/other.dsl:1:1', 'DZ0013 dsl/root:1:1']);
    expect(r.diagnostics.map((d) => d.severity)).toEqual(['warning', 'warning', 'warning']);
    expect(r.diagnostics[0]?.message).toContain(outside);
    expect(r.diagnostics[1]?.message).toContain(join(outside, 'other.dsl'));
  });

  it('a broken link and a link to itself are warnings, not hangs or crashes', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL });
    symlinkSync('missing.dsl', join(dir, 'dsl/broken.dsl'));
    symlinkSync('self.dsl', join(dir, 'dsl/self.dsl'));
    const r = check(dir);
    expect(r.code).toBe(0);
    expect(r.diagnostics.map(where)).toEqual(['DZ0015 dsl/broken.dsl:1:1', 'DZ0015 dsl/self.dsl:1:1']);
  });
});

describe('special files', () => {
  it('a FIFO named x.dsl is DZ0010, never opened', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL });
    mkfifo(join(dir, 'dsl/x.dsl'));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0010 dsl/x.dsl:1:1']);
    expect(r.diagnostics[0]?.message).toMatch(/FIFO/);
  });

  it('a link to /dev/zero named x.dsl is DZ0010 (a device)', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL });
    symlinkSync('/dev/zero', join(dir, 'dsl/x.dsl'));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0010 dsl/x.dsl:1:1']);
    expect(r.diagnostics[0]?.message).toMatch(/device/);
  });

  it('dazzle.toml as a FIFO or a link to /dev/zero is DZ0010 in every command that reads it', () => {
    const fifo = project({ 'dsl/app.dsl': APP_DSL });
    mkfifo(join(fifo, 'dazzle.toml'));
    const zero = project({ 'dsl/app.dsl': APP_DSL });
    symlinkSync('/dev/zero', join(zero, 'dazzle.toml'));
    const every = [['check'], ['inspect'], ['config', 'show'], ['deploy', 'plan'], ['deploy', 'generate'], ['deploy', 'synth']];
    for (const [dir, commands] of [
      [fifo, every],
      [zero, [['check'], ['config', 'show']]],
    ] as const) {
      for (const cmd of commands) {
        const r = dazzle([...cmd, '-p', '.'], dir);
        expect(r.code, cmd.join(' ')).toBe(2);
        expect(r.stderr, cmd.join(' ')).toMatch(/^dazzle\.toml:1:1 - error DZ0010: /m);
        expect(r.stdout, cmd.join(' ')).toBe('');
      }
    }
  });

  it('a file over the size cap is DZ0011 naming its size and the cap (a .dsl file and dazzle.toml)', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dsl/big.dsl': '' });
    truncateSync(join(dir, 'dsl/big.dsl'), 17 * 1024 * 1024);
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0011 dsl/big.dsl:1:1']);
    expect(r.diagnostics[0]?.message).toContain('17 MiB');
    expect(r.diagnostics[0]?.message).toContain('16 MiB');
    const toml = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml': '' });
    truncateSync(join(toml, 'dazzle.toml'), 16 * 1024 * 1024 + 1);
    const t = check(toml);
    expect(t.code).toBe(2);
    expect(t.diagnostics.map(where)).toEqual(['DZ0011 dazzle.toml:1:1']);
  });

  it('a FIFO or a folder passed as a file on the command line is DZ0010', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL });
    mkfifo(join(dir, 'pipe.dsl'));
    const r = dazzle(['check', '--format', 'json', 'dsl/app.dsl', 'pipe.dsl'], dir);
    expect(r.code).toBe(2);
    expect((JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics.map(where)).toEqual(['DZ0010 pipe.dsl:1:1']);
    const folder = dazzle(['check', '--format', 'json', 'dsl'], dir);
    expect(folder.code).toBe(2);
    const [d] = (JSON.parse(folder.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
    expect(d && where(d)).toBe('DZ0010 dsl:1:1');
    expect(d?.hint).toContain('-p dsl');
  });
});

describe('module paths stay inside the project', () => {
  it.each([
    ['"/"', '[modules]\npaths = ["/"]\n', 2, 10],
    ['"../.."', '[modules]\npaths = ["dsl", "../.."]\n', 2, 17],
    ["'..' on its own line of a multi-line array", "[modules]\npaths = [\n  'dsl',\n  '..',\n]\n", 4, 3],
    ['an inline table', 'modules = { paths = ["/tmp"] }\n', 1, 22],
  ])('%s is DZ0012 at the string in dazzle.toml', (_name, toml, line, col) => {
    const dir = project({ 'dazzle.toml': toml, 'dsl/app.dsl': APP_DSL });
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual([`DZ0012 dazzle.toml:${line}:${col}`]);
  });

  it('a module path that is a link out of the project is DZ0012', () => {
    const outside = project({ 'other.dsl': OTHER_DSL });
    const dir = project({ 'dazzle.toml': '[modules]\npaths = ["dsl", "ext"]\n', 'dsl/app.dsl': APP_DSL });
    symlinkSync(outside, join(dir, 'ext'));
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0012 dazzle.toml:2:17']);
    expect(r.diagnostics[0]?.message).toContain(outside);
  });

  it('a module path that does not exist is DZ0007 at its string, not at column 1 of the first line that mentions it', () => {
    const dir = project({ 'dazzle.toml': '# paths = ["nope"]\n[modules]\npaths = ["dsl", "nope"]\n', 'dsl/app.dsl': APP_DSL });
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0007 dazzle.toml:3:17']);
  });

  it('every command that reads the project refuses paths = ["/"] (and finishes)', () => {
    const dir = project({ 'dazzle.toml': '[modules]\npaths = ["/"]\n', 'dsl/app.dsl': APP_DSL });
    for (const cmd of [['check'], ['inspect'], ['deploy', 'plan'], ['deploy', 'generate'], ['deploy', 'synth']]) {
      const r = dazzle([...cmd, '-p', '.'], dir);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr, cmd.join(' ')).toContain('dazzle.toml:2:10 - error DZ0012');
    }
  });
});

/**
 * Run the CLI as a user that file modes apply to. As root, chmod 000 does not
 * stop reads, so the process runs as `nobody` (uid 65534) instead; the project
 * folder is opened up for it first. Undefined when that is not possible.
 */
function runAsUser(args: readonly string[], cwd: string): CliResult | undefined {
  if (process.getuid?.() !== 0) return dazzle(args, cwd);
  chmodSync(cwd, 0o755);
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, uid: 65534, gid: 65534, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' }, timeout: HANG_MS });
  if (r.error && (r.error as NodeJS.ErrnoException).code === 'EPERM') return undefined;
  expect(r.status, `hung: ${r.stderr}`).not.toBeNull();
  expect(r.stderr).not.toContain('DZ9001');
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const NO_SETUID = 'running as root without permission to switch to uid 65534, so file modes cannot be exercised';

describe('unreadable files and folders', () => {
  it('a folder in the place of dazzle.toml is DZ0010, not "no dazzle.toml"', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml/x': '' });
    for (const cmd of [['check'], ['config', 'show'], ['deploy', 'plan']]) {
      const r = dazzle([...cmd, '-p', '.'], dir);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr, cmd.join(' ')).toMatch(/^dazzle\.toml:1:1 - error DZ0010: .*folder/m);
      expect(r.stderr).not.toContain('DZ0009');
      expect(r.stdout).toBe('');
    }
  });

  it('an unreadable dazzle.toml is DZ0005; no plan for the default region follows', (ctx) => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml': '[deploy]\nregion = "eu-west-1"\n' });
    chmodSync(join(dir, 'dazzle.toml'), 0o000);
    for (const cmd of [['deploy', 'plan'], ['config', 'show'], ['check']]) {
      const r = runAsUser([...cmd, '-p', '.'], dir);
      if (!r) return ctx.skip(NO_SETUID);
      expect(r.code, cmd.join(' ')).toBe(2);
      expect(r.stderr, cmd.join(' ')).toMatch(/^dazzle\.toml:1:1 - error DZ0005: .*EACCES/m);
      expect(r.stderr).not.toContain('DZ0009');
      expect(r.stdout).toBe('');
    }
  });

  it('an unreadable sub-folder is DZ0014, not an internal error', (ctx) => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dsl/private/secret.dsl': 'module t.secret\n' });
    chmodSync(join(dir, 'dsl/private'), 0o000);
    const r = runAsUser(['check', '-p', '.'], dir);
    if (!r) return ctx.skip(NO_SETUID);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dsl\/private:1:1 - error DZ0014: .*EACCES/m);
  });

  it('an unreadable .dsl file is DZ0005 at its path', (ctx) => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dsl/locked.dsl': 'module t.locked\n' });
    chmodSync(join(dir, 'dsl/locked.dsl'), 0o000);
    const r = runAsUser(['check', '-p', '.'], dir);
    if (!r) return ctx.skip(NO_SETUID);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^dsl\/locked\.dsl:1:1 - error DZ0005: .*EACCES/m);
  });
});

describe('messages', () => {
  it('-p pointing at a file says it is a file and suggests its folder', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml': '' });
    for (const [cmd, target, folder] of [
      [['check'], 'dsl/app.dsl', 'dsl'],
      [['deploy', 'plan'], 'dazzle.toml', '.'],
      [['config', 'show'], 'dazzle.toml', '.'],
    ] as const) {
      const r = dazzle([...cmd, '-p', target, '--format', 'json'], dir);
      expect(r.code, cmd.join(' ')).toBe(2);
      const [d, ...rest] = (JSON.parse(r.stdout) as { diagnostics: JsonDiagnostic[] }).diagnostics;
      expect(rest).toEqual([]);
      expect(d && where(d)).toBe(`DZ0016 ${target}:1:1`);
      expect(d?.hint).toContain(`-p ${folder}`);
    }
  });

  const HAS_ICONV = spawnSync('iconv', ['--version']).status === 0;
  const utf16 = (text: string, order: 'le' | 'be', bom: boolean): Uint8Array => {
    const le = Buffer.from(text, 'utf16le');
    const body = order === 'le' ? le : Buffer.from(le).swap16();
    const mark = order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff];
    return new Uint8Array(Buffer.concat([Buffer.from(bom ? mark : []), body]));
  };

  it.each([
    ['little-endian with BOM', 'le', true],
    ['big-endian with BOM', 'be', true],
    ['little-endian without BOM', 'le', false],
    ['big-endian without BOM', 'be', false],
  ] as const)('a UTF-16 %s .dsl file and dazzle.toml say UTF-16 and how to convert', (_name, order, bom) => {
    const dir = project({ 'dsl/app.dsl': utf16(APP_DSL, order, bom) });
    const r = check(dir);
    expect(r.code).toBe(2);
    expect(r.diagnostics.map(where)).toEqual(['DZ0017 dsl/app.dsl:1:1']);
    expect(r.diagnostics[0]?.message).toContain('UTF-16');
    // The command in the hint converts the file so that it is read.
    const command = /`(iconv [^`]+)`/.exec(r.diagnostics[0]?.hint ?? '')?.[1];
    expect(command).toBeDefined();
    if (HAS_ICONV && command) {
      expect(spawnSync('sh', ['-c', command], { cwd: dir }).status).toBe(0);
      expect(check(dir).code).toBe(0);
    }
    const toml = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml': utf16('[deploy]\nregion = "eu-west-1"\n', order, bom) });
    const t = check(toml);
    expect(t.code).toBe(2);
    expect(t.diagnostics.map(where)).toEqual(['DZ0017 dazzle.toml:1:1']);
  });

  it('a UTF-8 dazzle.toml with a BOM still loads', () => {
    const dir = project({ 'dsl/app.dsl': APP_DSL, 'dazzle.toml': '\ufeff[deploy]\nregion = "eu-west-1"\n' });
    const r = dazzle(['config', 'show', '-p', '.', '--format', 'json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('eu-west-1');
  });
});
