/** Test helpers: the corpus location, an in-memory front end, and the built CLI as a process. */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { frontEnd } from '../src/project/index.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** Real Dazzle projects and test files, kept outside the repository (`../shared`). */
export const CORPUS = resolve(REPO, '..', 'shared', 'corpus', 'dazzle');
export const BIN = join(REPO, 'bin', 'dazzle');

/** Corpus projects: folders with a dazzle.toml. */
export function corpusProjects(): string[] {
  return readdirSync(CORPUS)
    .filter((d) => existsSync(join(CORPUS, d, 'dazzle.toml')))
    .sort();
}

export function corpusFiles(sub: string): string[] {
  const dir = join(CORPUS, sub);
  return readdirSync(dir)
    .filter((f) => f.endsWith('.dsl'))
    .sort()
    .map((f) => join(dir, f));
}

/** Run the front end over in-memory files (`{ 'dsl/app.dsl': text }`). */
export function checkTexts(files: Record<string, string | Uint8Array>) {
  const raw = Object.entries(files).map(([path, t]) => ({ path, bytes: typeof t === 'string' ? new TextEncoder().encode(t) : t }));
  return frontEnd(raw);
}

/** A minimal valid app file, to combine with a construct under test. */
export const APP = 'module test.app\napp test_app "Test App"\n';

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Run the built `dazzle` command as a separate process. */
export function runCli(args: readonly string[], opts: { cwd?: string; env?: Record<string, string>; timeoutMs?: number } = {}): CliResult {
  const r = spawnSync(process.execPath, [BIN, ...args], {
    cwd: opts.cwd ?? REPO,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    timeout: opts.timeoutMs ?? 30_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Write a throw-away project: `{ 'dazzle.toml': …, 'dsl/app.dsl': … }`. Returns its folder. */
export function tempProject(files: Record<string, string | Uint8Array>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dazzle-test-'));
  for (const [rel, content] of Object.entries(files)) {
    const p = join(dir, rel);
    mkdirSync(dirname(p), { recursive: true });
    writeFileSync(p, content);
  }
  return dir;
}

/** A stack trace in output (what users must never see without --debug). */
export const STACK_TRACE = /\n\s+at .+\(.+:\d+:\d+\)|\n\s+at file:\/\//;

/** Copy a project to `dest`, leaving out what generate and npm write into it (infra/, cdk.out, node_modules). */
export function copyProject(src: string, dest: string): string {
  cpSync(src, dest, { recursive: true, filter: (f) => !/[\\/](infra|cdk\.out|node_modules)$/.test(f) });
  return dest;
}
