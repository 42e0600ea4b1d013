/** UTF-16 input is named as such (DZ0017), with or without a byte-order mark; UTF-8 text never is. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeSource, detectUtf16 } from '../../src/syntax/decode.js';

const utf16 = (text: string, order: 'le' | 'be', bom: boolean): Uint8Array => {
  const le = Buffer.from(text, 'utf16le');
  const body = order === 'le' ? le : Buffer.from(le).swap16();
  const mark = bom ? (order === 'le' ? [0xff, 0xfe] : [0xfe, 0xff]) : [];
  return new Uint8Array(Buffer.concat([Buffer.from(mark), body]));
};

/**
 * Text as DSL and TOML files hold it: mostly ASCII. Each ASCII run may be
 * followed by one other character (Latin-1, Greek, a symbol, CJK), so at least
 * half the UTF-16 code units have a zero byte, as in any real file.
 */
const textArb = fc
  .array(fc.tuple(fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz _:="()[]\n0123456789'), minLength: 1 }), fc.option(fc.constantFrom('é', 'ß', 'Ω', '€', '日'))), { minLength: 1, maxLength: 40 })
  .map((parts) => parts.map(([ascii, other]) => ascii + (other ?? '')).join(''));

describe('UTF-16 detection', () => {
  it('names the byte order and whether there is a BOM', () => {
    expect(detectUtf16(utf16('app t "T"\n', 'le', true))).toEqual({ order: 'little-endian', bom: true });
    expect(detectUtf16(utf16('app t "T"\n', 'be', true))).toEqual({ order: 'big-endian', bom: true });
    expect(detectUtf16(utf16('app t "T"\n', 'le', false))).toEqual({ order: 'little-endian', bom: false });
    expect(detectUtf16(utf16('app t "T"\n', 'be', false))).toEqual({ order: 'big-endian', bom: false });
  });

  it('property: text encoded as UTF-16 (either order, with or without BOM) is DZ0017 at 1:1, never DZ0003 or DZ0004', () => {
    fc.assert(
      fc.property(textArb, fc.constantFrom('le' as const, 'be' as const), fc.boolean(), (text, order, bom) => {
        const r = decodeSource('dsl/app.dsl', utf16(text, order, bom));
        expect(r.value).toBeUndefined();
        expect(r.diagnostics.map((d) => [d.code, d.span?.line, d.span?.col])).toEqual([['DZ0017', 1, 1]]);
        expect(r.diagnostics[0]?.message).toContain(order === 'le' ? 'little-endian' : 'big-endian');
      }),
    );
  });

  it('property: UTF-8 text (with or without a UTF-8 BOM) is never taken for UTF-16', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), fc.boolean(), (text, bom) => {
        const bytes = new TextEncoder().encode(`${bom ? '\ufeff' : ''}${text}`);
        expect(detectUtf16(bytes)).toBeUndefined();
      }),
    );
  });

  it('a NUL byte in UTF-8 text is still DZ0004, and binary data is still DZ0003', () => {
    expect(decodeSource('a.dsl', new TextEncoder().encode('module a\napp a "A"\u0000\n')).diagnostics.map((d) => d.code)).toEqual(['DZ0004']);
    const png = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52]);
    expect(decodeSource('a.dsl', png).diagnostics.map((d) => d.code)).toEqual(['DZ0003']);
  });
});
