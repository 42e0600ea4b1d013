/**
 * The one reader of `.dazzle-infra-version.json`. The file sits in a folder
 * users own and edit, so it is untrusted input: it is read without following
 * symbolic links or blocking on special files, parsed, validated against a
 * JSON Schema (ajv), and every path it names must be a plain relative path
 * inside the output folder. Anything else is a diagnostic (DZ6005–DZ6007),
 * never an exception. `generate`, `synth` (and later `preflight` and `diff`)
 * read it through here.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { join } from 'node:path';
import { diag, quote, type Diagnostic, type Span } from '../diagnostics/index.js';
import { VERSION_FILE, VERSION_FILE_FORMAT } from '../emit/version-file-name.js';
import { readRegularFile } from './safe-fs.js';

/** What `dazzle deploy generate` records (see `emitApp`). */
export interface VersionFile {
  readonly version: string;
  readonly dazzle_version: string;
  readonly generated_at: string;
  readonly environment: string;
  readonly format_version: number;
  readonly app: string;
  readonly region: string;
  readonly inputs: { readonly checksum: string };
  readonly stacks: readonly { readonly name: string; readonly id: string; readonly file: string; readonly checksum: string }[];
  readonly files: readonly { readonly path: string; readonly checksum: string }[];
}

/** A version file as read: its exact text (kept byte for byte when nothing changed) and its data. */
export interface ReadVersion {
  readonly text: string;
  readonly data: VersionFile;
}

const SHA256 = { type: 'string', pattern: '^[0-9a-f]{64}$' } as const;
const TEXT = { type: 'string', maxLength: 4096 } as const;

/** JSON Schema of format 1. Extra keys are allowed (and ignored), so a later minor addition still reads. */
export const VERSION_FILE_SCHEMA = {
  $schema: 'http://json-schema.org/draft-07/schema#',
  title: VERSION_FILE,
  type: 'object',
  required: ['version', 'dazzle_version', 'generated_at', 'environment', 'format_version', 'app', 'region', 'inputs', 'stacks', 'files'],
  properties: {
    version: { type: 'string', pattern: '^[0-9a-f]{12}$' },
    dazzle_version: TEXT,
    generated_at: TEXT,
    environment: TEXT,
    format_version: { type: 'integer', minimum: 1 },
    app: TEXT,
    region: TEXT,
    inputs: { type: 'object', required: ['checksum'], properties: { checksum: SHA256 } },
    stacks: {
      type: 'array',
      maxItems: 1000,
      items: { type: 'object', required: ['name', 'id', 'file', 'checksum'], properties: { name: TEXT, id: TEXT, file: TEXT, checksum: SHA256 } },
    },
    files: {
      type: 'array',
      maxItems: 100_000,
      items: { type: 'object', required: ['path', 'checksum'], properties: { path: { type: 'string', minLength: 1, maxLength: 1024 }, checksum: SHA256 } },
    },
  },
} as const;

/** Names inside the output folder that belong to the writer itself, never to the generated app. */
export const RESERVED_NAMES: readonly string[] = [VERSION_FILE, '.dazzle-staging', '.dazzle.lock'];

/**
 * Why `path` is not a plain relative path inside a folder, or undefined when it is one.
 * Plain means: POSIX separators, no empty, `.` or `..` segment, not absolute, no
 * backslash, drive letter, colon or control character, and not one of the `reserved` names
 * (by default the writer's own files, the version file included).
 */
export function unsafePathReason(path: string, reserved: readonly string[] = RESERVED_NAMES): string | undefined {
  if (path.length === 0) return 'is empty';
  if (path.length > 1024) return 'is longer than 1024 characters';
  if (/[\u0000-\u001f\u007f]/.test(path)) return 'contains a control character';
  if (path.includes('\\')) return 'contains a backslash';
  if (path.includes(':')) return 'contains a colon (a drive letter or stream name)';
  if (path.startsWith('/')) return 'is absolute';
  const segments = path.split('/');
  if (segments.some((s) => s === '')) return 'has an empty segment (a leading, doubled or trailing /)';
  if (segments.some((s) => s === '..')) return "leads out of the folder ('..')";
  if (segments.some((s) => s === '.')) return "is not normalised (a '.' segment)";
  if (reserved.includes(segments[0] as string)) return `names dazzle's own ${segments[0]}`;
  return undefined;
}

let compiled: ValidateFunction | undefined;
function validator(): ValidateFunction {
  compiled ??= new Ajv({ allErrors: true, strict: false }).compile(VERSION_FILE_SCHEMA);
  return compiled;
}

/** `/files/0/path` → `files[0].path`. */
function where(instancePath: string): string {
  const out = instancePath
    .split('/')
    .slice(1)
    .map((s) => (/^\d+$/.test(s) ? `[${s}]` : `.${s}`))
    .join('')
    .replace(/^\./, '');
  return out || 'the file';
}

function describe(e: ErrorObject): string {
  const at = where(e.instancePath);
  if (e.keyword === 'required') return `${at === 'the file' ? '' : `${at}: `}'${(e.params as { missingProperty: string }).missingProperty}' is missing`;
  if (e.keyword === 'type') return `${at} must be ${(e.params as { type: string }).type === 'integer' ? 'an integer' : `a ${(e.params as { type: string }).type}`}`;
  if (e.keyword === 'pattern') return `${at} is not in the expected form`;
  return `${at} ${e.message ?? 'is not valid'}`;
}

const HINT_DAMAGED =
  'restore it from version control, or move the folder aside and run `dazzle deploy generate` to generate the app afresh; dazzle writes nothing while it cannot tell which files it generated';

/** The 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): { line: number; col: number } {
  const before = text.slice(0, Math.max(0, Math.min(offset, text.length)));
  const lines = before.split('\n');
  return { line: lines.length, col: (lines[lines.length - 1] as string).length + 1 };
}

function spanAt(file: string, line: number, col: number): Span {
  return { file, line, col, endLine: line, endCol: col + 1, offset: 0, length: 0 };
}

/**
 * Parse and validate a version file's text. `shown` is the file's path as the
 * user sees it (for spans). Pure: no file system.
 */
export function parseVersionFile(text: string, shown: string): { readonly value: ReadVersion | undefined; readonly diagnostics: readonly Diagnostic[] } {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    const at = m ? positionAt(text, Number(m[1])) : { line: 1, col: 1 };
    return {
      value: undefined,
      diagnostics: [diag('DZ6005', `${VERSION_FILE} is not valid JSON: ${(e as Error).message.replace(/ in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}`, { span: spanAt(shown, at.line, at.col), hint: HINT_DAMAGED })],
    };
  }
  const format = typeof data === 'object' && data !== null && !Array.isArray(data) ? (data as { format_version?: unknown }).format_version : undefined;
  if (typeof format === 'number' && Number.isInteger(format) && format > VERSION_FILE_FORMAT) {
    return {
      value: undefined,
      diagnostics: [
        diag('DZ6007', `${VERSION_FILE} has format_version ${format}; this dazzle reads format ${VERSION_FILE_FORMAT}`, {
          span: spanAt(shown, 1, 1),
          hint: 'a newer dazzle generated this folder: upgrade dazzle (npm install --save-dev dazzle@latest) and run it again',
        }),
      ],
    };
  }
  const validate = validator();
  if (!validate(data)) {
    const problems = [...new Set((validate.errors ?? []).map(describe))];
    const shownProblems = problems.slice(0, 3).join('; ') + (problems.length > 3 ? `; and ${problems.length - 3} more` : '');
    const got = data === null ? 'null' : Array.isArray(data) ? 'a list' : typeof data === 'object' ? undefined : `a ${typeof data}`;
    const message = got ? `${VERSION_FILE} must hold a JSON object, not ${got}` : `${VERSION_FILE} is not a valid version file: ${shownProblems}`;
    return { value: undefined, diagnostics: [diag('DZ6005', message, { span: spanAt(shown, 1, 1), hint: HINT_DAMAGED })] };
  }
  const v = data as VersionFile;
  const diagnostics: Diagnostic[] = [];
  const seen = new Set<string>();
  const paths: [string, string][] = [...v.files.map((f, i): [string, string] => [`files[${i}].path`, f.path]), ...v.stacks.map((s, i): [string, string] => [`stacks[${i}].file`, s.file])];
  for (const [key, path] of paths) {
    const reason = unsafePathReason(path);
    if (reason) {
      diagnostics.push(
        diag('DZ6006', `${VERSION_FILE} ${key} is ${quote(path)}, which ${reason}; every path in it must be a plain relative path inside the output folder`, {
          span: spanAt(shown, lineOf(text, path), 1),
          hint: HINT_DAMAGED,
        }),
      );
    }
  }
  for (const [i, f] of v.files.entries()) {
    if (seen.has(f.path)) {
      diagnostics.push(diag('DZ6005', `${VERSION_FILE} lists ${quote(f.path)} twice (files[${i}])`, { span: spanAt(shown, lineOf(text, f.path, 2), 1), hint: HINT_DAMAGED }));
    }
    seen.add(f.path);
  }
  if (diagnostics.length) return { value: undefined, diagnostics };
  return { value: { text, data: v }, diagnostics: [] };
}

/** The line of the `nth` occurrence of a JSON string value (1 when not found). */
export function lineOf(text: string, value: string, nth = 1): number {
  const needle = JSON.stringify(value);
  let at = -1;
  for (let i = 0; i < nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) return 1;
  }
  return positionAt(text, at).line;
}

/**
 * Read `<outDir>/.dazzle-infra-version.json`. `value` is undefined when the
 * file does not exist (`exists: false`, no diagnostics) or cannot be trusted
 * (diagnostics say why). `shownDir` is the folder as the user sees it.
 */
export function readVersionFile(outDir: string, shownDir: string): { readonly value: ReadVersion | undefined; readonly exists: boolean; readonly diagnostics: readonly Diagnostic[] } {
  const shown = shownDir === '.' ? VERSION_FILE : `${shownDir}/${VERSION_FILE}`;
  const read = readRegularFile(join(outDir, VERSION_FILE));
  if (read.kind === 'missing') return { value: undefined, exists: false, diagnostics: [] };
  if (read.kind !== 'file') {
    const what = read.kind === 'error' ? `cannot be read (${read.code})` : `is ${read.kind === 'symlink' ? 'a symbolic link' : read.kind === 'dir' ? 'a folder' : 'not a regular file'}, not the file dazzle writes`;
    return {
      value: undefined,
      exists: true,
      diagnostics: [
        diag('DZ6005', `${shown} ${what}`, {
          hint: read.kind === 'error' ? 'check the permissions of the file and its folder' : HINT_DAMAGED,
        }),
      ],
    };
  }
  const parsed = parseVersionFile(read.bytes.toString('utf8'), shown);
  return { ...parsed, exists: true };
}

/** How the environment of a run was chosen, for messages: `--env dev`, `environment = "dev" in dazzle.toml`. */
export interface RunEnvironment {
  readonly name: string;
  readonly how: string;
  /** Where `environment` is written in dazzle.toml, when it is. */
  readonly span?: Span;
}

/**
 * DZ6030: the folder holds the app generated for another environment (its version file says
 * which). Synthesizing it would synthesize that environment; generating into it would replace it.
 */
export function otherEnvironment(shownDir: string, recorded: string, run: RunEnvironment, command: 'generate' | 'synth'): Diagnostic {
  const own = `infra/${run.name}`;
  const message =
    command === 'synth'
      ? `${shownDir} holds the app generated for ${quote(recorded)}, but this run is for ${quote(run.name)} (${run.how}); synthesizing it would synthesize ${recorded}`
      : `${shownDir} holds the app generated for ${quote(recorded)}; generating the ${quote(run.name)} app (${run.how}) there would replace it`;
  const hint =
    command === 'synth'
      ? `synthesize it with --env ${recorded}; for ${run.name}, generate its app into a folder of its own and synthesize that: \`dazzle deploy generate --env ${run.name} --out ${own}\`, then \`dazzle deploy synth --env ${run.name} --out ${own}\``
      : `generate each environment into a folder of its own: \`dazzle deploy generate --env ${run.name} --out ${own}\` (and --out with synth); to turn ${shownDir} into the ${run.name} app instead, delete it first`;
  return diag('DZ6030', message, { ...(run.span ? { span: run.span, keyPath: 'deploy.environment' } : {}), hint });
}
