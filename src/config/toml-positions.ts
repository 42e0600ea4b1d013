/**
 * Source positions for the keys of a TOML document.
 *
 * smol-toml returns plain objects without locations, but a schema error must be
 * reported as `dazzle.toml:line:col`. This module re-scans the text with a small
 * hand-written scanner (not a TOML parser: it does not check types, duplicate
 * keys or most syntax rules) and records where every key path is written.
 *
 * It is meant to run on text smol-toml has already accepted, but it never throws:
 * on anything it does not understand it drops the rest of that line (and, after a
 * malformed table header, the keys up to the next header), so invalid input just
 * yields fewer entries.
 *
 * Map keys: a path is encoded by {@link keyOf} as `JSON.stringify` of its
 * segments, each converted with `String()` — `['deploy', 'services', 0, 'port']`
 * becomes `'["deploy","services","0","port"]'`. Array indices and numeric table
 * keys therefore share one spelling; they cannot collide because one path cannot
 * be both an array and a table. `JSON.parse(key)` gives the segments back (all
 * strings), which also index arrays.
 *
 * Columns are 1-based UTF-16 code units (JS string index + 1) after removing a
 * leading UTF-8 byte-order mark; lines are 1-based and end at `\n` (a `\r`
 * before it is part of the line break, never of a column that matters).
 */

export interface KeyPosition {
  /** 1-based line and column of the key as written (for a table header: of the header's first key segment). */
  readonly line: number;
  readonly col: number;
  /** 1-based line and column where the value starts (for a table header: same as the key). */
  readonly valueLine: number;
  readonly valueCol: number;
  /** true for a [table] or [[array]] header, false for `key = value`. */
  readonly isTable: boolean;
}

/**
 * Where a value is written: from its first character to the character after
 * it (offsets into the text without a byte-order mark, as columns are). A value
 * the scanner could not read to its end (an unterminated string, say) runs to
 * the end of its line or, for a multi-line string or array, as far as the
 * scanner got; so does a value followed by anything but a comment.
 */
export interface ValueRange {
  /** The value's key path; for a line that has no readable `key =`, the table it is in. */
  readonly path: readonly string[];
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** true for a whole line that could not be read as `key = value` (its text counts as a value of `path`). */
  readonly orphan: boolean;
  /** true after a malformed table header, whose table is unknown. */
  readonly unknownTable: boolean;
}

/** A key path: table keys are strings, array indices numbers (or their decimal strings). */
export type KeyPath = readonly (string | number)[];

/** The map key of a path: `JSON.stringify(path.map(String))`, so `['a', 0]` and `['a', '0']` are the same key. */
export function keyOf(path: KeyPath): string {
  return JSON.stringify(path.map(String));
}

/**
 * Every key path in the document → its position, keyed by {@link keyOf}.
 *
 * Recorded paths:
 * - `key = value` (dotted and quoted keys too, relative to the current table);
 *   the intermediate tables of a dotted key point at the same key;
 * - `[table]` headers, and `[[array]]` headers as `[..., 'array', i]` for the
 *   i-th occurrence (0-based) plus `[..., 'array']` at the first occurrence;
 * - the implicit parent tables of a header (`[a.b.c]` → `a`, `a.b`), pointing
 *   at that header unless they appear elsewhere first;
 * - keys inside inline tables and the elements of arrays (`x.0`, `x.0.y`), each
 *   at its own position.
 *
 * An explicit header or key always wins over an implicit parent; otherwise the
 * first occurrence wins.
 */
export function tomlKeyPositions(text: string): ReadonlyMap<string, KeyPosition> {
  return scan(text).out;
}

/**
 * Where every value is written (scalars, arrays and inline tables, and the
 * elements of each), plus each line the scanner could not read, attributed to
 * its table. For hiding values (secrets) in code frames: it never throws and
 * errs towards covering too much.
 */
export function tomlValueRanges(text: string): readonly ValueRange[] {
  return scan(text).values;
}

function scan(text: string): Scanner {
  const scanner = new Scanner(typeof text === 'string' ? text : '');
  try {
    scanner.run();
  } catch {
    // Defensive only: the scanner is written not to throw. Keep what was found.
  }
  return scanner;
}

/**
 * The position recorded for `path`, or failing that for its nearest ancestor
 * that has one; undefined if none does. Array indices may be numbers or strings.
 */
export function positionOf(positions: ReadonlyMap<string, KeyPosition>, path: KeyPath): KeyPosition | undefined {
  for (let n = path.length; n > 0; n--) {
    const hit = positions.get(keyOf(path.slice(0, n)));
    if (hit !== undefined) return hit;
  }
  return undefined;
}

/**
 * A JSON pointer (RFC 6901, as in Ajv's `instancePath`) → its segments:
 * `'/deploy/compute/memory'` → `['deploy', 'compute', 'memory']`. `~1` becomes
 * `/` and `~0` becomes `~`; numeric segments stay strings. `''` is the root
 * (`[]`); a pointer without the leading `/` is read as if it had one.
 */
export function pointerToPath(pointer: string): string[] {
  if (pointer === '') return [];
  const body = pointer.startsWith('/') ? pointer.slice(1) : pointer;
  return body.split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

// ---- the scanner ----

/** Nesting of arrays and inline tables beyond which a value is given up on (keeps recursion bounded). */
const MAX_DEPTH = 100;
/** Paths longer than this (in segments) are not recorded: their lines are given up on. */
const MAX_PATH = 128;
/** Encoded keys longer than this are not recorded (bounds memory on pathological input). */
const MAX_KEY_CHARS = 16_384;

interface Segment {
  readonly name: string;
  /** Offset of the segment's first character (the quote, for a quoted key). */
  readonly off: number;
}

function isBare(c: string | undefined): boolean {
  return c !== undefined && /^[A-Za-z0-9_-]$/.test(c);
}

/** Characters that end a bare value (number, boolean, date…). */
function endsScalar(c: string | undefined): boolean {
  return c === undefined || ' \t\r\n,]}[{#="\''.includes(c);
}

class Scanner {
  readonly out = new Map<string, KeyPosition>();
  readonly values: ValueRange[] = [];
  private readonly s: string;
  private readonly n: number;
  private p = 0;
  /** Offsets at which lines start. */
  private readonly lineStarts: number[] = [0];
  /** Keys of entries recorded only as implicit parents (may be replaced by an explicit one). */
  private readonly implicit = new Set<string>();
  /** For each array of tables (by key of its path), how many elements its headers have opened. */
  private readonly arrays = new Map<string, number>();
  /** Set after a malformed header: its keys are skipped, not recorded, until the next good header. */
  private muted = false;

  constructor(text: string) {
    this.s = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
    this.n = this.s.length;
    for (let i = 0; i < this.n; i++) if (this.s.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  run(): void {
    const { s, n } = this;
    let table: string[] = [];
    while (this.p < n) {
      const lineStart = this.p;
      this.skipWs();
      const c = s[this.p];
      if (c === undefined) break;
      if (c === '\n') {
        this.p++;
        continue;
      }
      if (c === '\r' && s[this.p + 1] === '\n') {
        this.p += 2;
        continue;
      }
      if (c === '#') {
        this.skipToEol();
        continue;
      }
      let ok: boolean;
      const valuesBefore = this.values.length;
      if (c === '[') {
        this.muted = false;
        const header = this.header();
        if (header === undefined) {
          this.muted = true;
          ok = false;
        } else {
          table = header;
          ok = true;
        }
      } else {
        ok = this.keyValue(table, 0);
      }
      if (ok) {
        this.skipWs();
        if (s[this.p] === '#') this.skipToEol();
        ok = this.p >= n || s[this.p] === '\n' || (s[this.p] === '\r' && s[this.p + 1] === '\n');
      }
      if (!ok) {
        if (this.p <= lineStart) this.p = lineStart + 1;
        this.skipToEol();
        if (c !== '[') this.unreadLine(table, lineStart, valuesBefore);
      }
    }
  }

  /**
   * A line that did not read as `key = value` (and, for a multi-line value,
   * where it stopped): its values run to the end of the line where reading
   * stopped, and a line with no value at all counts as a value of its table.
   */
  private unreadLine(table: readonly string[], lineStart: number, valuesBefore: number): void {
    const end = this.p;
    if (this.values.length > valuesBefore) {
      for (let i = valuesBefore; i < this.values.length; i++) {
        const v = this.values[i] as ValueRange;
        const [endLine, endCol] = this.lineCol(end);
        if (endLine > v.endLine || (endLine === v.endLine && endCol > v.endCol)) this.values[i] = { ...v, endLine, endCol };
      }
      return;
    }
    let from = lineStart;
    while (this.s[from] === ' ' || this.s[from] === '\t') from++;
    if (from < end) this.pushValue(table, from, end, true);
  }

  private pushValue(path: readonly string[], start: number, end: number, orphan: boolean): void {
    if (path.length > MAX_PATH) return;
    const [line, col] = this.lineCol(start);
    const [endLine, endCol] = this.lineCol(Math.max(start, end));
    this.values.push({ path: [...path], line, col, endLine, endCol, orphan, unknownTable: this.muted });
  }

  // ---- positions ----

  private lineCol(off: number): [number, number] {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] ?? 0) <= off) lo = mid;
      else hi = mid - 1;
    }
    return [lo + 1, off - (starts[lo] ?? 0) + 1];
  }

  private record(path: readonly string[], keyOff: number, valueOff: number, isTable: boolean, implicit: boolean): void {
    if (this.muted || path.length > MAX_PATH) return;
    const k = keyOf(path);
    if (k.length > MAX_KEY_CHARS) return;
    if (this.out.has(k)) {
      // First occurrence wins, except that an explicit entry replaces an implicit parent.
      if (implicit || !this.implicit.has(k)) return;
    }
    if (implicit) this.implicit.add(k);
    else this.implicit.delete(k);
    const [line, col] = this.lineCol(keyOff);
    const [valueLine, valueCol] = valueOff === keyOff ? [line, col] : this.lineCol(valueOff);
    this.out.set(k, { line, col, valueLine, valueCol, isTable });
  }

  // ---- lines ----

  /** `[a.b]` or `[[a.b]]` at `p`; returns the table path that following keys belong to. */
  private header(): string[] | undefined {
    const { s } = this;
    const isArray = s[this.p + 1] === '[';
    this.p += isArray ? 2 : 1;
    this.skipWs();
    const keyOff = this.p;
    const segs = this.key();
    if (segs === undefined || segs.length > MAX_PATH || s[this.p] !== ']') return undefined;
    this.p++;
    if (isArray) {
      if (s[this.p] !== ']') return undefined;
      this.p++;
    }
    // Check the rest of the line before recording anything.
    const save = this.p;
    this.skipWs();
    const rest = s[this.p];
    if (!(rest === undefined || rest === '\n' || rest === '#' || (rest === '\r' && s[this.p + 1] === '\n'))) return undefined;
    this.p = save;

    const resolved: string[] = [];
    segs.forEach((seg, i) => {
      resolved.push(seg.name);
      const last = i === segs.length - 1;
      const k = keyOf(resolved);
      if (last && isArray) {
        const index = this.arrays.get(k) ?? 0;
        this.arrays.set(k, index + 1);
        this.record(resolved, keyOff, keyOff, true, false);
        resolved.push(String(index));
        this.record(resolved, keyOff, keyOff, true, false);
      } else if (last) {
        this.record(resolved, keyOff, keyOff, true, false);
      } else {
        this.record(resolved, keyOff, keyOff, true, true);
        // A segment naming an array of tables means its latest element.
        const count = this.arrays.get(k);
        if (count !== undefined && count > 0) resolved.push(String(count - 1));
      }
    });
    return resolved;
  }

  /** `key = value` at `p`, relative to `table`. */
  private keyValue(table: readonly string[], depth: number): boolean {
    const { s } = this;
    const keyOff = this.p;
    const segs = this.key();
    if (segs === undefined || table.length + segs.length > MAX_PATH || s[this.p] !== '=') return false;
    this.p++;
    this.skipWs();
    const valueOff = this.p;
    const path = [...table];
    segs.forEach((seg, i) => {
      path.push(seg.name);
      if (i < segs.length - 1) this.record(path, keyOff, keyOff, false, true);
    });
    this.record(path, keyOff, valueOff, false, false);
    const ok = this.value(path, depth);
    this.pushValue(path, valueOff, ok ? this.p : this.eolFrom(Math.max(this.p, valueOff)), false);
    return ok;
  }

  /** Offset of the end of the line that `off` is on (before its line break). */
  private eolFrom(off: number): number {
    const i = this.s.indexOf('\n', Math.min(off, this.n));
    const end = i < 0 ? this.n : i;
    return end > off && this.s[end - 1] === '\r' ? end - 1 : Math.max(end, off);
  }

  /** A possibly dotted key at `p`; leaves `p` after the key and any whitespace that follows it. */
  private key(): Segment[] | undefined {
    const { s } = this;
    const segs: Segment[] = [];
    for (;;) {
      const off = this.p;
      const c = s[off];
      let name: string | undefined;
      if (c === '"') name = s.startsWith('"""', off) ? undefined : this.basicString();
      else if (c === "'") name = s.startsWith("'''", off) ? undefined : this.literalString();
      else {
        while (isBare(s[this.p])) this.p++;
        name = this.p > off ? s.slice(off, this.p) : undefined;
      }
      if (name === undefined) return undefined;
      segs.push({ name, off });
      this.skipWs();
      if (s[this.p] !== '.') return segs;
      this.p++;
      this.skipWs();
    }
  }

  // ---- values ----

  /** Skips the value at `p`, recording the keys of inline tables and the elements of arrays under `path`. */
  private value(path: readonly string[], depth: number): boolean {
    if (depth > MAX_DEPTH || path.length > MAX_PATH) return false;
    const { s } = this;
    const c = s[this.p];
    if (c === '"') return s.startsWith('"""', this.p) ? this.multilineString('"""') : this.basicString() !== undefined;
    if (c === "'") return s.startsWith("'''", this.p) ? this.multilineString("'''") : this.literalString() !== undefined;
    if (c === '[') return this.array(path, depth);
    if (c === '{') return this.inlineTable(path, depth);
    return this.scalar();
  }

  private array(path: readonly string[], depth: number): boolean {
    const { s } = this;
    this.p++;
    for (let index = 0; ; index++) {
      this.skipVoid();
      if (s[this.p] === ']') {
        this.p++;
        return true;
      }
      if (this.p >= this.n) return false;
      const element = [...path, String(index)];
      const start = this.p;
      this.record(element, start, start, false, false);
      const ok = this.value(element, depth + 1);
      this.pushValue(element, start, ok ? this.p : this.eolFrom(Math.max(this.p, start)), false);
      if (!ok) return false;
      this.skipVoid();
      if (s[this.p] === ',') {
        this.p++;
        continue;
      }
      if (s[this.p] === ']') {
        this.p++;
        return true;
      }
      return false;
    }
  }

  /** `{ k = v, … }`; newlines, comments and a trailing comma are accepted (TOML 1.1). */
  private inlineTable(path: readonly string[], depth: number): boolean {
    const { s } = this;
    this.p++;
    for (;;) {
      this.skipVoid();
      if (s[this.p] === '}') {
        this.p++;
        return true;
      }
      if (!this.keyValue(path, depth + 1)) return false;
      this.skipVoid();
      if (s[this.p] === ',') {
        this.p++;
        continue;
      }
      if (s[this.p] === '}') {
        this.p++;
        return true;
      }
      return false;
    }
  }

  /** A bare value: number, boolean, inf/nan, date, time or date-time (whose `T` may be a space). */
  private scalar(): boolean {
    const { s } = this;
    const start = this.p;
    while (!endsScalar(s[this.p])) this.p++;
    if (this.p === start) return false;
    if (/^\d{4}-\d{2}-\d{2}$/.test(s.slice(start, this.p)) && s[this.p] === ' ' && /^\d$/.test(s[this.p + 1] ?? '')) {
      this.p++;
      while (!endsScalar(s[this.p])) this.p++;
    }
    return true;
  }

  /** A single-line basic string at `p` (on its opening quote); its decoded value, or undefined if malformed. */
  private basicString(): string | undefined {
    const { s } = this;
    let out = '';
    this.p++;
    for (;;) {
      const c = s[this.p];
      if (c === undefined || c === '\n' || c === '\r') return undefined;
      if (c === '"') {
        this.p++;
        return out;
      }
      if (c !== '\\') {
        out += c;
        this.p++;
        continue;
      }
      const e = s[this.p + 1];
      const simple = e === undefined ? undefined : SIMPLE_ESCAPES[e];
      if (simple !== undefined) {
        out += simple;
        this.p += 2;
        continue;
      }
      const len = e === 'x' ? 2 : e === 'u' ? 4 : e === 'U' ? 8 : 0;
      const hex = s.slice(this.p + 2, this.p + 2 + len);
      if (len === 0 || !/^[0-9A-Fa-f]+$/.test(hex) || hex.length !== len) return undefined;
      const code = parseInt(hex, 16);
      if (code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return undefined;
      out += String.fromCodePoint(code);
      this.p += 2 + len;
    }
  }

  /** A single-line literal string at `p` (on its opening quote); its value, or undefined if unterminated. */
  private literalString(): string | undefined {
    const { s } = this;
    const start = this.p + 1;
    for (let i = start; i < this.n; i++) {
      const c = s[i];
      if (c === "'") {
        this.p = i + 1;
        return s.slice(start, i);
      }
      if (c === '\n' || c === '\r') return undefined;
    }
    return undefined;
  }

  /** `"""…"""` or `'''…'''` at `p`; up to two quotes right before the closing delimiter belong to the string. */
  private multilineString(delimiter: '"""' | "'''"): boolean {
    const { s } = this;
    const quote = delimiter[0];
    this.p += 3;
    while (this.p < this.n) {
      const c = s[this.p];
      if (c === '\\' && quote === '"') this.p += 2;
      else if (s.startsWith(delimiter, this.p)) {
        this.p += 3;
        for (let extra = 0; extra < 2 && s[this.p] === quote; extra++) this.p++;
        return true;
      } else this.p++;
    }
    this.p = this.n;
    return false;
  }

  // ---- blanks ----

  private skipWs(): void {
    const { s } = this;
    while (s[this.p] === ' ' || s[this.p] === '\t') this.p++;
  }

  /** Whitespace, line breaks and comments (inside arrays and inline tables). */
  private skipVoid(): void {
    const { s } = this;
    for (;;) {
      const c = s[this.p];
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r') this.p++;
      else if (c === '#') this.skipToEol();
      else return;
    }
  }

  /** Moves `p` to the next `\n` (not past it), or to the end. */
  private skipToEol(): void {
    const i = this.s.indexOf('\n', this.p);
    this.p = i < 0 ? this.n : i;
  }
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  b: '\b',
  t: '\t',
  n: '\n',
  f: '\f',
  r: '\r',
  e: '\x1b',
  '"': '"',
  '\\': '\\',
};
