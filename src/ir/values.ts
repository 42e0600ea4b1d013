/**
 * The forms DSL values must have before they can become AWS settings: decimal
 * whole numbers, text without control characters, email addresses. Pure
 * helpers for the linker's checks.
 */
import type { Span } from '../diagnostics/index.js';
import type { Member, Property, Value, ValuePart } from '../syntax/index.js';

/**
 * A decimal whole number exactly as written (`42`, `007`), or null: `0x10`,
 * `1e3`, `0b1`, ` 12`, `-1`, `1.0` and numbers beyond 2^53 - 1 are not read as numbers.
 */
export function decimalInteger(text: string): number | null {
  if (!/^\d+$/.test(text)) return null;
  const n = Number(text);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * How much a value may hold besides printable text:
 * - `plain`: nothing (names, time zones, addresses, cron and interval text, numbers);
 * - `label`: nothing (titles are one line);
 * - `prose`: tabs and line feeds too (descriptions and message text may run over lines).
 */
export type TextPolicy = 'plain' | 'label' | 'prose';

/**
 * C0 and C1 controls, DEL, the line and paragraph separators (U+2028, U+2029: line
 * terminators in JavaScript), format characters (bidirectional overrides, zero-width
 * characters, the byte order mark) — none belongs in a plain value.
 */
const NOT_PLAIN = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}]/u;
/** In titles: controls, separators and the bidirectional overrides and isolates that reorder text. */
const NOT_LABEL = /[\p{Cc}\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;
/** In prose: the same, except tab and line feed. */
const NOT_PROSE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\p{Zl}\p{Zp}\u202a-\u202e\u2066-\u2069]/u;

const PATTERNS: Readonly<Record<TextPolicy, RegExp>> = { plain: NOT_PLAIN, label: NOT_LABEL, prose: NOT_PROSE };

/** The index of the first character `text` may not hold under `policy`, or -1. */
export function forbiddenCharacter(text: string, policy: TextPolicy): number {
  // Most values are printable ASCII: answered without the Unicode classes.
  if (/^[\x20-\x7e]*$/.test(text)) return -1;
  const m = PATTERNS[policy].exec(text);
  return m ? m.index : -1;
}

const CHARACTER_NAMES: Readonly<Record<number, string>> = {
  0x09: 'TAB',
  0x0a: 'LINE FEED',
  0x0b: 'LINE TABULATION',
  0x0c: 'FORM FEED',
  0x0d: 'CARRIAGE RETURN',
  0x1b: 'ESCAPE',
  0x7f: 'DELETE',
  0x85: 'NEXT LINE',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0xfeff: 'BYTE ORDER MARK',
};

/** `U+2028 (LINE SEPARATOR)`, `U+0001 (a control character)`. */
export function describeCharacter(c: string): string {
  const cp = c.codePointAt(0) ?? 0;
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  const name = CHARACTER_NAMES[cp];
  if (name) return `${hex} (${name})`;
  return `${hex} (${/\p{Cc}/u.test(c) ? 'a control character' : 'an invisible formatting character'})`;
}

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
/** `local@domain.tld`: a dot-atom local part and a domain of DNS labels (what SES verifies as an email identity). */
const EMAIL = new RegExp(`^${ATOM}(?:\\.${ATOM})*@(?:${LABEL}\\.)+(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})$`);

/** A plain email address, as SES verifies one: no display name, no quoted local part, at most 254 characters. */
export function isEmailAddress(s: string): boolean {
  const at = s.lastIndexOf('@');
  return s.length <= 254 && at > 0 && at <= 64 && EMAIL.test(s);
}

/** A `storage=` binding names a bucket: letters, digits and underscores, with a letter or digit in it. */
export function isStorageName(s: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*$/.test(s) && /[A-Za-z0-9]/.test(s);
}

/** Properties by key (the first of each key; a repeated key is a syntax error reported before linking). */
export function propertyMap(members: readonly Member[]): Map<string, Property> {
  const m = new Map<string, Property>();
  for (const x of members) if (x.kind === 'property' && !m.has(x.key)) m.set(x.key, x);
  return m;
}

/** Where a property's value is (its key when it has none). */
export function valueSpan(p: Property): Span {
  return p.value.span ?? p.keySpan;
}

/** A value as a plain string: a lone string literal is unquoted, anything else is its text. */
export function valueString(v: Value): string {
  const only = v.parts.length === 1 ? v.parts[0] : undefined;
  return only?.type === 'string' ? (only.value ?? '') : v.text;
}

/** A property's value as a plain string (see {@link valueString}). */
export const plainValue = (p: Property): string => valueString(p.value);

/** A schedule expression: the string inside `cron("0 * * * *")`, or the value as a plain string. */
export function expressionText(p: Property): string {
  const v = p.value.parts;
  if (v.length === 4 && v[0]?.image === 'cron' && v[2]?.type === 'string') return v[2].value ?? '';
  return plainValue(p);
}

/**
 * The span of characters [start, end) of a value, when they are on its first
 * line; otherwise the value's own span. Lines and columns come from the value's
 * span, which the one source of positions computed.
 */
export function narrow(span: Span, text: string, start: number, end: number): Span {
  if (/[\r\n]/.test(text.slice(0, end))) return span;
  return { ...span, col: span.col + start, endLine: span.line, endCol: span.col + end, offset: span.offset + start, length: end - start };
}

/**
 * Where, in a value's text, the character at `index` of a string part's unescaped
 * contents was written: `[start, end)` of the character, or of its escape (`\n`).
 */
export function writtenAt(valueText: string, parts: readonly ValuePart[], part: ValuePart, index: number): readonly [number, number] | null {
  let cursor = 0;
  for (const p of parts) {
    const at = valueText.indexOf(p.image, cursor);
    if (at < 0) return null;
    cursor = at + p.image.length;
    if (p !== part) continue;
    // Walk the literal after its opening quote, one written character (or escape) per contents character.
    const width = (i: number) => (p.image[i] === '\\' && !/[\n\r\u2028\u2029]/.test(p.image[i + 1] ?? '\n') ? 2 : 1);
    let i = 1;
    for (let k = 0; k < index && i < p.image.length; k++) i += width(i);
    return [at + i, at + i + width(i)];
  }
  return null;
}
