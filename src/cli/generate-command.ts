/** `dazzle deploy generate` and `dazzle deploy synth` (loaded only for those commands). */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { diag, hasErrors, SourceText, type Diagnostic, type Span } from '../diagnostics/index.js';
import { emitApp, VERSION_FILE, type GeneratedApp } from '../emit/index.js';
import { configKey, lowerToRequirements, spanOf } from '../lower/index.js';
import { buildPlan, checkLimits, type DeploymentPlan } from '../plan/index.js';
import { modulePaths } from '../project/index.js';
import type { CommonOptions } from './commands.js';
import { faultFromSpec } from './fault.js';
import { displayPath, readTextFile } from './io.js';
import { loadProject, type LoadedProject } from './front.js';
import { checkOutputLocation } from './output-folder.js';
import { diagnosticsJson, json, printDiagnostics, type Io } from './output.js';
import { otherEnvironment, readVersionFile, type RunEnvironment } from './version-file.js';
import { lstatQuiet } from './safe-fs.js';
import { previousPlacement } from './placement.js';
import { openGeneratedApp, STAGING, writeTree, type WritePlan } from './write.js';

export interface GenerateOptions extends CommonOptions {
  readonly out?: string;
  readonly force?: boolean;
  readonly dryRun?: boolean;
  /** Allow the project folder, a module folder or a folder outside the project as the output. @default false */
  readonly allowOutAnywhere?: boolean;
  /** `deploy synth`: run CloudFormation template validation too. @default false */
  readonly validate?: boolean;
}

/**
 * The writer's test seam (see fault.ts): `DAZZLE_TEST_FAULT` makes a chosen
 * step of the write crash, fail with an errno, or pause. Read here, in the
 * CLI, the only layer that reads the environment.
 */
function testFault() {
  return faultFromSpec(process.env.DAZZLE_TEST_FAULT);
}

export interface Prepared {
  readonly loaded: LoadedProject;
  readonly plan: DeploymentPlan;
  readonly app: GeneratedApp;
  /** Absolute output folder. */
  readonly outDir: string;
  readonly diagnostics: readonly Diagnostic[];
}

/** The app's folder: `--out` (from the working folder), else `[deploy] output` (from the project). */
export function appFolder(opts: GenerateOptions, output: string, projectRoot: string, cwd: string): string {
  if (opts.out !== undefined) return resolve(cwd, opts.out);
  return isAbsolute(output) ? output : join(projectRoot, output);
}

/** The environment this run is for, and how it was chosen (for DZ6030). */
function runEnvironment(config: NonNullable<LoadedProject['config']>): RunEnvironment {
  const name = config.deploy.environment;
  const source = config.sources.environment;
  if (source?.kind === 'flag') return { name, how: `${source.flag} ${name}` };
  if (source?.kind === 'file') {
    return { name, how: `environment = "${name}" in dazzle.toml`, span: { file: source.file, line: source.line, col: source.col, endLine: source.line, endCol: source.col + 1, offset: 0, length: 0 } };
  }
  return { name, how: `the default environment; choose one with --env` };
}

/** sha256 over the DSL files (by path within the project) and the resolved configuration. `cwd`: what the files' paths are relative to. */
export function inputsChecksum(loaded: LoadedProject, cwd: string): string {
  const h = createHash('sha256');
  const root = loaded.files.root;
  const files = [...loaded.files.dsl].map((f) => ({ path: relative(root, resolve(cwd, f.path)).split(sep).join('/'), bytes: f.bytes })).sort((a, b) => (a.path < b.path ? -1 : 1));
  for (const f of files) h.update(`${f.path}\0${f.bytes.length}\0`).update(f.bytes);
  h.update(JSON.stringify(loaded.config?.deploy ?? null));
  return h.digest('hex');
}

/** Front end → plan → files in memory. Diagnostics and no value when something is wrong. */
export function prepare(opts: GenerateOptions, cwd: string, now: Date): { value?: Prepared; diagnostics: readonly Diagnostic[]; loaded: LoadedProject } {
  const loaded = loadProject(opts.project, cwd, opts.env);
  const spec = loaded.front?.spec;
  if (!loaded.ok || !spec || !loaded.config) return { diagnostics: loaded.diagnostics, loaded };
  const lowered = lowerToRequirements(spec, loaded.config);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...lowered.diagnostics];
  if (!lowered.value) return { diagnostics, loaded };
  const outDir = appFolder(opts, loaded.config.deploy.output, loaded.files.root, cwd);
  const previous = previousPlacement(outDir, displayPath(outDir, cwd), spec.app.name, loaded.config.deploy.environment);
  diagnostics.push(...previous.diagnostics);
  const plan = buildPlan(lowered.value, loaded.config, { previous: previous.placement });
  diagnostics.push(...checkLimits(plan, loaded.config));
  const outRel = relative(loaded.files.root, outDir).split(sep).join('/');
  const emitted = emitApp({
    plan,
    projectRoot: displayPath(loaded.files.root, cwd),
    outDir: outRel,
    projectFromOut: relative(outDir, loaded.files.root).split(sep).join('/') || '.',
    inputsChecksum: inputsChecksum(loaded, cwd),
    generatedAt: now.toISOString().replace(/\.\d{3}Z$/, 'Z'),
  });
  diagnostics.push(...emitted.diagnostics);
  for (const dockerfile of [...new Set(plan.aws.services.flatMap((s) => (s.image.kind === 'asset' ? [s.image.dockerfile] : [])))]) {
    if (!existsSync(join(loaded.files.root, dockerfile))) {
      diagnostics.push(
        diag('DZ7002', `the service image is built from ${displayPath(join(loaded.files.root, dockerfile), cwd)}, which does not exist; synth and deploy fail until it does`, {
          keyPath: 'deploy.compute.dockerfile',
          hint: 'add the Dockerfile of your app there, or set [deploy.compute] image = "<registry>/<repo>:<tag>" to run an image you publish',
        }),
      );
    }
  }
  // The front end's files are uploaded from this folder by cdk deploy: synth fails without it.
  const front = plan.aws.frontend;
  if (front && !lstatQuiet(join(loaded.files.root, front.sourceDir))?.isDirectory()) {
    diagnostics.push(
      diag('DZ7061', `the front end is uploaded from ${displayPath(join(loaded.files.root, front.sourceDir), cwd)}, which is not a folder; synth and deploy fail until it is`, {
        ...spanOf(loaded.config, configKey(loaded.config, 'frontend.source_dir')),
        keyPath: 'deploy.frontend.source_dir',
        hint: 'build the front end into that folder before synth (in CI: before cdk deploy), or point source_dir at the folder your build writes',
      }),
    );
  }
  if (!emitted.value || hasErrors(diagnostics)) return { diagnostics, loaded };
  return { value: { loaded, plan, app: emitted.value, outDir, diagnostics }, diagnostics, loaded };
}

function report(io: Io, opts: CommonOptions, loaded: LoadedProject, diagnostics: readonly Diagnostic[], extra: Record<string, unknown>, text: string): void {
  if (opts.format === 'json') {
    io.stdout(json({ ok: !hasErrors(diagnostics), ...extra, diagnostics: diagnosticsJson(diagnostics) }));
    return;
  }
  printDiagnostics(io, diagnostics, withGeneratedSources(loaded.sources, diagnostics));
  if (text) io.stdout(text);
}

/** The project's sources, plus the generated files diagnostics point into (for their code frames). */
function withGeneratedSources(sources: ReadonlyMap<string, SourceText>, diagnostics: readonly Diagnostic[]): ReadonlyMap<string, SourceText> {
  const more = diagnostics.map((d) => d.span?.file).filter((f): f is string => f !== undefined && !sources.has(f));
  if (!more.length) return sources;
  const all = new Map(sources);
  for (const file of more) {
    // No frame for a file that cannot be read (or is no regular file); the diagnostic still names it.
    const text = readTextFile(file);
    if (text !== undefined) all.set(file, new SourceText(file, text));
  }
  return all;
}

function changesText(plan: WritePlan, outShown: string, written: boolean, dryRun: boolean): string {
  const lines: string[] = [];
  const list = (label: string, files: readonly string[]) => {
    for (const f of files) lines.push(`  ${label} ${f}`);
  };
  list('added  ', plan.added);
  list('changed', plan.changed);
  list('removed', plan.removed);
  const n = plan.added.length + plan.changed.length + plan.removed.length;
  const head = dryRun
    ? `${outShown}: ${n} file${n === 1 ? '' : 's'} would change (dry run; nothing written)`
    : written
      ? `${outShown}: ${n} file${n === 1 ? '' : 's'} written, ${plan.unchanged.length} unchanged`
      : `${outShown}: nothing written`;
  return `${[head, ...lines].join('\n')}\n`;
}

/** `dazzle deploy generate`: render the plan into a CDK app and write it atomically. */
export function deployGenerate(opts: GenerateOptions, io: Io, cwd: string, now: Date): number {
  const prepared = prepare(opts, cwd, now);
  if (!prepared.value) {
    report(io, opts, prepared.loaded, prepared.diagnostics, {}, '');
    return 2;
  }
  const { app, outDir, loaded } = prepared.value;
  const outShown = displayPath(outDir, cwd);
  const config = loaded.config as NonNullable<LoadedProject['config']>;
  const source = config.sources.output;
  const span: Span | undefined = source?.kind === 'file' ? { file: source.file, line: source.line, col: source.col, endLine: source.line, endCol: source.col + 1, offset: 0, length: 0 } : undefined;
  const location = checkOutputLocation({
    outDir,
    shown: outShown,
    projectRoot: loaded.files.root,
    modulePaths: modulePaths(loaded.files.configPath, loaded.files.configText).value.map((m) => m.path),
    allowAnywhere: Boolean(opts.allowOutAnywhere),
    from: opts.out !== undefined ? { kind: 'flag' } : { kind: 'config', ...(span ? { span } : {}) },
  });
  if (location.length) {
    report(io, opts, loaded, [...prepared.diagnostics, ...location], {}, '');
    return 2;
  }
  const fault = testFault();
  const result = writeTree(outDir, app.files, {
    shown: outShown,
    command: 'deploy generate',
    now,
    ...(opts.force ? { force: true } : {}),
    ...(opts.dryRun ? { dryRun: true } : {}),
    ...(fault ? { step: fault } : {}),
    environment: runEnvironment(config),
  });
  const diagnostics = [...prepared.diagnostics, ...result.diagnostics];
  const text = hasErrors(result.diagnostics) ? '' : `${changesText(result.plan, outShown, result.written, Boolean(opts.dryRun))}${opts.dryRun ? '' : `\nNext: cd ${outShown} && npm install && npx cdk deploy --all   (or: dazzle deploy synth)\n`}`;
  report(io, opts, loaded, diagnostics, { out: outShown, written: result.written, dry_run: Boolean(opts.dryRun), changes: result.plan, stacks: app.stacks }, text);
  return hasErrors(diagnostics) ? 2 : 0;
}

/**
 * `dazzle deploy synth`: synthesize the generated app in-process, offline, with cdk-nag. It reads
 * the project's files and configuration but does not parse the DSL again: whether the app is
 * stale is the inputs' checksum against the one generate recorded.
 */
export async function deploySynth(opts: GenerateOptions, io: Io, cwd: string): Promise<number> {
  const loaded = loadProject(opts.project, cwd, opts.env, false);
  if (!loaded.ok || !loaded.config) {
    report(io, opts, loaded, loaded.diagnostics, {}, '');
    return 2;
  }
  const appDir = appFolder(opts, loaded.config.deploy.output, loaded.files.root, cwd);
  const shown = displayPath(appDir, cwd);
  const diagnostics: Diagnostic[] = [...loaded.diagnostics];
  const missing = () => {
    diagnostics.push(diag('DZ6003', `no generated app in ${shown} (${VERSION_FILE} is missing)`, { hint: 'run `dazzle deploy generate` first' }));
    report(io, opts, loaded, diagnostics, {}, '');
    return 2;
  };
  if (!lstatQuiet(join(appDir, VERSION_FILE)) && !lstatQuiet(join(appDir, STAGING))) return missing();
  // Hold the folder's lock while reading it, so no generation changes it under us; finish an interrupted one first.
  const fault = testFault();
  const opened = openGeneratedApp(appDir, shown, 'deploy synth', new Date(), fault);
  diagnostics.push(...opened.diagnostics);
  if (!opened.value) {
    report(io, opts, loaded, diagnostics, {}, '');
    return 2;
  }
  try {
    const version = readVersionFile(opened.value.root, shown);
    diagnostics.push(...version.diagnostics);
    if (!version.exists) return missing();
    if (!version.value) {
      report(io, opts, loaded, diagnostics, {}, '');
      return 2;
    }
    // The version file records the environment: never synthesize one environment's app for another.
    const run = runEnvironment(loaded.config);
    if (version.value.data.environment !== run.name) {
      diagnostics.push(otherEnvironment(shown, version.value.data.environment, run, 'synth'));
      report(io, opts, loaded, diagnostics, {}, '');
      return 2;
    }
    if (version.value.data.inputs.checksum !== inputsChecksum(loaded, cwd)) {
      diagnostics.push(diag('DZ6004', `${shown} was generated from other inputs than the DSL and dazzle.toml now${opts.env ? ` (environment ${opts.env})` : ''}`, { hint: 'run `dazzle deploy generate` to bring it up to date; synthesizing it as it is' }));
    }
    return await synthesize(opts, io, cwd, loaded, appDir, diagnostics);
  } finally {
    opened.value.release();
  }
}

/**
 * Whether `deploy synth` runs CloudFormation template validation: `--validate`, or
 * CDK_VALIDATION=true in the environment (as aws-cdk-lib's own switch).
 */
export function validationAsked(opts: GenerateOptions, env: NodeJS.ProcessEnv = process.env): boolean {
  return Boolean(opts.validate) || /^(true|1)$/i.test(env.CDK_VALIDATION ?? '');
}

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;

async function synthesize(opts: GenerateOptions, io: Io, cwd: string, loaded: LoadedProject, appDir: string, diagnostics: Diagnostic[]): Promise<number> {
  const { synthApp } = await import('./synth.js');
  const validate = validationAsked(opts);
  const out = await synthApp(appDir, { validate });
  diagnostics.push(...out.diagnostics);
  const count = (source: 'cdk-nag' | 'cloudformation') => {
    const findings = out.findings.filter((f) => (f.source ?? 'cdk-nag') === source);
    const errors = findings.filter((f) => f.severity === 'error').length;
    return { errors, warnings: findings.length - errors, findings };
  };
  const nag = count('cdk-nag');
  const cfn = count('cloudformation');
  const outShown = displayPath(out.outdir, cwd);
  const stacks = [...out.templates.entries()].map(([name, file]) => ({ name, template: `${outShown}/${file}` }));
  const validated = validate ? `; CloudFormation validation: ${plural(cfn.errors, 'error')}, ${plural(cfn.warnings, 'warning')}` : '';
  const text = out.templates.size
    ? `${stacks.map((s) => `  ${s.name}  ${s.template}`).join('\n')}\n${outShown}: ${plural(out.templates.size, 'stack')} synthesized; cdk-nag: ${plural(nag.errors, 'error')}, ${plural(nag.warnings, 'warning')} unacknowledged${validated}\n`
    : '';
  report(io, opts, loaded, diagnostics, { out: outShown, stacks, nag, ...(validate ? { validation: cfn } : {}) }, text);
  // The DZ7102 hint promises the stack trace with --debug.
  if (opts.debug && out.error !== undefined) io.stderr(`${out.error instanceof Error && out.error.stack ? out.error.stack : String(out.error)}\n`);
  if (!out.templates.size) return 2;
  return nag.errors || cfn.errors ? 1 : 0;
}
