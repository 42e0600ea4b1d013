/**
 * The reports `dazzle deploy ci report` reads: the JSON the other commands
 * write (`check --format json`, `deploy plan --format json`, `deploy preflight
 * --format sarif`, `deploy diff --format json`). Each is untrusted input: it is
 * checked for the shape and format version this dazzle writes before any field
 * is used, and a report that is not one is DZ8201 naming the file and why.
 */
import { diag, quote, type Diagnostic } from '../diagnostics/index.js';
import { DIFF_FORMAT_VERSION, type DiffReport } from '../diff/model.js';
import { LEVELS, type Level } from '../preflight/model.js';
import { PLAN_FORMAT_VERSION, type DeploymentPlan } from '../plan/index.js';

/** A diagnostic as `--format json` prints it. */
export interface DiagnosticJson {
  readonly code: string;
  readonly severity: 'error' | 'warning' | 'note';
  readonly title: string;
  readonly message: string;
  readonly file: string | null;
  readonly line: number | null;
  readonly col: number | null;
  readonly endLine: number | null;
  readonly endCol: number | null;
  readonly hint: string | null;
}

/** `dazzle check --format json`. */
export interface CheckReport {
  readonly ok: boolean;
  readonly app: string | null;
  readonly diagnostics: readonly DiagnosticJson[];
}

/** One preflight finding, as the SARIF log records it. */
export interface SarifFinding {
  readonly rule: string;
  readonly level: Level;
  /** The message, with its fix (`… Fix: …`). */
  readonly message: string;
  readonly file: string;
  readonly line: number;
  /** The reason it was acknowledged in dazzle.toml, or null when it is open. */
  readonly acknowledged: string | null;
}

/** What the summary needs of `deploy preflight --format sarif`. */
export interface PreflightSarif {
  readonly findings: readonly SarifFinding[];
}

/** The reports of one run, each when its step wrote one. */
export interface CiReports {
  readonly check?: CheckReport;
  readonly plan?: DeploymentPlan;
  readonly preflight?: PreflightSarif;
  readonly diff?: DiffReport;
}

export type ReportKind = keyof CiReports;

/** The commands whose output each report is, for messages. */
export const REPORT_COMMANDS: Readonly<Record<ReportKind, string>> = {
  check: 'dazzle check --format json',
  plan: 'dazzle deploy plan --format json',
  preflight: 'dazzle deploy preflight --format sarif',
  diff: 'dazzle deploy diff --format json',
};

type Read<T> = { readonly value?: T; readonly diagnostics: readonly Diagnostic[] };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function notOurs(kind: ReportKind, file: string, why: string): Diagnostic {
  return diag('DZ8201', `${quote(file)} is not the output of \`${REPORT_COMMANDS[kind]}\`: ${why}`, {
    hint: `write it with \`${REPORT_COMMANDS[kind]}\` of this dazzle version (the Action does), and pass the file as it was written`,
  });
}

/** Parse a report's text; `file` is the path as the user named it. */
export function readReport<K extends ReportKind>(kind: K, file: string, text: string): Read<NonNullable<CiReports[K]>> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { diagnostics: [notOurs(kind, file, `it is not JSON (${(e as Error).message})`)] };
  }
  const why = SHAPES[kind](value);
  if (typeof why === 'string') return { diagnostics: [notOurs(kind, file, why)] };
  return { value: why as NonNullable<CiReports[K]>, diagnostics: [] };
}

/** Each report's check: the value it stands for, or why it is not one. */
const SHAPES: { readonly [K in ReportKind]: (v: unknown) => NonNullable<CiReports[K]> | string } = {
  check: (v) => {
    if (!isObject(v) || typeof v.ok !== 'boolean' || !Array.isArray(v.diagnostics)) return 'it has no "ok" and "diagnostics"';
    if (!v.diagnostics.every((d) => isObject(d) && typeof d.code === 'string' && typeof d.message === 'string' && ['error', 'warning', 'note'].includes(d.severity as string))) return 'a diagnostic has no code, severity or message';
    return { ok: v.ok, app: typeof v.app === 'string' ? v.app : null, diagnostics: v.diagnostics as unknown as DiagnosticJson[] };
  },
  plan: (v) => {
    if (!isObject(v)) return 'it is not an object';
    if (v.format_version !== PLAN_FORMAT_VERSION) return `its format_version is ${JSON.stringify(v.format_version ?? null)}, and this dazzle reads ${PLAN_FORMAT_VERSION}`;
    if (typeof v.app !== 'string' || typeof v.environment !== 'string' || !Array.isArray(v.stacks) || !isObject(v.total) || !isObject(v.aws)) return 'it has no app, environment, stacks, total or aws';
    return v as unknown as DeploymentPlan;
  },
  diff: (v) => {
    if (!isObject(v)) return 'it is not an object';
    if (v.ok === false) return 'the diff did not run (its report holds only diagnostics)';
    if (v.format_version !== DIFF_FORMAT_VERSION) return `its format_version is ${JSON.stringify(v.format_version ?? null)}, and this dazzle reads ${DIFF_FORMAT_VERSION}`;
    if (!isObject(v.summary) || !Array.isArray(v.changes) || !isObject(v.plan) || !isObject(v.baseline)) return 'it has no summary, changes, plan or baseline';
    return v as unknown as DiffReport;
  },
  preflight: (v) => {
    if (!isObject(v) || v.version !== '2.1.0' || !Array.isArray(v.runs) || v.runs.length !== 1) return 'it is not a SARIF 2.1.0 log with one run';
    const run = v.runs[0] as Record<string, unknown>;
    const driver = isObject(run.tool) && isObject(run.tool.driver) ? run.tool.driver : undefined;
    if (driver?.name !== 'dazzle' || !Array.isArray(run.results)) return 'its run is not one of dazzle preflight';
    const findings: SarifFinding[] = [];
    for (const r of run.results as unknown[]) {
      const f = sarifFinding(r);
      if (typeof f === 'string') return f;
      findings.push(f);
    }
    return { findings };
  },
};

function sarifFinding(r: unknown): SarifFinding | string {
  if (!isObject(r) || typeof r.ruleId !== 'string' || !isObject(r.message) || typeof r.message.text !== 'string') return 'a result has no ruleId or message';
  const level = isObject(r.properties) ? r.properties.severity : undefined;
  if (!LEVELS.includes(level as Level)) return `the result of ${JSON.stringify(r.ruleId)} has no severity (properties.severity: ${LEVELS.join(', ')})`;
  const location = Array.isArray(r.locations) && isObject(r.locations[0]) ? r.locations[0].physicalLocation : undefined;
  const uri = isObject(location) && isObject(location.artifactLocation) ? location.artifactLocation.uri : undefined;
  const line = isObject(location) && isObject(location.region) ? location.region.startLine : undefined;
  if (typeof uri !== 'string' || typeof line !== 'number') return `the result of ${JSON.stringify(r.ruleId)} has no location`;
  const suppression = Array.isArray(r.suppressions) && isObject(r.suppressions[0]) ? r.suppressions[0] : undefined;
  return {
    rule: r.ruleId,
    level: level as Level,
    message: r.message.text,
    file: uri.startsWith('file://') ? decodeURIComponent(uri.slice('file://'.length)) : decodeURIComponent(uri),
    line,
    acknowledged: suppression ? (typeof suppression.justification === 'string' ? suppression.justification : '') : null,
  };
}
