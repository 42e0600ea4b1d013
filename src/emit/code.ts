/**
 * Writing TypeScript source, and the trust boundary of generated code: every
 * value from the DSL or `dazzle.toml` enters generated text through exactly one
 * function per context, never raw:
 *
 * - a TypeScript string literal: `str` (and `lit` for plain data, `propKey` for keys,
 *   `tpl` for the text of a template literal); JSON text: `json`;
 * - a comment (`//` or JSDoc): `comment`, used by `lineComment`, `jsdoc`,
 *   `commentBlock`, `provenance` and `header`;
 * - an identifier built from a name: `ident` (checked, never escaped);
 * - shell text in EC2 user data: the generated `sh` (`SHELL_WORD_FUNCTION`), because
 *   boot scripts are assembled at synth, when deploy-time values are known;
 * - Markdown (the generated README): `mdText` and `mdCode`.
 *
 * Output is byte-stable: single quotes, sorted object keys, LF, two-space indents.
 */
import { InternalError } from '../diagnostics/index.js';
import type { Because } from '../lower/index.js';
import { pascal } from '../plan/index.js';

/**
 * Code units a reader could not see or that change how the text around them reads:
 * C0 and C1 controls and DEL (line feeds and NEL included), the line and paragraph
 * separators (line terminators in JavaScript), zero-width and bidirectional
 * formatting characters ("Trojan Source"), the byte order mark, and lone surrogates
 * (which UTF-8 cannot encode). Pairs of surrogates (astral characters) are kept.
 */
const UNSAFE_UNIT = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const SHORT: Readonly<Record<string, string>> = { '\b': '\\b', '\t': '\\t', '\n': '\\n', '\f': '\\f', '\r': '\\r' };

/** One unsafe code unit as JSON writes it: `\n`, `\t`… or `\u2028`. */
function escapeUnit(c: string): string {
  return SHORT[c] ?? `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/** Line terminators, other control and invisible characters, and lone surrogates as JSON escapes (`\n`, `\u2028`). */
function visible(text: string): string {
  return text.replace(UNSAFE_UNIT, escapeUnit);
}

/**
 * A TypeScript string literal that evaluates to exactly `s`, for any string. The
 * escaping is JSON's (backslash, the quote, control characters as `\n` or `\u001b`)
 * plus U+2028/U+2029, invisible formatting characters and lone surrogates as
 * `\uXXXX`; single quotes, because the generated code uses them.
 */
export function str(s: string): string {
  return `'${visible(s.replace(/\\/g, '\\\\').replace(/'/g, "\\'"))}'`;
}

/**
 * Text inside a TypeScript template literal (between its backticks, outside its
 * substitutions): evaluates to exactly `s`, whatever text follows it. Backslash, backtick
 * and every `$` are escaped (so neither `${` nor a `$` before the next `{` starts a
 * substitution), and everything `str` writes as `\uXXXX` is written the same way.
 */
export function tpl(s: string): string {
  return visible(s.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$/g, '\\$'));
}

/**
 * JSON text (generated `.json` files): `JSON.stringify` (which escapes C0 controls, quotes,
 * backslashes and lone surrogates), and every other character `str` escapes (U+2028, U+2029,
 * C1 controls, invisible formatting) as `\uXXXX` too: they can only occur inside strings.
 */
export function json(value: unknown, space?: number): string {
  // The only raw control character in its output is the line feed of its own indentation.
  return JSON.stringify(value, null, space).replace(UNSAFE_UNIT, (c) => (c === '\n' ? c : escapeUnit(c)));
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** Words that cannot name a variable or a class member declared in generated code. */
const RESERVED = new Set(
  (
    'await break case catch class const continue debugger default delete do else enum export extends false finally for function if ' +
    'implements import in instanceof interface let new null package private protected public return static super switch this throw ' +
    'true try typeof var void while with yield arguments eval undefined constructor'
  ).split(' '),
);

/**
 * An identifier (variable, class member, function) built from a name: checked,
 * never escaped. A name that cannot form one is a broken invariant (the linker
 * accepts only names that can), so emission stops instead of writing code.
 */
export function ident(name: string): string {
  if (!IDENTIFIER.test(name) || RESERVED.has(name)) throw new InternalError(`cannot form an identifier from ${JSON.stringify(name)}`);
  return name;
}

/**
 * An object key: bare when it is an identifier, else a string literal. `__proto__` is
 * computed (`['__proto__']`): written plainly, even quoted, it would set the prototype.
 */
export function propKey(key: string): string {
  if (key === '__proto__') return `[${str(key)}]`;
  return IDENTIFIER.test(key) ? key : str(key);
}

/** A TypeScript literal for plain data (strings through `str`, finite numbers, booleans); object keys sorted. */
export function lit(v: unknown): string {
  if (typeof v === 'string') return str(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new InternalError(`no literal for the number ${v}`);
    return String(v);
  }
  if (typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    if (!entries.length) return '{}';
    return `{ ${entries.map(([k, x]) => `${propKey(k)}: ${lit(x)}`).join(', ')} }`;
  }
  throw new InternalError(`no literal for ${typeof v}`);
}

/**
 * Text that is safe inside a comment, a `//` line or a JSDoc block: it can neither
 * end the comment nor start a new line. Line terminators (LF, CR, NEL, U+2028,
 * U+2029), every other control or invisible formatting character and lone surrogates
 * are written as JSON escapes (`\n`, `\u2028`), and a backslash goes between the
 * star and the slash of a comment end.
 */
export function comment(text: string): string {
  return visible(text).replace(/\*\//g, '*\\/');
}

/** A `//` comment line. */
export function lineComment(text: string, indent = ''): string {
  return `${indent}// ${comment(text)}`;
}

/** `//` comment lines of at most `width` characters (words are never split). */
export function wrappedComment(text: string, indent = '', width = 100): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line && indent.length + 3 + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l) => lineComment(l, indent)).join('\n');
}

/** A one-line JSDoc comment. */
export function jsdoc(text: string, indent = ''): string {
  return `${indent}/** ${comment(text)} */`;
}

/** `payment_jobs` → `PaymentJobs` (construct-ID fragment): the plan's rule, so IDs match the plan's. */
export { pascal };

/** A path as shown in generated comments: relative to the project, POSIX separators. */
export function projectPath(file: string, root: string): string {
  const f = file.replace(/\\/g, '/');
  const r = root.replace(/\\/g, '/').replace(/\/+$/, '');
  if (r && r !== '.' && f.startsWith(`${r}/`)) return f.slice(r.length + 1);
  return f.replace(/^\.\//, '');
}

/**
 * Where a resource comes from, one line per cause: `ledger Revenue (dsl/ledgers.dsl:13)`,
 * `deploy.x = 3`. Each line is comment text (names, file names and values neutralised).
 */
export function provenance(because: readonly Because[], root: string): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const b of because) {
    const t = comment(b.kind === 'dsl' ? `${b.construct} ${b.name} (${projectPath(b.span.file, root)}:${b.span.line})` : `${b.key}${b.value !== undefined ? ` = ${b.value}` : ''}`);
    if (!seen.has(t)) {
      seen.add(t);
      out.push(t);
    }
  }
  return out;
}

/** A `//` comment block: the title, then "From: …" with each cause. */
export function commentBlock(title: string, because: readonly Because[], root: string, indent: string): string {
  const causes = provenance(because, root);
  const lines = [comment(title), ...(causes.length ? [`From: ${causes[0]}`, ...causes.slice(1).map((c) => `      ${c}`)] : [])];
  return lines.map((l) => `${indent}// ${l}`).join('\n');
}

/** Indent every non-empty line of a block. */
export function indent(text: string, by: string): string {
  return text
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

/** Join non-empty blocks with one blank line between them. */
export function blocks(parts: readonly (string | false | null | undefined)[]): string {
  return parts.filter((p): p is string => typeof p === 'string' && p.length > 0).join('\n\n');
}

/** A generated file's header comment. */
export function header(what: string, app: string, environment: string): string {
  return `${lineComment(what)}\n${lineComment(`Generated by dazzle for ${app} (${environment}). Regenerate with \`dazzle deploy generate\`;`)}\n// files edited by hand are kept unless you pass --force.\n`;
}

/**
 * The shell-quoting function of the generated code (its source, rendered into every
 * stack that builds user data). Boot scripts are assembled by the generated app at
 * synth, when deploy-time values (CloudFormation tokens) are known, so this is where
 * every value enters shell text: as one single-quoted word, which bash takes
 * literally (no expansion, no word splitting; newlines and quotes included). A
 * token's text (`${Token[…]}`) has no quote, so it stays whole inside the word.
 * NUL cannot be passed to a program at all, so it is refused.
 */
export const SHELL_WORD_FUNCTION = [
  '/**',
  ' * A value as one shell word: in single quotes, which bash takes literally (no expansion,',
  ' * no word splitting, newlines included). Every value enters the boot script through here.',
  ' */',
  'function sh(value: string): string {',
  "  if (value.includes('\\0')) throw new Error('a shell word cannot hold a NUL character');",
  "  return `'${value.replace(/'/g, \"'\\\\''\")}'`;",
  '}',
].join('\n');

/**
 * Text in Markdown (the generated README): control characters as escapes, and a
 * backslash before the characters that would start code, emphasis, HTML, a link or
 * a table cell. (`_` is left alone: between letters it is never emphasis.)
 */
export function mdText(text: string): string {
  return visible(text).replace(/[\\`*<>[\]|]/g, (c) => `\\${c}`);
}

/**
 * Inline code in Markdown (the generated README): the value between enough backticks,
 * with line breaks and other control characters written as escapes.
 */
export function mdCode(text: string): string {
  const safe = visible(text);
  const longest = Math.max(0, ...[...safe.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = safe.startsWith('`') || safe.endsWith('`') || safe === '' ? ' ' : '';
  return `${fence}${pad}${safe}${pad}${fence}`;
}
