/**
 * The two sides of `dazzle deploy diff`, read from disk and git and synthesized
 * in-process into temporary folders (never into the output folder):
 *
 * - the current side: the project now, planned and generated in memory;
 * - the baseline: the output folder's last generation (default), the project at
 *   a git ref (`--base-ref`), or a folder of templates or a generated app (`--base`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import type { Environment } from '../config/index.js';
import { diag, hasErrors, location, type Diagnostic } from '../diagnostics/index.js';
import type { Side, Template, VersionRecord } from '../diff/index.js';
import { VERSION_FILE } from '../emit/index.js';
import type { DeploymentPlan } from '../plan/index.js';
import { inputsChecksum, prepare, type GenerateOptions, type Prepared } from './generate-command.js';
import { extractTree, gitTop, pathInTree, resolveCommit } from './git-tree.js';
import { displayPath } from './io.js';
import type { LoadedProject } from './front.js';
import { lstatQuiet } from './safe-fs.js';
import { synthApp } from './synth.js';
import { readVersionFile } from './version-file.js';
import { openGeneratedApp, STAGING, writeTree } from './write.js';

export type Loaded<T> = { readonly value?: T; readonly diagnostics: readonly Diagnostic[] };

/** Read the `*.template.json` files of a cloud assembly (or a folder of templates): stack name → template. */
export function readTemplates(dir: string, shown: string): Loaded<Map<string, Template>> {
  const templates = new Map<string, Template>();
  const diagnostics: Diagnostic[] = [];
  for (const f of readdirSync(dir).filter((n) => n.endsWith('.template.json')).sort()) {
    const file = `${shown}/${f}`;
    let t: unknown;
    try {
      t = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    } catch (e) {
      diagnostics.push(diag('DZ8104', `${file} is not valid JSON: ${(e as Error).message.split('\n')[0]}`, { hint: 'pass a folder of synthesized templates (a cdk.out), or the generated app' }));
      continue;
    }
    if (t === null || typeof t !== 'object' || Array.isArray(t) || ((t as Template).Resources !== undefined && (typeof (t as Template).Resources !== 'object' || Array.isArray((t as Template).Resources)))) {
      diagnostics.push(diag('DZ8104', `${file} is not a CloudFormation template (a JSON object with a Resources object)`, { hint: 'pass a folder of synthesized templates (a cdk.out), or the generated app' }));
      continue;
    }
    templates.set(f.replace(/\.template\.json$/, ''), t as Template);
  }
  return { value: templates, diagnostics };
}

/**
 * Synthesize an app folder into `outdir` without cdk-nag (the diff is no policy
 * check). `location`: where the app's files are taken to live (see synthApp).
 */
export async function synthTemplates(appDir: string, outdir: string, location: string | undefined, shown: string): Promise<Loaded<Map<string, Template>>> {
  const out = await synthApp(appDir, { nag: false, outdir, ...(location ? { location } : {}) });
  if (!out.templates.size) {
    const first = out.diagnostics.find((d) => d.severity === 'error');
    return {
      diagnostics: [
        ...out.diagnostics,
        diag('DZ8106', `the app of ${shown} does not synthesize${first ? `: ${first.message}` : ''}`, { hint: 'fix what the diagnostics above name (or regenerate the app), then run the diff again' }),
      ],
    };
  }
  return readTemplates(out.outdir, shown);
}

/** Write a generated app's files into `dir` (a temporary folder). */
export function writeApp(dir: string, files: ReadonlyMap<string, string>): void {
  for (const [rel, text] of files) {
    const file = join(dir, ...rel.split('/'));
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

/** The version file of an app in memory. */
export function versionOf(files: ReadonlyMap<string, string>): VersionRecord {
  return JSON.parse(files.get(VERSION_FILE) as string) as VersionRecord;
}

/** The current side: the project now, generated in memory and synthesized in `tmp`. */
export async function currentSide(prepared: Prepared, tmp: string, shown: string): Promise<Loaded<Side & { version: VersionRecord; plan: DeploymentPlan }>> {
  const appDir = join(tmp, 'current');
  writeApp(appDir, prepared.app.files);
  const t = await synthTemplates(appDir, join(tmp, 'current.out'), prepared.outDir, shown);
  if (!t.value) return { diagnostics: t.diagnostics };
  return { value: { templates: t.value, version: versionOf(prepared.app.files), plan: prepared.plan }, diagnostics: t.diagnostics };
}

/** A baseline and what is known about it. */
export interface Baseline {
  readonly side: Side | undefined;
  readonly label: string;
  readonly kind: 'output' | 'ref' | 'dir' | 'none';
  readonly editedFiles: readonly string[];
  readonly notes: readonly string[];
}

function mismatch(version: VersionRecord, current: VersionRecord, shown: string): Diagnostic[] {
  if (version.app === current.app && version.environment === current.environment) return [];
  const what = version.app !== current.app ? `app ${version.app}` : `environment ${version.environment}`;
  const now = version.app !== current.app ? `app ${current.app}` : `environment ${current.environment}`;
  return [
    diag('DZ8105', `${shown} was generated for ${what}, and the project now is ${now}: every stack would show as removed and added`, {
      hint: version.app === current.app ? `compare the same environment: --env ${version.environment}, or --base-ref REF for the project at a commit` : 'compare with the project at a commit (--base-ref REF) or a folder of templates (--base DIR)',
    }),
  ];
}

/**
 * The plan behind a generation whose inputs checksum is `checksum`: the
 * current one when the inputs are the same; else the project's last commit,
 * when its inputs have that checksum (the common case: the generation was
 * committed with its DSL). Undefined when neither is.
 */
export function knownPlan(checksum: string, environment: string, loaded: LoadedProject, current: DeploymentPlan, cwd: string, now: Date, tmp: string): DeploymentPlan | undefined {
  if (checksum === inputsChecksum(loaded, cwd)) return current;
  const atHead = projectAtRef(loaded.files.root, 'HEAD', cwd, tmp, 'head');
  if (!atHead.value) return undefined;
  const p = prepare({ project: atHead.value.project, env: environment as Environment, format: 'text' }, atHead.value.cwd, now);
  if (!p.value || inputsChecksum(p.value.loaded, atHead.value.cwd) !== checksum) return undefined;
  return p.value.plan;
}

const UNKNOWN_PLAN =
  "The baseline's inputs are not at hand (its version file's inputs checksum matches neither the project now nor its last commit): plan-level changes and the cost before are not shown; --base-ref REF compares with the project at a commit.";

/** The default baseline: the output folder's last generation, synthesized from the folder as it is. */
export async function outputBaseline(prepared: Prepared, current: VersionRecord, cwd: string, now: Date, tmp: string): Promise<Loaded<Baseline>> {
  const outDir = prepared.outDir;
  const shown = displayPath(outDir, cwd);
  if (!lstatQuiet(join(outDir, VERSION_FILE)) && !lstatQuiet(join(outDir, STAGING))) {
    return { value: { side: undefined, label: shown, kind: 'none', editedFiles: [], notes: [] }, diagnostics: [] };
  }
  // Hold the folder's lock while reading it, so no generation changes it under us.
  const opened = openGeneratedApp(outDir, shown, 'deploy diff', now);
  if (!opened.value) return { diagnostics: opened.diagnostics };
  try {
    const diagnostics: Diagnostic[] = [...opened.diagnostics];
    const version = readVersionFile(opened.value.root, shown);
    diagnostics.push(...version.diagnostics);
    if (!version.exists) return { value: { side: undefined, label: shown, kind: 'none', editedFiles: [], notes: [] }, diagnostics };
    if (!version.value) return { diagnostics };
    const record = version.value.data as VersionRecord;
    const wrong = mismatch(record, current, shown);
    if (wrong.length) return { diagnostics: [...diagnostics, ...wrong] };
    const templates = await synthTemplates(opened.value.root, join(tmp, 'baseline.out'), undefined, shown);
    diagnostics.push(...templates.diagnostics);
    if (!templates.value) return { diagnostics };
    const plan = knownPlan(record.inputs.checksum, record.environment, prepared.loaded, prepared.plan, cwd, now, tmp);
    // What generate would refuse to overwrite: the writer's own check, as a dry run.
    const edited = writeTree(opened.value.root, prepared.app.files, { dryRun: true, shown }).plan.edited;
    return {
      value: { side: { templates: templates.value, version: record, ...(plan ? { plan } : {}) }, label: shown, kind: 'output', editedFiles: edited.map((f) => (shown === '.' ? f : `${shown}/${f}`)), notes: plan ? [] : [UNKNOWN_PLAN] },
      diagnostics,
    };
  } finally {
    opened.value.release();
  }
}

/** The project at a git ref, copied into `tmp/<name>`; with the working folder to show its paths from. */
function projectAtRef(projectRoot: string, ref: string, cwd: string, tmp: string, name: string): Loaded<{ project: string; cwd: string; commit: string }> {
  const top = gitTop(projectRoot);
  if (!top) return { diagnostics: [diag('DZ8102', `${displayPath(projectRoot, cwd)} is not in a git repository, so --base-ref has nothing to read`, { hint: 'run it in a clone of the repository, or compare with a folder (--base DIR)' })] };
  const resolved = resolveCommit(top, ref);
  if (!resolved.commit) return { diagnostics: [diag('DZ8102', `--base-ref ${JSON.stringify(ref)} names no commit: ${resolved.reason}`, { hint: 'name a branch, tag or commit of the repository (fetch it first in a shallow CI clone: git fetch origin main)' })] };
  const prefix = pathInTree(top, projectRoot) ?? '';
  const dest = join(tmp, name);
  const extracted = extractTree(top, resolved.commit, prefix, dest);
  if (extracted.reason) return { diagnostics: [diag('DZ8102', `cannot read the project at ${ref}: ${extracted.reason}`)] };
  if (!extracted.files) return { diagnostics: [diag('DZ8102', `the project folder ${prefix || '.'} does not exist at ${ref} (${resolved.commit.slice(0, 12)})`, { hint: 'name a commit where the project exists, or run without --base-ref to compare with the last generation' })] };
  const project = join(dest, ...(prefix ? prefix.split('/') : []));
  // Show its files as the user sees the project's: from the same place in the copy (else from the project).
  const cwdRel = pathInTree(top, cwd);
  const shownFrom = cwdRel === undefined ? project : join(dest, ...(cwdRel ? cwdRel.split('/') : []));
  mkdirSync(shownFrom, { recursive: true });
  return { value: { project, cwd: shownFrom, commit: resolved.commit }, diagnostics: [] };
}

/** `--base-ref REF`: the project at a commit, planned, generated and synthesized in `tmp`. */
export async function refBaseline(opts: GenerateOptions, prepared: Prepared, ref: string, cwd: string, now: Date, tmp: string): Promise<Loaded<Baseline>> {
  const at = projectAtRef(prepared.loaded.files.root, ref, cwd, tmp, 'ref');
  if (!at.value) return { diagnostics: at.diagnostics };
  const label = `${ref} (${at.value.commit.slice(0, 12)})`;
  // The same output folder, relative to the project, as the current side: generated files then differ only where the inputs do.
  const out = opts.out !== undefined ? join(at.value.project, relative(prepared.loaded.files.root, prepared.outDir)) : undefined;
  const p = prepare({ project: at.value.project, env: prepared.plan.environment as Environment, format: 'text', ...(out ? { out } : {}) }, at.value.cwd, now);
  if (!p.value) {
    const errors = p.diagnostics.filter((d) => d.severity === 'error');
    const listed = errors.slice(0, 3).map((d) => `${d.code}${location(d) ? ` ${location(d)}` : ''}: ${d.message}`);
    return {
      diagnostics: [
        diag('DZ8103', `the project at ${label} does not generate: ${listed.join('; ')}${errors.length > 3 ? `; and ${errors.length - 3} more` : ''}`, {
          hint: `the problems are in the files as they were at ${ref} (\`dazzle check\` in a checkout of it shows them all); compare with another ref, or with the last generation (no --base-ref)`,
        }),
      ],
    };
  }
  const appDir = join(tmp, 'ref.app');
  writeApp(appDir, p.value.app.files);
  const templates = await synthTemplates(appDir, join(tmp, 'ref.out'), p.value.outDir, `the project at ${label}`);
  if (!templates.value) return { diagnostics: templates.diagnostics };
  return { value: { side: { templates: templates.value, version: versionOf(p.value.app.files), plan: p.value.plan }, label, kind: 'ref', editedFiles: [], notes: [] }, diagnostics: templates.diagnostics };
}

/** `--base DIR`: a generated app (synthesized here), a cloud assembly, or a folder of templates. */
export async function dirBaseline(dir: string, prepared: Prepared, current: VersionRecord, cwd: string, now: Date, tmp: string): Promise<Loaded<Baseline>> {
  const abs = resolve(cwd, dir);
  const shown = displayPath(abs, cwd);
  const isDir = (p: string) => {
    try {
      return statSync(p).isDirectory();
    } catch {
      return false;
    }
  };
  const hasTemplates = (p: string) => isDir(p) && readdirSync(p).some((n) => n.endsWith('.template.json'));
  if (!isDir(abs)) return { diagnostics: [diag('DZ8101', `--base ${shown}: no such folder`, { hint: 'pass a generated app (a folder with lib/app.ts), a cdk.out, or a folder of *.template.json files' })] };
  if (existsSync(join(abs, 'lib', 'app.ts'))) {
    const diagnostics: Diagnostic[] = [];
    const version = readVersionFile(abs, shown);
    diagnostics.push(...version.diagnostics);
    if (version.exists && !version.value) return { diagnostics };
    const record = version.value?.data as VersionRecord | undefined;
    if (record) {
      const wrong = mismatch(record, current, shown);
      if (wrong.length) return { diagnostics: [...diagnostics, ...wrong] };
    }
    const templates = await synthTemplates(abs, join(tmp, 'base.out'), undefined, shown);
    diagnostics.push(...templates.diagnostics);
    if (!templates.value) return { diagnostics };
    const plan = record ? knownPlan(record.inputs.checksum, record.environment, prepared.loaded, prepared.plan, cwd, now, tmp) : undefined;
    return { value: { side: { templates: templates.value, ...(record ? { version: record } : {}), ...(plan ? { plan } : {}) }, label: shown, kind: 'dir', editedFiles: [], notes: plan ? [] : [UNKNOWN_PLAN] }, diagnostics };
  }
  const folder = hasTemplates(abs) ? abs : hasTemplates(join(abs, 'cdk.out')) ? join(abs, 'cdk.out') : undefined;
  if (!folder) return { diagnostics: [diag('DZ8101', `--base ${shown} holds no generated app (lib/app.ts) and no *.template.json files`, { hint: 'pass a generated app, a cdk.out (from `dazzle deploy synth` or `npx cdk synth`), or a folder of *.template.json files' })] };
  const read = readTemplates(folder, displayPath(folder, cwd));
  if (hasErrors(read.diagnostics) || !read.value) return { diagnostics: read.diagnostics };
  return {
    value: { side: { templates: read.value }, label: shown, kind: 'dir', editedFiles: [], notes: ['The baseline is templates only: stacks are compared by their templates, and plan-level changes and the cost before are not shown.'] },
    diagnostics: read.diagnostics,
  };
}

/** A fresh temporary folder, removed by `cleanup`. */
export function cleanup(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
