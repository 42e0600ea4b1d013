/**
 * Lexing: Chevrotain's regex lexer, then a layout pass that turns line breaks
 * and leading whitespace into NEWLINE / INDENT / DEDENT (Python-style), joins
 * lines inside brackets, re-types keywords, and reports layout mistakes.
 *
 * Producing INDENT/DEDENT in a separate pass (rather than in a custom token
 * pattern) keeps Chevrotain's first-character optimisation on.
 */
import { Lexer, type ILexingError, type IToken, type TokenType } from 'chevrotain';
import { diag, hasErrors, quote, type Diagnostic, type SourceText } from '../diagnostics/index.js';
import {
  ALL_TOKENS,
  Dedent,
  Identifier,
  Indent,
  KEYWORDS,
  LBrace,
  LBracket,
  LEXED_TOKENS,
  LParen,
  Newline,
  RBrace,
  RBracket,
  RParen,
  UnterminatedString,
} from './tokens.js';

/** Deepest indentation or bracket nesting accepted. */
export const MAX_NESTING = 100;
/** A tab in indentation counts as this many spaces. */
export const TAB_WIDTH = 4;
const MAX_LEX_ERRORS = 20;

let lexer: Lexer | undefined;
export function getLexerForBench(): Lexer {
  return getLexer();
}
function getLexer(): Lexer {
  lexer ??= new Lexer(
    { modes: { main: [...LEXED_TOKENS, ...ALL_TOKENS.filter((t) => !LEXED_TOKENS.includes(t))] }, defaultMode: 'main' },
    { positionTracking: 'onlyOffset', ensureOptimizations: false, skipValidations: true },
  );
  return lexer;
}

/** The source each whole-file token stream was lexed from, so the parser can build spans without being handed it. */
export const TOKEN_SOURCES = new WeakMap<readonly IToken[], SourceText>();

export interface LexResult {
  readonly tokens: IToken[];
  readonly diagnostics: Diagnostic[];
}

const OPENERS = new Map<TokenType, { close: TokenType; char: string }>([
  [LParen, { close: RParen, char: ')' }],
  [LBracket, { close: RBracket, char: ']' }],
  [LBrace, { close: RBrace, char: '}' }],
]);

/**
 * A layout token: it covers no text (empty image) and sits at `offset`. Same
 * shape as the lexer's own tokens (Chevrotain's offset-only tokens), so the
 * parser's property accesses stay monomorphic.
 */
function synthetic(tokenType: TokenType, offset: number): IToken {
  return { image: '', startOffset: offset, tokenTypeIdx: tokenType.tokenTypeIdx as number, tokenType } as IToken;
}

/**
 * The layout pass as a state machine fed one lexed token at a time, so that a
 * file can be lexed whole ({@link lex}) or piece by piece ({@link StatementLexer})
 * with the same result.
 */
class Layout {
  /** Tokens for the parser not yet handed over. */
  out: IToken[] = [];
  /** Index in `out` of the first token of the latest top-level statement. */
  statementStart = 0;
  private readonly indents: number[] = [0];
  private readonly brackets: IToken[] = [];
  private started = false;
  private lineOpen = false;
  private tabsSeen: number | undefined;
  private spacesSeen: number | undefined;
  private mixedReported = false;

  constructor(
    private readonly source: SourceText,
    readonly diagnostics: Diagnostic[],
  ) {}

  /** Feed the next lexed token (offsets into the whole file). False when a mistake ends the pass. */
  push(tok: IToken): boolean {
    // Kept small (the rare cases are methods of their own) so that it is inlined into the lexing loop.
    const type = tok.tokenType;
    if (type === Newline) {
      if (this.brackets.length > 0) return true; // implicit line joining inside brackets
      if (this.lineOpen) {
        this.out.push(tok);
        this.lineOpen = false;
      }
      return true;
    }
    if (!this.lineOpen && !this.startLine(tok)) return false;
    if (type === Identifier) {
      const keyword = KEYWORDS.get(tok.image);
      if (keyword) {
        tok.tokenType = keyword;
        tok.tokenTypeIdx = keyword.tokenTypeIdx as number;
      }
    } else if (type === LParen || type === LBracket || type === LBrace || type === RParen || type === RBracket || type === RBrace || type === UnterminatedString) {
      if (!this.bracketOrString(tok, type)) return false;
    }
    this.out.push(tok);
    return true;
  }

  /** The first token of a logical line: measure its indentation, open and close blocks. */
  private startLine(tok: IToken): boolean {
    const source = this.source;
    const diagnostics = this.diagnostics;
    const text = source.text;
    const indents = this.indents;
    let i = tok.startOffset;
    let width = 0;
    let tabs = false;
    let spaces = false;
    while (i > 0) {
      const c = text.charCodeAt(i - 1);
      if (c === 32) spaces = true;
      else if (c === 9) tabs = true;
      else if (c !== 12 && c !== 11) break;
      i--;
    }
    for (let k = i; k < tok.startOffset; k++) {
      const c = text.charCodeAt(k);
      width += c === 9 ? TAB_WIDTH : c === 32 ? 1 : 0;
    }
    if (tabs && spaces && !this.mixedReported) {
      this.mixedReported = true;
      diagnostics.push(
        diag('DZ1003', `this line's indentation mixes tabs and spaces`, {
          span: source.span(i, tok.startOffset),
          hint: `indent with spaces only (a tab counts as ${TAB_WIDTH} spaces, which may not be what your editor shows)`,
        }),
      );
    }
    if (tabs) this.tabsSeen ??= i;
    if (spaces) this.spacesSeen ??= i;
    const top = indents[indents.length - 1] as number;
    if (width > top) {
      if (!this.started) {
        diagnostics.push(
          diag('DZ1005', `the first line is indented by ${width}; top-level declarations start in column 1`, {
            span: source.span(i, tok.startOffset),
            hint: 'remove the leading whitespace',
          }),
        );
        return false;
      }
      if (indents.length > MAX_NESTING) {
        diagnostics.push(
          diag('DZ1008', `blocks are nested more than ${MAX_NESTING} levels deep`, {
            span: source.span(i, tok.startOffset),
            hint: 'flatten the structure; no construct of the language needs this depth',
          }),
        );
        return false;
      }
      indents.push(width);
      this.out.push(synthetic(Indent, tok.startOffset));
    } else if (width < top) {
      while (width < (indents[indents.length - 1] as number)) {
        indents.pop();
        this.out.push(synthetic(Dedent, tok.startOffset));
      }
      const now = indents[indents.length - 1] as number;
      if (width !== now) {
        diagnostics.push(
          diag('DZ1004', `this line is indented by ${width}, which matches no enclosing block (expected ${now} or ${top})`, {
            span: source.span(i, tok.startOffset),
            hint: `align the line with the block it belongs to`,
          }),
        );
        return false;
      }
    }
    if (indents.length === 1) this.statementStart = this.out.length;
    this.started = true;
    this.lineOpen = true;
    return true;
  }

  /** Brackets (nesting and matching) and unterminated strings. */
  private bracketOrString(tok: IToken, type: TokenType): boolean {
    const source = this.source;
    const diagnostics = this.diagnostics;
    const brackets = this.brackets;
    if (type === LParen || type === LBracket || type === LBrace) {
      if (brackets.length >= MAX_NESTING) {
        diagnostics.push(
          diag('DZ1008', `brackets are nested more than ${MAX_NESTING} levels deep`, {
            span: source.span(tok.startOffset, tok.startOffset + tok.image.length),
            hint: 'flatten the expression',
          }),
        );
        return false;
      }
      brackets.push(tok);
    } else if (type === RParen || type === RBracket || type === RBrace) {
      const open = brackets.pop();
      const want = open ? OPENERS.get(open.tokenType) : undefined;
      if (!open || want?.close !== type) {
        diagnostics.push(
          diag(
            'DZ1007',
            open
              ? `${quote(tok.image)} does not match the ${quote(open.image)} opened at line ${source.position(open.startOffset).line}`
              : `${quote(tok.image)} has no matching opening bracket`,
            {
              span: source.span(tok.startOffset, tok.startOffset + tok.image.length),
              related: open ? [{ message: `${quote(open.image)} opened here`, span: source.span(open.startOffset, open.startOffset + open.image.length) }] : [],
              hint: open ? `close it with ${quote(want?.char ?? ')')} first` : 'remove it, or add the opening bracket',
            },
          ),
        );
        return false;
      }
    } else {
      diagnostics.push(
        diag('DZ1002', `the string starting here is not closed before the end of the line`, {
          span: source.span(tok.startOffset, tok.startOffset + tok.image.length),
          hint: 'add the closing " (strings cannot span lines; write \\n for a line break, \\" for a quote)',
        }),
      );
    }
    return true;
  }

  /** After the last token: report open brackets and mixed indentation, end the last line and close every block. */
  finish(): void {
    const source = this.source;
    if (this.brackets.length > 0) {
      const open = this.brackets[this.brackets.length - 1] as IToken;
      this.diagnostics.push(
        diag('DZ1006', `${quote(open.image)} is never closed`, {
          span: source.span(open.startOffset, open.startOffset + open.image.length),
          hint: `add the closing ${quote(OPENERS.get(open.tokenType)?.char ?? ')')} (a bracket joins the following lines until it is closed)`,
        }),
      );
    }
    if (this.tabsSeen !== undefined && this.spacesSeen !== undefined && !this.mixedReported) {
      const at = Math.max(this.tabsSeen, this.spacesSeen);
      const p = source.position(at);
      this.diagnostics.push(
        diag('DZ1009', `some lines are indented with tabs and others with spaces (first mix at line ${p.line})`, {
          span: source.span(at, at + 1),
          hint: `use one kind throughout; tabs count as ${TAB_WIDTH} spaces`,
        }),
      );
    }
    const end = source.text.length;
    if (this.lineOpen) this.out.push(synthetic(Newline, end));
    while (this.indents.length > 1) {
      this.indents.pop();
      this.out.push(synthetic(Dedent, end));
    }
    this.statementStart = this.out.length;
  }

  /** Hand over the tokens of the complete top-level statements seen so far. */
  take(): IToken[] {
    const s = this.statementStart;
    const done = this.out;
    this.out = done.slice(s);
    done.length = s;
    this.statementStart = 0;
    return done;
  }
}

function lexErrors(source: SourceText, errors: readonly ILexingError[], diagnostics: Diagnostic[]): void {
  const text = source.text;
  for (const e of errors.slice(0, MAX_LEX_ERRORS)) {
    const ch = String.fromCodePoint(text.codePointAt(e.offset) ?? 63);
    diagnostics.push(
      diag('DZ1001', `unexpected character ${quote(ch)} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`, {
        span: source.span(e.offset, e.offset + ch.length),
        hint: 'outside strings and comments, the DSL uses ASCII names, numbers and punctuation; put other text inside "quotes"',
      }),
    );
  }
}

/** Tokenize one source file into the token stream the parser reads. */
export function lex(source: SourceText): LexResult {
  const raw = getLexer().tokenize(source.text);
  const diagnostics: Diagnostic[] = [];
  lexErrors(source, raw.errors, diagnostics);
  const layout = new Layout(source, diagnostics);
  for (const tok of raw.tokens) if (!layout.push(tok)) return { tokens: [], diagnostics };
  layout.finish();
  TOKEN_SOURCES.set(layout.out, source);
  return { tokens: layout.out, diagnostics };
}

/**
 * Characters of source lexed at a time by {@link StatementLexer} (extended to the end of a line).
 * Small, so that a piece's tokens and syntax trees die young: measured on a 4.5 MB file, pieces
 * of 1–2 kB spend least in garbage collection, and 64 kB about twice as much.
 */
export const PIECE_CHARS = 2048;

/**
 * Lexes a file a piece at a time and hands over the tokens of its top-level
 * statements in runs, as soon as each run is complete, so that no more than a
 * piece's tokens are alive at once. Pieces end after a line feed, and no token
 * spans a line, so the tokens are exactly those of {@link lex}; each run is a
 * sequence of whole statements (a line in column 1 and the block indented under
 * it), which the grammar parses on its own exactly as within the whole file.
 *
 * A lexical mistake anywhere ends the runs and sets {@link failed}: the caller
 * then lexes the file whole, which reports every lexical problem in order.
 */
export class StatementLexer {
  private readonly layout: Layout;
  private pos = 0;
  private ended = false;
  /** The file has a lexical mistake (further runs are not handed over). */
  failed = false;

  constructor(
    private readonly source: SourceText,
    private readonly pieceChars = PIECE_CHARS,
  ) {
    this.layout = new Layout(source, []);
  }

  /** The tokens of the next run of complete statements; undefined at the end of the file, or when it {@link failed}. */
  next(): IToken[] | undefined {
    const text = this.source.text;
    const n = text.length;
    const layout = this.layout;
    while (!this.ended) {
      if (this.pos >= n) {
        this.ended = true;
        layout.finish();
        if (hasErrors(layout.diagnostics)) this.failed = true;
        else if (layout.out.length > 0) return layout.take();
        return undefined;
      }
      const pos = this.pos;
      let end = n;
      if (n - pos > this.pieceChars) {
        const nl = text.indexOf('\n', pos + this.pieceChars);
        if (nl >= 0) end = nl + 1;
      }
      this.pos = end;
      const raw = getLexer().tokenize(pos === 0 && end === n ? text : text.slice(pos, end));
      let ok = raw.errors.length === 0;
      for (let i = 0; ok && i < raw.tokens.length; i++) {
        const tok = raw.tokens[i] as IToken;
        tok.startOffset += pos;
        ok = layout.push(tok);
      }
      if (!ok || layout.diagnostics.length > 0) {
        this.ended = true;
        this.failed = true;
        return undefined;
      }
      if (layout.statementStart > 0) return layout.take();
    }
    return undefined;
  }

  /** Warnings about the whole file (DZ1009), once {@link next} has returned undefined without failing. */
  get warnings(): Diagnostic[] {
    return this.layout.diagnostics;
  }
}
