/**
 * Kill `dazzle deploy generate` (a real SIGKILL of the real CLI process) before each of its
 * steps in turn: every stage, rename, delete and purge. After each kill, the folder's recovery
 * gives back exactly the old tree or exactly the new one (never a mix), and the next run
 * completes the generation without reporting any file as edited by hand; the user's own files
 * in the folder are never touched.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { run } from '../../src/cli/main.js';
import { openGeneratedApp } from '../../src/cli/write.js';
import { BIN, copyProject, REPO } from '../helpers.js';
import { snapshot } from './tree-helpers.js';

const EXAMPLE = join(REPO, 'examples', 'ledger-app');

interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stderr: string;
}

/** `dazzle deploy generate` as a process, optionally with a fault (see src/cli/fault.ts). */
function generateProcess(project: string, fault?: string): Promise<Exit> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [BIN, 'deploy', 'generate', '-p', project], {
      env: { ...process.env, NO_COLOR: '1', ...(fault ? { DAZZLE_TEST_FAULT: fault } : {}) },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('close', (code, signal) => done({ code, signal, stderr }));
  });
}

/** The next run, as the user makes it: the CLI's own entry point, in this process (no fault). */
async function nextRun(project: string): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await run(['deploy', 'generate', '-p', project], { stdout: () => undefined, stderr: (s) => (stderr += s), color: false }, REPO);
  return { code, stderr };
}

/** The tree, with the one value that differs between two runs (generated_at) made equal. */
function tree(dir: string): string {
  const s = snapshot(dir);
  for (const k of Object.keys(s)) s[k] = (s[k] as string).replace(/"generated_at": "[^"]+"/, '"generated_at": "T"');
  return JSON.stringify(s, null, 1);
}

/** What recovery makes of a killed run's folder (in a copy, so the next run sees the original). */
function recovered(project: string): string {
  const look = copy(project);
  const opened = openGeneratedApp(join(look, 'infra'), 'infra', 'test');
  expect(opened.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  opened.value?.release();
  return tree(join(look, 'infra'));
}

/**
 * A project whose infra/ was generated without the ledgers (no TigerBeetle stack) and whose
 * inputs now have the ledgers but no messaging: the next generation adds a stack file, removes
 * one, and changes five files and the version file. The user has added two files of their own.
 */
async function fixture(): Promise<string> {
  const p = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-crash-')));
  renameSync(join(p, 'dsl', 'ledgers.dsl'), join(p, 'ledgers.dsl.aside'));
  expect((await generateProcess(p)).code).toBe(0);
  renameSync(join(p, 'ledgers.dsl.aside'), join(p, 'dsl', 'ledgers.dsl'));
  rmSync(join(p, 'dsl', 'messaging.dsl'));
  writeFileSync(join(p, 'infra', 'notes.txt'), 'my notes\n');
  writeFileSync(join(p, 'infra', 'lib', 'my-construct.ts'), '// mine\n');
  return p;
}

function copy(p: string): string {
  const dest = mkdtempSync(join(tmpdir(), 'dazzle-crash-run-'));
  cpSync(p, dest, { recursive: true });
  return dest;
}

/** Kill a copy of `base` before step n, for n = 1, 2, … until a run completes; a few at a time. */
async function killAtEveryStep(base: string): Promise<{ n: number; project: string }[]> {
  const killed: { n: number; project: string }[] = [];
  for (let first = 1; first < 300; first += 4) {
    const batch = [first, first + 1, first + 2, first + 3].map((n) => ({ n, project: copy(base) }));
    const exits = await Promise.all(batch.map((b) => generateProcess(b.project, `kill@${b.n}`)));
    for (const [i, e] of exits.entries()) {
      if (e.code === 0) return killed; // past the last step: the run completed
      expect(e.signal, `step ${batch[i]?.n}: ${e.stderr}`).toBe('SIGKILL');
      killed.push(batch[i] as { n: number; project: string });
    }
  }
  throw new Error('generate never completed');
}

const journal = (p: string) => existsSync(join(p, 'infra', '.dazzle-staging', 'journal.json'));

describe('generate killed at every step', () => {
  it('leaves the old or the new tree after recovery, and the next run completes without DZ6001', async () => {
    const base = await fixture();
    const OLD = tree(join(base, 'infra'));
    const done = copy(base);
    expect((await generateProcess(done)).code).toBe(0);
    const NEW = tree(join(done, 'infra'));
    expect(NEW).toContain('lib/tigerbeetle-stack.ts');
    expect(NEW).not.toContain('lib/messaging-stack.ts');
    expect(OLD).toContain('lib/messaging-stack.ts');

    const killed = await killAtEveryStep(base);
    const outcomes: ('old' | 'new')[] = [];
    let halfChanged = 0;
    for (const { n, project } of killed) {
      if (journal(project)) halfChanged += 1;
      const after = recovered(project);
      expect([OLD, NEW], `step ${n}: recovery gave a mixed tree`).toContain(after);
      outcomes.push(after === OLD ? 'old' : 'new');
      const next = await nextRun(project);
      expect(next.code, `step ${n}: ${next.stderr}`).toBe(0);
      expect(next.stderr, `step ${n}`).not.toMatch(/DZ6001|error/);
      expect(tree(join(project, 'infra')), `step ${n}`).toBe(NEW);
    }
    // Every step was tried: the old tree until the commit, the new one from then on.
    expect(killed.length).toBeGreaterThan(30);
    expect(halfChanged).toBeGreaterThan(10);
    const firstNew = outcomes.indexOf('new');
    expect(firstNew).toBeGreaterThan(0);
    expect(outcomes.slice(firstNew).every((o) => o === 'new')).toBe(true);
  }, 300_000);

  it('a first generation killed midway leaves an empty folder after recovery, and the next run generates', async () => {
    const base = copyProject(EXAMPLE, mkdtempSync(join(tmpdir(), 'dazzle-crash-first-')));
    for (const where of ['stage lib/app.ts', 'place lib/compute-stack.ts', 'place .dazzle-infra-version.json', 'cleanup']) {
      const p = copy(base);
      expect((await generateProcess(p, `kill@${where}`)).signal, where).toBe('SIGKILL');
      const after = JSON.parse(recovered(p)) as Record<string, string>;
      if (where === 'cleanup') expect(after['.dazzle-infra-version.json'], where).toBeDefined();
      else expect(after, where).toEqual({});
      const next = await nextRun(p);
      expect(next.code, `${where}: ${next.stderr}`).toBe(0);
      expect(next.stderr, where).not.toMatch(/error/);
    }
  });

  it('a recovery that is itself killed is simply run again', async () => {
    const base = await fixture();
    const OLD = tree(join(base, 'infra'));
    // Killed in the middle of the renames: a journal, and some files already replaced.
    const p = copy(base);
    expect((await generateProcess(p, 'kill@place lib/network-stack.ts')).signal).toBe('SIGKILL');
    expect(journal(p)).toBe(true);
    expect(readFileSync(join(p, 'infra', 'lib', 'app.ts'), 'utf8')).not.toBe(readFileSync(join(base, 'infra', 'lib', 'app.ts'), 'utf8'));
    // A dry run changes nothing, says a rollback is pending (DZ6017), and lists the changes from the old tree.
    const before = tree(join(p, 'infra'));
    const dry = { out: '', err: '' };
    const io = { stdout: (x: string) => (dry.out += x), stderr: (x: string) => (dry.err += x), color: false };
    expect(await run(['deploy', 'generate', '-p', p, '--dry-run'], io, REPO)).toBe(0);
    expect(dry.err).toMatch(/warning DZ6017/);
    expect(dry.err).not.toMatch(/DZ6001/);
    expect(dry.out).toMatch(/added {3}lib\/tigerbeetle-stack\.ts/);
    expect(dry.out).toMatch(/removed lib\/messaging-stack\.ts/);
    expect(tree(join(p, 'infra'))).toBe(before);
    // Kill the next run at each step of its rollback (the stale lock first, then each restore).
    for (let m = 1; m <= 8; m++) {
      const q = copy(p);
      const exit = await generateProcess(q, `kill@${m}`);
      expect(exit.signal, exit.stderr).toBe('SIGKILL');
      expect(recovered(q), `killed at recovery step ${m}`).toBe(OLD);
      const next = await nextRun(q);
      expect(next.code, next.stderr).toBe(0);
      expect(next.stderr).not.toMatch(/DZ6001|error/);
    }
  }, 120_000);
});
