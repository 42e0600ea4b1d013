/**
 * A strict template renderer: `{{name}}` placeholders, filled from a record.
 * A placeholder without a value, or a value without a placeholder, is a broken
 * invariant of dazzle itself (the templates ship with it), not a user mistake.
 *
 * Values are escaped for where their placeholder sits, so that no value can
 * leave its context: in a JSON template (`*.json`) a placeholder must be inside
 * a string, and its value is JSON-escaped; in a TypeScript template (`*.ts`) it
 * must be inside a comment (the value goes through `comment`) or a string
 * literal (through `str`). A placeholder anywhere else (in code, in a key's
 * position, outside quotes) is refused: templates never splice raw text.
 */
import { InternalError } from '../diagnostics/index.js';
import { comment, json, str } from './code.js';

const PLACEHOLDER = /\{\{([A-Za-z][A-Za-z0-9]*)\}\}/g;

/** Where a placeholder sits. */
type Context = 'code' | 'line-comment' | 'block-comment' | 'single-quoted' | 'double-quoted' | 'template-literal';

/** The templates' languages, by file name. */
function language(name: string): 'json' | 'ts' {
  if (name.endsWith('.json')) return 'json';
  if (name.endsWith('.ts')) return 'ts';
  throw new InternalError(`template ${name}: no escaping rules for this kind of file`);
}

/**
 * The context at every offset of `text` where a placeholder starts: a small scanner of
 * strings and comments (JSON has only double-quoted strings; TypeScript also has single
 * quotes, template literals and comments). Placeholders are read as plain text.
 */
function contexts(text: string, lang: 'json' | 'ts', at: ReadonlySet<number>): Map<number, Context> {
  const out = new Map<number, Context>();
  let state: Context = 'code';
  for (let i = 0; i < text.length; i++) {
    if (at.has(i)) out.set(i, state);
    const c = text[i];
    const next = text[i + 1];
    switch (state) {
      case 'code':
        if (c === '"') state = 'double-quoted';
        else if (lang === 'ts' && c === "'") state = 'single-quoted';
        else if (lang === 'ts' && c === '`') state = 'template-literal';
        else if (lang === 'ts' && c === '/' && next === '/') state = 'line-comment';
        else if (lang === 'ts' && c === '/' && next === '*') {
          state = 'block-comment';
          i++;
        }
        break;
      case 'line-comment':
        if (c === '\n') state = 'code';
        break;
      case 'block-comment':
        if (c === '*' && next === '/') {
          state = 'code';
          i++;
        }
        break;
      default: {
        const quote = state === 'double-quoted' ? '"' : state === 'single-quoted' ? "'" : '`';
        if (c === '\\') i++;
        else if (c === quote) state = 'code';
        else if (c === '\n' && state !== 'template-literal') throw new InternalError('a string in a template runs past the end of its line');
      }
    }
  }
  return out;
}

/** `value` escaped for the context of its placeholder. */
function escapeFor(name: string, key: string, context: Context, value: string): string {
  switch (context) {
    case 'line-comment':
    case 'block-comment':
      return comment(value);
    case 'single-quoted':
      return str(value).slice(1, -1);
    case 'double-quoted':
      // JSON's escaping, which is also a valid TypeScript double-quoted string.
      return json(value).slice(1, -1);
    default:
      throw new InternalError(`template ${name}: placeholder {{${key}}} is in ${context === 'code' ? 'code' : 'a template literal'}, where no value can be escaped; put it in a string or a comment`);
  }
}

export function renderTemplate(name: string, template: string, values: Readonly<Record<string, string>>): string {
  for (const m of template.matchAll(/\{\{([^}]*)\}\}/g)) {
    if (!/^[A-Za-z][A-Za-z0-9]*$/.test(m[1] as string)) throw new InternalError(`template ${name}: malformed placeholder ${m[0]}`);
  }
  const lang = language(name);
  const where = contexts(template, lang, new Set([...template.matchAll(PLACEHOLDER)].map((m) => m.index)));
  const used = new Set<string>();
  const missing = new Set<string>();
  const out = template.replace(PLACEHOLDER, (_, key: string, offset: number) => {
    const v = values[key];
    if (v === undefined) {
      missing.add(key);
      return '';
    }
    used.add(key);
    return escapeFor(name, key, where.get(offset) ?? 'code', v);
  });
  const unused = Object.keys(values).filter((k) => !used.has(k));
  if (missing.size || unused.length) {
    const parts = [missing.size ? `no value for ${[...missing].sort().join(', ')}` : '', unused.length ? `unused value${unused.length === 1 ? '' : 's'} ${unused.sort().join(', ')}` : ''];
    throw new InternalError(`template ${name}: ${parts.filter(Boolean).join('; ')}`);
  }
  return out;
}
