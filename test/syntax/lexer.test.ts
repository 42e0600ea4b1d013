import { describe, expect, it } from 'vitest';
import { SourceText } from '../../src/diagnostics/index.js';
import { lex } from '../../src/syntax/index.js';

function kinds(text: string): string[] {
  const r = lex(new SourceText('t.dsl', text));
  expect(r.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  return r.tokens.map((t) => (t.tokenType.name === 'Newline' ? 'NL' : t.tokenType.name === 'Indent' ? 'IN' : t.tokenType.name === 'Dedent' ? 'DE' : `${t.tokenType.name}:${t.image}`));
}

describe('lexer', () => {
  it('produces INDENT/DEDENT from indentation, ignoring blank and comment lines', () => {
    expect(kinds('entity A:\n  x: int\n\n  # note\n    # deeper comment\n  y: text\nledger L:\n')).toEqual([
      'Kw_entity:entity', 'Identifier:A', 'Colon::', 'NL',
      'IN', 'Identifier:x', 'Colon::', 'Identifier:int', 'NL',
      'Identifier:y', 'Colon::', 'Identifier:text', 'NL',
      'DE', 'Kw_ledger:ledger', 'Identifier:L', 'Colon::', 'NL',
    ]);
  });

  it('closes every open block at end of file, and adds the final NEWLINE', () => {
    expect(kinds('a:\n  b:\n    c')).toEqual(['Identifier:a', 'Colon::', 'NL', 'IN', 'Identifier:b', 'Colon::', 'NL', 'IN', 'Identifier:c', 'NL', 'DE', 'DE']);
  });

  it('counts a tab as four spaces', () => {
    expect(kinds('a:\n\tb\n    c\n')).toEqual(['Identifier:a', 'Colon::', 'NL', 'IN', 'Identifier:b', 'NL', 'Identifier:c', 'NL', 'DE']);
  });

  it('reports a file that indents with tabs in some lines and spaces in others (warning)', () => {
    const r = lex(new SourceText('t.dsl', 'a:\n\tb\n    c\n'));
    expect(r.diagnostics.map((d) => [d.code, d.severity, d.span?.line])).toEqual([['DZ1009', 'warning', 3]]);
  });

  it('joins lines inside brackets', () => {
    expect(kinds('x: [a,\n      b]\n')).toEqual(['Identifier:x', 'Colon::', 'LBracket:[', 'Identifier:a', 'Comma:,', 'Identifier:b', 'RBracket:]', 'NL']);
  });

  it('lexes strings with escapes, numbers, durations and operators', () => {
    expect(kinds('a: "x \\"y\\" \\\\ z" 42 3.5 7d 24h 30min 15m 1mo 5 days -> <- <-> == != >= <= =\n')).toEqual([
      'Identifier:a', 'Colon::', 'String:"x \\"y\\" \\\\ z"', 'Number:42', 'Number:3.5', 'Duration:7d', 'Duration:24h', 'Duration:30min',
      'Duration:15m', 'Duration:1mo', 'Number:5', 'Identifier:days', 'Arrow:->', 'LeftArrow:<-', 'BiArrow:<->', 'EqEq:==', 'NotEq:!=',
      'GtEq:>=', 'LtEq:<=', 'Eq:=', 'NL',
    ]);
  });

  it('re-types keywords, which still match wherever a name is expected', () => {
    expect(kinds('transaction ledger:\n')).toEqual(['Kw_transaction:transaction', 'Kw_ledger:ledger', 'Colon::', 'NL']);
  });

  it('accepts CRLF and lone CR line endings', () => {
    const expected = ['Identifier:a', 'Colon::', 'NL', 'IN', 'Identifier:b', 'NL', 'DE'];
    expect(kinds('a:\r\n  b\r\n')).toEqual(expected);
    expect(kinds('a:\r  b\r')).toEqual(expected);
  });

  it('computes positions in one place: offsets map to 1-based line and column', () => {
    const s = new SourceText('t.dsl', 'ab\r\ncd\ref\ngh');
    expect(s.position(0)).toEqual({ line: 1, col: 1 });
    expect(s.position(5)).toEqual({ line: 2, col: 2 });
    expect(s.position(7)).toEqual({ line: 3, col: 1 });
    expect(s.position(10)).toEqual({ line: 4, col: 1 });
    expect(s.lineText(2)).toBe('cd');
  });
});

describe('spans', () => {
  it('end at the last token of a construct: trailing comments and blank lines are not included', async () => {
    const { checkTexts } = await import('../helpers.js');
    const r = checkTexts({ 'dsl/app.dsl': 'app a "A"\nsurface s "S":  # header comment\n  uses entity X  # trailing\n\n# between\npersona p "P":\n  goals: x\n' });
    expect(r.diagnostics).toEqual([]);
    const [s, p] = r.value.spec?.constructs ?? [];
    expect(s?.text).toBe('surface s "S":  # header comment\n  uses entity X');
    expect(s?.span).toMatchObject({ line: 2, col: 1, endLine: 3, endCol: 16 });
    expect(p?.text).toBe('persona p "P":\n  goals: x');
  });
});
