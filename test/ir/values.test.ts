/**
 * Values that would corrupt the output or fail at synth are errors at `dazzle
 * check`, at their value: control characters and line separators, numbers
 * that are not decimal, from addresses that are not addresses, time zones
 * that are not IANA names, storage bindings that are not names.
 */
import { describe, expect, it } from 'vitest';
import type { Diagnostic } from '../../src/diagnostics/index.js';
import { decimalInteger, describeCharacter, forbiddenCharacter, isEmailAddress } from '../../src/ir/values.js';
import { APP, checkTexts, runCli, tempProject } from '../helpers.js';

const check = (dsl: string) => checkTexts({ 'dsl/app.dsl': `${APP}${dsl}` }).diagnostics;
const where = (ds: readonly Diagnostic[]) => ds.map((d) => [d.code, `${d.span?.line}:${d.span?.col}`]);

const schedule = (timezone: string) => `schedule nightly "Nightly":
  cron: "0 2 * * *"
  timezone: "${timezone}"
`;
const queue = (setting: string) => `channel jobs "Jobs":
  kind: queue
  config:
    ${setting}
`;
const email = (from: string) => `channel receipts "Receipts":
  kind: email
  config:
    from_address: "${from}"
`;

describe('control characters and line separators', () => {
  it('a time zone carrying code (\\n escape) is rejected at the escape, and only once', () => {
    const ds = check(schedule('UTC\\nprocess.exit(42);//'));
    expect(where(ds)).toEqual([['DZ2206', '5:17']]);
    expect(ds[0]?.message).toContain('U+000A (LINE FEED)');
    expect(ds[0]?.span).toMatchObject({ endCol: 19, length: 2 });
  });

  it.each([
    ['U+2028', '\u2028', 'LINE SEPARATOR'],
    ['U+2029', '\u2029', 'PARAGRAPH SEPARATOR'],
    ['U+0085', '\u0085', 'NEXT LINE'],
    ['U+0007', '\u0007', 'a control character'],
    ['U+200B', '\u200b', 'ZERO WIDTH SPACE'],
    ['U+202E', '\u202e', 'RIGHT-TO-LEFT OVERRIDE'],
  ])('a raw %s in a time zone is rejected at the character', (_, c, name) => {
    const ds = check(schedule(`Europe/London${c}`));
    expect(where(ds)).toEqual([['DZ2206', '5:27']]);
    expect(ds[0]?.message).toContain(name);
  });

  it('in an email address, a cron, an interval, a dead-letter count and a retention', () => {
    const ds = check(`${email('billing\u2028@example.com')}
schedule a "A":
  cron: "0\\t2 * * *"

schedule b "B":
  interval: "15m\\r"

${queue('dead_letter_after: "3\u2029"')}
channel events "Events":
  kind: stream
  config:
    retention: "7d\u001b"
`);
    expect(where(ds)).toEqual([
      ['DZ2206', '6:27'],
      ['DZ2206', '9:11'],
      ['DZ2206', '12:17'],
      ['DZ2206', '17:26'],
      ['DZ2206', '22:19'],
    ]);
  });

  it('titles are one line; descriptions may hold \\t and \\n but no separator or override', () => {
    const ds = check(`channel a "Line\\nbreak":
  kind: queue
  description: "First line.\\n\\tSecond line, with an emoji 👩‍💻."

channel b "B":
  kind: queue
  description: "Reordered \u202e text"

channel c "C\u2028":
  kind: queue
`);
    expect(where(ds)).toEqual([
      ['DZ2206', '3:9'],
      ['DZ2206', '9:27'],
      ['DZ2206', '11:9'],
    ]);
  });

  it('`dazzle check` exits 2 at the line (it passed before, and the value reached the generated code)', () => {
    const dir = tempProject({ 'dsl/app.dsl': `${APP}${schedule('UTC\\nprocess.exit(42);//')}` });
    const r = runCli(['check', '-p', dir]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('dsl/app.dsl:5:17 - error DZ2206:');
  });

  it('forbiddenCharacter: plain values hold printable text only; prose keeps tab and line feed', () => {
    expect(forbiddenCharacter('Europe/London', 'plain')).toBe(-1);
    expect(forbiddenCharacter('Zürich – café', 'plain')).toBe(-1);
    expect(forbiddenCharacter('a\tb', 'plain')).toBe(1);
    expect(forbiddenCharacter('a\tb\nc', 'prose')).toBe(-1);
    expect(forbiddenCharacter('a\tb', 'label')).toBe(1);
    expect(forbiddenCharacter('👩‍💻', 'prose')).toBe(-1);
    expect(forbiddenCharacter('👩‍💻', 'plain')).toBe(2);
    expect(describeCharacter('\u0001')).toBe('U+0001 (a control character)');
  });
});

describe('numbers are decimal whole numbers as written', () => {
  it.each([['"0x10"'], ['1e3'], ['" 12"'], ['0b1'], ['0'], ['-1'], ['1001'], ['three'], ['2.5']])('dead_letter_after: %s is DZ5002 at the value', (v) => {
    const ds = check(queue(`dead_letter_after: ${v}`));
    expect(where(ds)).toEqual([['DZ5002', '6:24']]);
  });

  it('max_retries too (lowering reads it as the dead-letter count)', () => {
    expect(where(check(queue('max_retries: 0x3')))).toEqual([['DZ5002', '6:18']]);
  });

  it('accepts decimal counts, leading zeros included', () => {
    expect(check(queue('dead_letter_after: 5'))).toEqual([]);
    expect(check(queue('dead_letter_after: "1000"'))).toEqual([]);
    expect(check(queue('dead_letter_after: 007'))).toEqual([]);
  });

  it('a whole number too large to keep exactly is DZ2207', () => {
    const ds = check(`llm_model fast "Fast":
  provider: anthropic
  max_tokens: 99999999999999999999
`);
    expect(where(ds)).toEqual([['DZ2207', '5:15']]);
  });

  it('the IR reads whole numbers in decimal only', () => {
    const spec = checkTexts({ 'dsl/app.dsl': `${APP}ledger Wallet "W":\n  account_code: 0100\n  ledger_id: 1\n  account_type: asset\n  currency: GBP\n` }).value.spec;
    expect(spec?.ledgers[0]?.accountCode).toBe(100);
    expect(decimalInteger('0x10')).toBeNull();
    expect(decimalInteger('1e3')).toBeNull();
    expect(decimalInteger(' 12')).toBeNull();
    expect(decimalInteger('0b1')).toBeNull();
    expect(decimalInteger('12.0')).toBeNull();
    expect(decimalInteger('9007199254740992')).toBeNull();
    expect(decimalInteger('9007199254740991')).toBe(Number.MAX_SAFE_INTEGER);
  });
});

describe('an email channel sends from an email address', () => {
  it.each([['not-an-email'], ['Billing <billing@example.com>'], ['billing@localhost'], ['a b@example.com'], ['@example.com'], ['billing@example..com'], ['billing@-example.com']])(
    'from_address %j is DZ2208 at the value',
    (from) => {
      const ds = check(email(from));
      expect(where(ds)).toEqual([['DZ2208', '6:19']]);
    },
  );

  it('a display name gets a hint with the address alone', () => {
    expect(check(email('Billing <billing@example.com>'))[0]?.hint).toContain('from_address: "billing@example.com"');
  });

  it('config() is not an address either (the generated app stopped at synth)', () => {
    const ds = check(`channel receipts "Receipts":\n  kind: email\n  config:\n    from_address: config("FROM")\n`);
    expect(where(ds)).toEqual([['DZ2208', '6:19']]);
  });

  it.each([['noreply@example.com'], ['first.last+tag@mail.example.co.uk'], ['o\'brien@example.org'], ['x@xn--80ak6aa92e.xn--p1ai']])('accepts %s', (from) => {
    expect(check(email(from))).toEqual([]);
    expect(isEmailAddress(from)).toBe(true);
  });
});

describe('schedule time zones are IANA names', () => {
  it.each([['UTC'], ['Etc/UTC'], ['Europe/London'], ['America/New_York'], ['US/Eastern'], ['Asia/Calcutta'], ['Asia/Kolkata']])('accepts %s', (tz) => {
    expect(check(schedule(tz))).toEqual([]);
  });

  it.each([
    ['Europe/Londn', "did you mean 'Europe/London'?"],
    ['europe/london', "did you mean 'Europe/London'?"],
    ['America/New York', "did you mean 'America/New_York'?"],
  ])('%s is DZ2209 at the value, with the near miss', (tz, hint) => {
    const ds = check(schedule(tz));
    expect(where(ds)).toEqual([['DZ2209', '5:13']]);
    expect(ds[0]?.hint).toBe(hint);
  });

  it('a name far from any zone gets examples', () => {
    const ds = check(schedule('Mars/Olympus_Mons'));
    expect(where(ds)).toEqual([['DZ2209', '5:13']]);
    expect(ds[0]?.hint).toMatch(/IANA tz database \(release \d{4}[a-z]\)/);
  });
});

describe('storage bindings are plain names', () => {
  it('storage="my files" is DZ2210, and no collision is reported for it', () => {
    const ds = check(`entity Doc "Doc":\n  id: uuid pk\n  scan: file storage="my files"\n  photo: image storage="my files"\n`);
    expect(ds.map((d) => d.code)).toEqual(['DZ2210', 'DZ2210']);
    expect(ds[0]?.span?.line).toBe(5);
  });
});
