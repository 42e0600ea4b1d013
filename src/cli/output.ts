/** Writing results: text for people, JSON for tools. The only place that writes to stdout/stderr. */
import { renderText, sortDiagnostics, summary, toJson, type Diagnostic, type SourceText } from '../diagnostics/index.js';

export type Format = 'text' | 'json';

export interface Io {
  readonly stdout: (s: string) => void;
  readonly stderr: (s: string) => void;
  readonly color: boolean;
}

export function nodeIo(): Io {
  const color = Boolean(process.stderr.isTTY) && !('NO_COLOR' in process.env) && process.env.TERM !== 'dumb';
  return { stdout: (s) => process.stdout.write(s), stderr: (s) => process.stderr.write(s), color };
}

/** Print diagnostics for people (stderr). */
export function printDiagnostics(io: Io, diagnostics: readonly Diagnostic[], sources?: ReadonlyMap<string, SourceText>): void {
  if (diagnostics.length === 0) return;
  const opts = sources ? { sources, color: io.color } : { color: io.color };
  io.stderr(renderText(sortDiagnostics(diagnostics), opts));
  if (diagnostics.some((d) => d.severity !== 'note')) io.stderr(`${summary(diagnostics)}\n`);
}

export function diagnosticsJson(diagnostics: readonly Diagnostic[]): unknown[] {
  return sortDiagnostics(diagnostics).map(toJson);
}

/** Stable JSON: two-space indent and a final newline. */
export function json(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
