import { CATALOGUE, type DiagnosticCode, type Phase, type Severity } from './catalogue.js';
import { escapeUnprintable, type Mask } from './redact.js';
import type { Span } from './source.js';

/** A location mentioned alongside the main one ("first declared here"). */
export interface RelatedLocation {
  readonly message: string;
  readonly span: Span;
}

/** One problem found in the user's input. Plain data; never thrown. */
export interface Diagnostic {
  readonly code: DiagnosticCode;
  readonly severity: Severity;
  readonly phase: Phase;
  /** One sentence in the user's terms, quoting the bad value and saying what is allowed. */
  readonly message: string;
  /** Where the problem is. Absent only for problems with no place (e.g. a missing directory). */
  readonly span?: Span;
  /** For configuration problems: the TOML key path, e.g. `deploy.compute.memory`. */
  readonly keyPath?: string;
  readonly related: readonly RelatedLocation[];
  /** What to do about it. */
  readonly hint?: string;
  /** The source line may hold a secret: renderers show no code frame. */
  readonly sensitive?: boolean;
  /** Ranges of the span's file that hold (or may hold) a secret: a code frame shows them as `<redacted>`. */
  readonly masks?: readonly Mask[];
}

export interface DiagnosticInit {
  readonly span?: Span;
  readonly keyPath?: string;
  readonly related?: readonly RelatedLocation[];
  readonly hint?: string;
  /** Override the catalogue severity (e.g. a rule that is a warning in one context). */
  readonly severity?: Severity;
  /** The source line may hold a secret: show no code frame. */
  readonly sensitive?: boolean;
  /** Ranges of the span's file that must not be shown (secrets). */
  readonly masks?: readonly Mask[];
}

/** Build a diagnostic; severity and phase come from the catalogue. */
export function diag(code: DiagnosticCode, message: string, init: DiagnosticInit = {}): Diagnostic {
  const entry = CATALOGUE[code];
  const d: {
    -readonly [K in keyof Diagnostic]: Diagnostic[K];
  } = {
    code,
    severity: init.severity ?? entry.severity,
    phase: entry.phase,
    message,
    related: init.related ?? [],
  };
  if (init.span) d.span = init.span;
  if (init.keyPath !== undefined) d.keyPath = init.keyPath;
  if (init.hint !== undefined) d.hint = init.hint;
  if (init.sensitive) d.sensitive = true;
  if (init.masks?.length) d.masks = init.masks;
  return d;
}

/** The result of every pipeline stage: a value (possibly partial) and what went wrong. */
export interface Result<T> {
  readonly value: T;
  readonly diagnostics: readonly Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}

/** Sort by file, then position, then code: the order users see. */
export function sortDiagnostics(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics].sort((a, b) => {
    const fa = a.span?.file ?? '';
    const fb = b.span?.file ?? '';
    if (fa !== fb) return fa < fb ? -1 : 1;
    const la = a.span?.line ?? 0;
    const lb = b.span?.line ?? 0;
    if (la !== lb) return la - lb;
    const ca = a.span?.col ?? 0;
    const cb = b.span?.col ?? 0;
    if (ca !== cb) return ca - cb;
    if (a.code !== b.code) return a.code < b.code ? -1 : 1;
    return a.message < b.message ? -1 : a.message > b.message ? 1 : 0;
  });
}

/** Quote a user value for a message, shortened and with control characters (and bidirectional overrides) escaped. */
export function quote(value: string, max = 60): string {
  const v = value.length > max ? `${value.slice(0, max - 1)}…` : value;
  return `'${escapeUnprintable(v).replace(/[\t\n]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)}'`;
}

/** Thrown only for broken invariants inside the compiler; caught once in the CLI. */
export class InternalError extends Error {
  override readonly name = 'InternalError';
}
