/**
 * The syntax stage: source text → tokens → AST (built by the parser), per file.
 * A file is read a run of top-level statements at a time; a file with a
 * mistake is read again whole, with error recovery.
 */
import type { IToken } from 'chevrotain';
import { diag, hasErrors, type Diagnostic, type Result, type SourceText } from '../diagnostics/index.js';
import type { Decl, FileAst } from './ast.js';
import { buildAst } from './build-ast.js';
import { lex, PIECE_CHARS, StatementLexer } from './lexer.js';
import { MAX_SYNTAX_ERRORS, parseRun, parseTokens, type SyntaxProblem } from './parser.js';

export type * from './ast.js';
export { decodeSource, firstInvalidUtf8 } from './decode.js';
export { lex, MAX_NESTING, TAB_WIDTH } from './lexer.js';
export { DslParser, getParser, MAX_SYNTAX_ERRORS } from './parser.js';
export { unquote } from './build-ast.js';
export * from './vocabulary.js';

/** What a rule expects, in the user's terms, shown as the hint of a syntax error. */
const RULE_HINTS: Record<string, string> = {
  declHeader: 'a declaration starts with a header line such as `entity Task "Task":` — the colon is required, and the body is indented below it',
  entityDecl: 'an entity is `entity Name "Title":` followed by indented fields such as `id: uuid pk`',
  entityBody: 'an entity body holds indented fields such as `title: str(200) required`',
  archetypeDecl: 'an archetype is `archetype Name:` followed by indented fields',
  enumType: 'an inline enum lists its values in brackets: `status: enum[open, closed]=open`',
  fieldLine: 'a field is `name: type modifiers`, e.g. `title: str(200) required`',
  typeSpec: 'a field type is a name such as str(200), int, decimal(10,2), enum[a, b] or ref Entity',
  scalarType: 'a field type is a name such as str(200), int, decimal(10,2), money(GBP)',
  typeArgs: 'type arguments are numbers or names separated by commas, e.g. decimal(10,2)',
  fieldModifier: 'modifiers follow the type: required, optional, pk, unique, =default',
  literalValue: 'a default value is a string, number, duration, name or date arithmetic, e.g. =open, ="n/a" or =today + 7d',
  moduleDecl: 'a module line is `module app.part`',
  useDecl: 'a use line is `use app.part` (optionally `as alias`)',
  appDecl: 'the app line is `app name "Title"`, optionally followed by `:` and an indented body',
  transactionDecl: 'a transaction is `transaction Name "Title":` with indented properties and `transfer name:` blocks',
  transferBlock: 'a transfer is `transfer name:` with indented debit, credit, amount and code',
  channelDecl: 'a channel is `channel name "Title":` with indented `kind:` and `send name:` / `receive name:` blocks',
  channelOperation: 'an operation is `send name:` or `receive name:` followed by an indented block',
  eventModelDecl: 'the event model is `event_model:` (or `event_model Name "Title":`) with indented `topic name:` and `event Name:` blocks',
  streamDecl: 'a stream is `stream name:` with indented `kind: FACT` (INTENT, FACT, OBSERVATION or DERIVATION), keys and `schema Name:` blocks',
  schemaBlock: 'a stream schema is `schema Name:` with indented fields such as `order_id: uuid required`',
  refType: 'a reference names an entity: `ref User`, or `has_many Tag via ArticleTag` for many-to-many',
  viaType: 'a derived relation names its target and path: `latest_one Employment via person`',
  propertyConstruct: 'this construct is `keyword Name "Title":` followed by indented `key: value` lines',
  sectionConstruct: 'this section is `keyword:` followed by indented `key: value` lines',
  memberBlock: 'the body of this block must be indented below its header',
  lineBlock: 'the body of this block must be indented below its header',
  qualifiedName: 'a qualified name is words separated by dots, e.g. app.core',
};

/** Lexical errors after which the line holding them is dropped and the rest of the file is still parsed. */
const LINE_LEX_ERRORS: ReadonlySet<string> = new Set(['DZ1001', 'DZ1002']);

/**
 * Lex, parse and build the AST of one file, a run of top-level statements at a
 * time (see {@link StatementLexer}), so that its tokens never exist whole. The
 * result is exactly {@link parseWholeSource}'s: a file with a lexical or syntax
 * mistake is read again whole, which is where error recovery runs (mistakes are
 * rare, and recovery reports every one of them in file order). `pieceChars` is
 * the size of the pieces lexed at a time (tests vary it to put piece
 * boundaries everywhere).
 */
export function parseSource(source: SourceText, pieceChars = PIECE_CHARS): Result<FileAst | undefined> {
  const lexer = new StatementLexer(source, pieceChars);
  const decls: Decl[] = [];
  for (let run = lexer.next(); run; run = lexer.next()) if (!parseRun(run, source, decls)) return parseWholeSource(source);
  if (lexer.failed) return parseWholeSource(source);
  const built = buildAst(source, { decls, dropped: [], affected: [] });
  return { value: built.ast, diagnostics: [...lexer.warnings, ...built.diagnostics] };
}

/**
 * {@link parseSource} over the whole file's tokens at once, with error recovery.
 * Every syntax error is reported (up to {@link MAX_SYNTAX_ERRORS}, then a
 * note): after an error the line holding it is dropped and parsing goes on,
 * and a line with a lexical error is dropped before parsing. The tree holds
 * every declaration that parsed; declarations that did not are listed in
 * `broken`. Only a layout error that leaves no usable token stream (a bad
 * dedent, an unclosed bracket) stops the file. `runTokens`: see {@link parseTokens}.
 */
export function parseWholeSource(source: SourceText, runTokens?: number): Result<FileAst | undefined> {
  const lexed = lex(source);
  const fatal = lexed.diagnostics.some((d) => d.severity === 'error' && !LINE_LEX_ERRORS.has(d.code) && d.code !== 'DZ1003');
  if (fatal || (lexed.tokens.length === 0 && hasErrors(lexed.diagnostics))) return { value: undefined, diagnostics: lexed.diagnostics };
  const dropLines = lexed.diagnostics.filter((d) => LINE_LEX_ERRORS.has(d.code) && d.span).map((d) => (d.span as { offset: number }).offset);
  const parsed = parseTokens(lexed.tokens, source, dropLines, runTokens);
  const diagnostics: Diagnostic[] = [...lexed.diagnostics];
  for (const e of parsed.errors) diagnostics.push(syntaxDiagnostic(source, e));
  if (parsed.truncatedAt) {
    const at = tokenOffset(source, parsed.truncatedAt);
    diagnostics.push(
      diag('DZ1010', `more than ${MAX_SYNTAX_ERRORS} syntax errors in this file; the rest are not reported`, {
        span: source.span(at, at),
        hint: 'fix the errors above and run the check again',
      }),
    );
  }
  const built = buildAst(source, parsed.cst);
  // Not push(...list): a large file can have more diagnostics than a call can take arguments.
  for (const d of built.diagnostics) diagnostics.push(d);
  return { value: built.ast, diagnostics };
}

function tokenOffset(source: SourceText, tok: IToken): number {
  return tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset) ? source.text.length : tok.startOffset;
}

function syntaxDiagnostic(source: SourceText, e: SyntaxProblem): Diagnostic {
  const tok = e.token;
  const atEnd = tok.tokenType.name === 'EOF' || Number.isNaN(tok.startOffset);
  const offset = tokenOffset(source, tok);
  const end = atEnd ? offset : Math.max(offset + 1, tok.startOffset + tok.image.length);
  const hint = RULE_HINTS[e.rule] ?? 'check the line against the grammar (grammar/dazzle.ebnf)';
  return diag(atEnd ? 'DZ2002' : 'DZ2001', e.message, { span: source.span(offset, Math.min(end, source.text.length)), hint });
}

