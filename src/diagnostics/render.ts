import { CATALOGUE } from './catalogue.js';
import type { Diagnostic } from './diagnostic.js';
import type { SourceText } from './source.js';

export interface RenderOptions {
  /** Source texts by display path, for code frames. */
  readonly sources?: ReadonlyMap<string, SourceText>;
  readonly color?: boolean;
}

const MAX_FRAME_WIDTH = 160;

function paint(on: boolean, code: string, text: string): string {
  return on ? `\u001b[${code}m${text}\u001b[0m` : text;
}

/** `file:line:col` of a diagnostic, or the key path, or nothing. */
export function location(d: Diagnostic): string {
  if (d.span) return `${d.span.file}:${d.span.line}:${d.span.col}`;
  if (d.keyPath) return d.keyPath;
  return '';
}

/** A code frame: the line, and a caret under the span (clipped to a readable width). */
function codeFrame(d: Diagnostic, source: SourceText | undefined, color: boolean): string[] {
  if (!d.span || !source) return [];
  const raw = source.lineText(d.span.line);
  let start = d.span.col - 1;
  let width = d.span.endLine === d.span.line ? Math.max(1, d.span.endCol - d.span.col) : Math.max(1, raw.length - start);
  let shown = raw;
  let shift = 0;
  if (raw.length > MAX_FRAME_WIDTH) {
    shift = Math.max(0, start - 40);
    shown = (shift > 0 ? '…' : '') + raw.slice(shift, shift + MAX_FRAME_WIDTH) + (raw.length > shift + MAX_FRAME_WIDTH ? '…' : '');
    start = start - shift + (shift > 0 ? 1 : 0);
  }
  shown = shown.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '?');
  width = Math.min(width, Math.max(1, shown.length - start), MAX_FRAME_WIDTH);
  const gutter = String(d.span.line);
  const pad = ' '.repeat(gutter.length);
  return [
    `${paint(color, '2', `${gutter} |`)} ${shown}`,
    `${paint(color, '2', `${pad} |`)} ${' '.repeat(Math.max(0, start))}${paint(color, d.severity === 'error' ? '31' : '33', '^'.repeat(width))}`,
  ];
}

/** Human-readable rendering: `file:line:col - error DZ1234: message`, a code frame, related locations and the hint. */
export function renderText(diagnostics: readonly Diagnostic[], options: RenderOptions = {}): string {
  const color = options.color ?? false;
  const out: string[] = [];
  for (const d of diagnostics) {
    const where = location(d);
    const sev = paint(color, d.severity === 'error' ? '31;1' : d.severity === 'warning' ? '33;1' : '36;1', d.severity);
    out.push(`${where ? `${where} - ` : ''}${sev} ${paint(color, '2', d.code)}: ${d.message}`);
    // Notes point at a file rather than a mistake: no code frame.
    const frame = d.severity === 'note' || d.sensitive ? [] : codeFrame(d, d.span ? options.sources?.get(d.span.file) : undefined, color);
    if (frame.length) out.push(...frame.map((l) => `  ${l}`));
    for (const r of d.related) out.push(`  ${r.span.file}:${r.span.line}:${r.span.col} - ${r.message}`);
    if (d.hint) out.push(`  ${paint(color, '36', 'hint')}: ${d.hint}`);
    out.push('');
  }
  return out.join('\n');
}

/** One line of totals, e.g. `2 errors, 1 warning`. */
export function summary(diagnostics: readonly Diagnostic[]): string {
  const count = (s: string) => diagnostics.filter((d) => d.severity === s).length;
  const e = count('error');
  const w = count('warning');
  return `${e} error${e === 1 ? '' : 's'}, ${w} warning${w === 1 ? '' : 's'}`;
}

/** The JSON shape for tools (stable key order). */
export function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    phase: d.phase,
    title: CATALOGUE[d.code].title,
    message: d.message,
    file: d.span?.file ?? null,
    line: d.span?.line ?? null,
    col: d.span?.col ?? null,
    endLine: d.span?.endLine ?? null,
    endCol: d.span?.endCol ?? null,
    keyPath: d.keyPath ?? null,
    hint: d.hint ?? null,
    related: d.related.map((r) => ({ message: r.message, file: r.span.file, line: r.span.line, col: r.span.col })),
  };
}
