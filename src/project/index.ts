/**
 * The front end as one pure function: project files (already read) → AppSpec.
 * Also reads the module paths from dazzle.toml. No file system access here.
 */
import { parseTomlText } from '../config/toml.js';
import { diag, hasErrors, sortDiagnostics, type Diagnostic, type Result, type SourceText } from '../diagnostics/index.js';
import { link, type AppSpec } from '../ir/index.js';
import { decodeSource, parseSource, type FileAst } from '../syntax/index.js';

export const DEFAULT_MODULE_PATHS = ['./dsl'] as const;

/** The `[modules] paths` of a dazzle.toml text (default `./dsl`). */
export function modulePaths(path: string, text: string | undefined): Result<readonly string[]> {
  if (text === undefined) return { value: DEFAULT_MODULE_PATHS, diagnostics: [] };
  const parsed = parseTomlText(path, text);
  if (!parsed.value) return { value: DEFAULT_MODULE_PATHS, diagnostics: parsed.diagnostics };
  const doc = parsed.value;
  const modules = doc.modules as Record<string, unknown> | undefined;
  const paths = modules && typeof modules === 'object' ? modules.paths : undefined;
  if (paths === undefined) return { value: DEFAULT_MODULE_PATHS, diagnostics: [] };
  if (!Array.isArray(paths) || paths.some((p) => typeof p !== 'string') || paths.length === 0) {
    const line = lineOf(text, /^\s*paths\s*=/m);
    return {
      value: DEFAULT_MODULE_PATHS,
      diagnostics: [
        diag('DZ0008', `[modules] paths must be a non-empty list of directory names, got ${JSON.stringify(paths)}`, {
          span: { file: path, line, col: 1, endLine: line, endCol: 1, offset: 0, length: 0 },
          keyPath: 'modules.paths',
          hint: 'e.g. paths = ["./dsl"]',
        }),
      ],
    };
  }
  return { value: paths as string[], diagnostics: [] };
}

function lineOf(text: string, re: RegExp): number {
  const m = re.exec(text);
  return m ? text.slice(0, m.index).split('\n').length : 1;
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
 * Decode, parse and link. Stops after the first failing phase: files that do
 * not decode or parse stop linking (each file still reports its first problem).
 */
export function frontEnd(raw: readonly RawFile[]): Result<FrontEndOutput> {
  const diagnostics: Diagnostic[] = [];
  const sources = new Map<string, SourceText>();
  const files: FileAst[] = [];
  const ordered = [...raw].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const f of ordered) {
    const decoded = decodeSource(f.path, f.bytes);
    diagnostics.push(...decoded.diagnostics);
    if (!decoded.value) continue;
    sources.set(f.path, decoded.value);
    const parsed = parseSource(decoded.value);
    // Not push(...list): a large file can have more diagnostics than a call can take arguments.
    for (const d of parsed.diagnostics) diagnostics.push(d);
    if (parsed.value) files.push(parsed.value);
  }
  if (hasErrors(diagnostics)) return { value: { spec: undefined, sources, files }, diagnostics: sortDiagnostics(diagnostics) };
  const linked = link(
    files,
    ordered.map((f) => f.path),
  );
  for (const d of linked.diagnostics) diagnostics.push(d);
  const ok = !hasErrors(diagnostics);
  return { value: { spec: ok ? linked.value : undefined, sources, files }, diagnostics: sortDiagnostics(diagnostics) };
}
