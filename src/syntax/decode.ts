import { diag, fileSpan, SourceText, type Diagnostic, type Result } from '../diagnostics/index.js';

/**
 * Bytes → text, for DSL files and dazzle.toml. Accepts a UTF-8 BOM (dropped);
 * reports UTF-16 text (with or without a byte-order mark) as such, and invalid
 * UTF-8 and NUL bytes with the line and column where they occur.
 */
export function decodeSource(path: string, bytes: Uint8Array): Result<SourceText | undefined> {
  const utf16 = detectUtf16(bytes);
  if (utf16) return { value: undefined, diagnostics: [utf16Diagnostic(path, utf16)] };
  let start = 0;
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) start = 3;
  const bad = firstInvalidUtf8(bytes, start);
  if (bad !== -1) {
    const { line, col, offset } = bytePosition(bytes, start, bad);
    const b = bytes[bad] as number;
    return {
      value: undefined,
      diagnostics: [
        diag('DZ0003', `byte 0x${b.toString(16).padStart(2, '0')} at line ${line} is not valid UTF-8; dazzle reads UTF-8 text`, {
          span: { file: path, line, col, endLine: line, endCol: col + 1, offset, length: 1 },
          hint: 'save the file as UTF-8 (not a legacy code page), or remove the binary content',
        }),
      ],
    };
  }
  const text = new TextDecoder('utf-8').decode(bytes.subarray(start));
  const source = new SourceText(path, text);
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    let count = 0;
    for (let i = nul; i < text.length; i++) if (text.charCodeAt(i) === 0) count++;
    return {
      value: undefined,
      diagnostics: [
        diag('DZ0004', `the file contains ${count === 1 ? 'a NUL byte' : `${count} NUL bytes`}; DSL files are text`, {
          span: source.span(nul, nul + 1),
          hint: 'this looks like a binary file; remove it from the module paths or re-save it as plain text',
        }),
      ],
    };
  }
  if (text.length === 0 && bytes.length > start) return { value: undefined, diagnostics: [diag('DZ0003', 'the file could not be decoded as UTF-8', { span: fileSpan(path) })] };
  return { value: source, diagnostics: [] };
}

/** The byte order of UTF-16 text, and whether it starts with a byte-order mark. */
export interface Utf16 {
  readonly order: 'little-endian' | 'big-endian';
  readonly bom: boolean;
}

/** How many leading bytes the no-BOM guess looks at. */
const SNIFF_BYTES = 4096;

/**
 * UTF-16 text, or undefined. A byte-order mark (FF FE, FE FF) decides; without
 * one, text that is UTF-16 has a zero in one byte of most code units (every
 * ASCII and Latin character) and in the other byte of almost none — which no
 * UTF-8 text has, since UTF-8 text holds no zero bytes at all.
 */
export function detectUtf16(bytes: Uint8Array): Utf16 | undefined {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return { order: 'little-endian', bom: true };
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return { order: 'big-endian', bom: true };
  const pairs = Math.floor(Math.min(bytes.length, SNIFF_BYTES) / 2);
  if (pairs === 0) return undefined;
  let lowOnly = 0;
  let highOnly = 0;
  for (let i = 0; i < pairs; i++) {
    const a = bytes[2 * i] as number;
    const b = bytes[2 * i + 1] as number;
    if (a !== 0 && b === 0) lowOnly++;
    else if (a === 0 && b !== 0) highOnly++;
  }
  const most = (n: number) => n * 2 >= pairs;
  const almostNone = (n: number) => n * 20 < pairs;
  if (most(lowOnly) && almostNone(highOnly)) return { order: 'little-endian', bom: false };
  if (most(highOnly) && almostNone(lowOnly)) return { order: 'big-endian', bom: false };
  return undefined;
}

function utf16Diagnostic(path: string, utf16: Utf16): Diagnostic {
  // With a BOM, iconv's plain UTF-16 reads the order from it and drops it.
  const from = utf16.bom ? 'UTF-16' : utf16.order === 'little-endian' ? 'UTF-16LE' : 'UTF-16BE';
  const file = shellWord(path);
  const tmp = shellWord(`${path}.utf8`);
  return diag('DZ0017', `the file is UTF-16 (${utf16.order}, ${utf16.bom ? 'with' : 'without'} a byte-order mark); dazzle reads UTF-8 text`, {
    span: fileSpan(path),
    hint: `convert it to UTF-8: \`iconv -f ${from} -t UTF-8 ${file} > ${tmp} && mv ${tmp} ${file}\`, or save it as "UTF-8" in your editor (Windows PowerShell 5 writes UTF-16 with \`>\`; use \`Out-File -Encoding utf8\`)`,
  });
}

/** A path as one word for a POSIX shell: as is when it is plain, else in single quotes. */
export function shellWord(s: string): string {
  return /^[\w./+-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/** Offset of the first byte that is not part of a valid UTF-8 sequence, or -1. */
export function firstInvalidUtf8(b: Uint8Array, from = 0): number {
  let i = from;
  const n = b.length;
  while (i < n) {
    const c = b[i] as number;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Line and column (in the same units as every other span) of byte `at`, via the valid text before it. */
function bytePosition(bytes: Uint8Array, from: number, at: number): { line: number; col: number; offset: number } {
  const prefix = new TextDecoder('utf-8').decode(bytes.subarray(from, at));
  const p = new SourceText('', prefix).position(prefix.length);
  return { line: p.line, col: p.col, offset: prefix.length };
}
