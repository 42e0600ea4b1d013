/**
 * Error recovery on the token stream. After a syntax error the parser drops
 * the smallest piece of layout that holds it (the line, with the block indented
 * under it) and parses again from the start of the statement, so one run
 * reports every independent mistake. When dropping a line leaves its
 * construct incomplete (an empty block), the construct is dropped too and
 * nothing more is reported for it: one mistake, one diagnostic.
 *
 * Pure functions over token arrays; the parser (parser.ts) drives them.
 */
import type { IToken } from 'chevrotain';
import { Dedent, Indent, Newline } from './tokens.js';

const isLayout = (t: IToken): boolean => t.tokenType === Newline || t.tokenType === Indent || t.tokenType === Dedent;

/** Index of the Dedent closing the Indent at `i`. */
export function matchingDedent(toks: readonly IToken[], i: number): number {
  let depth = 0;
  for (let k = i; k < toks.length; k++) {
    const t = (toks[k] as IToken).tokenType;
    if (t === Indent) depth++;
    else if (t === Dedent && --depth === 0) return k;
  }
  return toks.length - 1;
}

/** Index of the Indent opening the block that holds index `i` (-1 at top level, or before `floor`). */
export function enclosingIndent(toks: readonly IToken[], i: number, floor: number): number {
  let depth = 0;
  for (let k = i - 1; k >= floor; k--) {
    const t = (toks[k] as IToken).tokenType;
    if (t === Dedent) depth++;
    else if (t === Indent) {
      if (depth === 0) return k;
      depth--;
    }
  }
  return -1;
}

/** First index of the logical line holding index `i` (never before `floor`). */
export function lineStart(toks: readonly IToken[], i: number, floor: number): number {
  let j = Math.min(i, toks.length);
  while (j > floor && !isLayout(toks[j - 1] as IToken)) j--;
  return j;
}

/** Index just after the line holding `i` and the block indented under it. */
export function lineEnd(toks: readonly IToken[], i: number): number {
  let e = i;
  while (e < toks.length && (toks[e] as IToken).tokenType !== Newline) e++;
  e = Math.min(e + 1, toks.length);
  if (e < toks.length && (toks[e] as IToken).tokenType === Indent) e = matchingDedent(toks, e) + 1;
  return e;
}

/** Index just after the top-level statement that starts at `stmt`. */
export function statementEnd(toks: readonly IToken[], stmt: number): number {
  let depth = 0;
  for (let k = stmt; k < toks.length; k++) {
    const t = (toks[k] as IToken).tokenType;
    if (t === Indent) depth++;
    else if (t === Dedent) {
      depth--;
      if (depth <= 0) return k + 1;
    } else if (t === Newline && depth === 0) {
      const next = toks[k + 1];
      if (!next || next.tokenType !== Indent) return k + 1;
    }
  }
  return toks.length;
}

/** The block whose owner line holds `indent - 1`: that line and its block. */
function ownerRegion(toks: readonly IToken[], indent: number, stmt: number): [number, number] {
  return [lineStart(toks, indent - 1, stmt), matchingDedent(toks, indent) + 1];
}

/**
 * The region to drop for an error at index `at` in the statement starting at
 * `stmt`: the line holding it with its block; for an unexpected block, the
 * line that opens it; for a block that ends too early, the line that owns it.
 * An error found past the statement's end (its block is missing, so the
 * parser met the next declaration or the end of the file) drops the statement
 * itself: dropping the next one instead would report it again and again.
 */
export function errorRegion(toks: readonly IToken[], at: number, stmt: number): [number, number] {
  const end = statementEnd(toks, stmt);
  if (at >= end) return [stmt, end];
  const t = (toks[at] as IToken).tokenType;
  if (t === Dedent) {
    const open = enclosingIndent(toks, at, stmt);
    return open < 0 ? [stmt, statementEnd(toks, stmt)] : ownerRegion(toks, open, stmt);
  }
  if (t === Indent) return at > stmt ? ownerRegion(toks, at, stmt) : [stmt, statementEnd(toks, stmt)];
  return [lineStart(toks, at, stmt), lineEnd(toks, at)];
}

/** The construct enclosing index `i`: the owner line of its block, or the whole statement at top level. */
export function enclosingRegion(toks: readonly IToken[], i: number, stmt: number): [number, number] {
  const open = enclosingIndent(toks, i, stmt);
  return open < 0 ? [stmt, statementEnd(toks, stmt)] : ownerRegion(toks, open, stmt);
}

/** Whether only layout tokens (line ends, block ends) stand between `from` and `to`. */
export function onlyLayoutBetween(toks: readonly IToken[], from: number, to: number): boolean {
  if (to < from) return false;
  for (let k = from; k < to; k++) {
    const t = (toks[k] as IToken).tokenType;
    if (t !== Dedent && t !== Newline) return false;
  }
  return true;
}

/** Offsets [start, end) of the text a token region covers (layout tokens carry no text). */
export function regionOffsets(toks: readonly IToken[], a: number, b: number, textLength: number): [number, number] {
  const first = toks[a];
  const start = first ? first.startOffset : textLength;
  let end = start;
  for (let k = b - 1; k >= a; k--) {
    const t = toks[k] as IToken;
    if (t.image.length > 0) {
      end = t.startOffset + t.image.length;
      break;
    }
  }
  return [start, Math.max(start, end)];
}

/** Index of the first token starting at or after `offset`. */
export function tokenAt(toks: readonly IToken[], offset: number): number {
  let lo = 0;
  let hi = toks.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((toks[mid] as IToken).startOffset < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
