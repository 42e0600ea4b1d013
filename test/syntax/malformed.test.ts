/**
 * Malformed input, one row per mistake: the first error a user sees (code,
 * file, line, column), that no AppSpec is produced, and that nothing throws.
 * Every position below was worked out by hand from the input and checked
 * against the front end; the comment on a row says how.
 *
 * `APP` is two lines (`module test.app`, `app test_app "Test App"`), so the
 * construct under test starts on line 3.
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Diagnostic, DiagnosticCode } from '../../src/diagnostics/index.js';
import { APP, checkTexts, runCli, STACK_TRACE, tempProject } from '../helpers.js';

type Files = Record<string, string | Uint8Array>;
type FrontEndResult = ReturnType<typeof checkTexts>;

interface Row {
  readonly name: string;
  /** The project's DSL files; a function for inputs too big to build at collection time. */
  readonly files: Files | (() => Files);
  /** The first error's code, or null when the input is valid (no errors, an AppSpec). */
  readonly code: DiagnosticCode | null;
  /** File of the first error (default `dsl/app.dsl`). */
  readonly file?: string;
  readonly line?: number;
  readonly col?: number;
  /** Text the first error's hint must contain. */
  readonly hint?: string;
  /** A related location the first error must carry. */
  readonly related?: { readonly message: string; readonly file?: string; readonly line: number; readonly col?: number };
  /** Further checks on the whole result. */
  readonly extra?: (r: FrontEndResult) => void;
  readonly timeoutMs?: number;
}

const F = 'dsl/app.dsl';
const enc = (s: string): Uint8Array => new TextEncoder().encode(s);
function bytes(...parts: (string | readonly number[])[]): Uint8Array {
  const chunks = parts.map((p) => (typeof p === 'string' ? enc(p) : Uint8Array.from(p)));
  const out = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}
const BOM = [0xef, 0xbb, 0xbf] as const;
const MB10 = 10 * 1024 * 1024;

/** Entity `User` on lines 3-5 (after APP). */
const USER = 'entity User "User":\n  id: uuid pk\n  name: str(50)\n';
/** USER, then an entity whose `ref Usr` is on line 8, col 14. */
const REF_USR = `${APP}${USER}entity Task "Task":\n  id: uuid pk\n  owner: ref Usr\n`;
/** A ledger `Cash` on lines 3-6. */
const CASH = 'ledger Cash "Cash":\n  account_code: 1000\n  account_type: asset\n  currency: GBP\n';
/** An entity `Task` whose header is line 3; `body` lines start at line 4. */
const task = (...body: string[]): string => `${APP}entity Task "Task":\n${body.map((l) => `${l}\n`).join('')}`;

/** `experience deep` with `levels` nested `levelN:` lines, then a leaf one level deeper. */
function nestedBlocks(levels: number): string {
  let s = `${APP}experience deep "Deep":\n`;
  for (let i = 1; i <= levels; i++) s += `${'  '.repeat(i)}level${i}:\n`;
  return `${s}${'  '.repeat(levels + 1)}leaf: 1\n`;
}

/** Fields of the one entity in a valid result, as [name, line, col]. */
function fieldPositions(r: FrontEndResult): [string, number, number][] {
  const spec = r.value.spec;
  if (!spec) throw new Error('expected an AppSpec');
  return spec.entities.flatMap((e) => e.fields.map((f): [string, number, number] => [f.name, f.span.line, f.span.col]));
}
const USER_FIELDS: [string, number, number][] = [
  ['id', 4, 3],
  ['name', 5, 3],
];

const ROWS: readonly Row[] = [
  // ---- lexical: layout ----
  {
    name: 'tab and space mixed in one line (DZ1003)',
    // line 5 is ' \ttitle: …': the span covers the whitespace from col 1
    files: { [F]: task('  id: uuid pk', ' \ttitle: str(20)') },
    code: 'DZ1003',
    line: 5,
    col: 1,
  },
  {
    name: 'dedent to a level matching no outer block (DZ1004)',
    // body indented by 4, then a line indented by 2: levels are 0 and 4
    files: { [F]: task('    id: uuid pk', '  title: str(20)') },
    code: 'DZ1004',
    line: 5,
    col: 1,
    extra: (r) => expect(r.diagnostics[0]?.message).toContain('expected 0 or 4'),
  },
  {
    name: 'first line indented (DZ1005)',
    files: { [F]: `  ${APP}` },
    code: 'DZ1005',
    line: 1,
    col: 1,
  },
  {
    name: 'a field indented one step too far is not swallowed by the field above (DZ1005)',
    files: { [F]: task('  id: uuid pk', '    title: str(20) required') },
    code: 'DZ1005',
    line: 5,
    col: 5,
    extra: (r) => expect(r.diagnostics[0]?.related[0]?.span).toMatchObject({ line: 4, col: 3 }),
  },
  {
    name: 'a field continued by an indented semantic: line is fine',
    files: { [F]: task('  id: uuid pk', '  status: enum[open, done]=open', '    semantic: open=neutral, done=positive') },
    code: null,
  },
  {
    name: '500 levels of block nesting (DZ1008)',
    // level i is on line 3+i; the 101st level (line 104) is the first one refused
    files: { [F]: nestedBlocks(500) },
    code: 'DZ1008',
    line: 104,
    col: 1,
  },
  {
    name: '100 levels of block nesting is still accepted',
    files: { [F]: nestedBlocks(99) },
    code: null,
  },

  // ---- lexical: characters, strings, brackets ----
  {
    name: 'unterminated string (DZ1002, at the opening quote)',
    // 'entity Task "Task:' — the quote is col 13
    files: { [F]: `${APP}entity Task "Task:\n  id: uuid pk\n` },
    code: 'DZ1002',
    line: 3,
    col: 13,
  },
  {
    name: 'unclosed [ (DZ1006, at the opening bracket)',
    // '  status: enum[open, closed' — '[' is col 15
    files: { [F]: task('  id: uuid pk', '  status: enum[open, closed', '  title: str(20)') },
    code: 'DZ1006',
    line: 5,
    col: 15,
  },
  {
    name: 'unclosed ( (DZ1006, at the opening bracket)',
    // '  title: str(20' — '(' is col 13
    files: { [F]: task('  id: uuid pk', '  title: str(20', '  done: bool') },
    code: 'DZ1006',
    line: 5,
    col: 13,
  },
  {
    name: 'mismatched closing bracket (DZ1007, at the closer, related to the opener)',
    // '  status: enum[open, closed)' — '[' col 15, ')' col 28
    files: { [F]: task('  id: uuid pk', '  status: enum[open, closed)') },
    code: 'DZ1007',
    line: 5,
    col: 28,
    related: { message: 'opened here', line: 5, col: 15 },
  },
  {
    name: 'stray ) (DZ1007)',
    // '  title: str(20))' — the second ')' is col 17
    files: { [F]: task('  id: uuid pk', '  title: str(20))') },
    code: 'DZ1007',
    line: 5,
    col: 17,
    extra: (r) => expect(r.diagnostics[0]?.message).toContain('no matching opening bracket'),
  },
  {
    name: '500 nested brackets (DZ1008, at the 101st bracket)',
    // '  value: ' is 9 characters, so bracket n is at col 9+n
    files: { [F]: `${APP}experience deep "Deep":\n  value: ${'['.repeat(500)}${']'.repeat(500)}\n` },
    code: 'DZ1008',
    line: 4,
    col: 110,
  },
  {
    name: 'unexpected character § (DZ1001)',
    // '  id: uuid pk §' — '§' is col 15
    files: { [F]: task('  id: uuid pk §') },
    code: 'DZ1001',
    line: 4,
    col: 15,
  },
  {
    name: 'emoji outside a string (DZ1001)',
    files: { [F]: task('  id: uuid pk', '  😀title: str(20)') },
    code: 'DZ1001',
    line: 5,
    col: 3,
    extra: (r) => expect(r.diagnostics[0]?.message).toContain('U+1F600'),
  },

  // ---- syntax ----
  {
    name: 'entity header missing its colon (DZ2001, at the end of the header line)',
    // 'entity Task "Task"' is 18 characters; the end of line is col 19
    files: { [F]: `${APP}entity Task "Task"\n  id: uuid pk\n` },
    code: 'DZ2001',
    line: 3,
    col: 19,
  },
  {
    name: 'entity with no body at the end of the file (DZ2002, at the end of the file)',
    // the text ends with '\n' after line 3, so the end of the file is line 4 col 1
    files: { [F]: `${APP}entity Task "Task":\n` },
    code: 'DZ2002',
    line: 4,
    col: 1,
  },
  {
    name: 'entity with no body followed by another declaration (DZ2001, at that declaration)',
    files: { [F]: `${APP}entity Task "Task":\n${USER}` },
    code: 'DZ2001',
    line: 4,
    col: 1,
    extra: (r) => expect(r.diagnostics[0]?.message).toContain('expected an indented block'),
  },
  {
    name: 'enum without brackets (DZ2001, at the first value)',
    // '  priority: enum low,high' — 'low' is col 18
    files: { [F]: task('  id: uuid pk', '  priority: enum low,high') },
    code: 'DZ2001',
    line: 5,
    col: 18,
  },
  {
    name: 'decimal(10) without a scale (DZ2102, at the type)',
    // '  amount: decimal(10)' — 'decimal' is col 11
    files: { [F]: task('  id: uuid pk', '  amount: decimal(10)') },
    code: 'DZ2102',
    line: 5,
    col: 11,
  },
  {
    name: 'decimal(0.5,0): a precision that is not a positive whole number (DZ2102)',
    files: { [F]: task('  id: uuid pk', '  amount: decimal(0.5,0)') },
    code: 'DZ2102',
    line: 5,
    col: 11,
  },
  {
    name: 'money(pounds) (DZ2102, at the type)',
    // '  price: money(pounds)' — 'money' is col 10
    files: { [F]: task('  id: uuid pk', '  price: money(pounds)') },
    code: 'DZ2102',
    line: 5,
    col: 10,
    hint: 'money(GBP)',
  },
  {
    name: 'ledger without account_code (DZ2205, at the ledger name)',
    // 'ledger Cash' — 'Cash' is col 8
    files: { [F]: `${APP}ledger Cash "Cash":\n  account_type: asset\n  currency: GBP\n` },
    code: 'DZ2205',
    line: 3,
    col: 8,
  },
  {
    name: 'ledger with misspelt key acount_code (DZ2201 with a suggestion, and no DZ2205 for the key it stands for)',
    files: { [F]: `${APP}ledger Cash "Cash":\n  acount_code: 1000\n  account_type: asset\n  currency: GBP\n` },
    code: 'DZ2201',
    line: 4,
    col: 3,
    hint: "did you mean 'account_code'",
    extra: (r) => expect(r.diagnostics.map((d) => d.code)).toEqual(['DZ2201']),
  },
  {
    name: 'transaction execution: asynch (DZ2204 with a suggestion)',
    // '  execution: asynch' on line 8 — 'asynch' is col 14
    files: { [F]: `${APP}${CASH}transaction Move "Move":\n  execution: asynch\n  transfer t:\n    debit: Cash\n    credit: Cash\n    amount: 1\n` },
    code: 'DZ2204',
    line: 8,
    col: 14,
    hint: "did you mean 'async'",
  },
  {
    name: 'channel kind: emial (DZ2204 with a suggestion)',
    // '  kind: emial' — 'emial' is col 9
    files: { [F]: `${APP}channel notify "Notify":\n  kind: emial\n  send welcome:\n    message: Welcome\n` },
    code: 'DZ2204',
    line: 4,
    col: 9,
    hint: "did you mean 'email'",
  },
  {
    name: 'channel without kind (DZ2205, at the channel name)',
    // 'channel notify' — 'notify' is col 9
    files: { [F]: `${APP}channel notify "Notify":\n  provider: ses\n  send welcome:\n    message: Welcome\n` },
    code: 'DZ2205',
    line: 3,
    col: 9,
  },
  {
    name: 'schedule cron: 5 (DZ2203, at the value)',
    // '  cron: 5' — '5' is col 9
    files: { [F]: `${APP}schedule nightly "Nightly":\n  cron: 5\n` },
    code: 'DZ2203',
    line: 4,
    col: 9,
  },

  // ---- linking ----
  {
    name: 'unknown field type (DZ3011, at the type)',
    // '  title: widget' — 'widget' is col 10
    files: { [F]: task('  id: uuid pk', '  title: widget') },
    code: 'DZ3011',
    line: 5,
    col: 10,
  },
  {
    name: "unknown field type strr(20), a near miss of 'str' (DZ3011 with a suggestion)",
    files: { [F]: task('  id: uuid pk', '  title: strr(20)') },
    code: 'DZ3011',
    line: 5,
    col: 10,
    hint: "did you mean 'str'",
  },
  {
    name: 'duplicate entity names (DZ3003 at the second, related to the first)',
    // 'entity User' at line 3 and again at line 7 (after USER and a blank line); names at col 8
    files: { [F]: `${APP}${USER}\nentity User "Again":\n  id: uuid pk\n` },
    code: 'DZ3003',
    line: 7,
    col: 8,
    related: { message: 'first declared here', line: 3, col: 8 },
  },
  {
    name: 'duplicate entity names across two files (DZ3003, related to the other file)',
    files: { [F]: `${APP}${USER}`, 'dsl/more.dsl': 'module test.more\n\nentity User "Again":\n  id: uuid pk\n' },
    code: 'DZ3003',
    file: 'dsl/more.dsl',
    line: 3,
    col: 8,
    related: { message: 'first declared here', file: F, line: 3, col: 8 },
  },
  {
    name: 'duplicate field in an entity (DZ3007 at the second, related to the first)',
    files: { [F]: task('  id: uuid pk', '  title: str(20)', '  title: text') },
    code: 'DZ3007',
    line: 6,
    col: 3,
    related: { message: 'first declared here', line: 5, col: 3 },
  },
  {
    name: 'no app declaration (DZ3001, at the start of the first file)',
    files: { [F]: `module test.app\n${USER}` },
    code: 'DZ3001',
    line: 1,
    col: 1,
  },
  {
    name: 'two app declarations in two files (DZ3002 at the second app name)',
    // 'app other_app' — the name is col 5 of line 2 in both files
    files: { [F]: APP, 'dsl/other.dsl': 'module test.other\napp other_app "Other"\n' },
    code: 'DZ3002',
    file: 'dsl/other.dsl',
    line: 2,
    col: 5,
    related: { message: "app 'test_app' declared here", file: F, line: 2, col: 5 },
  },
  {
    name: "ref Usr when User exists (DZ3004, did you mean 'User')",
    // '  owner: ref Usr' — 'Usr' is col 14
    files: { [F]: REF_USR },
    code: 'DZ3004',
    line: 8,
    col: 14,
    hint: "did you mean 'User'",
  },
  {
    name: 'transfer debiting an unknown ledger (DZ3005, at the ledger name)',
    // CASH is lines 3-6, Sales 7-10, the transaction 11-16; '    debit: Csh' is line 14, 'Csh' col 12
    files: {
      [F]:
        `${APP}${CASH}ledger Sales "Sales":\n  account_code: 4000\n  account_type: revenue\n  currency: GBP\n` +
        'transaction Sell "Sell":\n  execution: sync\n  transfer sale:\n    debit: Csh\n    credit: Sales\n    amount: 10\n',
    },
    code: 'DZ3005',
    line: 14,
    col: 12,
    hint: "did you mean 'Cash'",
  },
  {
    name: 'use of an unknown module (DZ3006, at the module name)',
    files: { [F]: `${APP}use test.nothere\n${USER}` },
    code: 'DZ3006',
    line: 3,
    col: 5,
  },

  // ---- input files ----
  {
    name: 'empty file (the only file: DZ3001)',
    files: { [F]: '' },
    code: 'DZ3001',
    line: 1,
    col: 1,
  },
  {
    name: 'empty file next to a valid one is accepted',
    files: { [F]: `${APP}${USER}`, 'dsl/empty.dsl': '' },
    code: null,
  },
  {
    name: 'binary garbage: invalid UTF-8 after valid text (DZ0003 with its line and column)',
    // '  id: uuid pk' is 13 characters; the first bad byte (0xff) is col 14 of line 4
    files: { [F]: bytes(`${APP}entity X "X":\n  id: uuid pk`, [0xff, 0xfe, 0x00, 0x80, 0xc3, 0x28, 0x9f, 0x0a, 0xf5]) },
    code: 'DZ0003',
    line: 4,
    col: 14,
    extra: (r) => expect(r.diagnostics[0]?.message).toContain('0xff'),
  },
  {
    name: 'binary file (a PNG header) (DZ0003 at the first byte)',
    files: { [F]: Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]) },
    code: 'DZ0003',
    line: 1,
    col: 1,
  },
  {
    name: 'invalid UTF-8 in a file with lone-CR line endings (DZ0003 on the right line)',
    // Lines end with '\r' only: the bad byte is on line 4, col 14, as the rest of the compiler counts lines
    files: { [F]: bytes(`${APP}entity X "X":\n  id: uuid pk`.replace(/\n/g, '\r'), [0xff], '\r') },
    code: 'DZ0003',
    line: 4,
    col: 14,
  },
  {
    name: 'invalid UTF-8 after an astral character (DZ0003 column in the same units as every other span)',
    // '# 😀é' then 0xff: '😀' is two UTF-16 units (cols 3-4, as DZ1001 counts it), 'é' col 5, the bad byte col 6
    files: { [F]: bytes(`${APP}# 😀é`, [0xff], '\n') },
    code: 'DZ0003',
    line: 3,
    col: 6,
  },
  {
    name: 'NUL byte in otherwise valid text (DZ0004 with its line and column)',
    // '  na\0me: str(50)' — the NUL is col 5 of line 5
    files: { [F]: `${APP}${USER.replace('name:', 'na\u0000me:')}` },
    code: 'DZ0004',
    line: 5,
    col: 5,
  },
  {
    name: 'a single 10 MB line of one word finishes (accepted as an opaque line)',
    files: () => ({ [F]: `${APP}${'x'.repeat(MB10)}\n` }),
    code: null,
    timeoutMs: 120_000,
  },
  {
    name: 'a 10 MB string in a property finishes (accepted)',
    files: () => ({ [F]: `${APP}service S "S":\n  description: "${'x'.repeat(MB10)}"\n` }),
    code: null,
    timeoutMs: 120_000,
  },

  // ---- line endings and byte-order mark ----
  {
    name: 'CRLF line endings on a valid file: no errors, spans on the right lines',
    files: { [F]: `${APP}${USER}`.replace(/\n/g, '\r\n') },
    code: null,
    extra: (r) => expect(fieldPositions(r)).toEqual(USER_FIELDS),
  },
  {
    name: 'CRLF line endings: an error is on the right line and column',
    files: { [F]: REF_USR.replace(/\n/g, '\r\n') },
    code: 'DZ3004',
    line: 8,
    col: 14,
  },
  {
    name: 'lone CR line endings on a valid file: no errors, spans on the right lines',
    files: { [F]: `${APP}${USER}`.replace(/\n/g, '\r') },
    code: null,
    extra: (r) => expect(fieldPositions(r)).toEqual(USER_FIELDS),
  },
  {
    name: 'lone CR line endings: an error is on the right line and column',
    files: { [F]: REF_USR.replace(/\n/g, '\r') },
    code: 'DZ3004',
    line: 8,
    col: 14,
  },
  {
    name: 'UTF-8 BOM on a valid file: no errors, columns not shifted',
    files: { [F]: bytes(BOM, `${APP}${USER}`) },
    code: null,
    extra: (r) => {
      expect(fieldPositions(r)).toEqual(USER_FIELDS);
      expect(r.value.spec?.app.span).toMatchObject({ line: 2, col: 1 });
    },
  },
  {
    name: 'UTF-8 BOM: an error on line 1 is not shifted by the BOM',
    // 'module test.app §' — '§' is col 17
    files: { [F]: bytes(BOM, `module test.app §\napp test_app "Test App"\n`) },
    code: 'DZ1001',
    line: 1,
    col: 17,
  },
];

function filesOf(row: Row): Files {
  return typeof row.files === 'function' ? row.files() : row.files;
}

describe('malformed input: the first error, where it is, and no AppSpec', () => {
  it('has at least 34 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(34);
  });

  for (const row of ROWS) {
    it(
      row.name,
      () => {
        let result: FrontEndResult | undefined;
        expect(() => {
          result = checkTexts(filesOf(row));
        }).not.toThrow();
        const r = result as FrontEndResult;
        const errors: Diagnostic[] = r.diagnostics.filter((d) => d.severity === 'error');

        if (row.code === null) {
          expect(errors).toEqual([]);
          expect(r.value.spec).toBeDefined();
          row.extra?.(r);
          return;
        }

        expect(r.value.spec).toBeUndefined();
        const first = errors[0];
        expect(first, 'expected an error').toBeDefined();
        if (!first) return;
        expect(first.code).toBe(row.code);
        expect(first.span?.file).toBe(row.file ?? F);
        if (row.line !== undefined) expect(first.span?.line).toBe(row.line);
        if (row.col !== undefined) expect(first.span?.col).toBe(row.col);
        if (row.hint !== undefined) expect(first.hint).toContain(row.hint);
        if (row.related) {
          const want = row.related;
          const rel = first.related.find((x) => x.message.includes(want.message));
          expect(rel, `related '${want.message}'`).toBeDefined();
          expect(rel?.span.file).toBe(want.file ?? F);
          expect(rel?.span.line).toBe(want.line);
          if (want.col !== undefined) expect(rel?.span.col).toBe(want.col);
        }
        row.extra?.(r);
      },
      row.timeoutMs,
    );
  }
});

// ---- the same mistakes through the real `dazzle check` process ----

interface CliRow {
  readonly name: string;
  readonly files: Files | (() => Files);
  readonly exit: number;
  /** A line stderr must contain, e.g. `dsl/app.dsl:5:1 - error DZ1003`. */
  readonly stderr: string;
  readonly timeoutMs?: number;
}

const TOML = '[project]\nname = "malformed"\n\n[modules]\npaths = ["./dsl"]\n';

const CLI_ROWS: readonly CliRow[] = [
  {
    name: 'empty project (an empty dsl/ folder): DZ0002',
    files: { 'dazzle.toml': TOML, 'dsl/.keep': '' },
    exit: 2,
    stderr: 'error DZ0002: no .dsl files found',
  },
  {
    name: 'tab and space mixed in one line: DZ1003',
    files: { 'dazzle.toml': TOML, [F]: task('  id: uuid pk', ' \ttitle: str(20)') },
    exit: 2,
    stderr: 'dsl/app.dsl:5:1 - error DZ1003',
  },
  {
    name: "ref Usr: DZ3004 with did you mean 'User'",
    files: { 'dazzle.toml': TOML, [F]: REF_USR },
    exit: 2,
    stderr: 'dsl/app.dsl:8:14 - error DZ3004',
  },
  {
    name: 'binary garbage: DZ0003',
    files: { 'dazzle.toml': TOML, [F]: bytes(`${APP}entity X "X":\n  id: uuid pk`, [0xff, 0xfe, 0x00, 0x80]) },
    exit: 2,
    stderr: 'dsl/app.dsl:4:14 - error DZ0003',
  },
  {
    name: 'a 10 MB string in a property: accepted, no internal error',
    files: () => ({ 'dazzle.toml': TOML, [F]: `${APP}service S "S":\n  description: "${'x'.repeat(MB10)}"\n` }),
    exit: 0,
    stderr: '',
    timeoutMs: 120_000,
  },
];

describe('malformed input through `dazzle check` (the built CLI)', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  for (const row of CLI_ROWS) {
    it(
      row.name,
      () => {
        const dir = tempProject(typeof row.files === 'function' ? row.files() : row.files);
        dirs.push(dir);
        // Run from inside the project so paths print as `dsl/app.dsl`.
        const r = runCli(['check', '-p', '.'], { cwd: dir, timeoutMs: row.timeoutMs ?? 30_000 });
        expect(r.stderr).not.toMatch(STACK_TRACE);
        expect(r.stdout).not.toMatch(STACK_TRACE);
        expect(r.stderr).not.toContain('DZ9001');
        expect(r.code, r.stderr).toBe(row.exit);
        if (row.exit === 2) {
          expect(r.stderr).toContain(row.stderr);
          expect(r.stdout).toBe('');
        } else {
          expect(r.stdout).toMatch(/^ok: app 'test_app'/);
        }
      },
      row.timeoutMs,
    );
  }
});
