/** Shared by commands that read a project: read files, run the front end, print problems. */
import { loadConfig, type Environment, type ResolvedConfig } from '../config/index.js';
import { hasErrors, SourceText, type Diagnostic } from '../diagnostics/index.js';
import { frontEnd, type FrontEndOutput } from '../project/index.js';
import { readFiles, readProject, type ProjectFiles } from './io.js';

export interface LoadedProject {
  readonly files: ProjectFiles;
  readonly front: FrontEndOutput | undefined;
  readonly config: ResolvedConfig | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Source texts for code frames: the DSL files and dazzle.toml. */
  readonly sources: ReadonlyMap<string, SourceText>;
  readonly ok: boolean;
}

/**
 * Read the project: its dazzle.toml (resolved for `environment`) and its DSL (through the front
 * end, unless `parse` is false: `deploy synth` needs the files' bytes for their checksum, not their
 * meaning).
 */
export function loadProject(projectDir: string, cwd: string, environment?: Environment, parse = true): LoadedProject {
  const files = readProject(projectDir, cwd);
  const sources = new Map<string, SourceText>();
  if (files.configText !== undefined) sources.set(files.configPath, new SourceText(files.configPath, files.configText));
  if (hasErrors(files.diagnostics)) return { files, front: undefined, config: undefined, diagnostics: files.diagnostics, sources, ok: false };
  const config = loadConfig({ path: files.configPath, text: files.configText, ...(environment ? { environment } : {}) });
  const result = parse ? frontEnd(files.dsl) : undefined;
  for (const [k, v] of result?.value.sources ?? []) sources.set(k, v);
  // Without dazzle.toml, the note about the module path (DZ0009) already says so once.
  const configNotes = files.configText === undefined ? config.diagnostics.filter((d) => d.code !== 'DZ4000') : config.diagnostics;
  const diagnostics = [...files.diagnostics, ...configNotes, ...(result?.diagnostics ?? [])];
  const ok = !hasErrors(diagnostics) && (result === undefined || result.value.spec !== undefined) && config.value !== undefined;
  return { files, front: result?.value, config: config.value, diagnostics, sources, ok };
}

/** Check explicit files (no dazzle.toml): `dazzle check a.dsl b.dsl`. */
export function loadFiles(paths: readonly string[], cwd: string): LoadedProject {
  const files = readFiles(paths, cwd);
  if (hasErrors(files.diagnostics)) return { files, front: undefined, config: undefined, diagnostics: files.diagnostics, sources: new Map(), ok: false };
  const result = frontEnd(files.dsl);
  const diagnostics = [...files.diagnostics, ...result.diagnostics];
  return { files, front: result.value, config: undefined, diagnostics, sources: result.value.sources, ok: !hasErrors(diagnostics) && result.value.spec !== undefined };
}
