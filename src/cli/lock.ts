/**
 * One dazzle command at a time per output folder. `deploy generate` (for any
 * environment: they share the default folder) and `deploy synth` take an
 * exclusive lock, `<out>/.dazzle.lock`, created with O_EXCL so exactly one
 * process can hold it; it records who holds it (pid, host, command, start).
 *
 * A lock whose holder is gone is stale and is taken over: on this host, when
 * its pid no longer runs; from another host (a shared folder), when it is
 * older than an hour (no command holds the lock that long). Taking over
 * renames the stale file aside and checks that what was moved is exactly the
 * stale lock that was read; if another process replaced it meanwhile, it is
 * put back. The holder checks it still holds the lock before changing the tree.
 */
import { closeSync, linkSync, openSync, readFileSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import { errno, ioReason } from './safe-fs.js';

export const LOCK_FILE = '.dazzle.lock';

/** A lock from another host older than this is stale. */
const FOREIGN_STALE_MS = 60 * 60 * 1000;
/** A lock file still empty after this long was left by a process killed while creating it. */
const EMPTY_STALE_MS = 10 * 1000;

interface LockInfo {
  readonly pid: number;
  readonly host: string;
  readonly command: string;
  readonly started_at: string;
}

export interface Lock {
  /** The lock file still holds this process's record (nobody took it over). */
  held(): boolean;
  /** Remove the lock file, if it is still ours. */
  release(): void;
}

function parse(text: string): LockInfo | undefined {
  try {
    const v = JSON.parse(text) as Partial<LockInfo>;
    if (typeof v.pid === 'number' && Number.isInteger(v.pid) && v.pid > 0 && typeof v.host === 'string' && typeof v.command === 'string' && typeof v.started_at === 'string') return v as LockInfo;
  } catch {
    // not a lock we wrote
  }
  return undefined;
}

function running(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it runs, as another user.
    return errno(e) === 'EPERM';
  }
}

function ago(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 120 ? `${s} s` : s < 7200 ? `${Math.round(s / 60)} min` : `${Math.round(s / 3600)} h`;
}

type Holder = { readonly stale: false; readonly info: LockInfo | undefined } | { readonly stale: true; readonly why: string };

/** Is the lock whose text and age we read still held? */
function holder(text: string, ageMs: number, now: Date): Holder {
  const info = parse(text);
  if (!info) return ageMs > EMPTY_STALE_MS ? { stale: true, why: 'it is not a lock dazzle wrote, and it is old' } : { stale: false, info: undefined };
  if (info.host === hostname()) return running(info.pid) ? { stale: false, info } : { stale: true, why: `pid ${info.pid} (${info.command}) is no longer running` };
  const started = Date.parse(info.started_at);
  const age = Number.isNaN(started) ? ageMs : now.getTime() - started;
  return age > FOREIGN_STALE_MS ? { stale: true, why: `it was taken on host ${info.host} ${ago(age)} ago` } : { stale: false, info };
}

/**
 * Remove the stale lock whose text we read, and only that: rename it aside,
 * then compare. If another process took it over and locked again in between,
 * what we moved is their live lock: put it back (link fails if yet another lock exists).
 */
function removeStale(path: string, observed: string): void {
  const aside = `${path}.stale-${process.pid}-${Date.now()}`;
  try {
    renameSync(path, aside);
  } catch (e) {
    if (errno(e) === 'ENOENT') return;
    throw e;
  }
  let moved = '';
  try {
    moved = readFileSync(aside, 'utf8');
  } catch {
    // gone already: nothing to put back
  }
  if (moved !== observed) {
    try {
      linkSync(aside, path);
    } catch {
      // A third process holds a fresh lock; the one we moved notices (held() is false) and stops.
    }
  }
  try {
    unlinkSync(aside);
  } catch {
    // already gone
  }
}

/**
 * Take the lock on `dir` (which exists) for `command`. Fails with DZ6013 when
 * another dazzle command holds it, DZ6002 when the lock file cannot be written.
 * A stale lock taken over is reported as a note (DZ6016).
 */
export function acquireLock(dir: string, shownDir: string, command: string, now: Date, step: (label: string) => void = () => undefined): { readonly value: Lock | undefined; readonly diagnostics: readonly Diagnostic[] } {
  const path = join(dir, LOCK_FILE);
  const shown = shownDir === '.' ? LOCK_FILE : `${shownDir}/${LOCK_FILE}`;
  const mine = `${JSON.stringify({ pid: process.pid, host: hostname(), command, started_at: now.toISOString() })}\n`;
  const diagnostics: Diagnostic[] = [];
  for (let attempt = 0; attempt < 5; attempt++) {
    let fd: number | undefined;
    try {
      step('lock');
      fd = openSync(path, 'wx', 0o644);
      writeSync(fd, mine);
      closeSync(fd);
      fd = undefined;
      return { value: lockHandle(path, mine), diagnostics };
    } catch (e) {
      if (fd !== undefined) closeSync(fd);
      if (errno(e) !== 'EEXIST') {
        return { value: undefined, diagnostics: [...diagnostics, diag('DZ6002', `cannot take the lock ${shown}: ${ioReason(e)}; nothing was written`, { hint: 'check that you can write to the output folder' })] };
      }
    }
    let text: string;
    let age: number;
    try {
      text = readFileSync(path, 'utf8');
      age = now.getTime() - statSync(path).mtimeMs;
    } catch (e) {
      if (errno(e) === 'ENOENT') continue; // released meanwhile: try again
      return { value: undefined, diagnostics: [...diagnostics, diag('DZ6002', `cannot read the lock ${shown}: ${ioReason(e)}`, { hint: 'check the permissions of the output folder' })] };
    }
    const h = holder(text, age, now);
    if (!h.stale) {
      const who = h.info ? `another dazzle ${h.info.command} is running (pid ${h.info.pid}${h.info.host === hostname() ? '' : ` on ${h.info.host}`}, started ${ago(now.getTime() - Date.parse(h.info.started_at))} ago)` : 'another dazzle command is starting';
      return {
        value: undefined,
        diagnostics: [
          ...diagnostics,
          diag('DZ6013', `${who} and holds ${shown}; nothing was written`, {
            hint: `wait for it to finish and run again; if no dazzle command is running${h.info ? ` (pid ${h.info.pid} is another program)` : ''}, delete ${shown}`,
          }),
        ],
      };
    }
    try {
      removeStale(path, text);
    } catch (e) {
      return { value: undefined, diagnostics: [...diagnostics, diag('DZ6002', `cannot remove the stale lock ${shown}: ${ioReason(e)}`, { hint: `delete ${shown} if no dazzle command is running` })] };
    }
    diagnostics.push(diag('DZ6016', `took over the stale lock ${shown}: ${h.why}`));
  }
  return { value: undefined, diagnostics: [...diagnostics, diag('DZ6013', `could not take ${shown}: other dazzle commands keep taking it`, { hint: 'run again when they have finished' })] };
}

function lockHandle(path: string, mine: string): Lock {
  const held = () => {
    try {
      return readFileSync(path, 'utf8') === mine;
    } catch {
      return false;
    }
  };
  return {
    held,
    release: () => {
      if (!held()) return;
      try {
        unlinkSync(path);
      } catch {
        // Already gone; a stale lock is taken over by the next run anyway.
      }
    },
  };
}
