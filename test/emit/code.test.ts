/**
 * The escaping functions of generated code, as properties over any string (full Unicode, lone
 * surrogates, every line terminator, quotes, `${`, backticks, comment ends): a TypeScript literal
 * evaluates back to the same string; a comment adds no code and leaves the next line intact; a
 * shell word is the same string to a real bash; an identifier is checked, never escaped.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InternalError } from '../../src/diagnostics/index.js';
import { comment, commentBlock, header, ident, jsdoc, json, lineComment, lit, mdCode, mdText, propKey, provenance, str, tpl } from '../../src/emit/code.js';
import type { Because } from '../../src/lower/index.js';
import { asBytes, evaluateAll, generatedShellWord, run, shellWords, transpile } from './evaluate.js';

/** Pieces that break naive escaping, and payloads that would run if they escaped. */
const NASTY = [
  '\n', '\r', '\r\n', '\u2028', '\u2029', '\u0085', '\u000b', '\f', '\0', '\u001b', '\u007f', '\t', '\b',
  "'", '"', '`', '\\', '$', '${', '}', '*/', '/*', '//', '<!--', '-->', '#!', '$(', ';', '&&', '|',
  '\ud800', '\udfff', '\udbff\udfff', '\u202e', '\u2066', '\ufeff', '\u200b', 'é', '💥',
  "');out.pwned=1;('", '*/out.pwned=1;/*', '\nout.pwned=1;//', '`;out.pwned=1;`', '${out.pwned=1}', '\u2028out.pwned=1;//',
  "'; touch /tmp/dazzle-pwned; '", '$(touch /tmp/dazzle-pwned)', '`touch /tmp/dazzle-pwned`',
];

/** Any single UTF-16 code unit (lone surrogates included), any code point, or a nasty piece. */
const unit = fc.oneof(
  fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c)),
  fc.integer({ min: 0, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
  fc.constantFrom(...NASTY),
);
const anyString = fc.oneof(fc.string({ unit, maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'grapheme', maxLength: 20 }));
const batch = fc.array(anyString, { minLength: 1, maxLength: 60 });
const RUNS = { seed: 9, numRuns: 40 };

describe('str: the TypeScript string literal', () => {
  it('evaluates back to exactly the string, for any string', () => {
    fc.assert(
      fc.property(batch, (strings) => {
        expect(evaluateAll(strings.map(str))).toEqual(strings);
      }),
      RUNS,
    );
  });

  it('holds no line terminator, control or invisible character, and no lone surrogate', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const out = str(s);
        expect(out).not.toMatch(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/);
        expect(out).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
        expect(out.startsWith("'") && out.endsWith("'")).toBe(true);
      }),
      { seed: 5, numRuns: 2000 },
    );
  });

  it('is readable and byte-stable: JSON escapes, single quotes, printable text as it is', () => {
    expect(str('Europe/London')).toBe("'Europe/London'");
    expect(str("it's")).toBe("'it\\'s'");
    expect(str('a\\b')).toBe("'a\\\\b'");
    expect(str('UTC\nprocess.exit(42);//')).toBe("'UTC\\nprocess.exit(42);//'");
    expect(str('a\u2028b\u2029c\u0085d')).toBe("'a\\u2028b\\u2029c\\u0085d'");
    expect(str('\u0000\u001b\t\r')).toBe("'\\u0000\\u001b\\t\\r'");
    expect(str('\ud800x\udc00')).toBe("'\\ud800x\\udc00'");
    expect(str('é 💥 "${x}" `y`')).toBe('\'é 💥 "${x}" `y`\'');
  });

  it('tpl: the text of a template literal evaluates back to the string', () => {
    fc.assert(
      fc.property(batch, (strings) => {
        // Followed by `{` too: a trailing `$` must not start a substitution.
        expect(evaluateAll(strings.map((s) => `\`${tpl(s)}{x}\``))).toEqual(strings.map((s) => `${s}{x}`));
      }),
      RUNS,
    );
  });

  it('lit: plain data with any keys and strings evaluates back to equal data', () => {
    const data = fc.dictionary(anyString, fc.oneof(anyString, fc.integer(), fc.boolean(), fc.constant(null), fc.array(anyString, { maxLength: 3 })), { maxKeys: 6, noNullPrototype: true });
    fc.assert(
      fc.property(fc.array(data, { minLength: 1, maxLength: 20 }), (values) => {
        expect(evaluateAll(values.map(lit))).toEqual(values);
      }),
      RUNS,
    );
    expect(() => lit(Number.NaN)).toThrow(InternalError);
    expect(() => lit(Number.POSITIVE_INFINITY)).toThrow(InternalError);
    expect(() => lit(undefined)).toThrow(InternalError);
  });

  it('propKey: an identifier stays bare; any other key is a literal and names the same property', () => {
    expect(propKey('DATABASE_HOST')).toBe('DATABASE_HOST');
    expect(propKey("A: 1, B: (()=>{ out.pwned = 1 })(), C")).toBe("'A: 1, B: (()=>{ out.pwned = 1 })(), C'");
    fc.assert(
      fc.property(batch, (keys) => {
        expect(evaluateAll(keys.map((k) => `Object.keys({ ${propKey(k)}: 1 })[0]`))).toEqual(keys.map((k) => String(k)));
      }),
      RUNS,
    );
  });
});

describe('json: generated JSON files', () => {
  it('parses back to the same data, with no raw character but the line feeds of its indentation', () => {
    const data = fc.dictionary(anyString, fc.oneof(anyString, fc.array(anyString, { maxLength: 3 })), { maxKeys: 6, noNullPrototype: true });
    fc.assert(
      fc.property(data, fc.constantFrom(undefined, 2), (value, space) => {
        const text = json(value, space);
        expect(JSON.parse(text)).toEqual(value);
        expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/);
      }),
      { seed: 8, numRuns: 500 },
    );
  });
});

describe('comment: text in // and JSDoc comments', () => {
  it('never ends the comment or starts a line: the next line runs, and nothing else', () => {
    fc.assert(
      fc.property(batch, (strings) => {
        const source = [
          ...strings.map((s, i) => `${lineComment(s, '  ')}\nout.line${i} = ${i};`),
          ...strings.map((s, i) => `${jsdoc(s)}\nout.doc${i} = ${i};`),
          `/* ${comment(strings.join(''))} */ out.inline = 1;`,
        ].join('\n');
        const expected = [...strings.map((_, i) => `out.line${i} = ${i};`), ...strings.map((_, i) => `out.doc${i} = ${i};`), 'out.inline = 1;'].join('\n');
        // The comments add no code at all: without them, the program is the same program.
        expect(transpile(source)).toBe(transpile(expected));
        const { out, globals } = run(source);
        expect(globals).toEqual([]);
        expect(Object.keys(out)).toHaveLength(2 * strings.length + 1);
        expect(out.pwned).toBeUndefined();
      }),
      RUNS,
    );
  });

  it('holds no line terminator and no comment end', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        const c = comment(s);
        expect(c).not.toMatch(/[\n\r\u0085\u2028\u2029\u000b\f]/);
        expect(c).not.toContain('*/');
      }),
      { seed: 6, numRuns: 2000 },
    );
    expect(comment('UTC\nprocess.exit(42);//')).toBe('UTC\\nprocess.exit(42);//');
    expect(comment('a */ b \u2028 c')).toBe('a *\\/ b \\u2028 c');
  });

  it('provenance, commentBlock and header neutralise names, file names and config values', () => {
    const span = { file: 'dsl/m\nprocess.exit(42);(0?a.dsl', line: 3, col: 1, endLine: 3, endCol: 2, offset: 0, length: 1 };
    const because: Because[] = [
      { kind: 'dsl', construct: 'schedule\u2028out.pwned=1;//', name: 'x*/out.pwned=1;/*', span },
      { kind: 'config', key: 'deploy.compute.env.X', source: { kind: 'default' }, value: '"a\u2029out.pwned=1;//"' },
    ];
    const lines = provenance(because, '.');
    expect(lines).toEqual(['schedule\\u2028out.pwned=1;// x*\\/out.pwned=1;/* (dsl/m\\nprocess.exit(42);(0?a.dsl:3)', 'deploy.compute.env.X = "a\\u2029out.pwned=1;//"']);
    const source = `${header('What\nout.pwned = 1;', 'app\u2028out.pwned = 2;', 'dev\r')}${commentBlock('Title */ out.pwned = 3; /*', because, '.', '    ')}\nout.after = 1;`;
    expect(run(source).out).toEqual({ after: 1 });
    expect(source.split('\n').filter((l) => !/^\s*\/\//.test(l))).toEqual(['out.after = 1;']);
  });
});

describe('ident: identifiers from names', () => {
  it('accepts identifiers and refuses everything else, never escaping', () => {
    expect(ident('bucketFiles')).toBe('bucketFiles');
    expect(ident('secretApiKey')).toBe('secretApiKey');
    for (const bad of ['', '1abc', 'a-b', 'a b', 'a\nb', 'new', 'class', 'a;b', 'é', 'x\u2028']) expect(() => ident(bad), JSON.stringify(bad)).toThrow(InternalError);
  });

  it('for any string: either refused, or an identifier a declaration accepts', () => {
    fc.assert(
      fc.property(batch, (names) => {
        const ok = names.filter((n) => {
          try {
            return ident(n) === n;
          } catch (e) {
            expect(e).toBeInstanceOf(InternalError);
            return false;
          }
        });
        // Each accepted name declares a variable (in a block of its own) that holds its value.
        const { out } = run(ok.map((n, i) => `{ let ${n} = ${i}; out[${i}] = ${n}; }`).join('\n'));
        expect(Object.values(out)).toEqual(ok.map((_, i) => i));
      }),
      RUNS,
    );
  });
});

describe('sh: the shell word of generated user data', () => {
  const sh = generatedShellWord();

  it('is the same string to a real bash, for any string without NUL', () => {
    fc.assert(
      fc.property(batch, (strings) => {
        const values = strings.map((s) => s.replace(/\0/g, ''));
        expect(shellWords(values.map(sh))).toEqual(values.map(asBytes));
      }),
      { seed: 3, numRuns: 30 },
    );
  });

  it('runs nothing: payloads stay words', () => {
    const payloads = ["'; out=pwned; '", '$(echo pwned)', '`echo pwned`', '"; echo pwned; "', "a'\n\necho pwned\n'b", '${HOME}', '$HOME', '!!', '*', '~', '-n', ''];
    expect(shellWords(payloads.map(sh))).toEqual(payloads);
    expect(sh("it's")).toBe("'it'\\''s'");
  });

  it('refuses NUL, which no program argument can hold', () => {
    expect(() => sh('a\0b')).toThrow(/NUL/);
  });
});

describe('Markdown', () => {
  it('mdCode and mdText keep every value on its line, and code spans closed', () => {
    fc.assert(
      fc.property(anyString, (s) => {
        for (const out of [mdCode(s), mdText(s)]) expect(out).not.toMatch(/[\n\r\u0085\u2028\u2029]/);
        const code = mdCode(s);
        const fence = /^`+/.exec(code)?.[0] ?? '';
        expect(code.endsWith(fence)).toBe(true);
        expect(code.slice(fence.length, -fence.length)).not.toContain(fence);
      }),
      { seed: 4, numRuns: 1000 },
    );
    expect(mdCode('myapp/api-key')).toBe('`myapp/api-key`');
    expect(mdCode('a`b')).toBe('``a`b``');
    expect(mdText('ledger_app')).toBe('ledger_app');
    expect(mdText('<img src=x>')).toBe('\\<img src=x\\>');
  });
});
