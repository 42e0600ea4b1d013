/** Test helpers: the corpus location, an in-memory front end, and the built CLI as a process. */
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, inject, it } from 'vitest';
import { frontEnd } from '../src/project/index.js';
import { SHARED, SHARED_SKIPS } from './shared-folder.js';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export { SHARED };
/** Real Dazzle projects and test files, kept outside the repository (`../shared`). */
export const CORPUS = join(SHARED, 'corpus', 'dazzle');
/**
 * Whether the shared folder is there. CI has it beside the repository; a clone of the
 * repository alone does not, and the suites that read it are skipped (see `describeShared`).
 */
export const HAS_SHARED = existsSync(CORPUS);
export const BIN = join(REPO, 'bin', 'dazzle');

/** Record a suite skipped for want of the shared folder; test/shared-setup.ts prints them all on one line. */
function skippedForShared(name: string): void {
  const report = inject(SHARED_SKIPS);
  const file = expect.getState().testPath;
  if (report) appendFileSync(report, `${JSON.stringify({ file: file ? relative(REPO, file) : '?', name })}\n`);
}

/**
 * `describe` for a suite that reads the shared folder (the corpus, the seeds). Without
 * the folder, the suite is skipped without running its body (which would read it) and
 * is named in the one line the run prints about it.
 */
export function describeShared(name: string, fn: () => void): void {
  if (HAS_SHARED) {
    describe(name, fn);
    return;
  }
  skippedForShared(name);
  describe.skipIf(!HAS_SHARED)(name, () => it('needs the shared folder', () => undefined));
}

/** `it` for one test that reads the shared folder: skipped (and reported) without it. */
export function itShared(name: string, fn: () => unknown, timeout?: number): void {
  if (HAS_SHARED) {
    it(name, fn, timeout);
    return;
  }
  skippedForShared(name);
  it.skipIf(!HAS_SHARED)(name, () => undefined);
}

/**
 * Cases that read the shared folder, in a list that also has cases that do not (the example):
 * `make()` without it, none (and `label` reported as skipped) when it is missing.
 */
export function sharedCases<T>(label: string, make: () => T[]): T[] {
  if (HAS_SHARED) return make();
  skippedForShared(label);
  return [];
}

/** Corpus projects: folders with a dazzle.toml (none without the shared folder). */
export function corpusProjects(): string[] {
  if (!HAS_SHARED) return [];
  return readdirSync(CORPUS)
    .filter((d) => existsSync(join(CORPUS, d, 'dazzle.toml')))
    .sort();
}

export function corpusFiles(sub: string): string[] {
  if (!HAS_SHARED) return [];
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
