/**
 * A preflight report for people and for CI: text grouped by severity,
 * versioned JSON, SARIF 2.1.0 (for GitHub code scanning), markdown (job
 * summaries, pull request comments) and GitHub workflow annotations.
 * Deterministic: the same report gives the same bytes.
 *
 * Findings are made of what the templates name (construct paths, logical IDs,
 * names, ports, CIDRs), never of values such as variables, so they are shown
 * as they are (unprintable characters escaped): logical IDs look random and
 * would be hidden by the credential filter. The free text users write, the
 * reasons of acknowledgements, goes through that filter like every message.
 */
import { createHash } from 'node:crypto';
import { escapeUnprintable, safeText, type Span } from '../diagnostics/index.js';
import { VERSION } from '../version.js';
import { atOrAbove, LEVELS, type Finding, type Level, type PreflightReport, type RuleInfo } from './model.js';

/** The version of `--format json`'s shape. */
export const PREFLIGHT_FORMAT_VERSION = 1;

export interface Totals {
  /** Unacknowledged findings per level. */
  readonly open: Readonly<Record<Level, number>>;
  readonly acknowledged: number;
  /** Unacknowledged findings at or above the threshold. */
  readonly failing: number;
}

export function totals(report: PreflightReport, failOn: Level): Totals {
  const open = Object.fromEntries(LEVELS.map((l) => [l, 0])) as Record<Level, number>;
  let acknowledged = 0;
  let failing = 0;
  for (const f of report.findings) {
    if (f.acknowledged) {
      acknowledged += 1;
      continue;
    }
    open[f.level] += 1;
    if (atOrAbove(f.level, failOn)) failing += 1;
  }
  return { open, acknowledged, failing };
}

/** Whether the run fails at `failOn`: an unacknowledged finding at that level or above. */
export function failed(report: PreflightReport, failOn: Level): boolean {
  return totals(report, failOn).failing > 0;
}

const where = (s: Span) => `${s.file}:${s.line}:${s.col}`;
/** Template facts and our own words: unprintable characters escaped. */
const shown = escapeUnprintable;
/** Text users wrote (acknowledgement reasons): credentials hidden too. */
const written = safeText;
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function countsText(t: Totals): string {
  const parts = LEVELS.filter((l) => t.open[l] > 0).map((l) => `${t.open[l]} ${l}`);
  return parts.length ? parts.join(', ') : 'no findings';
}

/** The closing line: passed or failed, and why. */
export function verdict(report: PreflightReport, failOn: Level): string {
  const t = totals(report, failOn);
  const acked = t.acknowledged ? `; ${t.acknowledged} acknowledged` : '';
  return t.failing
    ? `preflight failed: ${plural(t.failing, 'unacknowledged finding')} at ${failOn} or above (${countsText(t)}${acked})`
    : `preflight passed: nothing unacknowledged at ${failOn} or above (${countsText(t)}${acked})`;
}

function resourceLine(f: Finding): string | undefined {
  const r = f.resource;
  if (!r) return undefined;
  return `${r.path ?? `${r.stack}/${r.logicalId}`} (${r.logicalId}, ${r.type})`;
}

/** Text: the findings grouped by severity, then the acknowledged ones, then the verdict. */
export function textReport(report: PreflightReport, failOn: Level): string {
  const resources = report.stacks.reduce((n, s) => n + s.resources, 0);
  const out: string[] = [`Preflight of ${report.app} (${report.environment}, ${report.region}): ${plural(report.stacks.length, 'stack')}, ${plural(resources, 'resource')}; failing on ${failOn} or above`];
  const block = (f: Finding) => {
    out.push(`  ${where(f.location.span)}  ${f.rule}${f.acknowledged ? ` (${f.level})` : ''}`);
    out.push(`    ${shown(f.message)}`);
    const r = resourceLine(f);
    if (r) out.push(`    at ${shown(r)}`);
    if (f.acknowledged) out.push(`    acknowledged at ${where(f.acknowledged.span)}${f.acknowledged.expires ? ` until ${f.acknowledged.expires}` : ''}: ${written(f.acknowledged.reason)}`);
    else out.push(`    fix: ${shown(f.fix)}`);
  };
  for (const level of LEVELS) {
    const group = report.findings.filter((f) => f.level === level && !f.acknowledged);
    if (!group.length) continue;
    out.push('', `${level} (${group.length})`);
    group.forEach(block);
  }
  const acked = report.findings.filter((f) => f.acknowledged);
  if (acked.length) {
    out.push('', `acknowledged (${acked.length})`);
    acked.forEach(block);
  }
  out.push('', verdict(report, failOn));
  return `${out.join('\n')}\n`;
}

function findingJson(f: Finding): Record<string, unknown> {
  return {
    rule: f.rule,
    level: f.level,
    message: shown(f.message),
    fix: shown(f.fix),
    file: f.location.span.file,
    line: f.location.span.line,
    col: f.location.span.col,
    keyPath: f.location.keyPath ?? null,
    resource: f.resource ? { stack: f.resource.stack, logicalId: f.resource.logicalId, type: f.resource.type, path: f.resource.path ?? null } : null,
    acknowledged: f.acknowledged ? { reason: written(f.acknowledged.reason), expires: f.acknowledged.expires, file: f.acknowledged.span.file, line: f.acknowledged.span.line, col: f.acknowledged.span.col } : null,
  };
}

/** `--format json`: versioned by `format_version`. */
export function jsonReport(report: PreflightReport, failOn: Level, diagnostics: readonly unknown[]): Record<string, unknown> {
  const t = totals(report, failOn);
  return {
    format_version: PREFLIGHT_FORMAT_VERSION,
    ok: t.failing === 0,
    fail_on: failOn,
    app: report.app,
    environment: report.environment,
    region: report.region,
    stacks: report.stacks.map((s) => ({ name: s.stack, template: s.file, resources: s.resources })),
    summary: { ...t.open, acknowledged: t.acknowledged, failing: t.failing },
    findings: report.findings.map(findingJson),
    rules: report.rules.map((r) => ({ id: r.id, level: r.level, title: r.title, help: r.help, environments: r.environments ?? null, source: r.source })),
    diagnostics,
  };
}

/** SARIF's level for ours. */
function sarifLevel(level: Level): 'error' | 'warning' | 'note' {
  return level === 'critical' || level === 'high' ? 'error' : level === 'medium' ? 'warning' : 'note';
}

/** GitHub code scanning reads `security-severity` (critical above 9, high 7-8.9, medium 4-6.9, low below 4). */
const SECURITY_SEVERITY: Readonly<Record<Level, string>> = { critical: '9.5', high: '8.0', medium: '5.5', low: '3.0', info: '0.0' };

/** A file path as shown → a SARIF artifact location (relative to the source root, or a file URI). */
function artifact(file: string): Record<string, string> {
  const encoded = file.split('/').map(encodeURIComponent).join('/');
  return file.startsWith('/') ? { uri: `file://${encoded}` } : { uri: encoded, uriBaseId: '%SRCROOT%' };
}

function physical(span: Span): Record<string, unknown> {
  return { artifactLocation: artifact(span.file), region: { startLine: span.line, startColumn: span.col } };
}

const fingerprint = (f: Finding) =>
  createHash('sha256')
    .update([f.rule, f.resource?.stack ?? '', f.resource?.logicalId ?? '', f.location.keyPath ?? '', f.resource ? '' : f.location.span.file].join('\u0000'))
    .digest('hex')
    .slice(0, 32);

function sarifRule(r: RuleInfo): Record<string, unknown> {
  return {
    id: r.id,
    name: r.id.replace(/[^A-Za-z0-9]+/g, '_'),
    shortDescription: { text: r.title },
    fullDescription: { text: `${r.title}.${r.environments ? ` Checked in ${r.environments.join(' and ')}.` : ''}` },
    help: { text: r.help, markdown: r.help },
    defaultConfiguration: { level: sarifLevel(r.level) },
    properties: { 'security-severity': SECURITY_SEVERITY[r.level], precision: 'high', tags: ['security', `dazzle/${r.source}`], severity: r.level },
  };
}

/** `--format sarif`: SARIF 2.1.0, one run, every finding a result at its dazzle.toml or DSL line. */
export function sarifReport(report: PreflightReport): Record<string, unknown> {
  const index = new Map(report.rules.map((r, i) => [r.id, i]));
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { name: 'dazzle', semanticVersion: VERSION, rules: report.rules.map(sarifRule) } },
        automationDetails: { id: `dazzle-preflight/${report.environment}/` },
        columnKind: 'utf16CodeUnits',
        results: report.findings.map((f) => ({
          ruleId: f.rule,
          ruleIndex: index.get(f.rule) ?? 0,
          level: sarifLevel(f.level),
          message: { text: shown(`${f.message}. Fix: ${f.fix}`) },
          locations: [
            {
              physicalLocation: physical(f.location.span),
              ...(f.resource ? { logicalLocations: [{ name: f.resource.logicalId, fullyQualifiedName: f.resource.path ?? `${f.resource.stack}/${f.resource.logicalId}`, kind: 'resource' }] } : {}),
            },
          ],
          partialFingerprints: { 'dazzlePreflight/v1': fingerprint(f) },
          ...(f.acknowledged ? { suppressions: [{ kind: 'external', status: 'accepted', justification: written(f.acknowledged.reason), location: { physicalLocation: physical(f.acknowledged.span) } }] } : {}),
          properties: { severity: f.level, ...(f.location.keyPath ? { keyPath: f.location.keyPath } : {}) },
        })),
      },
    ],
  };
}

/** Markdown table cell text: one line, no table or HTML syntax. */
function cell(s: string): string {
  return shown(s).replace(/[\r\n]+/g, ' ').replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/`/g, "'");
}

/** `--format markdown`: for job summaries and pull request comments. */
export function markdownReport(report: PreflightReport, failOn: Level): string {
  const t = totals(report, failOn);
  const out = [`## dazzle deploy preflight: ${cell(report.app)} (${report.environment}, ${report.region})`, '', `**${t.failing ? 'Failed' : 'Passed'}**: ${cell(verdict(report, failOn).replace(/^preflight (passed|failed): /, ''))}.`, ''];
  const table = (rows: readonly Finding[], acked: boolean) => {
    out.push(acked ? '| severity | rule | where | finding | reason |' : '| severity | rule | where | finding | fix |', '|---|---|---|---|---|');
    for (const f of rows) {
      out.push(`| ${f.level} | \`${f.rule}\` | \`${cell(where(f.location.span))}\` | ${cell(f.message)}${f.resource ? ` (${cell(f.resource.path ?? f.resource.logicalId)})` : ''} | ${cell(acked ? written(f.acknowledged?.reason ?? '') : f.fix)} |`);
    }
    out.push('');
  };
  const open = report.findings.filter((f) => !f.acknowledged);
  const acked = report.findings.filter((f) => f.acknowledged);
  if (open.length) table(open, false);
  else out.push('No unacknowledged findings.', '');
  if (acked.length) {
    out.push(`<details><summary>Acknowledged (${acked.length})</summary>`, '');
    table(acked, true);
    out.push('</details>', '');
  }
  return `${out.join('\n')}`;
}

/** Workflow command escaping (data, and property values which also escape `:` and `,`). */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** GitHub workflow annotations (`::error file=…,line=…::…`) for the unacknowledged findings. */
export function githubAnnotations(report: PreflightReport): string {
  const lines = report.findings
    .filter((f) => !f.acknowledged)
    .map((f) => {
      const cmd = f.level === 'critical' || f.level === 'high' ? 'error' : f.level === 'medium' ? 'warning' : 'notice';
      const s = f.location.span;
      return `::${cmd} file=${prop(s.file)},line=${s.line},col=${s.col},title=${prop(`${f.rule} (${f.level})`)}::${data(shown(`${f.message}. Fix: ${f.fix}`))}`;
    });
  return lines.length ? `${lines.join('\n')}\n` : '';
}
