import { CATALOGUE } from './catalogue.js';
import type { Diagnostic } from './diagnostic.js';
import { credentialRanges, redactRanges, redactText, safeText } from './redact.js';
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

/** Column ranges `[start, end)` (0-based) of line `line` that the diagnostic's masks hide. */
function maskedColumns(d: Diagnostic, line: number, length: number): Array<readonly [number, number]> {
  const out: Array<readonly [number, number]> = [];
  for (const m of d.masks ?? []) {
    if (line < m.line || line > m.endLine) continue;
    const from = line === m.line ? m.col - 1 : 0;
    const to = line === m.endLine ? m.endCol - 1 : length;
    if (to > from) out.push([from, to]);
  }
  return out;
}

/**
 * A code frame: the line, and a caret under the span (clipped to a readable
 * width). What the diagnostic masks, and anything shaped like a credential,
 * is shown as `<redacted>`; the caret follows.
 */
function codeFrame(d: Diagnostic, source: SourceText | undefined, color: boolean): string[] {
  if (!d.span || !source) return [];
  const original = source.lineText(d.span.line);
  const hidden = redactRanges(original, [...maskedColumns(d, d.span.line, original.length), ...credentialRanges(original)]);
  const raw = hidden.text;
  const startAt = d.span.col - 1;
  const endAt = d.span.endLine === d.span.line ? Math.max(d.span.endCol - 1, startAt + 1) : original.length;
  let start = hidden.at(startAt, 'start');
  let width = Math.max(1, hidden.at(endAt, 'end') - start);
  let shown = raw;
  let shift = 0;
  if (raw.length > MAX_FRAME_WIDTH) {
    shift = Math.max(0, start - 40);
    shown = (shift > 0 ? '…' : '') + raw.slice(shift, shift + MAX_FRAME_WIDTH) + (raw.length > shift + MAX_FRAME_WIDTH ? '…' : '');
    start = start - shift + (shift > 0 ? 1 : 0);
  }
  shown = shown.replace(/\t/g, ' ').replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2069\ufeff]/g, '?');
  width = Math.min(width, Math.max(1, shown.length - start), MAX_FRAME_WIDTH);
  const gutter = String(d.span.line);
  const pad = ' '.repeat(gutter.length);
  return [
    `${paint(color, '2', `${gutter} |`)} ${shown}`,
    `${paint(color, '2', `${pad} |`)} ${' '.repeat(Math.max(0, start))}${paint(color, d.severity === 'error' ? '31' : '33', '^'.repeat(width))}`,
  ];
}

/**
 * Human-readable rendering: `file:line:col - error DZ1234: message`, a code
 * frame, related locations and the hint. Credentials are hidden and
 * unprintable characters escaped in all of it (see redact.ts).
 */
export function renderText(diagnostics: readonly Diagnostic[], options: RenderOptions = {}): string {
  const color = options.color ?? false;
  const out: string[] = [];
  for (const d of diagnostics) {
    const where = location(d);
    const sev = paint(color, d.severity === 'error' ? '31;1' : d.severity === 'warning' ? '33;1' : '36;1', d.severity);
    out.push(`${where ? `${safeText(where)} - ` : ''}${sev} ${paint(color, '2', d.code)}: ${safeText(d.message)}`);
    // Notes point at a file rather than a mistake: no code frame.
    const frame = d.severity === 'note' || d.sensitive ? [] : codeFrame(d, d.span ? options.sources?.get(d.span.file) : undefined, color);
    if (frame.length) out.push(...frame.map((l) => `  ${l}`));
    for (const r of d.related) out.push(`  ${safeText(r.span.file)}:${r.span.line}:${r.span.col} - ${safeText(r.message)}`);
    if (d.hint) out.push(`  ${paint(color, '36', 'hint')}: ${safeText(d.hint)}`);
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

/** The JSON shape for tools (stable key order); credentials in the text are hidden as in {@link renderText}. */
export function toJson(d: Diagnostic): Record<string, unknown> {
  return {
    code: d.code,
    severity: d.severity,
    phase: d.phase,
    title: CATALOGUE[d.code].title,
    message: redactText(d.message),
    file: d.span?.file ?? null,
    line: d.span?.line ?? null,
    col: d.span?.col ?? null,
    endLine: d.span?.endLine ?? null,
    endCol: d.span?.endCol ?? null,
    keyPath: d.keyPath === undefined ? null : redactText(d.keyPath),
    hint: d.hint === undefined ? null : redactText(d.hint),
    related: d.related.map((r) => ({ message: redactText(r.message), file: r.span.file, line: r.span.line, col: r.span.col })),
  };
}
