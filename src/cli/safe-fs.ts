/**
 * File-system primitives for the writer that never follow a symbolic link out
 * of a folder, never block on a FIFO or device, and turn errors into values.
 */
import { createHash } from 'node:crypto';
import { closeSync, constants, fstatSync, fsyncSync, lstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';

/** What is at a path, read without following a final symbolic link. */
export type Entry =
  | { readonly kind: 'missing' }
  | { readonly kind: 'file'; readonly bytes: Buffer }
  | { readonly kind: 'symlink' | 'dir' | 'other' }
  /** A parent is not a folder (ENOTDIR), or the path cannot be read (EACCES, EIO…). */
  | { readonly kind: 'error'; readonly code: string };

function errno(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? 'EIO';
}

function kindOf(st: Stats): 'dir' | 'symlink' | 'other' {
  return st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'other';
}

/**
 * Read a regular file. A symbolic link, folder, FIFO, socket or device is
 * reported by kind and never opened for reading (O_NOFOLLOW, O_NONBLOCK, then
 * fstat before the first read), so nothing here can hang or read through a link.
 */
export function readRegularFile(path: string): Entry {
  let st: Stats;
  try {
    st = lstatSync(path);
  } catch (e) {
    const code = errno(e);
    return code === 'ENOENT' ? { kind: 'missing' } : { kind: 'error', code };
  }
  if (!st.isFile()) return { kind: kindOf(st) };
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (e) {
    const code = errno(e);
    return code === 'ELOOP' ? { kind: 'symlink' } : code === 'ENOENT' ? { kind: 'missing' } : { kind: 'error', code };
  }
  try {
    const fst = fstatSync(fd);
    if (!fst.isFile()) return { kind: kindOf(fst) };
    const chunks: Buffer[] = [];
    for (;;) {
      const buf = Buffer.alloc(64 * 1024);
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      chunks.push(buf.subarray(0, n));
    }
    return { kind: 'file', bytes: Buffer.concat(chunks) };
  } catch (e) {
    return { kind: 'error', code: errno(e) };
  } finally {
    closeSync(fd);
  }
}

/** The sha256 of bytes, in hex (the same as `sha256(text)` for the UTF-8 text). */
export function sha256Bytes(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** lstat, or undefined when nothing is there; other errors are thrown. */
export function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch (e) {
    if (errno(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** lstat, or undefined when nothing is there or it cannot be looked at. */
export function lstatQuiet(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** `child` is `parent` or inside it (both absolute and resolved). */
export function isInside(parent: string, child: string): boolean {
  return child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

/**
 * The real path of `path` even when it does not exist yet: the real path of
 * its deepest existing ancestor, with the missing rest appended. Symbolic
 * links along the existing part are resolved, so containment checks see
 * where a write would really land.
 */
export function realPathOf(path: string): string {
  const abs = resolve(path);
  const rest: string[] = [];
  let at = abs;
  for (;;) {
    try {
      return rest.length ? join(realpathSync(at), ...rest.reverse()) : realpathSync(at);
    } catch (e) {
      const code = errno(e);
      // ENOTDIR: a file sits where a folder would be; the caller reports it.
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw e;
      const up = dirname(at);
      if (up === at) return abs;
      rest.push(at.slice(up.length).replace(/^[\\/]/, ''));
      at = up;
    }
  }
}

/** fsync a file or folder; file systems that cannot sync a folder (EINVAL, EISDIR) are fine. */
export function fsyncPath(path: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(path, constants.O_RDONLY);
    fsyncSync(fd);
  } catch (e) {
    const code = errno(e);
    if (code !== 'EINVAL' && code !== 'EISDIR' && code !== 'EBADF' && code !== 'EPERM') throw e;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EISDIR: 'a folder is where a file should be',
  ENOTDIR: 'a file is where a folder should be',
  ENOTEMPTY: 'a folder is not empty',
  EEXIST: 'something already exists there',
  EMFILE: 'too many open files',
  EIO: 'an I/O error',
  ELOOP: 'too many symbolic links',
  ENAMETOOLONG: 'the name is too long',
  EXDEV: 'the path crosses file systems',
  EBUSY: 'the file is busy',
};

/** An errno in words, with the code: `no space left on the device (ENOSPC)`. */
export function ioReason(e: unknown): string {
  const code = errno(e);
  return `${REASONS[code] ?? ((e as Error).message || 'an I/O error')} (${code})`;
}

export { errno };
