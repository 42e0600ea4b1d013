/**
 * The front end as one pure function: project files (already read) → AppSpec.
 * Also reads the module paths from dazzle.toml. No file system access here.
 */
import { keyOf, tomlKeyPositions, type KeyPosition } from '../config/toml-positions.js';
import { parseTomlText } from '../config/toml.js';
import { diag, fileSpan, hasErrors, SourceText, sortDiagnostics, type Diagnostic, type Result, type Span } from '../diagnostics/index.js';
import { link, type AppSpec } from '../ir/index.js';
import { decodeSource, parseSource, type FileAst } from '../syntax/index.js';

export const DEFAULT_MODULE_PATHS = ['./dsl'] as const;

/** One entry of `[modules] paths`, with where it is written (absent for the default). */
export interface ModulePath {
  readonly path: string;
  /** The string in dazzle.toml, quotes included. */
  readonly span?: Span;
}

const DEFAULTS: readonly ModulePath[] = DEFAULT_MODULE_PATHS.map((path) => ({ path }));

/** The `[modules] paths` of a dazzle.toml text (default `./dsl`), each with its location in the file. */
export function modulePaths(path: string, text: string | undefined): Result<readonly ModulePath[]> {
  if (text === undefined) return { value: DEFAULTS, diagnostics: [] };
  const parsed = parseTomlText(path, text);
  if (!parsed.value) return { value: DEFAULTS, diagnostics: parsed.diagnostics };
  const doc = parsed.value;
  const modules = doc.modules as Record<string, unknown> | undefined;
  const paths = modules && typeof modules === 'object' ? modules.paths : undefined;
  if (paths === undefined) return { value: DEFAULTS, diagnostics: [] };
  const located = new TomlLocator(path, text);
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string') || paths.length === 0) {
    return {
      value: DEFAULTS,
      diagnostics: [
        diag('DZ0008', `[modules] paths must be a non-empty list of directory names, got ${JSON.stringify(paths)}`, {
          span: located.value(['modules', 'paths']),
          keyPath: 'modules.paths',
          hint: 'e.g. paths = ["./dsl"]',
        }),
      ],
    };
  }
  return { value: (paths as string[]).map((p, i) => ({ path: p, span: located.value(['modules', 'paths', i]) })), diagnostics: [] };
}

/** Spans of values in a TOML text that smol-toml accepted, from the key positions config records. */
class TomlLocator {
  private readonly positions: ReadonlyMap<string, KeyPosition>;
  private readonly source: SourceText;
  /** Offsets of line starts, counted as toml-positions counts them (after a BOM, at `\n`). */
  private readonly starts: number[] = [0];
  private readonly bom: number;

  constructor(path: string, text: string) {
    this.positions = tomlKeyPositions(text);
    this.source = new SourceText(path, text);
    this.bom = text.charCodeAt(0) === 0xfeff ? 1 : 0;
    for (let i = this.bom; i < text.length; i++) if (text.charCodeAt(i) === 10) this.starts.push(i + 1 - this.bom);
  }

  /** The span of the value at `keyPath` (a string: its quotes and contents), or the file's first line. */
  value(keyPath: readonly (string | number)[]): Span {
    const p = this.positions.get(keyOf(keyPath));
    if (!p) return fileSpan(this.source.path);
    const start = (this.starts[p.valueLine - 1] ?? 0) + p.valueCol - 1 + this.bom;
    return this.source.span(start, stringEnd(this.source.text, start));
  }
}

/** The offset just past a TOML string literal starting at `start` (or `start + 1` when it is not a string). */
function stringEnd(text: string, start: number): number {
  const q = text[start];
  if (q !== '"' && q !== "'") return start + 1;
  const triple = text.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  for (let i = start + close.length; i < text.length; i++) {
    const c = text[i];
    if (q === '"' && c === '\\') {
      i++;
      continue;
    }
    if (!triple && (c === '\n' || c === '\r')) return i;
    if (text.startsWith(close, i)) return i + close.length;
  }
  return text.length;
}

/** A DSL file as read from disk. */
export interface RawFile {
  /** Path as shown to the user. */
  readonly path: string;
  readonly bytes: Uint8Array;
}

export interface FrontEndOutput {
  readonly spec: AppSpec | undefined;
  /** Decoded sources by display path (for code frames). */
  readonly sources: ReadonlyMap<string, SourceText>;
  readonly files: readonly FileAst[];
}

/**
 * Decode, parse and link. Every file is parsed (each reports all of its syntax
 * errors), and the declarations that parsed are linked even when some did not,
 * so reference errors show in the same run; a reference to a declaration that
 * did not parse is not reported (it follows from that declaration's error).
 * No AppSpec is produced while any error remains.
 */
export function frontEnd(raw: readonly RawFile[]): Result<FrontEndOutput> {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  const files: FileAst[] = [];
  let unreadable = false;
  const ordered = [...raw].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of ordered) {
    const decoded = decodeSource(f.path, f.bytes);
    diagnostics.push(...decoded.diagnostics);
    if (!decoded.value) {
      unreadable = true;
      continue;
    }
    sources.set(f.path, decoded.value);
    const parsed = parseSource(decoded.value);
    // Not push(...list): a large file can have more diagnostics than a call can take arguments.
    for (const d of parsed.diagnostics) diagnostics.push(d);
    if (parsed.value) files.push(parsed.value);
    else unreadable = true;
  }
  const linked = link(
    files,
    ordered.map((f) => f.path),
    unreadable,
  );
  for (const d of linked.diagnostics) diagnostics.push(d);
  const ok = !hasErrors(diagnostics);
  return { value: { spec: ok ? linked.value : undefined, sources, files }, diagnostics: sortDiagnostics(dedupe(diagnostics)) };
}

/** One diagnostic per code and place: a check that runs on both a syntax tree and its link must not say the same thing twice. */
function dedupe(ds: readonly Diagnostic[]): Diagnostic[] {
  const seen = new Set<string>();
  return ds.filter((d) => {
    const key = `${d.code}|${d.span?.file}|${d.span?.offset}|${d.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
