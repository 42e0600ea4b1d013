/**
 * What a CI run of dazzle reports: from the JSON of check, plan, preflight
 * (SARIF) and diff to the job summary, the pull request comment, the step's
 * outputs, workflow annotations and the verdict. Pure: the CLI reads the
 * reports and the GitHub environment, and writes what this returns.
 */
import { escapeUnprintable } from '../diagnostics/index.js';
// Not diff's index: that loads the comparison and its CloudFormation diff engine, which a report never needs.
import { failsOn } from '../diff/gate.js';
import { IMPACT_TITLES, IMPACTS, type Change, type DiffReport, type FailOn } from '../diff/model.js';
import { costLine, diffMarkdown } from '../diff/render.js';
import { usd } from '../diff/plan-changes.js';
import { costText, planMarkdown, type DeploymentPlan } from '../plan/index.js';
import { atOrAbove, LEVELS, type Level } from '../preflight/model.js';
import type { CiReports, DiagnosticJson, ReportKind, SarifFinding } from './inputs.js';

/** `fail-on-diff`: diff's `--fail-on` classes, or `none` to report changes without failing. */
export type DiffGate = FailOn | 'none';
export const DIFF_GATES: readonly DiffGate[] = ['destructive', 'replacement', 'any', 'none'];

/** GitHub refuses a comment longer than this (characters). */
export const COMMENT_LIMIT = 65_536;
/** A job summary may hold 1 MiB per step; leave room for what other steps add. */
export const SUMMARY_LIMIT = 1_000_000;

export interface CiContext {
  /** The project folder as the workflow names it (`examples/ledger-app`, `.`). */
  readonly project: string;
  /** The environment asked for; the plan's when not given. */
  readonly environment?: string;
  /** Preflight's threshold. @default 'high' */
  readonly failOn: Level;
  /** @default 'destructive' */
  readonly failOnDiff: DiffGate;
  /** Reports a step should have written but did not (its step failed or was skipped). */
  readonly missing: readonly ReportKind[];
  /** The workflow run, for "the rest is in the job summary". */
  readonly runUrl?: string;
}

/** The step outputs of the Action. Empty when the run did not get far enough to know. */
export interface CiOutputs {
  readonly 'has-changes': string;
  readonly destructive: string;
  readonly findings: string;
  readonly 'cost-delta': string;
}

export interface CiResult {
  readonly summary: string;
  /** The pull request comment's body, starting with its marker. */
  readonly comment: string;
  readonly marker: string;
  readonly outputs: CiOutputs;
  /** Workflow commands (`::error file=…::…`) for check's diagnostics. */
  readonly annotations: string;
  /** Why the run fails; empty when it passes. */
  readonly failures: readonly string[];
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** Markdown table cell: one line of text, no table or HTML syntax. */
function cell(text: string): string {
  return escapeUnprintable(text)
    .replace(/\r?\n/g, ' ')
    .replace(/[&<>]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : '&gt;'))
    .replace(/\|/g, '\\|');
}
const code = (text: string) => `\`${escapeUnprintable(text).replace(/`/g, "'")}\``;

/** The hidden line that finds this project's and environment's comment again. */
export function commentMarker(project: string, environment: string): string {
  return `<!-- dazzle deploy ci report: project=${encodeURIComponent(project)} environment=${encodeURIComponent(environment)} -->`;
}

/** A signed amount in USD for tools: `+12.50`, `-3.00`. */
const signed = (n: number) => (n < 0 ? n.toFixed(2) : `+${n.toFixed(2)}`);

function open(findings: readonly SarifFinding[]): SarifFinding[] {
  return findings.filter((f) => f.acknowledged === null);
}

/** The outputs: empty strings for what the run did not get to. */
export function ciOutputs(reports: CiReports): CiOutputs {
  const d = reports.diff;
  const delta = d?.plan.cost.delta;
  return {
    'has-changes': d ? String(d.summary.changed) : '',
    destructive: d ? String(failsOn(d, 'destructive')) : '',
    findings: reports.preflight ? String(open(reports.preflight.findings).length) : '',
    'cost-delta': delta ? (delta.low === delta.high ? signed(delta.low) : `${signed(delta.low)}..${signed(delta.high)}`) : '',
  };
}

/** Why the run fails, in the order of the steps. */
export function ciFailures(reports: CiReports, ctx: CiContext): string[] {
  const out: string[] = [];
  const errors = reports.check?.diagnostics.filter((d) => d.severity === 'error').length ?? 0;
  if (reports.check && !reports.check.ok) out.push(`dazzle check found ${plural(errors, 'error')}`);
  for (const kind of ctx.missing) out.push(`no ${kind} report: its step failed or did not run (see its log)`);
  if (reports.preflight) {
    const failing = open(reports.preflight.findings).filter((f) => atOrAbove(f.level, ctx.failOn)).length;
    if (failing) out.push(`preflight: ${plural(failing, 'unacknowledged finding')} at ${ctx.failOn} or above (fail-on: ${ctx.failOn})`);
  }
  const d = reports.diff;
  if (d && ctx.failOnDiff !== 'none' && failsOn(d, ctx.failOnDiff)) {
    const what = ctx.failOnDiff === 'destructive' ? 'destroys data' : ctx.failOnDiff === 'replacement' ? 'replaces or removes a stateful resource, breaks the deploy or interrupts service' : 'changes the infrastructure';
    out.push(`diff: the change ${what} (fail-on-diff: ${ctx.failOnDiff})`);
  }
  return out;
}

/** Workflow command escaping: data, and property values (which also escape `:` and `,`). */
const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');

/** `::error file=dsl/app.dsl,line=5,col=9,title=DZ3011 …::message` for each diagnostic at a line. */
export function diagnosticAnnotations(diagnostics: readonly DiagnosticJson[]): string {
  const lines = diagnostics
    .filter((d) => d.file !== null && d.line !== null)
    .map((d) => {
      const cmd = d.severity === 'error' ? 'error' : d.severity === 'warning' ? 'warning' : 'notice';
      const where = [`file=${prop(d.file as string)}`, `line=${d.line}`, ...(d.col !== null ? [`col=${d.col}`] : []), ...(d.endLine !== null ? [`endLine=${d.endLine}`] : []), ...(d.endCol !== null && d.endLine === d.line ? [`endColumn=${d.endCol}`] : [])];
      return `::${cmd} ${where.join(',')},title=${prop(`${d.code} ${d.title}`)}::${data(escapeUnprintable(`${d.message}${d.hint ? `\nhint: ${d.hint}` : ''}`))}`;
    });
  return lines.length ? `${lines.join('\n')}\n` : '';
}

/** One section of the report; the comment leaves out the optional ones when it would be too long. */
interface Section {
  readonly text: string;
  /** Shown in the comment inside a collapsed block, or left out first when too long. */
  readonly detail: boolean;
}

function headerRows(reports: CiReports, ctx: CiContext): string[] {
  const rows: string[] = ['| step | result |', '|---|---|'];
  const c = reports.check;
  if (c) {
    const n = (s: string) => c.diagnostics.filter((d) => d.severity === s).length;
    const parts = [n('error') && plural(n('error'), 'error'), n('warning') && plural(n('warning'), 'warning')].filter(Boolean);
    rows.push(`| check | ${c.ok ? 'ok' : '**failed**'}${parts.length ? `: ${parts.join(', ')}` : ''} |`);
  }
  const p = reports.plan;
  if (p) {
    const resources = p.stacks.reduce((n, s) => n + s.resources.length, 0);
    rows.push(`| plan | ${plural(p.stacks.length, 'stack')}, ${plural(resources, 'resource')}, ${costText({ ...p.total, basis: '' })} a month (estimate) |`);
  }
  const f = reports.preflight;
  if (f) {
    const o = open(f.findings);
    const failing = o.filter((x) => atOrAbove(x.level, ctx.failOn)).length;
    const counts = LEVELS.map((l) => [l, o.filter((x) => x.level === l).length] as const).filter(([, k]) => k > 0).map(([l, k]) => `${k} ${l}`);
    const acked = f.findings.length - o.length;
    rows.push(`| preflight | ${failing ? `**failed** at ${ctx.failOn}` : `passed at ${ctx.failOn}`}: ${counts.length ? counts.join(', ') : 'no findings'}${acked ? `; ${acked} acknowledged` : ''} |`);
  }
  const d = reports.diff;
  if (d) {
    const base = d.baseline.kind === 'none' ? 'no baseline' : code(d.baseline.label);
    const counts = IMPACTS.filter((i) => d.summary.impacts[i]).map((i) => `${d.summary.impacts[i]} ${IMPACT_TITLES[i]}`);
    rows.push(`| diff against ${base} | ${d.summary.changed ? `${plural(d.changes.length, 'change')}${counts.length ? `: ${cell(counts.join('; '))}` : ''}` : 'no changes'} |`);
    rows.push(`| monthly cost (estimate) | ${cell(costLine(d))} |`);
  }
  for (const kind of ctx.missing) rows.push(`| ${kind} | **no report**: the step failed or did not run (see its log) |`);
  return rows;
}

function checkSection(diagnostics: readonly DiagnosticJson[]): string | undefined {
  const shown = diagnostics.filter((d) => d.severity !== 'note');
  if (!shown.length) return undefined;
  const out = ['### dazzle check', '', '| severity | code | where | message |', '|---|---|---|---|'];
  for (const d of shown) out.push(`| ${d.severity} | ${d.code} | ${d.file ? code(`${d.file}${d.line !== null ? `:${d.line}:${d.col ?? 1}` : ''}`) : '—'} | ${cell(d.message)}${d.hint ? `<br>hint: ${cell(d.hint)}` : ''} |`);
  return out.join('\n');
}

function findingsSection(findings: readonly SarifFinding[], failOn: Level): string {
  const o = open(findings);
  const acked = findings.filter((f) => f.acknowledged !== null);
  const out = ['### Preflight findings', ''];
  const row = (f: SarifFinding, last: string) => `| ${atOrAbove(f.level, failOn) && f.acknowledged === null ? `**${f.level}**` : f.level} | ${code(f.rule)} | ${code(`${f.file}:${f.line}`)} | ${cell(f.message)} |${last}`;
  if (o.length) {
    out.push('| severity | rule | where | finding and fix |', '|---|---|---|---|');
    for (const f of o) out.push(row(f, ''));
  } else out.push('No unacknowledged findings.');
  if (acked.length) {
    out.push('', `<details><summary>Acknowledged (${acked.length})</summary>`, '', '| severity | rule | where | finding and fix | reason |', '|---|---|---|---|---|');
    for (const f of acked) out.push(row(f, ` ${cell(f.acknowledged ?? '')} |`));
    out.push('', '</details>');
  }
  return out.join('\n');
}

function changeLine(d: DiffReport, c: Change): string {
  const stack = d.stacks.find((s) => s.id === c.stack)?.name ?? c.stack;
  const parts = [`${c.critical ? '**critical** ' : ''}${cell(stack)}: ${cell(c.title)}`];
  if (c.reasons.length) parts.push(c.reasons.map(cell).join('; '));
  if (c.because) parts.push(`because ${cell(c.because)}`);
  if (c.hint) parts.push(`**hint:** ${cell(c.hint)}`);
  return `- ${parts.join(' — ')}`;
}

function diffSections(d: DiffReport): { impacts: string; cost: string } {
  const out = ['### Changes by impact', ''];
  if (!d.summary.changed) out.push(`No changes against ${d.baseline.kind === 'none' ? 'no baseline' : code(d.baseline.label)}.`);
  else if (d.baseline.kind === 'none') out.push(`No baseline: everything is new (${plural(d.changes.length, 'change')}).`);
  for (const impact of IMPACTS) {
    if (d.baseline.kind === 'none') break;
    const changes = d.changes.filter((c) => c.impact === impact);
    if (!changes.length) continue;
    const lines = changes.map((c) => changeLine(d, c));
    // Safe changes are many and routine: folded.
    if (impact === 'safe') out.push(`<details><summary>safe (${changes.length})</summary>`, '', ...lines, '', '</details>', '');
    else out.push(`#### ${IMPACT_TITLES[impact]} (${changes.length})`, '', ...lines, '');
  }
  const c = d.plan.cost;
  const cost = ['### Monthly cost (estimate)', '', '| before | after | change |', '|---|---|---|'];
  const range = (r: { low: number; high: number }) => costText({ ...r, basis: '' });
  const delta = c.delta ? (c.delta.low === c.delta.high ? `${c.delta.low > 0 ? '+' : ''}${usd(c.delta.low)}` : `${c.delta.low > 0 ? '+' : ''}${usd(c.delta.low)} to ${c.delta.high > 0 ? '+' : ''}${usd(c.delta.high)}`) : '—';
  cost.push(`| ${c.before ? range(c.before) : 'not known'} | ${range(c.after)} | ${delta} |`);
  return { impacts: out.join('\n').trimEnd(), cost: cost.join('\n') };
}

function planSection(plan: DeploymentPlan): string {
  // The plan's own markdown (Mermaid diagram and resource table), one heading level down.
  return planMarkdown(plan).replace(/^## /, '### ').trimEnd();
}

/** Everything a run reports. */
export function ciReport(reports: CiReports, ctx: CiContext): CiResult {
  const environment = ctx.environment || reports.plan?.environment || reports.diff?.environment || 'default';
  const app = reports.plan?.app ?? reports.diff?.app ?? reports.check?.app ?? null;
  const failures = ciFailures(reports, ctx);
  const marker = commentMarker(ctx.project, environment);
  const title = `## dazzle: ${app ? code(app) : code(ctx.project)} (${cell(environment)}) ${failures.length ? '— failed' : '— passed'}`;
  const verdict = failures.length ? `**Failed:** ${failures.map(cell).join('; ')}.` : `**Passed:** preflight at ${ctx.failOn}, diff at ${ctx.failOnDiff === 'none' ? 'no gate' : ctx.failOnDiff}${ctx.project !== '.' ? ` for ${code(ctx.project)}` : ''}.`;
  const sections: Section[] = [{ text: [title, '', verdict, '', ...headerRows(reports, ctx)].join('\n'), detail: false }];
  const checked = reports.check ? checkSection(reports.check.diagnostics) : undefined;
  if (checked) sections.push({ text: checked, detail: false });
  if (reports.preflight) sections.push({ text: findingsSection(reports.preflight.findings, ctx.failOn), detail: false });
  if (reports.diff) {
    const d = diffSections(reports.diff);
    sections.push({ text: d.impacts, detail: false }, { text: d.cost, detail: false });
  }
  if (reports.plan) sections.push({ text: planSection(reports.plan), detail: true });
  if (reports.diff && reports.diff.summary.changed && reports.diff.baseline.kind !== 'none') {
    sections.push({ text: `<details><summary>The whole diff, stack by stack</summary>\n\n${diffMarkdown(reports.diff, { appFolder: 'the generated app' }).replace(/^## .*\n\n/, '').trimEnd()}\n\n</details>`, detail: true });
  }
  const summary = fit(sections.map((s) => s.text), SUMMARY_LIMIT, ctx.runUrl, 'summary');
  const commentSections = sections.map((s) => (s.detail && !s.text.startsWith('<details>') ? `<details><summary>Deployment plan</summary>\n\n${s.text}\n\n</details>` : s.text));
  const comment = fit([marker, ...commentSections], COMMENT_LIMIT - 1_000, ctx.runUrl, 'comment');
  return { summary, comment, marker, outputs: ciOutputs(reports), annotations: reports.check ? diagnosticAnnotations(reports.check.diagnostics) : '', failures };
}

/**
 * Join sections, leaving out the last ones (the details come last) while the
 * text is over `limit`, and say so.
 */
function fit(parts: readonly string[], limit: number, runUrl: string | undefined, what: 'summary' | 'comment'): string {
  const join = (xs: readonly string[]) => `${xs.join('\n\n')}\n`;
  let kept = [...parts];
  let dropped = 0;
  while (kept.length > 1 && join(kept).length > limit) {
    kept = kept.slice(0, -1);
    dropped += 1;
  }
  if (!dropped) return join(kept);
  const where = what === 'comment' ? (runUrl ? `the [job summary](${runUrl})` : 'the job summary') : 'the step log and the reports';
  const note = `> ${plural(dropped, 'section')} left out to stay within GitHub's size limit: see ${where}.`;
  let text = join([...kept, note]);
  // A single section over the limit is cut at a line.
  if (text.length > limit) text = `${text.slice(0, limit - note.length - 2).replace(/\n[^\n]*$/, '')}\n\n${note}\n`;
  return text;
}
