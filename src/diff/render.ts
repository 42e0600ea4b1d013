/** The diff report for people (text, coloured on a terminal), tools (json) and pull requests (markdown). */
import { costText } from '../plan/index.js';
import type { Change, DiffReport, Impact, PlanEntry, StackDiff } from './model.js';
import { IMPACT_TITLES, IMPACTS } from './model.js';
import { usd } from './plan-changes.js';

const COLORS: Readonly<Record<Impact, string>> = {
  'destroys-data': '1;31',
  'data-kept': '33',
  'breaks-deploy': '31',
  'widens-access': '35',
  'interrupts-service': '33',
  safe: '32',
};

const ACTION_MARK: Readonly<Record<string, string>> = { add: '+', remove: '-', orphan: '-', update: '~', replace: '±', 'may-replace': '±' };
const STATUS_MARK: Readonly<Record<string, string>> = { added: '+', removed: '-', modified: '~', unchanged: ' ' };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

function paint(on: boolean, code: string, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `$10.00–$20.00 → $12.00–$24.00 (+$2.00–+$4.00)`, or the after side alone when the before is not known. */
export function costLine(report: DiffReport): string {
  const c = report.plan.cost;
  const after = costText({ ...c.after, basis: '' });
  if (!c.before || !c.delta) return `${after} (the baseline's cost is not known)`;
  const sign = (n: number) => (n > 0 ? `+${usd(n)}` : usd(n));
  const delta = c.delta.low === c.delta.high ? sign(c.delta.low) : `low ${sign(c.delta.low)}, high ${sign(c.delta.high)}`;
  return `${costText({ ...c.before, basis: '' })} → ${after} (${delta})`;
}

function headline(report: DiffReport): string {
  const n = report.changes.length;
  const s = report.summary;
  const base = report.baseline.kind === 'none' ? 'no baseline' : `${report.baseline.label}${report.baseline.version ? ` (version ${report.baseline.version})` : ''}`;
  if (!s.changed) return `${report.app} (${report.environment}): no changes against ${base}`;
  const worst = s.worst ? `; worst: ${IMPACT_TITLES[s.worst]}${s.critical ? ` (${plural(s.critical, 'critical TigerBeetle change')})` : ''}` : '';
  return `${report.app} (${report.environment}): ${plural(n, 'change')} against ${base}${worst}`;
}

function stackLabel(report: DiffReport, id: string): string {
  return report.stacks.find((s) => s.id === id)?.name ?? id;
}

function changeLines(report: DiffReport, c: Change, color: boolean): string[] {
  const label = paint(color, COLORS[c.impact], IMPACT_TITLES[c.impact].split(',')[0]!.padEnd(18));
  const mark = c.critical ? paint(color, '1;31', 'CRITICAL ') : '';
  const lines = [`  ${label}  ${mark}${stackLabel(report, c.stack)}  ${c.title}`];
  const pad = ' '.repeat(22);
  for (const r of c.reasons) lines.push(`${pad}${r}`);
  if (c.because) lines.push(`${pad}because: ${c.because}`);
  if (c.hint) lines.push(`${pad}${paint(color, '36', 'hint:')} ${c.hint}`);
  return lines;
}

function stackSummary(s: StackDiff): string {
  const n = (a: readonly string[]) => s.resources.filter((r) => a.includes(r.action)).length;
  const parts = [
    [n(['add']), 'added'],
    [n(['remove', 'orphan']), 'removed'],
    [n(['update']), 'updated'],
    [n(['replace', 'may-replace']), 'replaced'],
  ]
    .filter(([k]) => (k as number) > 0)
    .map(([k, w]) => `${k} ${w}`);
  const outputs = s.outputs.length ? [plural(s.outputs.length, 'output')] : [];
  const all = [...parts, ...outputs];
  return all.length ? ` (${all.join(', ')})` : '';
}

function planLine(mark: string, e: PlanEntry): string {
  return `  ${mark} ${e.stack}/${e.id}  ${e.type}${e.cost ? `  ~${costText(e.cost)}/month` : ''}${e.because ? `  because ${e.because}` : ''}`;
}

/**
 * Compact text: every change that is not safe, worst first, with why and what
 * to do; then the stacks with their resources, the plan and the cost. With no
 * baseline (everything is new) only the counts, the stacks and the plan.
 */
export function diffText(report: DiffReport, options: { readonly color?: boolean; readonly appFolder: string }): string {
  const color = Boolean(options.color);
  const fresh = report.baseline.kind === 'none';
  const out: string[] = [headline(report)];
  const counts = IMPACTS.filter((i) => report.summary.impacts[i]).map((i) => `${report.summary.impacts[i]} ${paint(color, COLORS[i], IMPACT_TITLES[i])}`);
  if (counts.length) out.push(`  ${counts.join(', ')}`);
  const shown = fresh ? [] : report.changes.filter((c) => c.impact !== 'safe');
  if (shown.length) {
    out.push('');
    for (const c of shown) out.push(...changeLines(report, c, color));
  }
  const s = report.summary.stacks;
  out.push('', `Stacks: ${[s.added && `${s.added} added`, s.removed && `${s.removed} removed`, s.modified && `${s.modified} modified`, s.unchanged && `${s.unchanged} unchanged`].filter(Boolean).join(', ') || 'none'}`);
  for (const st of report.stacks.filter((x) => x.status !== 'unchanged')) {
    out.push(`  ${STATUS_MARK[st.status]} ${st.name ?? st.id} (${st.id})  ${st.status}${stackSummary(st)}`);
    if (fresh) continue;
    for (const r of st.resources) {
      const props = r.properties.length && r.action !== 'add' ? `: ${r.properties.map((p) => `${p.name}${p.replacement === 'always' ? ' (replaces)' : p.replacement === 'maybe' ? ' (may replace)' : ''}`).join(', ')}` : '';
      out.push(`      ${ACTION_MARK[r.action]} ${r.logicalId}  ${r.type}  ${r.action}${props}`);
    }
  }
  const p = report.plan;
  if (p.known && (p.added.length || p.removed.length || p.modified.length)) {
    out.push('', 'Plan:');
    for (const e of p.added) out.push(planLine('+', e));
    for (const e of p.removed) out.push(planLine('-', e));
    for (const e of p.modified) out.push(`${planLine('~', e)}\n      ${e.params.map((x) => `${x.name}: ${x.before ?? '—'} → ${x.after ?? '—'}`).join('; ')}`);
  }
  out.push('', `Monthly cost (estimate): ${costLine(report)}`);
  if (report.edited_files.length) out.push('', `Edited by hand since the last generation (the diff assumes generate overwrites them): ${report.edited_files.join(', ')}`);
  for (const n of report.notes) out.push(`Note: ${n}`);
  out.push(`This compares generations offline. For the difference with what is deployed now, run \`npx cdk diff\` in ${options.appFolder}.`);
  return `${out.join('\n')}\n`;
}

/** The versioned JSON report (with `extra` keys after it, such as the command's diagnostics). */
export function diffJson(report: DiffReport, extra: Readonly<Record<string, unknown>> = {}): string {
  return `${JSON.stringify({ ...report, ...extra }, null, 2)}\n`;
}

/** Markdown table cell: one line, pipes and HTML escaped. */
function cell(text: string): string {
  return text.replace(/\r?\n/g, '<br>').replace(/[<>&]/g, (ch) => (ch === '<' ? '&lt;' : ch === '>' ? '&gt;' : '&amp;')).replace(/&lt;br&gt;/g, '<br>').replace(/\|/g, '\\|');
}

const code = (text: string) => `\`${text.replace(/`/g, "'")}\``;

/** For a pull request: a summary, the changes worst first, and collapsible details per stack. */
export function diffMarkdown(report: DiffReport, options: { readonly appFolder: string }): string {
  const out: string[] = [`## Infrastructure diff: ${code(report.app)} (${report.environment})`, '', `**${cell(headline(report))}**`, ''];
  if (report.changes.length) {
    out.push('| impact | count |', '|---|---|');
    for (const i of IMPACTS) if (report.summary.impacts[i]) out.push(`| ${IMPACT_TITLES[i]} | ${report.summary.impacts[i]} |`);
    out.push('', '### Changes, worst first', '', '| impact | stack | change | what happens | because |', '|---|---|---|---|---|');
    for (const c of report.changes) {
      const what = [...c.reasons, ...(c.hint ? [`**hint:** ${c.hint}`] : [])].map(cell).join('<br>');
      out.push(`| ${c.critical ? '**critical** ' : ''}${IMPACT_TITLES[c.impact]} | ${cell(stackLabel(report, c.stack))} | ${cell(c.title)} | ${what} | ${c.because ? cell(c.because) : '—'} |`);
    }
    out.push('');
  }
  for (const st of report.stacks.filter((x) => x.status !== 'unchanged')) {
    out.push(`<details><summary>${cell(st.name ?? st.id)} (${code(st.id)}): ${st.status}${cell(stackSummary(st))}</summary>`, '');
    if (st.resources.length) {
      out.push('| | resource | type | action | properties |', '|---|---|---|---|---|');
      for (const r of st.resources) {
        const props = r.properties.map((p) => `${code(p.name)}${p.replacement === 'always' ? ' (replaces)' : p.replacement === 'maybe' ? ' (may replace)' : ''}`).join(', ');
        out.push(`| ${ACTION_MARK[r.action]} | ${code(r.logicalId)} | ${r.type} | ${r.action} | ${props || '—'} |`);
      }
      out.push('');
    }
    const statements = st.resources.flatMap((r) => r.statements);
    if (statements.length) {
      out.push('IAM statements:', '', '| | effect | action | resource | principal | condition |', '|---|---|---|---|---|---|');
      for (const s of statements) out.push(`| ${s.change === 'add' ? '+' : '-'} | ${s.effect} | ${cell(s.action)} | ${cell(s.resource)} | ${cell(s.principal)} | ${cell(s.condition) || '—'} |`);
      out.push('');
    }
    const rules = st.resources.flatMap((r) => r.rules);
    if (rules.length) {
      out.push('Security group rules:', '', '| | group | direction | protocol | peer |', '|---|---|---|---|---|');
      for (const r of rules) out.push(`| ${r.change === 'add' ? '+' : '-'} | ${cell(r.group)} | ${r.direction} | ${cell(r.protocol)} | ${cell(r.peer)} |`);
      out.push('');
    }
    if (st.outputs.length) {
      out.push('Outputs:', '', '| | output | export | imported by |', '|---|---|---|---|');
      for (const o of st.outputs) out.push(`| ${ACTION_MARK[o.change]} | ${code(o.name)} | ${o.exportName ? code(o.exportName) : '—'} | ${o.importedBy.join(', ') || '—'} |`);
      out.push('');
    }
    out.push('</details>', '');
  }
  const p = report.plan;
  if (p.known && (p.added.length || p.removed.length || p.modified.length)) {
    out.push('### Plan', '', '| | stack | resource | type | monthly (est.) | because |', '|---|---|---|---|---|---|');
    const row = (mark: string, e: PlanEntry, extra = '') => out.push(`| ${mark} | ${e.stack} | ${code(e.id)}${extra} | ${e.type} | ${e.cost ? costText(e.cost) : '—'} | ${cell(e.because) || '—'} |`);
    for (const e of p.added) row('+', e);
    for (const e of p.removed) row('-', e);
    for (const e of p.modified) row('~', e, `<br>${e.params.map((x) => cell(`${x.name}: ${x.before ?? '—'} → ${x.after ?? '—'}`)).join('<br>')}`);
    out.push('');
  }
  out.push(`**Monthly cost (estimate):** ${cell(costLine(report))}`, '');
  if (report.edited_files.length) out.push(`**Edited by hand since the last generation:** ${report.edited_files.map(code).join(', ')}`, '');
  for (const n of report.notes) out.push(`> ${cell(n)}`, '');
  out.push(`<sub>Offline comparison of generations. For the difference with what is deployed now, run ${code('npx cdk diff')} in ${code(options.appFolder)}.</sub>`);
  return `${out.join('\n')}\n`;
}
