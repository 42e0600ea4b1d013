/**
 * `dazzle deploy ci report` (loaded only for that command): the last step of
 * the GitHub Action. Reads the reports the earlier steps wrote (check, plan,
 * preflight's SARIF, diff) and writes the job summary, the step outputs, the
 * annotations for check's diagnostics and one pull request comment per
 * project and environment; exits 1 when preflight fails at --fail-on or the
 * diff has a change at --fail-on-diff.
 *
 * Standard output carries the summary outside GitHub Actions (and the annotations in it);
 * what the command did and its verdict go to standard error.
 *
 * Exit codes: 0 the run passes, 1 it fails a gate, 2 bad input (a report that
 * is not dazzle's, a summary or outputs file that cannot be written).
 */
import { appendFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { ciReport, readReport, type CiReports, type DiffGate, type ReportKind } from '../ci/index.js';
import { diag, quote, type Diagnostic } from '../diagnostics/index.js';
import type { Level } from '../preflight/index.js';
import { pullRequestNumber, upsertComment, type GhRunner } from './ci-github.js';
import { displayPath } from './io.js';
import { printDiagnostics, type Io } from './output.js';
import { ioReason, readRegularFile } from './safe-fs.js';

export interface CiReportOptions {
  /** The project folder as the workflow names it (for the comment's marker and the title). @default '.' */
  readonly project: string;
  readonly env?: string;
  readonly check?: string;
  readonly plan?: string;
  readonly preflight?: string;
  readonly diff?: string;
  /** @default 'high' */
  readonly failOn: Level;
  /** @default 'destructive' */
  readonly failOnDiff: DiffGate;
  /** Create or update the pull request comment. @default false */
  readonly comment?: boolean;
}

/** What the command reads from the GitHub Actions runner (all optional: outside Actions it prints). */
export interface CiEnvironment {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** `gh`, or a stand-in. */
  readonly gh: GhRunner;
}

/** A report file that a failed step left empty, or filled with its error report only, was not written. */
function unwritten(text: string): boolean {
  if (!text.trim()) return true;
  try {
    const v = JSON.parse(text) as { ok?: unknown; format_version?: unknown; diagnostics?: unknown };
    return v.ok === false && v.format_version === undefined && Array.isArray(v.diagnostics) && !('counts' in v);
  } catch {
    return false;
  }
}

function readReports(opts: CiReportOptions, cwd: string): { reports: CiReports; missing: ReportKind[]; diagnostics: Diagnostic[] } {
  const reports: Record<string, unknown> = {};
  const missing: ReportKind[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const kind of ['check', 'plan', 'preflight', 'diff'] as const) {
    const file = opts[kind];
    if (file === undefined) continue;
    const path = resolve(cwd, file);
    const shown = displayPath(path, cwd);
    const read = readRegularFile(path);
    if (read.kind === 'missing') {
      missing.push(kind);
      continue;
    }
    if (read.kind !== 'file') {
      diagnostics.push(diag('DZ8202', `cannot read the ${kind} report ${quote(shown)}: ${read.kind === 'error' ? ioReason(Object.assign(new Error(''), { code: read.code })) : `it is ${read.kind === 'dir' ? 'a folder' : read.kind === 'symlink' ? 'a symbolic link' : 'not a regular file'}`}`, { hint: 'pass the file the step wrote' }));
      continue;
    }
    const text = new TextDecoder('utf-8').decode(read.bytes);
    if (kind !== 'check' && unwritten(text)) {
      missing.push(kind);
      continue;
    }
    const parsed = readReport(kind, shown, text);
    diagnostics.push(...parsed.diagnostics);
    if (parsed.value) reports[kind] = parsed.value;
  }
  return { reports: reports as CiReports, missing, diagnostics };
}

function append(path: string, text: string, what: string): Diagnostic | undefined {
  try {
    appendFileSync(path, text);
    return undefined;
  } catch (e) {
    return diag('DZ8205', `cannot write the ${what} to ${quote(path)}: ${ioReason(e)}`, { hint: `the runner sets ${what === 'job summary' ? 'GITHUB_STEP_SUMMARY' : 'GITHUB_OUTPUT'} to a file it can write; outside GitHub Actions leave it unset` });
  }
}

/** `dazzle deploy ci report`. */
export function deployCiReport(opts: CiReportOptions, io: Io, cwd: string, world: CiEnvironment): number {
  const { env } = world;
  const read = readReports(opts, cwd);
  if (read.diagnostics.length) {
    printDiagnostics(io, read.diagnostics);
    return 2;
  }
  const project = opts.project.replace(/\/+$/, '') || '.';
  const server = env.GITHUB_SERVER_URL ?? 'https://github.com';
  const runUrl = env.GITHUB_REPOSITORY && env.GITHUB_RUN_ID ? `${server}/${env.GITHUB_REPOSITORY}/actions/runs/${env.GITHUB_RUN_ID}` : undefined;
  const result = ciReport(read.reports, {
    project,
    ...(opts.env ? { environment: opts.env } : {}),
    failOn: opts.failOn,
    failOnDiff: opts.failOnDiff,
    missing: read.missing,
    ...(runUrl ? { runUrl } : {}),
  });

  const problems: Diagnostic[] = [];
  if (env.GITHUB_ACTIONS === 'true') io.stdout(result.annotations);
  if (env.GITHUB_STEP_SUMMARY) {
    const d = append(env.GITHUB_STEP_SUMMARY, result.summary, 'job summary');
    if (d) problems.push(d);
  } else io.stdout(result.summary);
  if (env.GITHUB_OUTPUT) {
    const d = append(env.GITHUB_OUTPUT, Object.entries(result.outputs).map(([k, v]) => `${k}=${v}\n`).join(''), 'step outputs');
    if (d) problems.push(d);
  }
  if (problems.length) {
    printDiagnostics(io, problems);
    return 2;
  }

  if (opts.comment) {
    const notes: Diagnostic[] = [];
    let event: unknown;
    try {
      const path = env.GITHUB_EVENT_PATH;
      const bytes = path ? readRegularFile(path) : undefined;
      event = bytes?.kind === 'file' ? JSON.parse(new TextDecoder('utf-8').decode(bytes.bytes)) : undefined;
    } catch {
      event = undefined;
    }
    const pr = pullRequestNumber(event);
    if (pr === undefined || !env.GITHUB_REPOSITORY) {
      notes.push(diag('DZ8204', `not a pull request${env.GITHUB_EVENT_NAME ? ` (the event is ${quote(env.GITHUB_EVENT_NAME)})` : ''}: no comment is posted; the job summary has the report`));
    } else {
      const done = upsertComment(world.gh, env.GITHUB_REPOSITORY, pr, result.marker, result.comment);
      if ('error' in done) {
        notes.push(
          diag('DZ8203', `the comment on pull request #${pr} could not be posted: ${done.error}`, {
            hint: 'give the job `permissions: pull-requests: write` (a pull request from a fork gets a read-only token: the job summary still has the report)',
          }),
        );
      } else io.stderr(`dazzle: ${done.action} the comment on pull request #${pr} (${project}, ${result.marker.match(/environment=([^ ]*)/)?.[1] ?? ''})\n`);
    }
    printDiagnostics(io, notes);
  }
  const outputs = Object.entries(result.outputs).map(([k, v]) => `${k}=${v || '(unknown)'}`).join(', ');
  if (result.failures.length) {
    io.stderr(`dazzle deploy ci report: failed: ${result.failures.join('; ')} [${outputs}]\n`);
    return 1;
  }
  io.stderr(`dazzle deploy ci report: passed [${outputs}]\n`);
  return 0;
}
