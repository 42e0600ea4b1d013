/**
 * I/O errors are diagnostics and leave the previous tree exactly as it was: EACCES with real
 * permissions (as an unprivileged user: when the tests run as root, the CLI runs as `nobody`,
 * since root ignores file modes), EISDIR and ENOTDIR with real folders and files in the way, and
 * ENOSPC (which cannot be caused safely here) through the writer's fault seam, as it would fail
 * at a write and at a rename.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN, copyProject, REPO, STACK_TRACE } from '../helpers.js';
import { snapshot } from './tree-helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');
const ROOT = process.getuid?.() === 0;
const NOBODY = 65534;

interface Result {
  readonly code: number | null;
  readonly stderr: string;
  readonly codes: string[];
}

/** `dazzle deploy generate --format json`, as an unprivileged user when `unprivileged`. */
function generate(project: string, opts: { unprivileged?: boolean; fault?: string } = {}): Result {
  const r = spawnSync(process.execPath, [BIN, 'deploy', 'generate', '-p', project, '--format', 'json'], {
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...(opts.fault ? { DAZZLE_TEST_FAULT: opts.fault } : {}) },
    timeout: 30_000,
    ...(opts.unprivileged && ROOT ? { uid: NOBODY, gid: NOBODY } : {}),
  });
  let codes: string[] = [];
  try {
    codes = (JSON.parse(r.stdout) as { diagnostics: { code: string }[] }).diagnostics.map((d) => d.code);
  } catch {
    // not JSON: the assertions on the exit code and stderr say what happened
  }
  return { code: r.status, stderr: `${r.stderr}${r.stdout}`, codes };
}

/** A generated project whose inputs have changed since, so the next generate rewrites most files. */
function changedProject(): string {
  const p = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-io-')));
  chmodSync(p, 0o755); // readable by an unprivileged user
  expect(generate(p).code).toBe(0);
  writeFileSync(join(p, 'infra', 'notes.txt'), 'mine\n');
  rmSync(join(p, 'dsl', 'messaging.dsl'));
  return p;
}

/** Give `path` (recursively) to the user the CLI runs as. */
function giveAway(path: string): void {
  if (!ROOT) return;
  chownSync(path, NOBODY, NOBODY);
  if (statSync(path).isDirectory()) for (const n of readdirSync(path)) giveAway(join(path, n));
}

function expectUnchanged(p: string, before: Record<string, string>, r: Result, code: string, errno: string): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.codes).toContain(code);
  expect(r.stderr).toContain(`(${errno})`);
  expect(r.stderr).not.toMatch(/DZ9001/);
  expect(r.stderr).not.toMatch(STACK_TRACE);
  expect(snapshot(join(p, 'infra'))).toEqual(before);
}

describe('I/O errors leave the old tree intact', () => {
  it('EACCES: a generated folder the user cannot write to', () => {
    const p = changedProject();
    const infra = join(p, 'infra');
    giveAway(infra);
    // lib/ stays with another owner (root) and read-only: nothing can be renamed in or out of it.
    if (ROOT) chownSync(join(infra, 'lib'), 0, 0);
    chmodSync(join(infra, 'lib'), 0o555);
    const before = snapshot(infra);
    const r = generate(p, { unprivileged: true });
    chmodSync(join(infra, 'lib'), 0o755);
    expectUnchanged(p, before, r, 'DZ6002', 'EACCES');
  });

  it('EACCES: an output folder the user cannot write to at all (not even the lock)', () => {
    const p = changedProject();
    const infra = join(p, 'infra');
    chmodSync(infra, 0o555);
    const before = snapshot(infra);
    const r = generate(p, { unprivileged: true });
    chmodSync(infra, 0o755);
    expectUnchanged(p, before, r, 'DZ6002', 'EACCES');
  });

  it('EACCES: a version file the user cannot read', () => {
    const p = changedProject();
    const infra = join(p, 'infra');
    giveAway(infra);
    const version = join(infra, '.dazzle-infra-version.json');
    if (ROOT) chownSync(version, 0, 0);
    chmodSync(version, 0o600);
    const before = snapshot(infra);
    const r = generate(p, { unprivileged: true });
    expectUnchanged(p, before, r, 'DZ6005', 'EACCES');
  });

  it('EISDIR: a folder where a generated file goes', () => {
    const p = changedProject();
    rmSync(join(p, 'infra', 'lib', 'app.ts'));
    mkdirSync(join(p, 'infra', 'lib', 'app.ts'));
    const before = snapshot(join(p, 'infra'));
    const r = generate(p);
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(['DZ6011']);
    expect(snapshot(join(p, 'infra'))).toEqual(before);
    // And when the rename itself fails so (a folder appearing mid-run).
    const q = changedProject();
    const beforeQ = snapshot(join(q, 'infra'));
    expectUnchanged(q, beforeQ, generate(q, { fault: 'EISDIR@place lib/app.ts' }), 'DZ6002', 'EISDIR');
  });

  it('ENOTDIR: a file where a generated folder goes', () => {
    const p = changedProject();
    rmSync(join(p, 'infra', 'bin'), { recursive: true });
    writeFileSync(join(p, 'infra', 'bin'), 'a file of mine\n');
    const before = snapshot(join(p, 'infra'));
    const r = generate(p);
    expect(r.code).toBe(2);
    expect(r.codes).toEqual(['DZ6011']);
    expect(snapshot(join(p, 'infra'))).toEqual(before);
    const q = changedProject();
    const beforeQ = snapshot(join(q, 'infra'));
    expectUnchanged(q, beforeQ, generate(q, { fault: 'ENOTDIR@backup lib/compute-stack.ts' }), 'DZ6002', 'ENOTDIR');
  });

  // Every step, in-process, is in write.test.ts; here a write and a rename, through the CLI.
  it.each(['stage lib/app.ts', 'delete lib/messaging-stack.ts'])('ENOSPC at %s', (where) => {
    const p = changedProject();
    const before = snapshot(join(p, 'infra'));
    expectUnchanged(p, before, generate(p, { fault: `ENOSPC@${where}` }), 'DZ6002', 'ENOSPC');
    // The next run writes the new tree.
    const next = generate(p);
    expect(next.code, next.stderr).toBe(0);
  });
});
