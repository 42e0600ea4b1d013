/**
 * How a generation changes the output folder so that a crash at any moment
 * loses nothing: a write-ahead journal, kept in `<out>/.dazzle-staging/`.
 *
 * Why a journal and not one rename of a whole staged folder: the output
 * folder also holds files that are not ours (the user's notes, node_modules,
 * cdk.out) which must stay where they are, and POSIX cannot atomically swap a
 * non-empty folder (rename onto it fails; renaming the old one aside leaves a
 * moment with no folder at all).
 *
 * 1. Stage: every new content is written (and fsynced) under `new/`.
 * 2. Journal: `journal.json` lists each change (path, checksum before, after)
 *    and the folders to create; it is written to a temporary name, fsynced and
 *    renamed, so it exists completely or not at all. Until it exists, the tree
 *    has not been touched.
 * 3. Apply: for each change, the file being replaced is first hard-linked
 *    under `old/` (or renamed there when links are not possible), then the new
 *    file is renamed over it (one atomic rename per file); a file to delete is
 *    renamed under `old/`. The version file goes last. Nothing is deleted yet.
 * 4. Commit: `journal.json` is removed. From here the new tree stands.
 * 5. Purge: `old/` and the rest of the staging folder are deleted.
 *
 * Recovery, run by the next command on the folder before anything else (and
 * in-process when a step fails): with a journal present, every change is
 * undone from `old/`, `new/` and the checksums (each undo is idempotent, so an
 * interrupted recovery is simply run again), giving back exactly the previous
 * tree; without one, the staging folder is leftover and is deleted. A file
 * that changed since, or that sits behind a symbolic link, is never touched.
 */
import { Ajv, type ValidateFunction } from 'ajv';
import { closeSync, linkSync, mkdirSync, openSync, readdirSync, renameSync, rmdirSync, rmSync, unlinkSync, writeSync, fsyncSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import type { Lock } from './lock.js';
import { errno, fsyncPath, ioReason, lstatOrUndefined, lstatQuiet, readRegularFile, sha256Bytes } from './safe-fs.js';
import { VERSION_FILE } from '../emit/index.js';
import { RESERVED_NAMES, unsafePathReason } from './version-file.js';

export const STAGING = '.dazzle-staging';
const JOURNAL = 'journal.json';

/** One file change: checksums before and after (null: absent). */
export interface Change {
  readonly path: string;
  readonly before: string | null;
  readonly after: string | null;
}

interface Journal {
  readonly format: 1;
  readonly pid: number;
  readonly started_at: string;
  readonly changes: readonly Change[];
  /** Folders the generation creates, parents first. */
  readonly dirs: readonly string[];
}

const SUM = { anyOf: [{ type: 'string', pattern: '^[0-9a-f]{64}$' }, { type: 'null' }] } as const;
const JOURNAL_SCHEMA = {
  type: 'object',
  required: ['format', 'pid', 'started_at', 'changes', 'dirs'],
  properties: {
    format: { const: 1 },
    pid: { type: 'integer' },
    started_at: { type: 'string' },
    changes: { type: 'array', items: { type: 'object', required: ['path', 'before', 'after'], properties: { path: { type: 'string' }, before: SUM, after: SUM } } },
    dirs: { type: 'array', items: { type: 'string' } },
  },
} as const;
let validateJournal: ValidateFunction | undefined;

/** Is there an interrupted generation in `root`: a journal (changes were being made) or leftover staging? */
export function pendingGeneration(root: string): 'none' | 'staging' | 'journal' {
  if (!lstatQuiet(join(root, STAGING))) return 'none';
  return lstatQuiet(join(root, STAGING, JOURNAL)) ? 'journal' : 'staging';
}

/** Why the folders above `rel` (inside `root`) cannot be used: a symbolic link or a file on the way. */
export function blockedAncestor(root: string, rel: string): { readonly at: string; readonly by: 'symlink' | 'file' } | undefined {
  const parts = rel.split('/');
  for (let i = 1; i < parts.length; i++) {
    const at = parts.slice(0, i).join('/');
    let st;
    try {
      st = lstatOrUndefined(join(root, at));
    } catch {
      return { at, by: 'file' };
    }
    if (!st) return undefined;
    if (st.isSymbolicLink()) return { at, by: 'symlink' };
    if (!st.isDirectory()) return { at, by: 'file' };
  }
  return undefined;
}

/** What is at `rel` now: its checksum, null when absent, or 'other' (not a plain file we could have written). */
function current(root: string, rel: string): string | null | 'other' {
  if (blockedAncestor(root, rel)) return 'other';
  const e = readRegularFile(join(root, rel));
  return e.kind === 'missing' ? null : e.kind === 'file' ? sha256Bytes(e.bytes) : 'other';
}

function exists(path: string): boolean {
  return lstatQuiet(path) !== undefined;
}

/** Write a file completely and durably (O_EXCL: nothing is there yet). */
function writeDurable(path: string, content: string): void {
  const fd = openSync(path, 'wx', 0o644);
  try {
    writeSync(fd, content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

type Step = (label: string) => void;

/**
 * Undo the journal's changes (last first). Returns the paths it could not put
 * back (changed since, or behind a link); those and `old/` are then kept.
 */
function undo(root: string, journal: Journal, step: Step): string[] {
  const staging = join(root, STAGING);
  const conflicts: string[] = [];
  for (const c of [...journal.changes].reverse()) {
    const target = join(root, c.path);
    const oldCopy = join(staging, 'old', c.path);
    const now = current(root, c.path);
    const placed = c.after !== null && !exists(join(staging, 'new', c.path));
    if (placed && now === c.after) {
      if (c.before !== null) {
        if (!exists(oldCopy)) {
          conflicts.push(c.path);
          continue;
        }
        step(`restore ${c.path}`);
        renameSync(oldCopy, target);
      } else {
        step(`unplace ${c.path}`);
        unlinkSync(target);
      }
    } else if (now === c.before) {
      // Untouched, or already put back.
    } else if (now === null && c.before !== null && exists(oldCopy)) {
      // Moved aside (a delete, or a replace without a hard link) and not yet replaced.
      step(`restore ${c.path}`);
      renameSync(oldCopy, target);
    } else {
      conflicts.push(c.path);
    }
  }
  for (const d of [...journal.dirs].reverse()) {
    try {
      step(`rmdir ${d}`);
      rmdirSync(join(root, d));
    } catch (e) {
      // Not empty (the user put something there) or already gone: keep it.
      if (!['ENOTEMPTY', 'EEXIST', 'ENOENT', 'ENOTDIR'].includes(errno(e))) throw e;
    }
  }
  return conflicts;
}

/** Delete the staging folder: `old/` file by file (each one a step), then the rest. */
function purge(root: string, step: Step): void {
  const staging = join(root, STAGING);
  const walk = (dir: string, rel: string): void => {
    let names: string[];
    try {
      names = readdirSync(dir).sort();
    } catch {
      return;
    }
    for (const n of names) {
      const p = join(dir, n);
      const st = lstatQuiet(p);
      if (st?.isDirectory()) walk(p, `${rel}${n}/`);
      else {
        step(`purge ${rel}${n}`);
        unlinkSync(p);
      }
    }
  };
  walk(join(staging, 'old'), 'old/');
  step('cleanup');
  rmSync(staging, { recursive: true, force: true });
}

function readJournal(root: string): { journal?: Journal; problem?: string } {
  const e = readRegularFile(join(root, STAGING, JOURNAL));
  if (e.kind !== 'file') return { problem: e.kind === 'error' ? `it cannot be read (${e.code})` : 'it is not a regular file' };
  let data: unknown;
  try {
    data = JSON.parse(e.bytes.toString('utf8'));
  } catch {
    return { problem: 'it is not valid JSON' };
  }
  validateJournal ??= new Ajv({ strict: false }).compile(JOURNAL_SCHEMA);
  if (!validateJournal(data)) return { problem: 'it is not a journal dazzle wrote' };
  const j = data as Journal;
  const bad = [...j.changes.map((c) => c.path), ...j.dirs].find((p) => unsafePathReason(p, RESERVED_NAMES.filter((n) => n !== VERSION_FILE)) !== undefined);
  if (bad !== undefined) return { problem: `it names '${bad}', which is not a plain path inside the folder` };
  return { journal: j };
}

/**
 * For a dry run over an interrupted generation: the checksum each path of the
 * journal has once rolled back (null: absent), and where the previous version
 * file is until then (`versionFile`: undefined when there was none).
 */
export function pendingRollback(root: string): { readonly sums: ReadonlyMap<string, string | null>; readonly versionDir: string | undefined } | undefined {
  const { journal } = readJournal(root);
  if (!journal) return undefined;
  const v = journal.changes.find((c) => c.path === VERSION_FILE);
  const oldDir = join(root, STAGING, 'old');
  const versionDir = !v ? root : v.before === null ? undefined : exists(join(oldDir, VERSION_FILE)) ? oldDir : root;
  return { sums: new Map(journal.changes.map((c) => [c.path, c.before])), versionDir };
}

/**
 * Finish an interrupted generation in `root` before anything else reads or
 * writes it: roll back a journal (note DZ6014), delete leftover staging. When
 * it cannot, DZ6015 (error) and the staging folder is kept for the user.
 */
export function recover(root: string, shown: string, step: Step = () => undefined): readonly Diagnostic[] {
  const stagingShown = shown === '.' ? STAGING : `${shown}/${STAGING}`;
  const st = lstatQuiet(join(root, STAGING));
  if (!st) return [];
  if (!st.isDirectory()) {
    return [diag('DZ6015', `${stagingShown} is not a folder dazzle made, so dazzle cannot tell what an earlier run left`, { hint: `move ${stagingShown} away (dazzle keeps this name for itself) and run again` })];
  }
  const kept = (why: string) =>
    diag('DZ6015', `an interrupted generation left ${shown} half-changed and could not be rolled back: ${why}; nothing else was done`, {
      hint: `the files it replaced are in ${stagingShown}/old and the new ones in ${stagingShown}/new; put back what you need, delete ${stagingShown}, and run again`,
    });
  if (!exists(join(root, STAGING, JOURNAL))) {
    // Stopped while staging (the tree was never touched) or after the commit (the new tree stands).
    try {
      purge(root, step);
    } catch (e) {
      return [diag('DZ6002', `cannot delete ${stagingShown}, left by an interrupted generation: ${ioReason(e)}`, { hint: `delete ${stagingShown} and run again` })];
    }
    return [];
  }
  const { journal, problem } = readJournal(root);
  if (!journal) return [kept(`its journal cannot be used (${problem})`)];
  let conflicts: string[];
  try {
    conflicts = undo(root, journal, step);
  } catch (e) {
    return [kept(ioReason(e))];
  }
  if (conflicts.length) return [kept(`${conflicts.join(', ')} changed since (or sit behind a symbolic link)`)];
  try {
    step('rolled back');
    unlinkSync(join(root, STAGING, JOURNAL));
    purge(root, step);
  } catch {
    // Rolled back; leftover staging is deleted by the next run.
  }
  return [diag('DZ6014', `an interrupted generation (pid ${journal.pid}, started ${journal.started_at}) was rolled back: ${shown} is as it was before it`)];
}

/** What a generation changes: the changes, the new contents by path, and the folders to create. */
export interface Transaction {
  readonly changes: readonly Change[];
  readonly contents: ReadonlyMap<string, string>;
  readonly dirs: readonly string[];
}

/**
 * Make the changes in `root` as described above. On failure the tree is
 * rolled back in-process and DZ6002 says what failed; the previous output is
 * unchanged. Needs the lock, and `recover` run first.
 */
export function applyTransaction(root: string, shown: string, tx: Transaction, lock: Lock, now: Date, step: Step): readonly Diagnostic[] {
  const staging = join(root, STAGING);
  const failed = (e: unknown, extra: readonly Diagnostic[] = []) => [
    diag('DZ6002', `cannot write ${shown}: ${ioReason(e)}; the previous output is unchanged`, {
      hint: 'free space or fix the permissions (or what is in the way) and run again',
    }),
    ...extra,
  ];
  const journal: Journal = { format: 1, pid: process.pid, started_at: now.toISOString(), changes: tx.changes, dirs: tx.dirs };
  try {
    step('prepare');
    mkdirSync(join(staging, 'new'), { recursive: true });
    mkdirSync(join(staging, 'old'), { recursive: true });
    for (const c of tx.changes) {
      if (c.after === null) continue;
      step(`stage ${c.path}`);
      const p = join(staging, 'new', c.path);
      mkdirSync(dirname(p), { recursive: true });
      writeDurable(p, tx.contents.get(c.path) as string);
    }
    step('journal write');
    writeDurable(join(staging, `${JOURNAL}.tmp`), `${JSON.stringify(journal, null, 2)}\n`);
    step('journal');
    renameSync(join(staging, `${JOURNAL}.tmp`), join(staging, JOURNAL));
    fsyncPath(staging);
  } catch (e) {
    try {
      rmSync(staging, { recursive: true, force: true });
    } catch {
      // The next run deletes leftover staging.
    }
    return failed(e);
  }
  const rollBack = (e: unknown): readonly Diagnostic[] => {
    const undone = recover(root, shown, () => undefined).filter((d) => d.code !== 'DZ6014');
    return failed(e, undone);
  };
  if (!lock.held()) {
    return rollBack(Object.assign(new Error('the lock was taken over by another dazzle command'), { code: 'ELOCKLOST' }));
  }
  try {
    for (const d of tx.dirs) {
      step(`mkdir ${d}`);
      mkdirSync(join(root, d));
    }
    for (const c of tx.changes) {
      const target = join(root, c.path);
      const oldCopy = join(staging, 'old', c.path);
      if (c.before !== null) mkdirSync(dirname(oldCopy), { recursive: true });
      if (c.before !== null && c.after !== null) {
        step(`backup ${c.path}`);
        try {
          linkSync(target, oldCopy);
        } catch (e) {
          // No hard links here (EPERM under protected_hardlinks, EXDEV, ENOTSUP…): move it aside instead.
          if (errno(e) === 'ENOENT') throw e;
          step(`move aside ${c.path}`);
          renameSync(target, oldCopy);
        }
        step(`place ${c.path}`);
        renameSync(join(staging, 'new', c.path), target);
      } else if (c.after !== null) {
        step(`place ${c.path}`);
        renameSync(join(staging, 'new', c.path), target);
      } else {
        step(`delete ${c.path}`);
        renameSync(target, oldCopy);
      }
    }
    step('commit');
    unlinkSync(join(staging, JOURNAL));
  } catch (e) {
    return rollBack(e);
  }
  try {
    purge(root, step);
  } catch {
    // The new tree stands; leftover staging is deleted by the next run.
  }
  return [];
}
