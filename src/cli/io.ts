/**
 * The only module that reads the file system for the front end: finds the
 * project, its dazzle.toml and its DSL files.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { diag, type Diagnostic } from '../diagnostics/index.js';
import { modulePaths, type RawFile } from '../project/index.js';

export interface ProjectFiles {
  readonly root: string;
  /** dazzle.toml as shown to the user, and its text (undefined when absent). */
  readonly configPath: string;
  readonly configText: string | undefined;
  readonly dsl: readonly RawFile[];
  readonly diagnostics: readonly Diagnostic[];
}

/** Path as shown to the user: relative to the working directory, with `/`. */
export function displayPath(abs: string, cwd: string): string {
  const r = relative(cwd, abs) || '.';
  return sep === '/' ? r : r.split(sep).join('/');
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name === 'node_modules') continue;
    const p = join(dir, name);
    let st;
    try {
      st = statSync(p);
    } catch {
      continue;
    }
    if (st.isDirectory()) walk(p, out);
    else if (name.endsWith('.dsl')) out.push(p);
  }
}

export function readProject(projectDir: string, cwd: string): ProjectFiles {
  const root = resolve(cwd, projectDir);
  const configAbs = join(root, 'dazzle.toml');
  const configPath = displayPath(configAbs, cwd);
  const diagnostics: Diagnostic[] = [];
  const empty = { root, configPath, configText: undefined, dsl: [] };
  if (!isDirectory(root)) {
    return {
      ...empty,
      diagnostics: [diag('DZ0001', `project directory '${projectDir}' does not exist`, { hint: 'pass the folder that holds dazzle.toml with --project DIR (default: the current folder)' })],
    };
  }
  let configText: string | undefined;
  try {
    configText = readFileSync(configAbs, 'utf8');
  } catch {
    configText = undefined;
  }
  const paths = modulePaths(configPath, configText);
  diagnostics.push(...paths.diagnostics);
  if (configText === undefined) {
    diagnostics.push(diag('DZ0009', `no dazzle.toml in '${displayPath(root, cwd)}'; reading DSL files from ./dsl`, { hint: 'create dazzle.toml (see dazzle.toml.example) to set the module paths and deployment settings' }));
  }
  const found: string[] = [];
  for (const p of paths.value) {
    const abs = isAbsolute(p) ? p : join(root, p);
    if (!isDirectory(abs)) {
      const line = configText ? Math.max(1, configText.split(/\r?\n/).findIndex((l) => l.includes(JSON.stringify(p)) || l.includes(`'${p}'`)) + 1) : 1;
      diagnostics.push(
        diag('DZ0007', `module path '${p}' is not a directory under ${displayPath(root, cwd)}`, {
          ...(configText !== undefined ? { span: { file: configPath, line, col: 1, endLine: line, endCol: 1, offset: 0, length: 0 } } : {}),
          keyPath: 'modules.paths',
          hint: configText === undefined ? 'create the dsl/ folder with your .dsl files, or add dazzle.toml with [modules] paths' : 'fix the path in [modules] paths, or create the folder',
        }),
      );
      continue;
    }
    walk(abs, found);
  }
  const unique = [...new Set(found)].sort();
  const dsl: RawFile[] = [];
  for (const f of unique) {
    try {
      dsl.push({ path: displayPath(f, cwd), bytes: readFileSync(f) });
    } catch (e) {
      diagnostics.push(diag('DZ0005', `cannot read '${displayPath(f, cwd)}': ${(e as NodeJS.ErrnoException).code ?? 'I/O error'}`, { hint: 'check the file permissions' }));
    }
  }
  if (dsl.length === 0 && !diagnostics.some((d) => d.code === 'DZ0007' || d.code === 'DZ0005')) {
    diagnostics.push(
      diag('DZ0002', `no .dsl files found under ${paths.value.map((p) => `'${p}'`).join(', ')} in ${displayPath(root, cwd)}`, {
        hint: 'add your DSL files there (e.g. dsl/app.dsl with `app my_app "My App"`), or set [modules] paths in dazzle.toml',
      }),
    );
  }
  return { root, configPath, configText, dsl, diagnostics };
}

/** Read explicit DSL files given on the command line. */
export function readFiles(paths: readonly string[], cwd: string): ProjectFiles {
  const diagnostics: Diagnostic[] = [];
  const dsl: RawFile[] = [];
  for (const p of [...new Set(paths.map((x) => resolve(cwd, x)))].sort()) {
    try {
      dsl.push({ path: displayPath(p, cwd), bytes: readFileSync(p) });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      diagnostics.push(
        diag(code === 'ENOENT' ? 'DZ0001' : 'DZ0005', code === 'ENOENT' ? `file '${displayPath(p, cwd)}' does not exist` : `cannot read '${displayPath(p, cwd)}': ${code ?? 'I/O error'}`, {
          hint: 'pass paths to .dsl files, or use --project DIR to check a whole project',
        }),
      );
    }
  }
  return { root: cwd, configPath: 'dazzle.toml', configText: undefined, dsl, diagnostics };
}

/** Read just the project's dazzle.toml (for `config show`). */
export function readConfigFile(projectDir: string, cwd: string): { readonly configPath: string; readonly configText: string | undefined; readonly diagnostics: readonly Diagnostic[] } {
  const root = resolve(cwd, projectDir);
  const configAbs = join(root, 'dazzle.toml');
  const configPath = displayPath(configAbs, cwd);
  if (!isDirectory(root)) {
    return { configPath, configText: undefined, diagnostics: [diag('DZ0001', `project directory '${projectDir}' does not exist`, { hint: 'pass the folder that holds dazzle.toml with --project DIR (default: the current folder)' })] };
  }
  try {
    return { configPath, configText: readFileSync(configAbs, 'utf8'), diagnostics: [] };
  } catch {
    return { configPath, configText: undefined, diagnostics: [] };
  }
}
