/**
 * A file is read a run of top-level statements at a time (`StatementLexer`), so
 * that its tokens and syntax trees never exist whole. That must change nothing:
 * the runs carry exactly the tokens of the whole-file lexer, each parses on its
 * own, valid files never fall back to the whole-file path, and the result of
 * `parseSource` equals `parseWholeSource`'s for any piece size, mistakes
 * included. (Mutated corpus files are checked the same way in fuzz.test.ts.)
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { IToken } from 'chevrotain';
import { describe, expect, it } from 'vitest';
import { SourceText, type Diagnostic } from '../../src/diagnostics/index.js';
import { lex, parseSource, parseWholeSource } from '../../src/syntax/index.js';
import { PIECE_CHARS, StatementLexer } from '../../src/syntax/lexer.js';
import { parseTokens } from '../../src/syntax/parser.js';
import { APP, checkTexts, CORPUS, HAS_SHARED, REPO, sharedCases } from '../helpers.js';

function dslFiles(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) dslFiles(p, out);
    else if (name.endsWith('.dsl')) out.push(p);
  }
  return out;
}

/** Every DSL file of the corpus (projects and appspec corpora) and of the examples. */
const FILES = [...sharedCases('the corpus DSL files', () => dslFiles(CORPUS)), ...dslFiles(join(REPO, 'examples'))].map((p) => ({ path: p, text: readFileSync(p, 'utf8') }));
const PIECES = [0, 1, 7, 64, 500, PIECE_CHARS, 1e9];

const shape = (t: IToken) => `${t.tokenType.name}:${t.image}@${t.startOffset}`;
const errors = (ds: readonly Diagnostic[]) => ds.filter((d) => d.severity === 'error');

/** The runs a StatementLexer hands over, or undefined when the file has a lexical mistake. */
function runs(text: string, piece: number): { runs: IToken[][]; warnings: Diagnostic[] } | undefined {
  const lexer = new StatementLexer(new SourceText('t.dsl', text), piece);
  const out: IToken[][] = [];
  for (let run = lexer.next(); run; run = lexer.next()) out.push(run);
  return lexer.failed ? undefined : { runs: out, warnings: lexer.warnings };
}

/** `count` entities, one of which (`bad`) has the given body line instead of its second field. */
function entities(count: number, bad = -1, badLine = ''): string {
  const out = [APP];
  for (let i = 0; i < count; i++) out.push(`entity Thing${i} "Thing ${i}":\n  id: uuid pk\n${i === bad ? badLine : '  n: str(9) required'}\n\n`);
  return out.join('');
}

describe('StatementLexer', () => {
  it('hands over exactly the tokens of lex(), in runs that each parse on their own, for any piece size', () => {
    let streamed = 0;
    for (const f of FILES) {
      const whole = lex(new SourceText('t.dsl', f.text));
      if (errors(whole.diagnostics).length > 0 || parseTokens(whole.tokens).error) continue;
      for (const piece of PIECES) {
        const r = runs(f.text, piece);
        expect(r, `${f.path}, pieces of ${piece}`).toBeDefined();
        if (!r) continue;
        expect(r.runs.flat().map(shape), `${f.path}, pieces of ${piece}`).toEqual(whole.tokens.map(shape));
        expect(r.warnings).toEqual(whole.diagnostics);
        for (const run of r.runs) expect(parseTokens(run, new SourceText('t.dsl', f.text)).error, `${f.path}, pieces of ${piece}`).toBeUndefined();
      }
      streamed++;
    }
    // The examples' files, and the corpus's when ../shared is there.
    expect(streamed).toBeGreaterThan(HAS_SHARED ? 10 : 2);
  });

  it('splits a file into many runs, each made of whole top-level statements', () => {
    const text = entities(300);
    const r = runs(text, PIECE_CHARS);
    expect(r?.runs.length).toBeGreaterThan(5);
    for (const run of r?.runs ?? []) {
      // A run starts with a declaration's keyword in column 1, and ends with the block of its last one closed.
      const first = run[0] as IToken;
      expect(['module', 'entity']).toContain(first.image);
      expect(first.startOffset === 0 || text[first.startOffset - 1] === '\n').toBe(true);
      const depth = run.reduce((d, t) => d + (t.tokenType.name === 'Indent' ? 1 : t.tokenType.name === 'Dedent' ? -1 : 0), 0);
      expect([depth, run[run.length - 1]?.tokenType.name]).toEqual([0, 'Dedent']);
    }
  });

  it('fails on a lexical mistake anywhere in the file', () => {
    expect(runs(entities(200, 150, '  n: str(9) €'), 64)).toBeUndefined();
    expect(runs(entities(200, 150, '\t  n: int'), 64)).toBeUndefined();
    expect(runs(entities(200, 150, '  n: [int'), 64)).toBeUndefined();
    expect(runs(entities(200, 150, '  n: str(9) ]'), 64)).toBeUndefined();
  });
});

describe('parseSource', () => {
  it('equals parseWholeSource on every corpus file, for any piece size', () => {
    for (const f of FILES) {
      const source = new SourceText(f.path, f.text);
      const whole = JSON.stringify(parseWholeSource(source));
      for (const piece of PIECES) expect(JSON.stringify(parseSource(new SourceText(f.path, f.text), piece)), `${f.path}, pieces of ${piece}`).toBe(whole);
    }
  });

  it('reports a mistake far into a large file exactly as the whole-file parse does', () => {
    const cases: [string, string, number][] = [
      // [the bad line, the code, the line of the first error]
      ['  n: str(9) required )', 'DZ1007', 3 + 150 * 4 + 2],
      ['  n: str(9) required\n  x: enum[a b]', 'DZ2001', 3 + 150 * 4 + 3],
      ['  n: decimal(0,2)', 'DZ2102', 3 + 150 * 4 + 2],
      ['  n: str(9) requird', 'DZ2103', 3 + 150 * 4 + 2],
      ['    n: str(9)', 'DZ1005', 3 + 150 * 4 + 2],
    ];
    for (const [line, code, at] of cases) {
      const text = entities(200, 150, line);
      const streamed = parseSource(new SourceText('t.dsl', text));
      expect(JSON.stringify(streamed)).toBe(JSON.stringify(parseWholeSource(new SourceText('t.dsl', text))));
      const first = streamed.diagnostics[0];
      expect([first?.code, first?.span?.line]).toEqual([code, at]);
    }
  });

  it('reports a syntax error met at the next statement (once), or before a later lexical mistake or tab warning, as the whole-file parse does', () => {
    const cases: [string, string[]][] = [
      // an entity without a body: the whole-file parse finds the next entity where the block should be
      [`${entities(100)}entity Broken "x":\n\n${entities(100).slice(APP.length)}`, ['DZ2001']],
      // the same as the last statement of the file
      [`${entities(100)}entity Broken "x":\n`, ['DZ2002']],
      // a syntax error, then a character that is not part of the language: lexical mistakes come first, and both are reported
      [`${entities(100, 50, '  n: enum[a b]')}entity Late:\n  x: int ¤\n`, ['DZ1001', 'DZ2001']],
      // a syntax error in a file that indents with tabs in one place: the warning, then the error
      [`${entities(100, 50, '  n: enum[a b]')}entity Late:\n\tx: int\n`, ['DZ1009', 'DZ2001']],
    ];
    for (const [text, codes] of cases) {
      const streamed = parseSource(new SourceText('t.dsl', text), 300);
      expect(JSON.stringify(streamed)).toBe(JSON.stringify(parseWholeSource(new SourceText('t.dsl', text))));
      expect(streamed.diagnostics.map((d) => d.code)).toEqual(codes);
    }
  });

  it('reads a file with an unfinished last statement like the whole-file parse', () => {
    for (const tail of ['entity Last:', 'entity Last:\n', 'entity', 'entity Last "T":\n  id: uuid pk\n    # x\n  n: ', 'app extra "x"\n  description: "y"']) {
      const text = entities(100) + tail;
      expect(JSON.stringify(parseSource(new SourceText('t.dsl', text), 64))).toBe(JSON.stringify(parseWholeSource(new SourceText('t.dsl', text))));
    }
  });
});

describe('front end at scale', () => {
  it('reports 150,000 warnings in one file without running out of stack', () => {
    const r = checkTexts({ 'dsl/app.dsl': `${APP}entity A:\n  id: uuid pk${' x'.repeat(150_000)}\n` });
    expect(r.diagnostics.length).toBe(150_000);
    expect(new Set(r.diagnostics.map((d) => d.code))).toEqual(new Set(['DZ2103']));
    expect(r.value.spec?.entities.map((e) => e.name)).toEqual(['A']);
  });

  it('reports 150,000 warnings and a syntax error in one file (read again whole, with recovery) without running out of stack', () => {
    const r = checkTexts({ 'dsl/app.dsl': `${APP}entity A:\n  id: uuid pk${' x'.repeat(150_000)}\n  n: enum[a b]\n` });
    expect(r.diagnostics.filter((d) => d.code === 'DZ2103')).toHaveLength(150_000);
    expect(r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['DZ2001']);
  });
});
