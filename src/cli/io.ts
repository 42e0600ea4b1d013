/**
 * The only module that reads the file system for the front end: finds the
 * project, its dazzle.toml and its DSL files. Every command that reads a
 * project (check, inspect, config show, deploy …) reads it through here.
 *
 * The rules (README, "Reading a project"):
 * - Only regular files are read, each at most {@link MAX_INPUT_BYTES}. A FIFO,
 *   device, socket or folder where a file is expected is DZ0010; a larger file
 *   is DZ0011. A file is stat'ed before it is opened (a FIFO is never opened),
 *   opened non-blocking, and its descriptor stat'ed again, so a file swapped in
 *   between cannot make the read block.
 * - Module folders are walked once per real folder (device and inode), so a
 *   link loop ends; a file reached twice (two links, two module paths) is read
 *   once, under its real path in the project.
 * - Module paths must resolve inside the project, links included (DZ0012).
 *   In a module folder, a link that leads out of the project is not followed
 *   (DZ0013) and a broken or looping link is reported (DZ0015).
 * - dazzle.toml that exists but cannot be read is an error, never "no dazzle.toml".
 */
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readlinkSync, readSync, realpathSync, statSync, type Stats } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { diag, fileSpan, hasErrors, quote, type Diagnostic, type Span } from '../diagnostics/index.js';
import { modulePaths, type ModulePath, type RawFile } from '../project/index.js';
import { decodeSource, shellWord } from '../syntax/decode.js';

/**
 * The largest input file read, in bytes (16 MiB): far above any real DSL file or
 * dazzle.toml (a 100,000-entity project is about 4 MB in all), and small enough
 * that a wrong file (a disk image, a log) is refused before it is read.
 */
export const MAX_INPUT_BYTES = 16 * 1024 * 1024;

export interface ProjectFiles {
  readonly root: string;
  /** dazzle.toml as shown to the user, and its text (undefined when absent). */
  readonly configPath: string;
  readonly configText: string | undefined;
  readonly dsl: readonly RawFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Path as shown to the user: relative to the working directory, with `/`. */
export function displayPath(abs: string, cwd: string): string {
  const r = relative(cwd, abs) || '.';
  return sep === '/' ? r : r.split(sep).join('/');
}

// ---- reading one file ----

/** Never blocks on a FIFO or a terminal; the same as O_RDONLY where these flags do not exist. */
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

type FileRead = { readonly kind: 'ok'; readonly bytes: Uint8Array } | { readonly kind: 'missing' } | { readonly kind: 'refused'; readonly diagnostic: Diagnostic };

const REASONS: Readonly<Record<string, string>> = {
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'a loop of links',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  ENAMETOOLONG: 'the path is too long',
  EIO: 'an I/O error',
  EMFILE: 'too many open files',
  ENFILE: 'too many open files',
};

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

/** `permission denied (EACCES)`. */
function reason(e: unknown): string {
  const code = errno(e);
  if (code === undefined) return e instanceof Error ? e.message : String(e);
  return `${REASONS[code] ?? 'an error'} (${code})`;
}

/** What something that is not a regular file is, in the user's words. */
function kindOf(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a FIFO (named pipe)';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'a special file';
}

const MIB = 1024 * 1024;

/** `17825792 bytes (17 MiB)`. */
function size(bytes: number): string {
  const mib = Math.round((bytes / MIB) * 10) / 10;
  return `${bytes} bytes (${mib} MiB)`;
}

function notRegular(shown: string, st: Stats, folderHint = 'move the folder away or rename it; a file is expected at this path'): Diagnostic {
  return diag('DZ0010', `${quote(shown)} is ${kindOf(st)}, not a regular file; dazzle reads .dsl files and dazzle.toml only from regular files`, {
    span: fileSpan(shown),
    hint: st.isDirectory() ? folderHint : 'replace it with the file itself, or move it out of the project (dazzle never reads pipes or devices)',
  });
}

function tooLarge(shown: string, bytes: number, atLeast: boolean): Diagnostic {
  return diag('DZ0011', `${quote(shown)} is ${atLeast ? 'more than ' : ''}${size(bytes)}; the limit for an input file is ${MAX_INPUT_BYTES / MIB} MiB`, {
    span: fileSpan(shown),
    hint: 'this is not a DSL or config file dazzle can use: move it out of the project, or split the DSL into several files',
  });
}

function unreadable(shown: string, e: unknown): FileRead {
  return { kind: 'refused', diagnostic: diag('DZ0005', `cannot read ${quote(shown)}: ${reason(e)}`, { span: fileSpan(shown), hint: 'check that the file exists and that you may read it' }) };
}

/** Only a regular file under the size limit may be read. */
function refuse(shown: string, st: Stats, folderHint?: string): FileRead | undefined {
  if (!st.isFile()) return { kind: 'refused', diagnostic: notRegular(shown, st, folderHint) };
  if (st.size > MAX_INPUT_BYTES) return { kind: 'refused', diagnostic: tooLarge(shown, st.size, false) };
  return undefined;
}

/** Where a link points, as written; undefined when `abs` is not a link. */
function linkTarget(abs: string): string | undefined {
  try {
    return lstatSync(abs).isSymbolicLink() ? readlinkSync(abs) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Read a regular file without ever blocking: stat it (a FIFO is refused before
 * it is opened), open it non-blocking, stat the descriptor (it may have been
 * swapped since), and read at most one byte past the limit.
 */
function readRegularFile(abs: string, shown: string, folderHint?: string): FileRead {
  let st: Stats;
  try {
    st = statSync(abs);
  } catch (e) {
    if (errno(e) !== 'ENOENT') return unreadable(shown, e);
    // A link to nothing is a mistake to report, not an absent file.
    const target = linkTarget(abs);
    if (target === undefined) return { kind: 'missing' };
    return { kind: 'refused', diagnostic: diag('DZ0005', `cannot read ${quote(shown)}: it is a link to ${quote(target)}, which does not exist`, { span: fileSpan(shown), hint: 'fix or remove the link' }) };
  }
  const refused = refuse(shown, st, folderHint);
  if (refused) return refused;
  let fd: number;
  try {
    fd = openSync(abs, OPEN_FLAGS);
  } catch (e) {
    return unreadable(shown, e);
  }
  try {
    const opened = refuse(shown, fstatSync(fd));
    if (opened) return opened;
    // One byte past the limit tells a file that grew after the stat.
    const limit = MAX_INPUT_BYTES + 1;
    let buf = Buffer.allocUnsafe(Math.min(st.size + 1, limit));
    let n = 0;
    while (n < limit) {
      if (n === buf.length) {
        const bigger = Buffer.allocUnsafe(Math.min(buf.length * 2, limit));
        buf.copy(bigger, 0, 0, n);
        buf = bigger;
      }
      const got = readSync(fd, buf, n, buf.length - n, null);
      if (got === 0) break;
      n += got;
    }
    if (n > MAX_INPUT_BYTES) return { kind: 'refused', diagnostic: tooLarge(shown, MAX_INPUT_BYTES, true) };
    return { kind: 'ok', bytes: new Uint8Array(buf.buffer, buf.byteOffset, n) };
  } catch (e) {
    return unreadable(shown, e);
  } finally {
    closeSync(fd);
  }
}

/**
 * A text file by the same rules (a regular file under the size limit, never
 * blocking), decoded leniently; undefined when it cannot be read. For showing
 * code frames of files a diagnostic names.
 */
export function readTextFile(path: string): string | undefined {
  const read = readRegularFile(path, path);
  return read.kind === 'ok' ? new TextDecoder('utf-8').decode(read.bytes) : undefined;
}

// ---- the project folder and dazzle.toml ----

const PROJECT_HINT = 'pass the folder that holds dazzle.toml with --project DIR (default: the current folder)';

/** The project folder, or why it cannot be one. */
function projectRoot(projectDir: string, cwd: string): { readonly root: string; readonly diagnostic?: Diagnostic } {
  const root = resolve(cwd, projectDir);
  let st: Stats;
  try {
    st = statSync(root);
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { root, diagnostic: diag('DZ0001', `project directory ${quote(projectDir)} does not exist`, { hint: PROJECT_HINT }) };
    return { root, diagnostic: diag('DZ0014', `cannot read the project folder ${quote(projectDir)}: ${reason(e)}`, { hint: 'check that the folder exists and that you may read it' }) };
  }
  if (st.isDirectory()) return { root };
  const shown = displayPath(root, cwd);
  const single = st.isFile() && shown.endsWith('.dsl') ? `; to check just this file: dazzle check ${shellWord(shown)}` : '';
  return {
    root,
    diagnostic: diag('DZ0016', `${quote(projectDir)} is ${st.isFile() ? 'a file' : kindOf(st)}, not a folder; --project takes the folder that holds dazzle.toml`, {
      span: fileSpan(shown),
      hint: `pass its folder: -p ${shellWord(displayPath(dirname(root), cwd))}${single}`,
    }),
  };
}

interface ConfigRead {
  readonly configPath: string;
  readonly configText: string | undefined;
  readonly diagnostics: readonly Diagnostic[];
}

/** The project's dazzle.toml: its text, undefined when there is none, or why it cannot be read. */
function readConfig(root: string, cwd: string): ConfigRead {
  const configPath = displayPath(join(root, 'dazzle.toml'), cwd);
  const read = readRegularFile(join(root, 'dazzle.toml'), configPath);
  if (read.kind === 'missing') return { configPath, configText: undefined, diagnostics: [] };
  if (read.kind === 'refused') return { configPath, configText: undefined, diagnostics: [read.diagnostic] };
  const decoded = decodeSource(configPath, read.bytes);
  return { configPath, configText: decoded.value?.text, diagnostics: decoded.diagnostics };
}

// ---- walking the module folders ----

/** Identity of a file or folder, whatever path reaches it. */
function identity(abs: string): string {
  const st = statSync(abs, { bigint: true });
  return `${st.dev}:${st.ino}`;
}

function outside(realRoot: string, real: string): boolean {
  const rel = relative(realRoot, real);
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

/** Walks module folders once per real folder, collecting each .dsl file once. */
class Walker {
  readonly diagnostics: Diagnostic[] = [];
  /** Real path of each .dsl file by identity, in the order found. */
  readonly files = new Map<string, string>();
  private readonly seenFolders = new Set<string>();

  constructor(
    /** The project folder as given, and as the file system resolves it. */
    readonly root: string,
    readonly realRoot: string,
    readonly cwd: string,
  ) {}

  /** A real path inside the project, as shown to the user (under the root as given). */
  shown(real: string): string {
    return displayPath(join(this.root, relative(this.realRoot, real)), this.cwd);
  }

  /** Walk a real folder inside the project. */
  folder(real: string): void {
    let id: string;
    let names: string[];
    try {
      id = identity(real);
      if (this.seenFolders.has(id)) return;
      this.seenFolders.add(id);
      names = readdirSync(real).sort();
    } catch (e) {
      this.diagnostics.push(diag('DZ0014', `cannot read the folder ${quote(this.shown(real))}: ${reason(e)}`, { span: fileSpan(this.shown(real)), hint: 'let dazzle read it (its .dsl files belong to the project), or move it out of the module folders' }));
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || name === 'node_modules') continue;
      this.entry(join(real, name), name);
    }
  }

  private entry(path: string, name: string): void {
    let st: Stats;
    try {
      st = lstatSync(path);
    } catch (e) {
      // Gone since the folder was listed, or not ours to read.
      if (errno(e) !== 'ENOENT') this.diagnostics.push(diag('DZ0005', `cannot read ${quote(this.shown(path))}: ${reason(e)}`, { span: fileSpan(this.shown(path)), hint: 'check the permissions of the folder' }));
      return;
    }
    if (st.isSymbolicLink()) this.link(path, name);
    else if (st.isDirectory()) this.folder(path);
    else if (name.endsWith('.dsl')) this.file(path, st);
  }

  private file(real: string, st: Stats): void {
    // Special files are refused here, and read (with every check again) later.
    if (!st.isFile()) {
      this.diagnostics.push(notRegular(this.shown(real), st));
      return;
    }
    const id = `${st.dev}:${st.ino}`;
    if (!this.files.has(id)) this.files.set(id, real);
  }

  /** A link is followed only to a folder or a .dsl file inside the project. */
  private link(path: string, name: string): void {
    const shown = this.shown(path);
    const written = linkTarget(path) ?? '?';
    let real: string;
    let st: Stats;
    try {
      real = realpathSync(path);
      st = statSync(real);
    } catch (e) {
      const why = errno(e) === 'ENOENT' ? 'which does not exist' : errno(e) === 'ELOOP' ? 'which is a loop of links' : `which cannot be read: ${reason(e)}`;
      this.diagnostics.push(diag('DZ0015', `link ${quote(shown)} points to ${quote(written)}, ${why}; it is not followed`, { span: fileSpan(shown), hint: 'fix the link or remove it' }));
      return;
    }
    const isDsl = name.endsWith('.dsl');
    if (!st.isDirectory() && !isDsl) return;
    if (isDsl && !st.isFile() && !st.isDirectory()) {
      this.diagnostics.push(notRegular(shown, st));
      return;
    }
    if (outside(this.realRoot, real)) {
      this.diagnostics.push(
        diag('DZ0013', `link ${quote(shown)} leads outside the project, to ${quote(real, 200)}; it is not followed`, {
          span: fileSpan(shown),
          hint: 'move or copy what it points to into the project, or run dazzle on a folder that contains both',
        }),
      );
      return;
    }
    if (st.isDirectory()) this.folder(real);
    else this.file(real, st);
  }
}

/** Check a module path (inside the project, a folder) and walk it. */
function walkModulePath(walker: Walker, m: ModulePath, configText: string | undefined): void {
  const where: { span?: Span; keyPath: string } = { ...(m.span ? { span: m.span } : {}), keyPath: 'modules.paths' };
  const abs = resolve(walker.root, m.path);
  const projectShown = displayPath(walker.root, walker.cwd);
  const outsideHint = 'module paths name folders inside the project, e.g. "./dsl"; to use DSL files from elsewhere, run dazzle on a folder that holds them all';
  // Against the root as given and as resolved: either spelling of the project may be used.
  if (outside(walker.root, abs) && outside(walker.realRoot, abs)) {
    walker.diagnostics.push(diag('DZ0012', `module path ${quote(m.path)} is outside the project folder`, { ...where, hint: outsideHint }));
    return;
  }
  let real: string;
  try {
    real = realpathSync(abs);
  } catch (e) {
    if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') {
      walker.diagnostics.push(
        diag('DZ0007', `module path ${quote(m.path)} is not a directory under ${projectShown}`, {
          ...where,
          hint: configText === undefined ? 'create the dsl/ folder with your .dsl files, or add dazzle.toml with [modules] paths' : 'fix the path in [modules] paths, or create the folder',
        }),
      );
    } else {
      walker.diagnostics.push(diag('DZ0014', `cannot read the module path ${quote(m.path)}: ${reason(e)}`, { ...where, hint: 'check the permissions of the folder' }));
    }
    return;
  }
  if (outside(walker.realRoot, real)) {
    walker.diagnostics.push(diag('DZ0012', `module path ${quote(m.path)} leads outside the project folder, to ${quote(real, 200)}`, { ...where, hint: outsideHint }));
    return;
  }
  let isFolder = false;
  try {
    isFolder = statSync(real).isDirectory();
  } catch {
    // realpath just found it; if it vanished since, it is not a folder.
  }
  if (!isFolder) {
    walker.diagnostics.push(diag('DZ0007', `module path ${quote(m.path)} is not a directory under ${projectShown}`, { ...where, hint: 'module paths name folders; put the .dsl file in a folder and name that' }));
    return;
  }
  walker.folder(real);
}

/** Read each collected file once, in the order of their paths. */
function readCollected(files: ReadonlyMap<string, string>, shown: (abs: string) => string, diagnostics: Diagnostic[]): RawFile[] {
  const dsl: RawFile[] = [];
  const byPath = [...files.values()].map((abs) => ({ abs, path: shown(abs) })).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of byPath) {
    const read = readRegularFile(f.abs, f.path);
    if (read.kind === 'ok') dsl.push({ path: f.path, bytes: read.bytes });
    else if (read.kind === 'refused') diagnostics.push(read.diagnostic);
    else diagnostics.push(diag('DZ0005', `cannot read ${quote(f.path)}: it was removed while dazzle was reading the project`, { span: fileSpan(f.path) }));
  }
  return dsl;
}

export function readProject(projectDir: string, cwd: string): ProjectFiles {
  const { root, diagnostic } = projectRoot(projectDir, cwd);
  if (diagnostic) return { root, configPath: displayPath(join(root, 'dazzle.toml'), cwd), configText: undefined, dsl: [], diagnostics: [diagnostic] };
  const config = readConfig(root, cwd);
  const empty = { root, configPath: config.configPath, configText: undefined, dsl: [] };
  // Without a readable dazzle.toml the module paths are unknown: stop here.
  if (hasErrors(config.diagnostics)) return { ...empty, diagnostics: config.diagnostics };
  const { configText } = config;
  const diagnostics: Diagnostic[] = [...config.diagnostics];
  const paths = modulePaths(config.configPath, configText);
  diagnostics.push(...paths.diagnostics);
  // Broken TOML or a broken [modules] paths: walking the default folder instead would only add a cascade.
  if (hasErrors(paths.diagnostics)) return { ...empty, configText, diagnostics };
  if (configText === undefined) {
    diagnostics.push(diag('DZ0009', `no dazzle.toml in '${displayPath(root, cwd)}'; reading DSL files from ./dsl`, { hint: 'create dazzle.toml (see dazzle.toml.example) to set the module paths and deployment settings' }));
  }
  let realRoot: string;
  try {
    realRoot = realpathSync(root);
  } catch (e) {
    return { ...empty, configText, diagnostics: [...diagnostics, diag('DZ0014', `cannot read the project folder ${quote(projectDir)}: ${reason(e)}`, { hint: 'check the permissions of the folder' })] };
  }
  const walker = new Walker(root, realRoot, cwd);
  for (const p of paths.value) walkModulePath(walker, p, configText);
  diagnostics.push(...walker.diagnostics);
  const dsl = readCollected(walker.files, (abs) => walker.shown(abs), diagnostics);
  if (dsl.length === 0 && !hasErrors(diagnostics)) {
    diagnostics.push(
      diag('DZ0002', `no .dsl files found under ${paths.value.map((p) => quote(p.path)).join(', ')} in ${displayPath(root, cwd)}`, {
        hint: 'add your DSL files there (e.g. dsl/app.dsl with `app my_app "My App"`), or set [modules] paths in dazzle.toml',
      }),
    );
  }
  return { root, configPath: config.configPath, configText, dsl, diagnostics };
}

/** Read explicit DSL files given on the command line (each once, however it is named). */
export function readFiles(paths: readonly string[], cwd: string): ProjectFiles {
  const diagnostics: Diagnostic[] = [];
  const files = new Map<string, string>();
  for (const abs of [...new Set(paths.map((x) => resolve(cwd, x)))].sort()) {
    let id: string;
    try {
      id = identity(abs);
    } catch {
      // Not there (or not reachable): reading it below says which.
      id = `path:${abs}`;
    }
    if (!files.has(id)) files.set(id, abs);
  }
  const dsl: RawFile[] = [];
  for (const abs of files.values()) {
    const shown = displayPath(abs, cwd);
    const read = readRegularFile(abs, shown, `to check a whole project, pass its folder: dazzle check -p ${shellWord(shown)}`);
    if (read.kind === 'ok') dsl.push({ path: shown, bytes: read.bytes });
    else if (read.kind === 'missing') diagnostics.push(diag('DZ0001', `file ${quote(shown)} does not exist`, { hint: 'pass paths to .dsl files, or use --project DIR to check a whole project' }));
    else diagnostics.push(read.diagnostic);
  }
  return { root: cwd, configPath: 'dazzle.toml', configText: undefined, dsl, diagnostics };
}

/** Read just the project's dazzle.toml (for `config show`), by the same rules as {@link readProject}. */
export function readConfigFile(projectDir: string, cwd: string): ConfigRead {
  const { root, diagnostic } = projectRoot(projectDir, cwd);
  if (diagnostic) return { configPath: displayPath(join(root, 'dazzle.toml'), cwd), configText: undefined, diagnostics: [diagnostic] };
  return readConfig(root, cwd);
}
