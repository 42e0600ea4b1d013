/**
 * Writing the files `dazzle deploy ci init` generates outside the generated app (a workflow in
 * `.github/workflows/`, the deploy roles' template), by the writer's rules (see write.ts): a file
 * dazzle did not write is never overwritten, not even with --force (DZ8210); a file it wrote and
 * that was edited since is not overwritten without --force (DZ8211); nothing is written through a
 * symbolic link; and the new file replaces the old one in one rename, so a crash leaves one or
 * the other. These folders hold the user's own files (other workflows), so instead of the app's
 * version file each file records its own checksum in its first line.
 */
import { closeSync, constants, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { diag, quote, type Diagnostic } from '../diagnostics/index.js';
import { sha256 } from '../emit/index.js';
import { blockedAncestor } from './journal.js';
import { fsyncPath, ioReason, readRegularFile } from './safe-fs.js';

const CHECKSUM = /^# dazzle-checksum: sha256:([0-9a-f]{64})\n/;

/** `text` with its ownership line: the checksum of everything after it. */
export function withChecksum(text: string): string {
  return `# dazzle-checksum: sha256:${sha256(text)}\n${text}`;
}

/** Whether `text` is a file dazzle wrote (it starts with a checksum line), and whether it is as written. */
export function ownership(text: string): 'theirs' | 'edited' | 'ours' {
  const m = CHECKSUM.exec(text);
  if (!m) return 'theirs';
  return sha256(text.slice(m[0].length)) === m[1] ? 'ours' : 'edited';
}

export type Written = 'written' | 'unchanged';

/**
 * Write `content` (with its checksum line) to `rel` under `root`. `shown` is `rel` as the user
 * sees it; `command` is how to run again with --force.
 */
export function writeOwnedFile(root: string, rel: string, content: string, options: { readonly shown: string; readonly force: boolean; readonly command: string }): { readonly value?: Written; readonly diagnostics: readonly Diagnostic[] } {
  const shown = quote(options.shown);
  const blocked = blockedAncestor(root, rel);
  if (blocked) {
    return { diagnostics: [diag('DZ8210', `${quote(blocked.at)} is ${blocked.by === 'symlink' ? 'a symbolic link' : 'a file'} on the way to ${shown}; dazzle writes nothing through it`, { hint: 'make it a real folder (or move it) and run again' })] };
  }
  const path = join(root, rel);
  const existing = readRegularFile(path);
  if (existing.kind === 'file') {
    const text = existing.bytes.toString('utf8');
    if (text === content) return { value: 'unchanged', diagnostics: [] };
    const owner = ownership(text);
    if (owner === 'theirs') {
      return { diagnostics: [diag('DZ8210', `${shown} exists and dazzle did not write it; dazzle never overwrites it, not even with --force`, { hint: `move or rename it (or merge the workflow by hand from a run in another folder) and run \`${options.command}\` again` })] };
    }
    if (owner === 'edited' && !options.force) {
      return { diagnostics: [diag('DZ8211', `${shown} was written by dazzle and edited since; it is not overwritten`, { hint: `keep your edits (the file is yours now), or discard them with \`${options.command} --force\`` })] };
    }
  } else if (existing.kind !== 'missing') {
    const what = existing.kind === 'error' ? `cannot be read (${existing.code})` : `is ${existing.kind === 'dir' ? 'a folder' : existing.kind === 'symlink' ? 'a symbolic link' : 'not a regular file'}`;
    return { diagnostics: [diag('DZ8210', `${shown} ${what}; dazzle writes only a file it wrote there`, { hint: 'move it away and run again' })] };
  }
  const dir = dirname(path);
  const temporary = join(dir, `.${basename(path)}.${process.pid}.dazzle-tmp`);
  try {
    mkdirSync(dir, { recursive: true });
    const fd = openSync(temporary, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o644);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, path);
    fsyncPath(dir);
  } catch (e) {
    rmSync(temporary, { force: true });
    return { diagnostics: [diag('DZ6002', `cannot write ${shown}: ${ioReason(e)}; it was left as it was`, { hint: 'check the permissions of its folder' })] };
  }
  return { value: 'written', diagnostics: [] };
}
