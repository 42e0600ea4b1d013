/**
 * `dazzle deploy preflight`: the checks a team runs before `cdk deploy`, on
 * the generated app as it will be deployed (synthesized in-process, like
 * `deploy synth`), reported at the dazzle.toml line or DSL construct that
 * caused each finding. Loaded only for this command.
 *
 * Exit codes: 0 nothing unacknowledged at or above `--fail-on`; 1 something
 * is; 2 bad input (the project, an acknowledgement, no generated app, an app
 * that does not synthesize, a report that cannot be written).
 */
import { writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { diag, hasErrors, quote, type Diagnostic } from '../diagnostics/index.js';
import { VERSION_FILE } from '../emit/index.js';
import { lowerToRequirements } from '../lower/index.js';
import { buildPlan } from '../plan/index.js';
import {
  checkAcknowledgements,
  DEFAULT_FAIL_ON,
  failed,
  githubAnnotations,
  jsonReport,
  markdownReport,
  NAG_PACKS,
  runPreflight,
  sarifReport,
  textReport,
  type Level,
  type NagPackName,
  type PreflightReport,
} from '../preflight/index.js';
import { readAssembly } from './cloud-assembly.js';
import type { CommonOptions } from './commands.js';
import { loadProject, type LoadedProject } from './front.js';
import { appFolder, inputsChecksum } from './generate-command.js';
import { previousPlacement } from './placement.js';
import { displayPath } from './io.js';
import { diagnosticsJson, json, printDiagnostics, type Io } from './output.js';
import { lstatQuiet } from './safe-fs.js';
import { startTemplateValidation, type TemplateValidator } from './template-validation.js';
import { appKey, assemblyTemplates, predictsAll, readCache, templateKey, validateAhead, validateWithCache } from './template-validation-cache.js';
import { lineOf, readVersionFile } from './version-file.js';
import { editedFiles, openGeneratedApp, STAGING } from './write.js';

export type PreflightFormat = 'text' | 'json' | 'sarif' | 'markdown';

export interface PreflightOptions extends Omit<CommonOptions, 'format'> {
  readonly format: PreflightFormat;
  /** The generated app's folder. @default [deploy] output */
  readonly out?: string;
  /** @default 'high' */
  readonly failOn?: Level;
  /** Further cdk-nag packs, comma-separated (`hipaa,nist-800-53-r5`). */
  readonly rules?: string;
  /** Write the report (in `format`) to this file; the text goes to the terminal. */
  readonly output?: string;
}

/** What the command reads from the world, passed in by main (the clock, CI) or by tests (a shared validator). */
export interface PreflightEnvironment {
  readonly now: Date;
  /** GITHUB_ACTIONS=true: print workflow annotations too. */
  readonly githubActions: boolean;
  /** A validator that is already loading (tests share one); else one is started. */
  readonly validator?: TemplateValidator;
}

/** The outcome of a run, before it is printed. */
export interface PreflightRun {
  readonly report?: PreflightReport;
  readonly diagnostics: readonly Diagnostic[];
  readonly loaded?: LoadedProject;
}

/** `--rules hipaa,nist-800-53-r5` → the packs, or a diagnostic naming what is not one. */
export function parsePacks(rules: string | undefined): { packs: NagPackName[]; diagnostics: Diagnostic[] } {
  const names = (rules ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const known = Object.keys(NAG_PACKS);
  const bad = names.filter((n) => !known.includes(n));
  if (bad.length) {
    return {
      packs: [],
      diagnostics: [diag('DZ8004', `--rules ${bad.map((b) => quote(b)).join(', ')}: ${bad.length === 1 ? 'not a cdk-nag rule pack' : 'not cdk-nag rule packs'}; AwsSolutions always runs, and these can be added: ${known.join(', ')}`, { hint: `e.g. --rules ${known[0]},${known[2]}` })],
    };
  }
  return { packs: [...new Set(names)] as NagPackName[], diagnostics: [] };
}

/** Read, plan, synthesize and check: everything but printing. */
export async function collectPreflight(opts: PreflightOptions, cwd: string, env: PreflightEnvironment): Promise<PreflightRun> {
  const packs = parsePacks(opts.rules);
  if (packs.diagnostics.length) return { diagnostics: packs.diagnostics };
  // The validator is started only when some template's findings are not cached (see collect).
  let started: TemplateValidator | undefined;
  const validator = () => (started ??= env.validator ?? startTemplateValidation());
  try {
    return await collect(opts, cwd, env, packs.packs, validator);
  } finally {
    if (started && !env.validator) await started.close();
  }
}

async function collect(opts: PreflightOptions, cwd: string, env: PreflightEnvironment, packs: readonly NagPackName[], validator: () => TemplateValidator): Promise<PreflightRun> {
  const loaded = loadProject(opts.project, cwd, opts.env);
  const spec = loaded.front?.spec;
  if (!loaded.ok || !spec || !loaded.config) return { diagnostics: loaded.diagnostics, loaded };
  const config = loaded.config;
  const diagnostics: Diagnostic[] = [...loaded.diagnostics, ...checkAcknowledgements(config.preflight)];
  if (hasErrors(diagnostics)) return { diagnostics, loaded };
  const appDir = appFolder({ ...opts, format: 'text' }, config.deploy.output, loaded.files.root, cwd);
  const region = config.deploy.region;
  // Decide now, from the generated files, whether the validator is needed: when the last run's
  // templates of these files are all cached, it is never constructed. Otherwise it loads its
  // schemas in a worker while the project is planned and the app synthesized.
  const assemblyDir = join(appDir, 'cdk.out');
  const cache = readCache(assemblyDir);
  const hasApp = Boolean(lstatQuiet(join(appDir, VERSION_FILE)) || lstatQuiet(join(appDir, STAGING)));
  const early = hasApp && !predictsAll(cache, appKey(appDir, region));
  if (early) validator();
  // While the app is synthesized, the validator checks what is not cached of the assembly synth replaces (see validateAhead).
  const previous = early ? assemblyTemplates(assemblyDir).filter((t) => !cache.templates.has(templateKey(t.text, region))) : [];
  const ahead = previous.length ? validateAhead(previous, region, validator()) : undefined;
  const lowered = lowerToRequirements(spec, config);
  diagnostics.push(...lowered.diagnostics);
  if (!lowered.value) return { diagnostics, loaded };
  const shown = displayPath(appDir, cwd);
  // The plan of the generation in the folder: each queue, bucket and service in the stack it recorded.
  const plan = buildPlan(lowered.value, config, { previous: previousPlacement(appDir, shown, spec.app.name, config.deploy.environment).placement });
  // Without an earlier assembly, the validator gets ready for the app's resource types while the app is synthesized.
  if (early && !ahead) validator().warm([...new Set(plan.stacks.flatMap((st) => st.resources.flatMap((r) => Object.keys(r.cloudformation))))].sort(), plan.region);
  const missing = () => diag('DZ6003', `no generated app in ${shown} (${VERSION_FILE} is missing)`, { hint: `run \`dazzle deploy generate${opts.env ? ` --env ${opts.env}` : ''}\` first, then preflight` });
  if (!hasApp) return { diagnostics: [...diagnostics, missing()], loaded };

  // Hold the folder's lock while reading it, so no generation changes it under us.
  const opened = openGeneratedApp(appDir, shown, 'deploy preflight', env.now);
  diagnostics.push(...opened.diagnostics);
  try {
    if (!opened.value) return { diagnostics, loaded };
    const version = readVersionFile(opened.value.root, shown);
    diagnostics.push(...version.diagnostics);
    if (!version.exists) return { diagnostics: [...diagnostics, missing()], loaded };
    if (!version.value) return { diagnostics, loaded };
    const read = version.value;
    const versionShown = shown === '.' ? VERSION_FILE : `${shown}/${VERSION_FILE}`;
    const edited = editedFiles(opened.value.root, read).map((f) => ({ file: shown === '.' ? f.path : `${shown}/${f.path}`, missing: f.missing, recordedAt: lineOf(read.text, f.path) }));
    const stale = read.data.inputs.checksum !== inputsChecksum(loaded, cwd);
    // The files as synthesized (under the lock): the key the templates are recorded under.
    const app = appKey(opened.value.root, region);

    const { synthApp } = await import('./synth.js');
    const out = await synthApp(appDir, { packs: packs.map((p) => NAG_PACKS[p].className) });
    // cdk-nag's findings are preflight's findings; anything else synth says stops the run.
    const synthProblems = out.diagnostics.filter((d) => d.code !== 'DZ7103' && d.code !== 'DZ7104');
    diagnostics.push(...synthProblems);
    if (!out.templates.size || hasErrors(synthProblems)) return { diagnostics, loaded };
    const assembly = readAssembly(out.outdir, displayPath(out.outdir, cwd));
    const schema = await validateWithCache(
      assembly.templates.map((t) => ({ stack: t.stack, name: t.file, text: assembly.texts.get(t.stack) as string })),
      region,
      { cache, app, assemblyDir: out.outdir, ...(ahead ? { ahead } : {}) },
      validator,
    );
    const configText = loaded.files.configText;
    const result = runPreflight({
      plan,
      config,
      ...(configText !== undefined ? { configFile: { path: loaded.files.configPath, text: configText } } : {}),
      appSpan: spec.app.span,
      templates: assembly.templates,
      appAcknowledgements: assembly.acknowledgements,
      nag: out.findings,
      schema,
      app: { versionFile: versionShown, stale, edited },
      today: env.now.toISOString().slice(0, 10),
    });
    diagnostics.push(...result.diagnostics);
    return { ...(result.value ? { report: result.value } : {}), diagnostics, loaded };
  } finally {
    opened.value?.release();
  }
}

/** The report in a format. */
function render(report: PreflightReport, format: PreflightFormat, failOn: Level, diagnostics: readonly Diagnostic[]): string {
  switch (format) {
    case 'json':
      return json(jsonReport(report, failOn, diagnosticsJson(diagnostics)));
    case 'sarif':
      return json(sarifReport(report));
    case 'markdown':
      return markdownReport(report, failOn);
    default:
      return textReport(report, failOn);
  }
}

/** `dazzle deploy preflight`. */
export async function deployPreflight(opts: PreflightOptions, io: Io, cwd: string, env: PreflightEnvironment): Promise<number> {
  const failOn = opts.failOn ?? DEFAULT_FAIL_ON;
  const run = await collectPreflight(opts, cwd, env);
  const sources = run.loaded?.sources;
  const report = run.report;
  if (!report || hasErrors(run.diagnostics)) {
    if (opts.format === 'json' && !opts.output) io.stdout(json({ ok: false, fail_on: failOn, findings: [], diagnostics: diagnosticsJson(run.diagnostics) }));
    else printDiagnostics(io, run.diagnostics, sources);
    return 2;
  }
  const terminalFormat: PreflightFormat = opts.output ? 'text' : opts.format;
  if (terminalFormat !== 'json') printDiagnostics(io, run.diagnostics, sources);
  if (opts.output) {
    const target = resolve(cwd, opts.output);
    try {
      writeFileSync(target, render(report, opts.format, failOn, run.diagnostics));
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      printDiagnostics(io, [diag('DZ8005', `cannot write the report to ${quote(displayPath(target, cwd))}: ${err.code ?? err.message}`, { hint: 'check that its folder exists and is writable' })]);
      return 2;
    }
  }
  io.stdout(render(report, terminalFormat, failOn, run.diagnostics));
  if (env.githubActions) {
    const annotations = githubAnnotations(report);
    // Workflow commands are read from either stream; keep stdout parseable when it carries JSON or SARIF.
    if (terminalFormat === 'json' || terminalFormat === 'sarif') io.stderr(annotations);
    else io.stdout(annotations);
  }
  return failed(report, failOn) ? 1 : 0;
}

