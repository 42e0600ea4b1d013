/** Shared by commands that read a project: read files, run the front end, print problems. */
import { hasErrors, type Diagnostic } from '../diagnostics/index.js';
import { frontEnd, type FrontEndOutput } from '../project/index.js';
import { readFiles, readProject, type ProjectFiles } from './io.js';

export interface LoadedProject {
  readonly files: ProjectFiles;
  readonly front: FrontEndOutput | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly ok: boolean;
}

export function loadProject(projectDir: string, cwd: string): LoadedProject {
  const files = readProject(projectDir, cwd);
  if (hasErrors(files.diagnostics)) return { files, front: undefined, diagnostics: files.diagnostics, ok: false };
  const result = frontEnd(files.dsl);
  const diagnostics = [...files.diagnostics, ...result.diagnostics];
  return { files, front: result.value, diagnostics, ok: !hasErrors(diagnostics) && result.value.spec !== undefined };
}

/** Check explicit files (no dazzle.toml): `dazzle check a.dsl b.dsl`. */
export function loadFiles(paths: readonly string[], cwd: string): LoadedProject {
  const files = readFiles(paths, cwd);
  if (hasErrors(files.diagnostics)) return { files, front: undefined, diagnostics: files.diagnostics, ok: false };
  const result = frontEnd(files.dsl);
  const diagnostics = [...files.diagnostics, ...result.diagnostics];
  return { files, front: result.value, diagnostics, ok: !hasErrors(diagnostics) && result.value.spec !== undefined };
}
