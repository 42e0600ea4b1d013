/**
 * Source text and positions. Line and column numbers are computed here and
 * nowhere else: every span in the compiler is built by {@link SourceText.span}.
 */

/** A 1-based position in a source file. */
export interface Position {
  readonly line: number;
  readonly col: number;
}

/** A located range of source text. Lines and columns are 1-based; `end` is exclusive. */
export interface Span {
  readonly file: string;
  readonly line: number;
  readonly col: number;
  readonly endLine: number;
  readonly endCol: number;
  /** 0-based character offset of the start, for tools. */
  readonly offset: number;
  readonly length: number;
}

/** A source file that has been decoded to text. `path` is as shown to the user. */
export class SourceText {
  readonly path: string;
  readonly text: string;
  private lineStarts: number[] | undefined;
  /** The line of the last position found (see lineIndex). */
  private lastLine = 0;

  constructor(path: string, text: string) {
    this.path = path;
    this.text = text;
  }

  private starts(): number[] {
    if (this.lineStarts) return this.lineStarts;
    const starts = [0];
    const t = this.text;
    for (let i = 0; i < t.length; i++) {
      const c = t.charCodeAt(i);
      if (c === 10) starts.push(i + 1);
      else if (c === 13) {
        if (t.charCodeAt(i + 1) === 10) i++;
        starts.push(i + 1);
      }
    }
    this.lineStarts = starts;
    return starts;
  }

  /**
   * 0-based index of the line holding offset `o` (already clamped). Spans are
   * mostly made in file order, so the line of the previous answer, or the next
   * one, is tried before a binary search.
   */
  private lineIndex(o: number): number {
    const starts = this.starts();
    const last = starts.length - 1;
    const h = this.lastLine;
    if ((starts[h] as number) <= o) {
      if (h === last || (starts[h + 1] as number) > o) return h;
      if (h + 1 === last || (starts[h + 2] as number) > o) return (this.lastLine = h + 1);
    }
    let lo = 0;
    let hi = last;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    this.lastLine = lo;
    return lo;
  }

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const o = Math.max(0, Math.min(offset, this.text.length));
    const line = this.lineIndex(o);
    return { line: line + 1, col: o - (this.starts()[line] as number) + 1 };
  }

  /** The span from `start` (inclusive) to `end` (exclusive), both 0-based offsets. */
  span(start: number, end: number): Span {
    // As position(start) and position(max(start, end)), without the intermediate objects.
    const starts = this.starts();
    const s = Math.max(0, Math.min(start, this.text.length));
    const e = Math.max(0, Math.min(Math.max(start, end), this.text.length));
    const sl = this.lineIndex(s);
    const el = e === s ? sl : this.lineIndex(e);
    return {
      file: this.path,
      line: sl + 1,
      col: s - (starts[sl] as number) + 1,
      endLine: el + 1,
      endCol: e - (starts[el] as number) + 1,
      offset: start,
      length: Math.max(0, end - start),
    };
  }

  /** The text of a 1-based line, without its terminator. */
  lineText(line: number): string {
    const starts = this.starts();
    const start = starts[line - 1];
    if (start === undefined) return '';
    const next = starts[line];
    let end = next === undefined ? this.text.length : next;
    while (end > start && (this.text.charCodeAt(end - 1) === 10 || this.text.charCodeAt(end - 1) === 13)) end--;
    return this.text.slice(start, end);
  }

  get lineCount(): number {
    return this.starts().length;
  }
}

/** A span covering a whole file, used where a problem has no better place (e.g. an empty file). */
export function fileSpan(file: string): Span {
  return { file, line: 1, col: 1, endLine: 1, endCol: 1, offset: 0, length: 0 };
}
