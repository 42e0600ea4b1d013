/**
 * `dazzle deploy diff` (loaded only for that command): what the project's
 * current DSL and config would change in the deployed infrastructure, compared
 * offline with a baseline. Exit 0 when nothing changes, 1 when something does
 * (narrowed by --fail-on), 2 on bad input.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hasErrors, SourceText, type Diagnostic } from '../diagnostics/index.js';
import { diffDeployments, diffJson, diffMarkdown, diffText, failsOn, type FailOn } from '../diff/index.js';
import { cleanup, currentSide, dirBaseline, outputBaseline, refBaseline, versionOf, type Baseline, type Loaded } from './diff-baseline.js';
import { prepare, type GenerateOptions } from './generate-command.js';
import { displayPath, readTextFile } from './io.js';
import { diagnosticsJson, json, printDiagnostics, type Io } from './output.js';

export interface DiffOptions extends GenerateOptions {
  /** A folder of templates, a cloud assembly or a generated app to compare with. */
  readonly base?: string;
  /** A git ref: compare with the project as it was at that commit. */
  readonly baseRef?: string;
  /** Which changes make the command exit 1. @default 'any' */
  readonly failOn?: FailOn;
}

function fail(io: Io, opts: DiffOptions, diagnostics: readonly Diagnostic[], sources: ReadonlyMap<string, SourceText>): number {
  if (opts.format === 'json') io.stdout(json({ ok: false, diagnostics: diagnosticsJson(diagnostics) }));
  else printDiagnostics(io, diagnostics, withFiles(sources, diagnostics));
  return 2;
}

/** The project's sources, plus the generated files diagnostics point into (for their code frames). */
function withFiles(sources: ReadonlyMap<string, SourceText>, diagnostics: readonly Diagnostic[]): ReadonlyMap<string, SourceText> {
  const all = new Map(sources);
  for (const file of diagnostics.map((d) => d.span?.file).filter((f): f is string => f !== undefined && !sources.has(f))) {
    const text = readTextFile(file);
    if (text !== undefined) all.set(file, new SourceText(file, text));
  }
  return all;
}

/** `dazzle deploy diff`. `stdoutIsTty`: colour the text report only on a terminal. */
export async function deployDiff(opts: DiffOptions, io: Io, cwd: string, now: Date, stdoutIsTty = false): Promise<number> {
  const prepared = prepare(opts, cwd, now);
  if (!prepared.value) return fail(io, opts, prepared.diagnostics, prepared.loaded.sources);
  const p = prepared.value;
  const appFolder = displayPath(p.outDir, cwd);
  const tmp = mkdtempSync(join(tmpdir(), 'dazzle-diff-'));
  const diagnostics: Diagnostic[] = [...p.diagnostics];
  try {
    // The baseline first: a bad ref or folder is reported before anything is synthesized.
    const version = versionOf(p.app.files);
    const base: Loaded<Baseline> =
      opts.baseRef !== undefined
        ? await refBaseline(opts, p, opts.baseRef, cwd, now, tmp)
        : opts.base !== undefined
          ? await dirBaseline(opts.base, p, version, cwd, now, tmp)
          : await outputBaseline(p, version, cwd, now, tmp);
    diagnostics.push(...base.diagnostics);
    if (!base.value || hasErrors(diagnostics)) return fail(io, opts, diagnostics, p.loaded.sources);
    const current = await currentSide(p, tmp, `the project (${appFolder}, generated in memory)`);
    diagnostics.push(...current.diagnostics);
    if (!current.value || hasErrors(diagnostics)) return fail(io, opts, diagnostics, p.loaded.sources);
    const b = base.value;
    const report = diffDeployments({
      baseline: b.side,
      baselineInfo: { kind: b.kind, label: b.label },
      current: current.value,
      editedFiles: b.editedFiles,
      notes: b.notes,
    });
    if (opts.format === 'json') io.stdout(diffJson(report, { diagnostics: diagnosticsJson(diagnostics) }));
    else {
      printDiagnostics(io, diagnostics, withFiles(p.loaded.sources, diagnostics));
      io.stdout(opts.format === 'markdown' ? diffMarkdown(report, { appFolder }) : diffText(report, { appFolder, color: io.color && stdoutIsTty }));
    }
    return failsOn(report, opts.failOn) ? 1 : 0;
  } finally {
    cleanup(tmp);
  }
}
