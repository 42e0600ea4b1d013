/**
 * Token vocabulary. Words are lexed as one `Identifier` token; the layout pass
 * re-types those whose text is a keyword. Every keyword is also a `Name`, so a
 * keyword may be used wherever a name is expected ("identifiers may collide
 * with keywords"). Every token that is not layout is an `Atom`, which is what
 * the general block rule consumes for constructs we keep opaque.
 */
import { createToken, Lexer, type TokenType } from 'chevrotain';

export const Atom = createToken({ name: 'Atom', pattern: Lexer.NA });
export const Name = createToken({ name: 'Name', pattern: Lexer.NA, categories: [Atom] });
export const Literal = createToken({ name: 'Literal', pattern: Lexer.NA, categories: [Atom] });

// Layout tokens, produced by the layout pass (never by the regex lexer).
export const Newline = createToken({ name: 'Newline', pattern: /\r\n?|\n/, start_chars_hint: ['\r', '\n'], line_breaks: true });
export const Indent = createToken({ name: 'Indent', pattern: Lexer.NA });
export const Dedent = createToken({ name: 'Dedent', pattern: Lexer.NA });

// The characters each regex token can start with, given to the lexer: without them it parses every
// pattern (regexp-to-ast) when it is made, which is a cost at every command's start-up.
const DIGITS = [...'0123456789'];
const WORD_START = [...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_'];

export const Whitespace = createToken({ name: 'Whitespace', pattern: /[ \t\f\v]+/, start_chars_hint: [' ', '\t', '\f', '\v'], group: Lexer.SKIPPED });
export const Comment = createToken({ name: 'Comment', pattern: /#[^\r\n]*/, start_chars_hint: ['#'], group: Lexer.SKIPPED });

/**
 * Scan a string literal starting at `offset` (which holds `"`): the offset just
 * after its closing quote, or -(end of line) when it is not closed on its line.
 * A loop rather than a regex, so a 10 MB string cannot exhaust the regex stack.
 */
function scanString(text: string, offset: number): number {
  let i = offset + 1;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 34) return i + 1; // "
    if (c === 10 || c === 13) return -i;
    if (c === 92) {
      // backslash escapes the next character, unless that is a line break
      const d = text.charCodeAt(i + 1);
      if (i + 1 >= n || d === 10 || d === 13) return -(i + 1);
      i += 2;
      continue;
    }
    i++;
  }
  return -n;
}

function match(text: string, offset: number, end: number): RegExpExecArray {
  return [text.slice(offset, end)] as unknown as RegExpExecArray;
}

export const StringLit = createToken({
  name: 'String',
  pattern: {
    exec: (text: string, offset: number) => {
      if (text.charCodeAt(offset) !== 34) return null;
      const end = scanString(text, offset);
      return end > 0 ? match(text, offset, end) : null;
    },
  },
  start_chars_hint: ['"'],
  line_breaks: false,
  categories: [Literal],
});
/** A string with no closing quote on its line; the layout pass reports it. */
export const UnterminatedString = createToken({
  name: 'UnterminatedString',
  pattern: {
    exec: (text: string, offset: number) => {
      if (text.charCodeAt(offset) !== 34) return null;
      const end = scanString(text, offset);
      return end < 0 ? match(text, offset, -end) : null;
    },
  },
  start_chars_hint: ['"'],
  line_breaks: false,
  categories: [Literal],
});
export const Duration = createToken({
  name: 'Duration',
  pattern: /\d+(?:min|mo|ms|[smhdwy])(?![A-Za-z0-9_])/,
  start_chars_hint: DIGITS,
  categories: [Literal],
});
export const NumberLit = createToken({ name: 'Number', pattern: /\d+(?:\.\d+)?/, start_chars_hint: DIGITS, categories: [Literal] });
export const Identifier = createToken({ name: 'Identifier', pattern: /[A-Za-z_][A-Za-z0-9_]*/, start_chars_hint: WORD_START, categories: [Name] });

function op(name: string, pattern: RegExp | string, label?: string): TokenType {
  return createToken({ name, pattern, categories: [Atom], label: label ?? (typeof pattern === 'string' ? `'${pattern}'` : name) });
}

export const BiArrow = op('BiArrow', '<->');
export const Arrow = op('Arrow', '->');
export const LeftArrow = op('LeftArrow', '<-');
export const EqEq = op('EqEq', '==');
export const NotEq = op('NotEq', '!=');
export const GtEq = op('GtEq', '>=');
export const LtEq = op('LtEq', '<=');
export const Eq = op('Eq', '=');
export const Gt = op('Gt', '>');
export const Lt = op('Lt', '<');
export const Plus = op('Plus', '+');
export const Minus = op('Minus', '-');
export const Star = op('Star', '*');
export const Slash = op('Slash', '/');
export const Percent = op('Percent', '%');
export const Dot = op('Dot', '.');
export const Comma = op('Comma', ',');
export const Colon = op('Colon', ':');
export const Semicolon = op('Semicolon', ';');
export const Question = op('Question', '?');
export const Bang = op('Bang', '!');
export const Pipe = op('Pipe', '|');
export const Amp = op('Amp', '&');
export const Dollar = op('Dollar', '$');
export const At = op('At', '@');
export const Caret = op('Caret', '^');
export const Tilde = op('Tilde', '~');
export const Backtick = op('Backtick', '`');
export const Quote = op('Quote', "'");
export const Backslash = op('Backslash', '\\');
export const LParen = op('LParen', '(');
export const RParen = op('RParen', ')');
export const LBracket = op('LBracket', '[');
export const RBracket = op('RBracket', ']');
export const LBrace = op('LBrace', '{');
export const RBrace = op('RBrace', '}');

/** Words with a role in the typed rules. Everything else is a plain identifier. */
export const KEYWORD_WORDS = [
  'module',
  'use',
  'as',
  'app',
  'entity',
  'archetype',
  'enum',
  'ledger',
  'transaction',
  'transfer',
  'channel',
  'send',
  'receive',
  'schedule',
  'job',
  'service',
  'integration',
  'experience',
  'event_model',
  'topic',
  'event',
  'stream',
  'schema',
  'webhook',
  'tenancy',
  'llm_model',
  'llm_intent',
  'llm_config',
  'ref',
  'has_many',
  'has_one',
  'embeds',
  'belongs_to',
  'via',
  'computed',
] as const;

export type KeywordWord = (typeof KEYWORD_WORDS)[number];

function keywordTokenName(word: string): string {
  return `Kw_${word}`;
}

export const KEYWORDS: ReadonlyMap<string, TokenType> = new Map(
  KEYWORD_WORDS.map((w) => [w, createToken({ name: keywordTokenName(w), pattern: Lexer.NA, categories: [Name], label: `'${w}'` })]),
);

/** The keyword token for a word. */
export function kw(word: KeywordWord): TokenType {
  const t = KEYWORDS.get(word);
  if (!t) throw new Error(`not a keyword: ${word}`);
  return t;
}

/** Tokens the regex lexer produces, in match order. */
export const LEXED_TOKENS: TokenType[] = [
  Newline,
  Whitespace,
  Comment,
  StringLit,
  UnterminatedString,
  Duration,
  NumberLit,
  Identifier,
  BiArrow,
  Arrow,
  LeftArrow,
  EqEq,
  NotEq,
  GtEq,
  LtEq,
  Eq,
  Gt,
  Lt,
  Plus,
  Minus,
  Star,
  Slash,
  Percent,
  Dot,
  Comma,
  Colon,
  Semicolon,
  Question,
  Bang,
  Pipe,
  Amp,
  Dollar,
  At,
  Caret,
  Tilde,
  Backtick,
  Quote,
  Backslash,
  LParen,
  RParen,
  LBracket,
  RBracket,
  LBrace,
  RBrace,
];

/** The parser's whole vocabulary. */
export const ALL_TOKENS: TokenType[] = [Atom, Name, Literal, Indent, Dedent, ...LEXED_TOKENS, ...KEYWORDS.values()];
