/**
 * Which folders `dazzle deploy generate` may write into. The app goes into a
 * folder of its own: one that is empty (or new) or already holds an app
 * dazzle generated (its version file). By default that folder must also be
 * inside the project, and be neither the project folder itself nor one of its
 * module folders; `--allow-out-anywhere` lifts that second rule only.
 * Checked on real paths (symbolic links resolved), before anything is written.
 */
import { readdirSync, statSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import { diag, quote, type Diagnostic, type Span } from '../diagnostics/index.js';
import { VERSION_FILE } from '../emit/index.js';
import { STAGING } from './journal.js';
import { LOCK_FILE } from './lock.js';
import { errno, isInside, ioReason, lstatOrUndefined, lstatQuiet, realPathOf } from './safe-fs.js';

export const ALLOW_FLAG = '--allow-out-anywhere';

export interface OutputLocation {
  /** The output folder, absolute. */
  readonly outDir: string;
  /** As the user sees it. */
  readonly shown: string;
  readonly projectRoot: string;
  /** `[modules] paths`, as written (relative to the project, or absolute). */
  readonly modulePaths: readonly string[];
  /** `--allow-out-anywhere`. */
  readonly allowAnywhere: boolean;
  /** Where the folder was chosen: `--out`, or `[deploy] output` (with its line when written in dazzle.toml). */
  readonly from: { readonly kind: 'flag' } | { readonly kind: 'config'; readonly span?: Span };
}

function where(loc: OutputLocation): { span?: Span; keyPath?: string } {
  if (loc.from.kind === 'flag') return {};
  return { ...(loc.from.span ? { span: loc.from.span } : {}), keyPath: 'deploy.output' };
}

/** What is at `path` when it is not a folder: 'file', 'other', or a file on its way; undefined when a folder or absent. */
function notAFolder(path: string): string | undefined {
  try {
    const st = statSync(path);
    if (st.isDirectory()) return undefined;
    return st.isFile() ? 'is a file, not a folder' : 'is not a folder';
  } catch (e) {
    const code = errno(e);
    if (code === 'ENOENT') return undefined;
    if (code === 'ENOTDIR') return 'cannot be a folder: a file is on its way';
    return `cannot be read: ${ioReason(e)}`;
  }
}

/** Where the output folder is: the project folder, a module folder, outside the project. */
export function checkOutputLocation(loc: OutputLocation): readonly Diagnostic[] {
  const q = quote(loc.shown);
  const at = where(loc);
  const fromText = loc.from.kind === 'flag' ? '--out' : '[deploy] output';
  const bad = notAFolder(loc.outDir);
  if (bad) {
    return [diag('DZ6010', `the output folder ${q} (${fromText}) ${bad}; nothing was written`, { ...at, hint: 'choose a folder of its own for the generated app (the default is infra/ in the project)' })];
  }
  if (loc.allowAnywhere) return [];
  const real = realPathOf(loc.outDir);
  const root = realPathOf(loc.projectRoot);
  const hint = `generate into a folder of its own inside the project (the default is infra/); to generate at the project root, into a module folder or outside the project on purpose, add ${ALLOW_FLAG} (the folder must still be empty or hold an app dazzle generated)`;
  let why: string | undefined;
  if (real === root) why = 'is the project folder';
  else if (!isInside(root, real)) why = `is outside the project: it is ${quote(real)}, and the project is ${quote(root)}`;
  else {
    for (const p of loc.modulePaths) {
      const mod = realPathOf(isAbsolute(p) ? p : join(loc.projectRoot, p));
      const name = quote(relative(root, mod) || p);
      if (real === mod) why = `is the module folder ${name} ([modules] paths), which holds your DSL files`;
      // A module folder that is the project itself (paths = ["."]) forbids only the project folder.
      else if (mod !== root && isInside(root, mod) && isInside(mod, real)) why = `is inside the module folder ${name} ([modules] paths)`;
      else if (isInside(real, mod)) why = `contains the module folder ${name} ([modules] paths)`;
      if (why) break;
    }
  }
  if (!why) return [];
  return [diag('DZ6008', `the output folder ${q} (${fromText}) ${why}; nothing was written`, { ...at, hint })];
}

/**
 * The folder is ours: empty (apart from dazzle's own lock and staging), or it
 * holds our version file, or an interrupted generation's journal. Anything
 * else is the user's folder and is refused (DZ6009), whatever the flags.
 */
export function checkOwnership(root: string, shown: string): readonly Diagnostic[] {
  const st = lstatQuiet(root);
  if (!st) return [];
  const bad = notAFolder(root);
  if (bad) return [diag('DZ6010', `the output folder ${quote(shown)} ${bad}; nothing was written`, { hint: 'choose a folder of its own for the generated app (the default is infra/ in the project)' })];
  let names: string[];
  try {
    names = readdirSync(root).sort();
  } catch (e) {
    return [diag('DZ6002', `cannot read the output folder ${quote(shown)}: ${ioReason(e)}; nothing was written`, { hint: 'check the permissions of the folder' })];
  }
  if (names.includes(VERSION_FILE)) return [];
  if (names.includes(STAGING) && lstatQuiet(join(root, STAGING, 'journal.json'))) return [];
  const theirs = names.filter((n) => n !== LOCK_FILE && n !== STAGING);
  if (!theirs.length) return [];
  const listed = theirs.slice(0, 5).map((n) => quote(n)).join(', ') + (theirs.length > 5 ? ` and ${theirs.length - 5} more` : '');
  return [
    diag('DZ6009', `the output folder ${quote(shown)} holds files dazzle did not generate (${listed}) and no ${VERSION_FILE}; nothing was written`, {
      hint: 'generate into a new or empty folder (--out DIR, or [deploy] output in dazzle.toml); dazzle never writes among files that are not its own',
    }),
  ];
}
