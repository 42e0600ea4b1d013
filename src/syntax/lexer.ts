/**
 * Lexing: Chevrotain's regex lexer, then a layout pass that turns line breaks
 * and leading whitespace into NEWLINE / INDENT / DEDENT (Python-style), joins
 * lines inside brackets, re-types keywords, and reports layout mistakes.
 *
 * Producing INDENT/DEDENT in a separate pass (rather than in a custom token
 * pattern) keeps Chevrotain's first-character optimisation on.
 */
import { Lexer, type IToken, type TokenType } from 'chevrotain';
import { diag, quote, type Diagnostic, type SourceText } from '../diagnostics/index.js';
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

/** The source each token stream was lexed from, so the parser can build spans without being handed it. */
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
const CLOSERS = new Set<TokenType>([RParen, RBracket, RBrace]);

/**
 * A layout token: it covers no text (empty image) and sits at `offset`. Same
 * shape as the lexer's own tokens (Chevrotain's offset-only tokens), so the
 * parser's property accesses stay monomorphic.
 */
function synthetic(tokenType: TokenType, offset: number): IToken {
  return { image: '', startOffset: offset, tokenTypeIdx: tokenType.tokenTypeIdx as number, tokenType } as IToken;
}

/** Tokenize one source file into the token stream the parser reads. */
export function lex(source: SourceText): LexResult {
  const text = source.text;
  const raw = getLexer().tokenize(text);
  const diagnostics: Diagnostic[] = [];

  for (const e of raw.errors.slice(0, MAX_LEX_ERRORS)) {
    const ch = String.fromCodePoint(text.codePointAt(e.offset) ?? 63);
    diagnostics.push(
      diag('DZ1001', `unexpected character ${quote(ch)} (U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')})`, {
        span: source.span(e.offset, e.offset + ch.length),
        hint: 'outside strings and comments, the DSL uses ASCII names, numbers and punctuation; put other text inside "quotes"',
      }),
    );
  }

  const out: IToken[] = [];
  const indents: number[] = [0];
  const brackets: IToken[] = [];
  let lineOpen = false;
  let tabsSeen: number | undefined;
  let spacesSeen: number | undefined;
  let mixedReported = false;

  for (const tok of raw.tokens) {
    const type = tok.tokenType;
    if (type === Newline) {
      if (brackets.length > 0) continue; // implicit line joining inside brackets
      if (lineOpen) {
        out.push(tok);
        lineOpen = false;
      }
      continue;
    }
    if (!lineOpen) {
      // First token of a logical line: measure its indentation.
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
      if (tabs && spaces && !mixedReported) {
        mixedReported = true;
        diagnostics.push(
          diag('DZ1003', `this line's indentation mixes tabs and spaces`, {
            span: source.span(i, tok.startOffset),
            hint: `indent with spaces only (a tab counts as ${TAB_WIDTH} spaces, which may not be what your editor shows)`,
          }),
        );
      }
      if (tabs) tabsSeen ??= i;
      if (spaces) spacesSeen ??= i;
      const top = indents[indents.length - 1] as number;
      if (width > top) {
        if (out.length === 0) {
          diagnostics.push(
            diag('DZ1005', `the first line is indented by ${width}; top-level declarations start in column 1`, {
              span: source.span(i, tok.startOffset),
              hint: 'remove the leading whitespace',
            }),
          );
          return { tokens: [], diagnostics };
        }
        if (indents.length > MAX_NESTING) {
          diagnostics.push(
            diag('DZ1008', `blocks are nested more than ${MAX_NESTING} levels deep`, {
              span: source.span(i, tok.startOffset),
              hint: 'flatten the structure; no construct of the language needs this depth',
            }),
          );
          return { tokens: [], diagnostics };
        }
        indents.push(width);
        out.push(synthetic(Indent, tok.startOffset));
      } else if (width < top) {
        while (width < (indents[indents.length - 1] as number)) {
          indents.pop();
          out.push(synthetic(Dedent, tok.startOffset));
        }
        const now = indents[indents.length - 1] as number;
        if (width !== now) {
          diagnostics.push(
            diag('DZ1004', `this line is indented by ${width}, which matches no enclosing block (expected ${now} or ${top})`, {
              span: source.span(i, tok.startOffset),
              hint: `align the line with the block it belongs to`,
            }),
          );
          return { tokens: [], diagnostics };
        }
      }
      lineOpen = true;
    }

    let parsedType = type;
    if (type === Identifier) {
      parsedType = KEYWORDS.get(tok.image) ?? type;
    } else if (OPENERS.has(type)) {
      if (brackets.length >= MAX_NESTING) {
        diagnostics.push(
          diag('DZ1008', `brackets are nested more than ${MAX_NESTING} levels deep`, {
            span: source.span(tok.startOffset, tok.startOffset + tok.image.length),
            hint: 'flatten the expression',
          }),
        );
        return { tokens: [], diagnostics };
      }
      brackets.push(tok);
    } else if (CLOSERS.has(type)) {
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
        return { tokens: [], diagnostics };
      }
    } else if (type === UnterminatedString) {
      diagnostics.push(
        diag('DZ1002', `the string starting here is not closed before the end of the line`, {
          span: source.span(tok.startOffset, tok.startOffset + tok.image.length),
          hint: 'add the closing " (strings cannot span lines; write \\n for a line break, \\" for a quote)',
        }),
      );
    }
    if (parsedType !== type) {
      tok.tokenType = parsedType;
      tok.tokenTypeIdx = parsedType.tokenTypeIdx as number;
    }
    out.push(tok);
  }

  if (brackets.length > 0) {
    const open = brackets[brackets.length - 1] as IToken;
    diagnostics.push(
      diag('DZ1006', `${quote(open.image)} is never closed`, {
        span: source.span(open.startOffset, open.startOffset + open.image.length),
        hint: `add the closing ${quote(OPENERS.get(open.tokenType)?.char ?? ')')} (a bracket joins the following lines until it is closed)`,
      }),
    );
  }
  if (tabsSeen !== undefined && spacesSeen !== undefined && !mixedReported) {
    const at = Math.max(tabsSeen, spacesSeen);
    const p = source.position(at);
    diagnostics.push(
      diag('DZ1009', `some lines are indented with tabs and others with spaces (first mix at line ${p.line})`, {
        span: source.span(at, at + 1),
        hint: `use one kind throughout; tabs count as ${TAB_WIDTH} spaces`,
      }),
    );
  }
  const end = text.length;
  if (lineOpen) out.push(synthetic(Newline, end));
  while (indents.length > 1) {
    indents.pop();
    out.push(synthetic(Dedent, end));
  }
  TOKEN_SOURCES.set(out, source);
  return { tokens: out, diagnostics };
}
