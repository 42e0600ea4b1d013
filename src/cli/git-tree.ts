/**
 * A project's files as they were at a git commit, copied into a folder of our
 * own with git's plumbing (`ls-tree`, `cat-file --batch`): the repository, its
 * index and its working tree are only read, never changed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { unsafePathReason } from './version-file.js';

/** git's environment without what would point it at another repository (a hook's GIT_DIR). */
function gitEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' };
  for (const k of ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_COMMON_DIR', 'GIT_NAMESPACE']) delete env[k];
  return env;
}

function git(cwd: string, args: readonly string[], input?: string | Buffer): { ok: boolean; stdout: Buffer; stderr: string } {
  const r = spawnSync('git', ['-C', cwd, ...args], { env: gitEnv(), input, maxBuffer: 1024 * 1024 * 1024, stdio: ['pipe', 'pipe', 'pipe'] });
  if (r.error) return { ok: false, stdout: Buffer.alloc(0), stderr: (r.error as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed' : r.error.message };
  return { ok: r.status === 0, stdout: r.stdout, stderr: r.stderr.toString('utf8').trim() };
}

/** The top folder of the git work tree holding `dir`, or undefined when it is in none. */
export function gitTop(dir: string): string | undefined {
  const r = git(dir, ['rev-parse', '--show-toplevel']);
  return r.ok ? realpathSync(r.stdout.toString('utf8').trim()) : undefined;
}

/** The commit a ref names (`main`, `HEAD~1`, `origin/main`, a SHA), or a reason it names none. */
export function resolveCommit(top: string, ref: string): { readonly commit?: string; readonly reason?: string } {
  // A ref is never an option: `--output=…` must not reach git as one.
  if (ref === '' || ref.startsWith('-')) return { reason: 'it is not a ref name' };
  const r = git(top, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!r.ok) return { reason: 'no commit by that name exists in the repository' };
  return { commit: r.stdout.toString('utf8').trim() };
}

/**
 * Copy the files under `prefix` (a folder relative to `top`, '' for all) at
 * `commit` into `dest`, keeping their paths. Symbolic links and submodules are
 * left out. Returns the number of files, or why it failed.
 */
export function extractTree(top: string, commit: string, prefix: string, dest: string): { readonly files?: number; readonly reason?: string } {
  const listed = git(top, ['ls-tree', '-r', '-z', '--full-tree', commit, ...(prefix ? ['--', `${prefix}/`] : [])]);
  if (!listed.ok) return { reason: listed.stderr || 'git ls-tree failed' };
  const entries: { path: string; sha: string }[] = [];
  for (const line of listed.stdout.toString('utf8').split('\0')) {
    const m = /^(\d+) (\w+) ([0-9a-f]+)\t(.+)$/s.exec(line);
    if (!m || m[2] !== 'blob' || !(m[1] === '100644' || m[1] === '100755')) continue;
    const path = m[4] as string;
    if (unsafePathReason(path, []) !== undefined) continue;
    entries.push({ path, sha: m[3] as string });
  }
  if (!entries.length) return { files: 0 };
  const batch = git(top, ['cat-file', '--batch'], `${entries.map((e) => e.sha).join('\n')}\n`);
  if (!batch.ok) return { reason: batch.stderr || 'git cat-file failed' };
  const out = batch.stdout;
  let at = 0;
  for (const e of entries) {
    const nl = out.indexOf(0x0a, at);
    const header = out.subarray(at, nl).toString('utf8');
    const size = Number(/ blob (\d+)$/.exec(header)?.[1]);
    if (!Number.isFinite(size)) return { reason: `unexpected output from git cat-file: ${header}` };
    const bytes = out.subarray(nl + 1, nl + 1 + size);
    at = nl + 1 + size + 1;
    const file = join(dest, ...e.path.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, bytes);
  }
  return { files: entries.length };
}

/** `dir` relative to the work tree's top, with `/` ('' for the top itself), or undefined when it is outside. */
export function pathInTree(top: string, dir: string): string | undefined {
  const rel = relative(top, realpathSync(dir));
  if (rel.startsWith('..')) return undefined;
  return rel.split(sep).join('/');
}
