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

  /** 1-based line and column of a 0-based offset (clamped to the text). */
  position(offset: number): Position {
    const starts = this.starts();
    const o = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= o) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, col: o - (starts[lo] as number) + 1 };
  }

  /** The span from `start` (inclusive) to `end` (exclusive), both 0-based offsets. */
  span(start: number, end: number): Span {
    const s = this.position(start);
    const e = this.position(Math.max(start, end));
    return {
      file: this.path,
      line: s.line,
      col: s.col,
      endLine: e.line,
      endCol: e.col,
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
